"""A team of every role, made through the API the way an admin would (helpers for the tests)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

PASSWORD = "correct horse battery staple"

#: name → (role, countries)
MEMBERS: dict[str, tuple[str, list[str]]] = {
    "root": ("admin", []),
    "ed1": ("editor", []),
    "ed2": ("editor", []),
    "ana": ("author", ["A"]),
    "bo": ("author", ["B"]),
    "rev": ("reviewer", []),
    "vic": ("viewer", []),
}


def first_admin(engine, name: str = "root") -> None:
    """The console makes the first admin (as ``demoscope user add`` without --as does)."""
    from demoscope.services.users import add_user

    add_user(engine, None, name, "admin", PASSWORD, console=True)


def token(client, name: str, password: str = PASSWORD) -> str:
    r = client.post("/api/v1/auth/token", json={"username": name, "password": password})
    assert r.status_code == 201, r.text
    assert set(r.json()) == {"token", "expires_at"}
    return r.json()["token"]


def bearer(tok: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {tok}"} if tok else {}


def make_team(client, engine, countries: dict[str, str]) -> dict[str, str]:
    """Every role through ``POST /api/v1/users`` (authors get ``countries["A"]`` /
    ``countries["B"]``); returns name → token."""
    first_admin(engine)
    admin = token(client, "root")
    tokens = {"root": admin}
    for name, (role, placeholders) in MEMBERS.items():
        if name == "root":
            continue
        body: dict[str, Any] = {"username": name, "role": role, "password": PASSWORD,
                                "countries": [countries[p] for p in placeholders]}
        r = client.post("/api/v1/users", json=body, headers=bearer(admin))
        assert r.status_code == 201, r.text
        assert r.json()["role"] == role and "password" not in r.text
        tokens[name] = token(client, name)
    return tokens


def one_best_countries(read, m, n: int = 2, exclude: Iterable[str] = ()) -> list[tuple[str, int]]:
    """``n`` countries whose latest edition with data is on the low-best (1-best) scale, with
    that edition (the issue's end-to-end scenario)."""
    from demoscope.methodology import Direction
    from demoscope.store import reads

    out = []
    for iso3, years in sorted(reads.rated_years(read, m.code).items()):
        if iso3 in exclude:
            continue
        last = m.edition(years[-1])
        if last.direction is Direction.LOW_BEST and len(reads.row(read, m.code, iso3, last.year)) \
                == len(last.categories):
            out.append((iso3, last.year))
    return out[:n]
