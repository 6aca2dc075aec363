"""The structured form of a published country report, whatever shape it came in.

Readers (``text``, ``pdf``, ``webpage``) fill a :class:`Report`; the audit reads it; the store
imports it. Values are kept exact (``Fraction`` for ratings, ``Decimal`` for printed scores) and
become floats only in :meth:`Report.to_json`, the stable contract other tools read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
Shape = Literal["text", "pdf", "webpage"]

#: Order of the codes in the JSON ``tables`` rows (categories, then the scores).
CODE_ORDER = ("EP", "CS", "IM", "GOV", "NDG", "LDG", "JFI", "CO", "DS", "DP")


@dataclass(frozen=True)
class Finding:
    """One audit or parse observation, pinned to a line of the source when there is one."""

    severity: Severity
    code: str
    message: str
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"severity": self.severity, "code": self.code, "message": self.message,
                "line": self.line}

    def format(self, file: str) -> str:
        """``file:line: severity code: message`` — the form editors and CI logs link to."""
        where = f"{file}:{self.line}" if self.line else file
        return f"{where}: {self.severity} {self.code}: {self.message}"


@dataclass(frozen=True)
class Statement:
    """A sentence that states a category's rating ("... deteriorates from 6.50 to 6.75.").

    ``kind`` is the printed verb read as improves/deteriorates/remains; ``verb`` is the word as
    printed ("declined"); ``from_value`` is ``None`` for "remains at".
    """

    category: str
    from_value: Fraction | Decimal | None
    to_value: Fraction | Decimal
    verb: str
    kind: str
    sentence: str
    line: int
    justification: str = ""  # the rest of the paragraph or bullet that explains the rating

    def to_dict(self) -> dict[str, Any]:
        return {"category": self.category, "from": _num(self.from_value),
                "to": _num(self.to_value), "verb": self.verb, "kind": self.kind,
                "sentence": self.sentence, "line": self.line}


@dataclass(frozen=True)
class Section:
    """A full section of the report body, headed by a category name (or other heading)."""

    category: str | None  # category code, None for non-category headings
    heading: str
    line: int
    text: str


@dataclass(frozen=True)
class Footnote:
    number: int
    text: str
    line: int
    cited_at: tuple[int, ...] = ()  # lines where "[n]" appears in the body


@dataclass
class Report:
    """Everything read from one report file. ``tables[year][code]`` holds ratings on ``scale``
    (``None`` where the document prints n/a); ``cell_lines`` gives where each cell was read."""

    file: str
    shape: Shape
    country: str | None = None
    iso3: str | None = None
    edition: int | None = None
    scale: str = "1_best"  # the scale the values are printed on (kept as printed)
    #: what decided ``scale``: "legend" (the copy's scale statement, at ``scale_line``),
    #: "percentage" (a Democracy Percentage: the 7-best site), "edition" or "default"
    scale_source: str = "default"
    scale_line: int | None = None
    summary: str = ""
    summary_paragraphs: dict[str, tuple[int, str]] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    tables: dict[int, dict[str, Fraction | Decimal | None]] = field(default_factory=dict)
    cell_lines: dict[tuple[int, str], int] = field(default_factory=dict)
    footnotes: list[Footnote] = field(default_factory=list)
    citations: dict[int, tuple[int, ...]] = field(default_factory=dict)
    democracy_score: Decimal | None = None
    democracy_percentage: Decimal | None = None
    regime: str | None = None
    truncated: bool = False
    #: values of a copy that names no edition and prints no years: ``{code: [value, ...]}`` in
    #: column order, the last one being the report's own edition (an unknown one)
    undated: dict[str, list[Fraction | Decimal | None]] = field(default_factory=dict)
    edition_line: int | None = None
    country_line: int | None = None
    score_line: int | None = None
    regime_line: int | None = None
    notes: list[Finding] = field(default_factory=list)  # found while parsing
    audit: list[Finding] = field(default_factory=list)  # set by audit_report

    def to_json(self) -> dict[str, Any]:
        """The stable JSON contract: one object per report (see the reports package docs)."""
        tables = {
            str(year): {code: _num(row[code]) for code in _ordered(row)}
            for year, row in sorted(self.tables.items())
        }
        findings = self.audit or self.notes
        return {
            "file": self.file,
            "country": self.country,
            "iso3": self.iso3,
            "edition": self.edition,
            "shape": self.shape,
            "scale": self.scale,
            "tables": tables,
            "statements": [s.to_dict() for s in self.statements],
            "democracy_score": _num(self.democracy_score),
            "democracy_percentage": _num(self.democracy_percentage),
            "regime": self.regime,
            "truncated": self.truncated,
            "undated": {code: [_num(v) for v in vals] for code, vals in self.undated.items()},
            "sections": [{"category": s.category, "heading": s.heading, "line": s.line}
                         for s in self.sections],
            "footnotes": [{"number": f.number, "text": f.text, "line": f.line,
                           "cited_at": list(f.cited_at)} for f in self.footnotes],
            "audit": [f.to_dict() for f in findings],
        }


def _ordered(row: dict[str, Any]) -> list[str]:
    known = [c for c in CODE_ORDER if c in row]
    return known + sorted(c for c in row if c not in CODE_ORDER)


def _num(value: Fraction | Decimal | None) -> float | None:
    """Exact values become floats only here; quarter points and two-decimal scores are exact
    in binary or print back identically (6.39 → 6.39)."""
    if value is None:
        return None
    return float(value)
