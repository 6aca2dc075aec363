"""The schema revision of a database against the revisions this demoscope knows.

Every command checks it before it reads or writes (:func:`check`): a database whose schema is
newer than the program (written by a later demoscope) is refused in one line naming both
revisions, since this demoscope would misread it or write what the newer schema forbids; an
older one is upgraded by ``demoscope db upgrade`` (Alembic migrations, shipped in the
package). The revisions are read from the migration files themselves (their ``revision`` and
``down_revision`` lines), not from Alembic, so that the check costs ``demoscope show`` one
query and no import; ``tests/store`` checks that both agree.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from demoscope.errors import ConfigError, DatabaseError
from demoscope.store import reads
from demoscope.store.access import redact

VERSIONS = Path(__file__).parent / "migrations" / "versions"
_REVISION = re.compile(r"""^(down_revision|revision)\s*(?::[^=]*)?=\s*["']?([\w.-]+|None)["']?""",
                       re.M)


@cache
def known_revisions() -> tuple[str, ...]:
    """The revisions of the shipped migrations, oldest first; the last is the head."""
    parent: dict[str, str | None] = {}
    for path in VERSIONS.glob("*.py"):
        found = dict((k, v) for k, v in _REVISION.findall(path.read_text(encoding="utf-8")))
        if "revision" in found:
            down = found.get("down_revision")
            parent[found["revision"]] = None if down in (None, "None") else down
    children = {p: r for r, p in parent.items()}
    chain: list[str] = []
    at = children.get(None)
    while at is not None:
        chain.append(at)
        at = children.get(at)
    if len(chain) != len(parent):  # two heads or a gap: a packaging error, say so plainly
        raise ConfigError(f"the shipped migrations do not form one chain: {sorted(parent)}")
    return tuple(chain)


def head() -> str:
    """The revision this demoscope's schema is at."""
    return known_revisions()[-1]


def check(read: reads.Reader, url: str, *, allow_empty: bool = False,
          allow_older: bool = False) -> str | None:
    """The database's schema revision, refusing (one line each) an empty database unless
    ``allow_empty``, a database that is not demoscope's, a newer revision, and an older one
    unless ``allow_older`` (``db init`` and ``db upgrade`` migrate it). None: empty."""
    tables = set(reads.table_names(read))
    where = redact(url)
    if "alembic_version" not in tables:
        if not tables:
            if allow_empty:
                return None
            raise ConfigError(f"the database at {where} is not initialised: run "
                              "'demoscope db init' first")
        shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
        raise DatabaseError(f"the database at {where} is not a demoscope database (it holds "
                            f"other tables: {shown}); give demoscope a database of its own",
                            field="database")
    revision = reads.schema_revision(read)
    known = known_revisions()
    if revision is None:
        if allow_empty:
            return None
        raise ConfigError(f"the database at {where} is not initialised: run "
                          "'demoscope db init' first")
    if revision == known[-1]:
        return revision
    if revision in known:
        if allow_older:
            return revision
        raise DatabaseError(f"the database at {where} has schema revision {revision}, older than "
                            f"this demoscope's {known[-1]}: run 'demoscope db upgrade'",
                            field="database")
    raise DatabaseError(f"the database at {where} has schema revision {revision}, newer than "
                        f"this demoscope's {known[-1]}: it was written by a newer demoscope; "
                        "upgrade demoscope to use it", field="database")
