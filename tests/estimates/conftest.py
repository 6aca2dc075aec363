"""Fixtures of the estimates tests: a database per backend holding a published workflow edition
with several raters per cell and a next edition still in review, built once per module
through the services (tests/estimates/panel.py, which also holds the helpers: a second module
named ``conftest`` cannot be imported by name)."""

from __future__ import annotations

import os
import warnings

import pytest
from panel import built_database, fresh_url

warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)


def _backends() -> list:
    params = [pytest.param("sqlite", id="sqlite")]
    if os.environ.get("DEMOSCOPE_TEST_POSTGRES_URL"):
        params.append(pytest.param("postgres", id="postgres", marks=pytest.mark.postgres))
    return params


@pytest.fixture(scope="module", params=_backends())
def workflow_db(request, tmp_path_factory, worker_id_safe) -> dict:
    """``{"url", "year", "draft_year", "countries", "truth", "draft_truth"}``: a database whose
    ``year`` edition was run with the workflow and published (five reviewers proposed every
    cell) and whose ``draft_year`` edition is in review."""
    url = fresh_url(request.param, tmp_path_factory.mktemp("estimates"), worker_id_safe)
    return built_database(url)


@pytest.fixture(scope="module")
def client(workflow_db):
    from fastapi.testclient import TestClient

    from demoscope.web.app import create_app

    with TestClient(create_app(workflow_db["url"])) as c:
        yield c
