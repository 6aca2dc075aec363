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


def default_releases_dir() -> Path:
    """``./releases`` when it exists (beside a project-local database), else ``releases`` in
    the user data dir: where ``demoscope release`` writes and the web site's data page looks."""
    local = Path.cwd() / "releases"
    if local.is_dir():
        return local
    from platformdirs import user_data_dir

    return Path(user_data_dir("demoscope", appauthor=False)) / "releases"


@dataclass(frozen=True)
class Settings:
    database_url: str
    methodology: str
    releases_dir: Path

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def get_settings() -> Settings:
    """Current settings. ``DEMOSCOPE_DATABASE_URL`` (SQLAlchemy URL), ``DEMOSCOPE_METHODOLOGY``
    (a built-in name such as ``nit`` or a path to a TOML file) and ``DEMOSCOPE_RELEASES_DIR``
    (the folder of data releases; default :func:`default_releases_dir`)."""
    url = os.environ.get("DEMOSCOPE_DATABASE_URL")
    if not url:
        url = f"sqlite:///{default_database_path()}"
    releases = os.environ.get("DEMOSCOPE_RELEASES_DIR")
    return Settings(database_url=url, methodology=os.environ.get("DEMOSCOPE_METHODOLOGY", "nit"),
                    releases_dir=Path(releases) if releases else default_releases_dir())
