"""People: adding, disabling and listing them, and their passwords (argon2).

Passwords are hashed with argon2id (argon2-cffi's defaults); the hash is the only thing kept.
Managing people is the admin's (the CLI, run by whoever holds the database, may also act as
the console when no admin exists yet).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from sqlalchemy import Engine

from demoscope.errors import ConflictError, InvalidRating, NotFound, UnknownCountry
from demoscope.services.access import audit, require
from demoscope.store import reads, writes
from demoscope.workflow.roles import Action, Actor, Role, parse_role

#: What the audit log records as the person when the CLI acts without ``--as``.
CONSOLE = "console"
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 10


@cache
def hasher():  # type: ignore[no-untyped-def]
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (salted; the only thing stored)."""
    return str(hasher().hash(password))


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches (constant-time inside argon2)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(hasher().verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def check_username(name: str) -> str:
    """A username normalised to lower case, or :class:`InvalidRating` naming the rule."""
    n = name.strip().lower()
    if not USERNAME.match(n):
        raise InvalidRating(f"username {name!r}: 2–64 characters, lower-case letters, digits, "
                            "'.', '_' or '-', starting with a letter or digit", field="username")
    return n


def check_password(password: str) -> str:
    """The password, if long enough (argon2 hashes any length; short ones are guessable)."""
    if len(password) < MIN_PASSWORD:
        raise InvalidRating(f"password: at least {MIN_PASSWORD} characters", field="password")
    return password


def add_user(engine: Engine, actor: Actor | None, username: str, role: str, password: str,
             countries: Iterable[str] = (), *, console: bool = False) -> reads.UserRecord:
    """Add a person. ``actor`` must be an admin, unless ``console`` (the CLI without ``--as``).
    Authors need their countries (known ISO codes); other roles take none."""
    name = check_username(username)
    try:
        r = parse_role(role)
    except ValueError as exc:
        raise InvalidRating(str(exc), field="role") from None
    codes = sorted({c.strip().upper() for c in countries if c.strip()})
    if r is Role.AUTHOR and not codes:
        raise InvalidRating("an author needs --countries (the countries they write)",
                            field="countries")
    if r is not Role.AUTHOR and codes:
        raise InvalidRating(f"only authors have assigned countries, not a {r.value}",
                            field="countries")
    digest = hash_password(check_password(password))  # slow: before the lock
    who = CONSOLE if console else require(actor, Action.MANAGE_USERS).username
    with writes.write_transaction(engine) as tx:
        for c in codes:
            if not reads.has_country(tx.read, c):
                raise UnknownCountry(c)
        if reads.user_by_name(tx.read, name) is not None:
            raise ConflictError(f"user {name!r} exists already", field="username")
        writes.add_user(tx.session, name, r.value, ",".join(codes), digest)
        audit(tx, who, "user.add", f"user {name}",
              after={"username": name, "role": r.value, "countries": codes})
        found = reads.user_by_name(tx.read, name)
    assert found is not None
    return found


def disable_user(engine: Engine, actor: Actor | None, username: str, *, console: bool = False
                 ) -> None:
    """Disable a person: they can no longer log in, and their tokens and sessions end."""
    name = username.strip().lower()
    who = CONSOLE if console else require(actor, Action.MANAGE_USERS).username
    with writes.write_transaction(engine) as tx:
        user = reads.user_by_name(tx.read, name)
        if user is None:
            raise NotFound(f"no user {name!r}", field="username")
        writes.set_user_disabled(tx.session, user.id, True)
        writes.delete_user_credentials(tx.session, user.id)
        audit(tx, who, "user.disable", f"user {name}", before={"disabled": user.disabled},
              after={"disabled": True})


def actor_named(read: reads.Reader, username: str) -> Actor:
    """The enabled person called ``username`` as an :class:`Actor` (the CLI's ``--as``)."""
    from demoscope.errors import Unauthorized

    user = reads.user_by_name(read, username.strip().lower())
    if user is None or user.disabled:
        raise Unauthorized(f"no enabled user {username!r}: see 'demoscope user list'")
    return Actor(user.username, user.role, user.countries)
