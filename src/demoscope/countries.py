"""Countries: ISO 3166-1 alpha-3 codes, names as reports print them, aliases and regions.

Names resolve by code, name or alias ("Macedonia", "Kyrgyz Republic"), case- and
accent-insensitively; an unknown name raises :class:`UnknownCountry` with the closest names.
Regions are periods of editions (Croatia moved to "New EU Members" with its 2013 accession),
read from ``data/countries.toml`` rather than written as code.
"""

from __future__ import annotations

import difflib
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

from demoscope.errors import UnknownCountry


@dataclass(frozen=True)
class Country:
    iso3: str
    name: str
    aliases: tuple[str, ...] = ()
    regions: tuple[tuple[int, int, str, str], ...] = ()
    names: tuple[tuple[int, str], ...] = ()  # (last edition, name printed until then)
    iso2: str = ""

    def name_in(self, edition: int | None) -> str:
        """The name the given edition prints (``Macedonia`` until 2018, then ``North Macedonia``)."""
        if edition is not None:
            for last, name in sorted(self.names):
                if edition <= last:
                    return name
        return self.name

    def region_in(self, edition: int | None) -> tuple[str, str]:
        """(region, subregion) used in the given edition's overview tables."""
        for first, last, region, sub in self.regions:
            if edition is None or (first <= edition and (last == 0 or edition <= last)):
                if edition is None and last != 0:
                    continue
                return region, sub
        return ("", "")

    @property
    def region(self) -> str:
        return self.region_in(None)[0]

    @property
    def subregion(self) -> str:
        return self.region_in(None)[1]


def normalise(text: str) -> str:
    """Fold case, accents, punctuation and a leading "the" so that names compare loosely."""
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    t = t.replace("&", " and ").replace("-", " ").replace(",", " ").replace(".", " ").replace("'", "")
    words = t.split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


class CountryRegistry:
    """All known countries, with a lookup table from every code, name and alias."""

    def __init__(self, countries: list[Country]):
        self.countries = sorted(countries, key=lambda c: c.name)
        self.by_iso3 = {c.iso3: c for c in self.countries}
        self.by_iso2 = {c.iso2: c for c in self.countries if c.iso2}
        self._lookup: dict[str, Country] = {}
        for c in self.countries:
            for key in (c.iso3, c.name, *c.aliases, *(n for _, n in c.names)):
                self._lookup.setdefault(normalise(key), c)

    def __iter__(self):
        return iter(self.countries)

    def __len__(self) -> int:
        return len(self.countries)

    def find(self, text: str) -> Country | None:
        """The country for a code, name or alias, or ``None``."""
        if not text:
            return None
        code = text.strip().upper()
        if code in self.by_iso3:
            return self.by_iso3[code]
        if code in self.by_iso2:  # two-letter codes only as a whole input, never inside names
            return self.by_iso2[code]
        return self._lookup.get(normalise(text))

    def resolve(self, text: str) -> Country:
        """Like :meth:`find` but raises :class:`UnknownCountry` with the closest names."""
        found = self.find(text)
        if found is None:
            raise UnknownCountry(text, self.suggest(text))
        return found

    def prefixed(self, text: str) -> list[Country]:
        """Countries one of whose names, aliases or codes starts with ``text`` (loosely
        compared), or whose name has a word that does ("czech" → Czech Republic, "mac" →
        North Macedonia), in name order."""
        q = normalise(text)
        if not q:
            return []
        found: dict[str, Country] = {}
        for key, c in self._lookup.items():
            if key.startswith(q) or any(w.startswith(q) for w in key.split()[1:]):
                found[c.iso3] = c
        return sorted(found.values(), key=lambda c: c.name)

    def search(self, text: str) -> Country | None:
        """A country for what a reader types: a code, name or alias, else a prefix that only
        one country has."""
        found = self.find(text)
        if found is not None:
            return found
        hits = self.prefixed(text)
        return hits[0] if len(hits) == 1 else None

    def suggest(self, text: str, n: int = 3) -> list[str]:
        """Names to offer for ``text``: countries it is a prefix of first (so "mac" offers North
        Macedonia), then close spellings ("Kazakstan" → Kazakhstan)."""
        names: list[str] = [c.name for c in self.prefixed(text)]
        keys = list(self._lookup)
        close = difflib.get_close_matches(normalise(text), keys, n=n * 2, cutoff=0.6)
        for k in close:
            name = self._lookup[k].name
            if name not in names:
                names.append(name)
        return names[:n]


def parse_countries(data: dict) -> list[Country]:
    """Countries from the parsed ``countries.toml`` (codes, names by edition, regions)."""
    out = []
    for c in data.get("country", []):
        out.append(Country(
            iso3=c["iso3"].upper(), name=c["name"], aliases=tuple(c.get("aliases", ())),
            regions=tuple((int(a), int(b), r, s) for a, b, r, s in c.get("regions", ())),
            names=tuple((int(y), n) for y, n in c.get("names", ())),
            iso2=c.get("iso2", "").upper(),
        ))
    return out


@cache
def registry() -> CountryRegistry:
    """The built-in registry (the 29 NIT countries and territories)."""
    raw = (resources.files("demoscope") / "data" / "countries.toml").read_bytes()
    return CountryRegistry(parse_countries(tomllib.loads(raw.decode())))


def resolve(text: str) -> Country:
    """Resolve a country by ISO code, name or alias against the built-in registry."""
    return registry().resolve(text)
