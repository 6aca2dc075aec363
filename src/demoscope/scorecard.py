"""The scorecard of one country in one edition: ratings, scores, regime and changes.

One function feeds ``demoscope show --json`` and ``GET /api/v1/countries/{iso3}/editions/{year}``
so the two can never disagree. The dictionary it returns is a stable contract::

    {"country", "iso3", "edition", "direction", "ratings": {"EP": 6.75, ...},
     "democracy_score": 6.39, "democracy_percentage": 10.12, "regime": "...",
     "changes": [{"category", "from", "to", "verb", "sentence"}], ...}

Values are on the edition's own published scale unless a direction is asked for.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from demoscope.countries import registry
from demoscope.errors import NotFound, UnknownCountry
from demoscope.methodology import Direction, Edition, Methodology, fmt
from demoscope.scoring import change_sentence, change_verb, classify, democracy_score, percentage
from demoscope.store import queries
from demoscope.store.queries import Reader


def _num(value: Fraction | None) -> float | None:
    """A JSON number as printed (two decimals): quarter points are exact in binary floats."""
    return None if value is None else float(fmt(value))


def previous_with_data(years: list[int], m: Methodology, year: int) -> Edition | None:
    """The latest earlier edition in which the country has ratings (changes compare to it)."""
    earlier = [y for y in years if y < year]
    return m.edition(max(earlier)) if earlier else None


def rating_changes(m: Methodology, name: str, ed: Edition, values: dict[str, Fraction],
                   prev: Edition, before: dict[str, Fraction], target: Direction
                   ) -> list[dict[str, Any]]:
    """Each category rated in both editions, old → new on ``target``, with the verb and the
    closing sentence in the reports' wording (``name`` as the edition prints the country).

    One function for the scorecard, the API's ``/changes`` and the pages, so the wording can
    never differ between them.
    """
    out = []
    for cat in ed.categories:
        if cat not in values or cat not in before:
            continue
        new = m.to_direction(values[cat], ed.direction, target)
        old = m.to_direction(before[cat], prev.direction, target)
        verb = change_verb(m, target, old, new)
        out.append({
            "category": cat, "from": _num(old), "to": _num(new), "verb": verb,
            "sentence": change_sentence(name, m.category_name(cat, ed), old, new, verb),
        })
    return out


def build_scorecard(read: Reader, m: Methodology, iso3: str, year: int | None = None,
                    direction: Direction | str | None = None) -> dict[str, Any]:
    """The scorecard dictionary (see module docstring). ``year`` defaults to the latest edition
    with data for the country; ``direction`` to the edition's own."""
    found = queries.country(read, iso3)
    if found is None:
        raise UnknownCountry(iso3)
    iso3, cname = found[0], found[1]
    years = queries.country_years(read, m.code, iso3)
    if year is None:
        if not years:
            raise NotFound(f"no ratings for {cname} in the database")
        year = years[-1]
    ed = m.edition(year)
    values = queries.row(read, m.code, iso3, ed.year)
    if not values:
        have = ", ".join(str(y) for y in years) or "none"
        raise NotFound(f"no ratings for {cname} in the {ed.year} edition "
                       f"(editions with data: {have})", field="edition")
    target = m.scale.parse_direction(direction) if direction else ed.direction
    conv = {k: m.to_direction(v, ed.direction, target) for k, v in values.items()}
    ordered = {k: conv[k] for k in ed.categories if k in conv}
    score = democracy_score(m, ed, values, target)
    regime = classify(m, score) if score.complete else None
    published = queries.published(read, m.code, iso3, ed.year)
    reg = registry().find(iso3)
    name = reg.name_in(ed.year) if reg else cname
    prev = previous_with_data(years, m, ed.year)
    changes = (rating_changes(m, name, ed, values, prev, queries.row(read, m.code, iso3, prev.year),
                              target) if prev is not None else [])
    pub_ds = published.get(m.score.code)
    out: dict[str, Any] = {
        "country": cname,
        "iso3": iso3,
        "edition": ed.year,
        "direction": m.direction_label(target),
        "ratings": {k: _num(v) for k, v in ordered.items()},
        "democracy_score": float(score.printed) if score.complete else None,
        "democracy_percentage": (float(percentage(m, score.mean, target))
                                 if score.complete else None),
        "regime": regime.name if regime else None,
        "changes": changes,
        "complete": score.complete,
        "missing": list(score.missing),
        "previous_edition": prev.year if prev else None,
        "published_democracy_score": (
            _num(m.to_direction(pub_ds[0], ed.direction, target)) if pub_ds else None),
        "quirk": pub_ds[1] if pub_ds else None,
        "regime_rule": regime.rule if regime else None,
        "regime_rules_agree": regime.agrees if regime else None,
        "edition_direction": m.direction_label(ed.direction),
        "methodology": m.code,
    }
    return out
