"""The checks every workflow use case starts with, and the audit entry it ends with.

``require`` applies the one permissions table (:data:`demoscope.workflow.roles.PERMISSIONS`):
no person → :class:`~demoscope.errors.Unauthorized` (401), a role or country the table does
not allow → :class:`~demoscope.errors.Forbidden` (403). ``audit`` appends the log entry in the
use case's own write transaction, so an entry exists exactly when the write committed.
"""

from __future__ import annotations

import json
from typing import Any

from demoscope.errors import Forbidden, Unauthorized
from demoscope.store import writes
from demoscope.workflow.roles import Action, Actor, roles_allowed


def require(actor: Actor | None, action: Action, iso3: str | None = None) -> Actor:
    """The actor, if the permissions table lets them do ``action`` (on ``iso3``)."""
    if actor is None:
        raise Unauthorized("log in or send a token (Authorization: Bearer ...)")
    if not actor.may(action, iso3):
        who = ", ".join(r.value for r in roles_allowed(action))
        where = f" for {iso3}" if iso3 and actor.role.value in who else ""
        raise Forbidden(f"{actor.username} ({actor.role.value}) may not {action.value.replace('_', ' ')}"
                        f"{where}: allowed to {who}" + (" (assigned countries only for authors)"
                                                        if where else ""))
    return actor


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True,
                                                  default=str)


def audit(tx: writes.WriteTransaction, username: str, action: str, obj: str, *,
          edition: int | None = None, iso3: str | None = None, before: Any = None,
          after: Any = None) -> None:
    """Append one audit entry (who, action, object, before, after) in the open transaction."""
    writes.add_audit(tx.session, username, action, obj, edition, iso3, _json(before), _json(after))
