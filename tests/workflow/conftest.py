"""Workflow fixtures: an in-process HTTP client over a fresh database (both backends)."""

from __future__ import annotations

import warnings

import pytest

warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)


@pytest.fixture
def app(db_url):
    from demoscope.web.app import create_app

    return create_app(db_url)


@pytest.fixture
def client(app):
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        yield c
