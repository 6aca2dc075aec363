"""Country names resolve by ISO code (alpha-3 or alpha-2), name or alias; unknown names get
the closest suggestions."""

from __future__ import annotations

import pytest

from demoscope.countries import registry, resolve
from demoscope.errors import UnknownCountry


@pytest.mark.parametrize("text,iso3", [
    ("KAZ", "KAZ"), ("kaz", "KAZ"), ("kz", "KAZ"), ("Kazakhstan", "KAZ"),
    ("Kyrgyz Republic", "KGZ"), ("Macedonia", "MKD"), ("North Macedonia", "MKD"),
    ("XK", "XKX"), ("Kosovo", "XKX"), ("RS", "SRB"), ("the Czech Republic", "CZE"),
])
def test_resolves(text, iso3):
    assert resolve(text).iso3 == iso3


def test_every_country_has_distinct_codes():
    reg = registry()
    assert len(reg) == 29
    assert len({c.iso2 for c in reg}) == 29 and all(len(c.iso2) == 2 for c in reg)


def test_unknown_suggests_the_closest():
    with pytest.raises(UnknownCountry) as exc:
        resolve("Kazakstan")
    assert exc.value.suggestions[0] == "Kazakhstan"
    assert exc.value.field == "country"
