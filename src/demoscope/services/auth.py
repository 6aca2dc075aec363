"""Logging in: API tokens and web sessions, and the refusal of password guessing.

A token or session is a random secret (``secrets.token_urlsafe``) handed to the client once;
the database keeps only its SHA-256, so a copy of the database holds no usable credential.
A session also carries the CSRF token its forms must echo. After :data:`MAX_FAILURES` failed
logins for one user within :data:`WINDOW`, every login for that user is refused with 429
(correct password or not) until the window has passed. Credentials and failures change no
data, so they are written without bumping the data version (:func:`writes.auth_transaction`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine

from demoscope.errors import TooManyAttempts, Unauthorized
from demoscope.services.users import hash_password, verify_password
from demoscope.store import reads, writes
from demoscope.store.models import utcnow
from demoscope.workflow.roles import Actor

MAX_FAILURES = 10
WINDOW = timedelta(minutes=1)
TOKEN_LIFETIME = timedelta(days=30)
SESSION_LIFETIME = timedelta(hours=12)
#: Verified when the user does not exist, so a wrong name costs as long as a wrong password.
_DUMMY: list[str] = []


@dataclass(frozen=True)
class Issued:
    """A new credential: the secret (shown once), when it expires, and the session's CSRF token."""

    secret: str
    expires_at: datetime
    csrf: str
    actor: Actor


def digest(secret: str) -> str:
    """The SHA-256 of a token or session secret: what the database keeps instead of it."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _throttled(read: reads.Reader, username: str, now: datetime) -> int | None:
    """Seconds until a login for ``username`` is allowed again, or None."""
    times = [reads.utc(t) for t in reads.recent_login_failures(read, username, MAX_FAILURES)]
    recent = [t for t in times if t is not None and now - t < WINDOW]
    if len(recent) < MAX_FAILURES:
        return None
    return max(1, int((min(recent) + WINDOW - now).total_seconds()) + 1)


def login(engine: Engine, read: reads.Reader, username: str, password: str, kind: str = "token"
          ) -> Issued:
    """Check a password and issue a token (``kind="token"``) or a web session.

    401 for an unknown user, a disabled one or a wrong password (the same message for all);
    429 after too many failures."""
    name = (username or "").strip().lower()
    # the throttle's key: login_failures holds 64 characters, the longest user name; a longer
    # name is nobody's (never the user its first 64 characters name)
    key = name[:64]
    now = utcnow()
    wait = _throttled(read, key, now)
    if wait is not None:
        raise TooManyAttempts(f"too many failed logins for {key!r}: try again in {wait} s", wait)
    user = reads.user_by_name(read, name) if len(name) <= 64 else None
    if user is None:
        if not _DUMMY:
            _DUMMY.append(hash_password(secrets.token_hex(8)))
        verify_password(_DUMMY[0], password or "")
        ok = False
    else:
        ok = verify_password(user.password_hash, password or "") and not user.disabled
    if not ok or user is None:
        with writes.auth_transaction(engine) as tx:
            writes.add_login_failure(tx.session, key)
            writes.delete_login_failures(tx.session, now - WINDOW * 10)
        raise Unauthorized("wrong username or password", field="password")
    secret = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(24) if kind == "session" else ""
    expires = now + (SESSION_LIFETIME if kind == "session" else TOKEN_LIFETIME)
    with writes.auth_transaction(engine) as tx:
        writes.add_credential(tx.session, user.id, kind, digest(secret), csrf, expires)
        writes.delete_expired_credentials(tx.session, now)
    return Issued(secret, expires, csrf, Actor(user.username, user.role, user.countries))


@dataclass(frozen=True)
class Authenticated:
    actor: Actor
    kind: str
    csrf: str


def authenticate(read: reads.Reader, secret: str | None, kind: str | None = None
                 ) -> Authenticated | None:
    """The person a token or session secret belongs to (None: unknown, expired, disabled,
    or of another ``kind``). Read-only."""
    if not secret:
        return None
    found = reads.credential(read, digest(secret))
    if found is None or found.user.disabled or (kind is not None and found.kind != kind):
        return None
    expires = reads.utc(found.expires_at)
    if expires is None or expires <= utcnow():
        return None
    u = found.user
    return Authenticated(Actor(u.username, u.role, u.countries), found.kind, found.csrf)


def logout(engine: Engine, secret: str | None) -> None:
    """End a session or revoke a token (nothing happens for an unknown secret)."""
    if secret:
        with writes.auth_transaction(engine) as tx:
            writes.delete_credential(tx.session, digest(secret))


def same(a: str | None, b: str | None) -> bool:
    """Constant-time comparison of two tokens (False when either is missing)."""
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))
