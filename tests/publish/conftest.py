"""Fixtures for publication tests: a reader over the test database, a fictional draft."""

from __future__ import annotations

import pytest

from demoscope.publish.model import DraftFootnote, ReportDraft


@pytest.fixture(scope="session")
def builtin_url(tmp_path_factory) -> str:
    """One SQLite database with the built-in dataset, shared by the tests that only read
    (rendering does not depend on the backend; the round trip runs on every backend)."""
    from demoscope.countries import registry
    from demoscope.methodology import nit
    from demoscope.services.setup import set_up_database
    from demoscope.store.db import get_engine

    url = f"sqlite:///{tmp_path_factory.mktemp('publish') / 'builtin.db'}"
    set_up_database(get_engine(url), nit(), registry())
    return url


@pytest.fixture
def read(builtin_url):
    """A reader over the shared built-in database: for tests that never write."""
    from demoscope.store.reads import reader_for_url

    return reader_for_url(builtin_url)


@pytest.fixture
def read_db(db_url):
    """A reader over this test's own database (every backend): for tests that write."""
    from demoscope.store.reads import reader_for_url

    return reader_for_url(db_url)


@pytest.fixture
def draft() -> ReportDraft:
    """A fictional author's draft (invented prose, no real report's sentences)."""
    return ReportDraft(
        authors=("Ada Example", "Ben Sample"),
        executive_summary="An invented opening paragraph for a test report, written for the "
        "test suite only.[1]\n\nA second invented paragraph that says nothing about any real "
        "country, with *emphasis* and a <script>alert(1)</script> that must stay text.",
        category_summaries={
            "EP": "The invented electoral commission changed the ballot design late in the "
                  "year and published the count weeks after the vote.[2]",
            "CS": "Invented associations registered without a fee, and a small grants fund "
                  "began to pay out to neighbourhood groups.[3]",
        },
        sections={
            "EP": "An invented section on elections with a citation.[2]\n\nIts second "
                  "paragraph cites the first source again.[1]",
            "CO": "An invented section on corruption, citing nothing.",
        },
        outlook="An invented outlook: the next vote is expected to test the new rules.",
        footnotes=(DraftFootnote(1, "Invented Institute, *A Made-Up Survey* (Nowhere: Test "
                                    "Press, 2007)."),
                   DraftFootnote(2, "Invented Commission, Notes on a Vote, 2007."),
                   DraftFootnote(3, "Registry of Invented Associations, Bulletin 2007.")),
    )
