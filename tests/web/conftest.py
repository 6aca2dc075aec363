"""Web fixtures: an in-process client per backend, and a real uvicorn server for the browser."""

from __future__ import annotations

import socket
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)


@pytest.fixture
def client(db_url):
    from fastapi.testclient import TestClient

    from demoscope.web.app import create_app

    with TestClient(create_app(db_url)) as c:
        yield c


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(app) -> Iterator[str]:
    """uvicorn serving ``app`` on a free loopback port in a thread: the base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(5)


@pytest.fixture(scope="module")
def serve():
    """``serve(app)``: a context manager running ``app`` on loopback (see :func:`serving`)."""
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
