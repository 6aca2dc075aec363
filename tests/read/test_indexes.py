"""demoscope.read.indexes: countries, editions, the methodology in brief."""

from __future__ import annotations

import tomllib
from importlib import resources

from facts import countries_in, ratings_in

from demoscope.read.indexes import countries, edition_coverage, editions, methodology_summary


def test_countries_and_editions(read, m):
    cs = countries(read, m)
    assert len(cs) == 29 and [c["country"] for c in cs] == sorted(c["country"] for c in cs)
    kgz = next(c for c in cs if c["iso3"] == "KGZ")
    assert "Kyrgyz Republic" in kgz["aliases"] and 2008 in kgz["editions"]
    eds = {e["edition"]: e for e in editions(read, m)}
    cover = {e["edition"]: e for e in edition_coverage(read, m)}
    assert eds[2008]["countries"] == len(cover[2008]["countries"]) == len(countries_in(2008))
    assert cover[2008]["ratings"] == ratings_in(2008) and eds[1995]["countries"] == 0


def test_methodology_summary_bands_match_the_file(m):
    raw = tomllib.loads((resources.files("demoscope") / "methodologies" / "nit.toml").read_text())
    got = methodology_summary(m)["bands"]
    for band, want in zip(got, raw["bands"], strict=True):
        assert band["1_best"] == [float(x) for x in want["low_best"]]
        assert band["7_best"] == [float(x) for x in want["high_best"]]
