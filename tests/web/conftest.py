"""Web fixtures: an in-process client per backend, and a real uvicorn server for the browser."""

from __future__ import annotations

import socket
import threading
import time
import warnings

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


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """uvicorn serving a fresh SQLite database in a thread: the base URL."""
    import uvicorn

    from demoscope.countries import registry
    from demoscope.methodology import nit
    from demoscope.services.setup import set_up_database
    from demoscope.store.db import get_engine
    from demoscope.web.app import create_app

    url = f"sqlite:///{tmp_path_factory.mktemp('live') / 'live.db'}"
    set_up_database(get_engine(url), nit(), registry())
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(url), host="127.0.0.1", port=port,
                                          log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(5)
