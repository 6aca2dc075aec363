"""Schemathesis over the OpenAPI spec: generated requests to every GET operation never get a
server error, and answers match the documented status codes, content types and schemas.
Bounded (a dozen examples per operation) so it stays a test, not a soak.

Driven through schemathesis' Python API with hypothesis directly (its pytest plugin does not
run under the pytest version used here)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings


def _operations() -> list[str]:
    from demoscope.web.app import create_app

    spec = create_app("sqlite:///spec-only.db").openapi()  # the spec needs no database
    return [f"GET {path}" for path, ops in spec["paths"].items() if "get" in ops]


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory):
    from demoscope.countries import registry
    from demoscope.methodology import nit
    from demoscope.services.setup import set_up_database
    from demoscope.store.db import get_engine
    from demoscope.web.app import create_app

    url = f"sqlite:///{tmp_path_factory.mktemp('schema') / 'schema.db'}"
    set_up_database(get_engine(url), nit(), registry())
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app(url))


@pytest.mark.parametrize("label", _operations())
def test_api_conforms_to_its_spec(api_schema, label):
    method, path = label.split(" ", 1)
    operation = api_schema[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=12, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case):
        case.call_and_validate()

    check()
