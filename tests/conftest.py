"""Shared fixtures: the real data folder (skipped when absent) and real databases.

Database tests run on a SQLite file in a temp dir, and again on PostgreSQL when
``DEMOSCOPE_TEST_POSTGRES_URL`` is set (``.ci/run`` starts one on loopback).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

REPO = Path(__file__).resolve().parents[1]

# Property tests check results, never speed (speed lives in bench/): no per-example deadline,
# which failed at random on a busy 2-core machine.
settings.register_profile("demoscope", deadline=None)
settings.load_profile("demoscope")


def shared_dir() -> Path:
    """``../shared`` beside the checkout (or ``DEMOSCOPE_SHARED``)."""
    return Path(os.environ.get("DEMOSCOPE_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def shared() -> Path:
    path = shared_dir()
    if not (path / "data" / "nit_ratings.csv").exists():
        pytest.skip(f"real data folder {path} is absent")
    return path


def _backends() -> list:
    params = [pytest.param("sqlite", id="sqlite")]
    if os.environ.get("DEMOSCOPE_TEST_POSTGRES_URL"):
        params.append(pytest.param("postgres", id="postgres", marks=pytest.mark.postgres))
    return params


def postgres_url_for_worker(worker: str) -> str:
    """One PostgreSQL database per pytest-xdist worker, created on first use, so that
    parallel workers never reset each other's schema."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(os.environ["DEMOSCOPE_TEST_POSTGRES_URL"].replace(
        "postgresql://", "postgresql+psycopg://", 1))
    name = f"{base.database}_{worker}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def _reset_postgres(url: str) -> None:
    from sqlalchemy import text

    from demoscope.store.db import get_engine

    engine = get_engine(url)
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL lock_timeout = '30s'"))  # a leaked transaction fails, not hangs
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def worker_id_safe(request) -> str:
    return getattr(request.config, "workerinput", {}).get("workerid", "main")


@pytest.fixture(params=_backends())
def empty_db_url(request, tmp_path, worker_id_safe) -> str:
    """A URL to an empty database on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    url = postgres_url_for_worker(worker_id_safe)
    _reset_postgres(url)
    return url


@pytest.fixture
def db_url(empty_db_url) -> str:
    """A URL to a database initialised with the built-in dataset, fresh for each test."""
    from demoscope.countries import registry
    from demoscope.methodology import nit
    from demoscope.services.setup import set_up_database
    from demoscope.store.db import get_engine

    set_up_database(get_engine(empty_db_url), nit(), registry())
    return empty_db_url


@pytest.fixture
def engine(db_url):
    from demoscope.store.db import get_engine

    return get_engine(db_url)


@pytest.fixture
def cli(db_url, monkeypatch, capsysbinary):
    """Run ``demoscope ARGS`` in-process against the test database: (exit code, stdout, stderr)."""
    from cli_runner import cli_runner

    run = cli_runner(monkeypatch, capsysbinary, db_url)
    run.bytes = lambda: capsysbinary.readouterr().out  # type: ignore[attr-defined]
    return run


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium through Playwright (headless; never ``playwright install``)."""
    from playwright.sync_api import sync_playwright

    from browser_env import CHROMIUM

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield b
        b.close()
