"""People's roles and the ONE table of permissions.

Nations in Transit's ratings were the consensus of Freedom House staff (editors), the report
authors, academic advisers and regional reviewers. demoscope's roles follow that process:

* **admin** manages people (and reads the audit log);
* **editor** opens editions, moves their state, sets consensus, confirms large changes,
  publishes and corrects; may also propose, comment and edit report drafts;
* **author** proposes ratings, comments and writes the report draft, for the assigned
  countries only;
* **reviewer** proposes and comments on any country of an open edition;
* **viewer** reads drafts.

Anonymous readers see published data only. :data:`PERMISSIONS` is the table the services check
and the table the test matrix is generated from (every write endpoint × every role).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    EDITOR = "editor"
    AUTHOR = "author"
    REVIEWER = "reviewer"
    VIEWER = "viewer"


class Action(StrEnum):
    """Everything a person may be allowed to do (reads of drafts included)."""

    MANAGE_USERS = "manage_users"
    OPEN_EDITION = "open_edition"
    MOVE_EDITION = "move_edition"
    PROPOSE = "propose"
    COMMENT = "comment"
    WRITE_REPORT = "write_report"
    SET_CONSENSUS = "set_consensus"
    CONFIRM = "confirm"
    PUBLISH = "publish"
    CORRECT = "correct"
    READ_DRAFTS = "read_drafts"
    READ_AUDIT = "read_audit"


class Scope(StrEnum):
    """How far a permission reaches: every country, or the person's assigned countries."""

    ANY = "any"
    ASSIGNED = "assigned"


A, S, R = Action, Scope, Role

#: action → {role: scope}. A role absent from an action's map may not do it (403).
PERMISSIONS: Mapping[Action, Mapping[Role, Scope]] = {
    A.MANAGE_USERS: {R.ADMIN: S.ANY},
    A.OPEN_EDITION: {R.EDITOR: S.ANY},
    A.MOVE_EDITION: {R.EDITOR: S.ANY},
    A.PROPOSE: {R.EDITOR: S.ANY, R.REVIEWER: S.ANY, R.AUTHOR: S.ASSIGNED},
    A.COMMENT: {R.EDITOR: S.ANY, R.REVIEWER: S.ANY, R.AUTHOR: S.ASSIGNED},
    A.WRITE_REPORT: {R.EDITOR: S.ANY, R.AUTHOR: S.ASSIGNED},
    A.SET_CONSENSUS: {R.EDITOR: S.ANY},
    A.CONFIRM: {R.EDITOR: S.ANY},
    A.PUBLISH: {R.EDITOR: S.ANY},
    A.CORRECT: {R.EDITOR: S.ANY},
    A.READ_DRAFTS: {R.ADMIN: S.ANY, R.EDITOR: S.ANY, R.AUTHOR: S.ANY, R.REVIEWER: S.ANY,
                    R.VIEWER: S.ANY},
    A.READ_AUDIT: {R.ADMIN: S.ANY, R.EDITOR: S.ANY},
}


def parse_role(text: str) -> Role:
    """A role from its name; ``ValueError`` naming the roles otherwise."""
    try:
        return Role(text.strip().lower())
    except ValueError:
        raise ValueError(f"role {text!r} is not one of: {', '.join(r.value for r in Role)}") from None


def allowed(role: Role | str, action: Action, iso3: str | None = None,
            countries: Iterable[str] = ()) -> bool:
    """Whether ``role`` may do ``action`` (on ``iso3``, for a country-scoped action)."""
    scope = PERMISSIONS[action].get(Role(role))
    if scope is None:
        return False
    if scope is Scope.ASSIGNED and iso3 is not None:
        return iso3 in set(countries)
    return True


def roles_allowed(action: Action) -> list[Role]:
    """The roles that may do ``action`` (on some country), in the enum's order."""
    return [r for r in Role if r in PERMISSIONS[action]]


class Actor:
    """Who does something: a person's name, role and assigned countries (never a secret)."""

    __slots__ = ("countries", "role", "username")

    def __init__(self, username: str, role: Role | str, countries: Iterable[str] = ()) -> None:
        self.username = username
        self.role = Role(role)
        self.countries = tuple(countries)

    def __repr__(self) -> str:
        return f"Actor({self.username!r}, {self.role.value!r})"

    def may(self, action: Action, iso3: str | None = None) -> bool:
        return allowed(self.role, action, iso3, self.countries)
