"""Settings, read once from the environment (``DEMOSCOPE_*``)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DB_FILENAME = "demoscope.db"


def default_database_path() -> Path:
    """``./demoscope.db`` when it exists (a project-local database wins), else the user data dir.

    Why: a team working in a checkout expects the database beside it; an analyst who installed
    the package expects one place that survives ``cd``.
    """
    local = Path.cwd() / DEFAULT_DB_FILENAME
    if local.exists():
        return local
    from platformdirs import user_data_dir

    return Path(user_data_dir("demoscope", appauthor=False)) / DEFAULT_DB_FILENAME


@dataclass(frozen=True)
class Settings:
    database_url: str
    methodology: str

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def get_settings() -> Settings:
    """Current settings. ``DEMOSCOPE_DATABASE_URL`` (SQLAlchemy URL) and ``DEMOSCOPE_METHODOLOGY``
    (a built-in name such as ``nit`` or a path to a TOML file)."""
    url = os.environ.get("DEMOSCOPE_DATABASE_URL")
    if not url:
        url = f"sqlite:///{default_database_path()}"
    return Settings(database_url=url, methodology=os.environ.get("DEMOSCOPE_METHODOLOGY", "nit"))
