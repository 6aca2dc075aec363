"""demoscope.store.reads: the read gateway, on both backends and through both readers."""

from __future__ import annotations

from fractions import Fraction

import pytest

from demoscope.dataset import DATASET_VERSION
from demoscope.errors import ConfigError
from demoscope.store import reads
from demoscope.store.db import get_engine


@pytest.fixture(params=["url", "engine"])
def read(request, db_url):
    """The reader a URL gets (stdlib sqlite3 for SQLite files) and the SQLAlchemy one."""
    return reads.reader_for_url(db_url) if request.param == "url" else reads.EngineReader(get_engine(db_url))


def test_rows_and_years(read):
    assert reads.row(read, "nit", "KAZ", 2008)["CS"] == Fraction("5.50")
    years = reads.country_years(read, "nit", "KAZ")
    assert years == sorted(years) and 2008 in years
    by_year = reads.edition_rows(read, "nit", 2008, ["KAZ", "EST"])
    assert set(by_year[2008]) == {"KAZ", "EST"} and max(by_year) == 2008
    assert reads.country_rows(read, "nit", "KAZ")[2008] == reads.row(read, "nit", "KAZ", 2008)


def test_published_scores_and_cells(read):
    assert reads.published(read, "nit", "KAZ", 2008)["DS"][0] == Fraction("6.39")
    eid = reads.edition_ids(read, "nit")[2008]
    cell = reads.rating_cell(read, "KAZ", eid, "EP")
    assert cell is not None and cell.value == Fraction("6.75") and cell.source == "built-in dataset"
    assert reads.rating_cell(read, "KAZ", eid, "GOV") is None


def test_data_version(read):
    v = reads.data_version(read)
    assert v.dataset == DATASET_VERSION and v.serial >= 1 and v.label.startswith(DATASET_VERSION)


def test_missing_sqlite_file_is_a_clear_error(tmp_path):
    read = reads.reader_for_url(f"sqlite:///{tmp_path / 'none.db'}")
    with pytest.raises(ConfigError, match="demoscope db init"):
        reads.data_version(read)
    assert not (tmp_path / "none.db").exists()  # read-only: it never creates the file
