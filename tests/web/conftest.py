"""Web fixtures: an in-process client per backend, and a real uvicorn server for the browser."""

from __future__ import annotations

import warnings

import pytest

from uvicorn_thread import serving

warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)


@pytest.fixture
def client(db_url):
    from fastapi.testclient import TestClient

    from demoscope.web.app import create_app

    with TestClient(create_app(db_url)) as c:
        yield c


@pytest.fixture(scope="module")
def serve():
    """``serve(app)``: a context manager running ``app`` on loopback (see
    :func:`uvicorn_thread.serving`)."""
    return serving


@pytest.fixture(scope="module")
def built_in_url(tmp_path_factory) -> str:
    """A fresh SQLite database with the built-in dataset, for a module's server."""
    from demoscope.countries import registry
    from demoscope.methodology import nit
    from demoscope.services.setup import set_up_database
    from demoscope.store.db import get_engine

    url = f"sqlite:///{tmp_path_factory.mktemp('live') / 'live.db'}"
    set_up_database(get_engine(url), nit(), registry())
    return url


@pytest.fixture(scope="module")
def live_server(built_in_url):
    """uvicorn serving a fresh SQLite database in a thread: the base URL."""
    from demoscope.web.app import create_app

    with serving(create_app(built_in_url)) as url:
        yield url
