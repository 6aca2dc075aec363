"""Every real report in ../shared/corpus, read exactly as its truth file says.

The corpus is third-party text: it is read at run time and never copied into the project.
One test case per corpus file; skipped cleanly when the folder is absent.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from demoscope.reports import audit_report, read_report

_REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("DEMOSCOPE_SHARED", _REPO.parent / "shared")) / "corpus"

SHAPES = {"tables": "pdf", "text": "text", "pages": "webpage"}


def _cases() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for sub in SHAPES for p in (CORPUS / sub).glob("*.txt")
                  if (p.parent / "truth" / f"{p.stem}.json").exists())


CASES = _cases()

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CASES, reason=f"corpus not found at {CORPUS}"),
]


def _truth(path: Path) -> dict:
    return json.loads((path.parent / "truth" / f"{path.stem}.json").read_text())


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_corpus_file(path: Path, m) -> None:
    truth = _truth(path)
    report = read_report(path)
    data = report.to_json()
    assert data["shape"] == SHAPES[path.parent.name]
    assert data["edition"] == truth["edition"]
    assert data["country"] == truth["country"]
    if "scale" in truth:
        assert data["scale"] == truth["scale"]
    if "years" in truth and path.parent.name == "tables":
        # Every cell the truth names (null = n/a printed); nothing extra with a value. A
        # truncated copy simply lacks the cells after the cut, which the truth omits too.
        for year, row in truth["years"].items():
            got = data["tables"].get(year, {})
            for code, value in row.items():
                assert got.get(code, "absent") == value, f"{year} {code}"
            extra = {c: v for c, v in got.items() if c not in row and v is not None}
            assert not extra, f"{year}: values the truth does not have: {extra}"
        assert set(data["tables"]) == set(truth["years"])
        assert data["truncated"] == bool(truth.get("truncated", False))
    if "statements" in truth:
        got = [{k: s[k] for k in ("category", "from", "to", "sentence", "line")}
               | {"kind": s["kind"]} for s in data["statements"]]
        want = [{k: s[k] for k in ("category", "from", "to", "sentence", "line", "kind")}
                for s in truth["statements"]]
        assert got == want
    if "changes" in truth:
        got = [{"category": s["category"], "from": s["from"], "to": s["to"],
                "direction_word": s["verb"]} for s in data["statements"]]
        assert got[: len(truth["changes"])] == truth["changes"]
    for key in ("democracy_score", "democracy_percentage", "regime"):
        if key in truth:
            assert data[key] == truth[key], key
    if "footnotes" in truth:
        assert len(data["footnotes"]) == truth["footnotes"]

    findings = audit_report(report, m)
    mismatches = {str(report.edition if f.line is None else y)
                  for f in findings if f.code == "ds_mismatch"
                  for y in [_year_of(f.message)]}
    expected = set(map(str, truth.get("ds_mismatch", []) if isinstance(
        truth.get("ds_mismatch"), list) else ([truth["ds_mismatch"]] if truth.get(
            "ds_mismatch") else [])))
    skipped = set(map(str, truth.get("ds_check_skipped", [])))
    assert mismatches - skipped == expected - skipped
    errors = [f for f in findings if f.severity == "error" and f.code != "ds_mismatch"]
    assert not errors, errors


def _year_of(message: str) -> str:
    return message.split()[2]


_LABEL_WORD = {"EP": "electoral", "CS": "civil", "IM": "independent", "GOV": "governance",
               "NDG": "national", "LDG": "local", "JFI": "judicial", "CO": "corruption",
               "DS": "democracy", "DP": "percentage"}


@pytest.mark.parametrize("path", [p for p in CASES if p.parent.name == "tables"],
                         ids=lambda p: p.name)
def test_table_cells_point_at_their_source_line(path: Path) -> None:
    """The line recorded for each table cell holds its row's label or the printed value (the
    extraction may wrap a label, so either is enough), as an editor following file:line sees."""
    report = read_report(path)
    lines = path.read_text(encoding="utf-8").split("\n")
    wrong = []
    for (year, code), line in report.cell_lines.items():
        value = report.tables[year].get(code)
        shown = "n/a" if value is None else f"{float(value):.2f}"
        text = lines[line - 1].lower() if 0 < line <= len(lines) else ""
        if _LABEL_WORD.get(code, code.lower()) not in text and shown not in text:
            wrong.append((year, code, line))
    assert not wrong
