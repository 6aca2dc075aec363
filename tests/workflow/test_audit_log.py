"""The audit log is append-only: the database itself refuses to change or delete an entry
(on SQLite and PostgreSQL), and an entry exists exactly when its write committed."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from team import PASSWORD

from demoscope.errors import InvalidRating
from demoscope.services import users
from demoscope.store import reads
from demoscope.store.db import get_engine


def test_entries_cannot_be_changed_or_deleted(db_url):
    engine = get_engine(db_url)
    users.add_user(engine, None, "root", "admin", PASSWORD, console=True)
    read = reads.reader_for_url(db_url)
    [entry] = reads.audit_entries(read)
    assert (entry.username, entry.action, entry.object) == ("console", "user.add", "user root")
    for sql in ("UPDATE audit_log SET username = 'someone else'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(sql))
    assert reads.audit_entries(read) == [entry]


def test_a_refused_write_leaves_no_entry(db_url):
    engine = get_engine(db_url)
    with pytest.raises(InvalidRating):
        users.add_user(engine, None, "x", "admin", PASSWORD, console=True)  # name too short
    with pytest.raises(InvalidRating):
        users.add_user(engine, None, "somebody", "author", PASSWORD, console=True)  # no countries
    assert reads.audit_entries(reads.reader_for_url(db_url)) == []
