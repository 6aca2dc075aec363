"""Mutated reports (byte flips, truncation, line shuffles) give a Report or a clean
ReportParseError — never another exception."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from demoscope.errors import ReportParseError
from demoscope.methodology import nit
from demoscope.reports import audit_report, read_report_bytes
from demoscope.reports.model import Report

_REPO = Path(__file__).resolve().parents[2]
_CORPUS = Path(os.environ.get("DEMOSCOPE_SHARED", _REPO.parent / "shared")) / "corpus"
_FIXTURES = _REPO / "tests" / "fixtures" / "reports"


def _seeds() -> list[tuple[str, bytes]]:
    seeds = [(p.suffix, p.read_bytes()) for p in sorted(_FIXTURES.iterdir()) if p.is_file()]
    if _CORPUS.is_dir():  # real reports join the seeds when ../shared is present
        seeds += [(".txt", p.read_bytes()) for p in sorted(_CORPUS.glob("*/*.txt"))]
    return seeds


SEEDS = _seeds()


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    suffix, data = draw(st.sampled_from(SEEDS))
    buf = bytearray(data)
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["flip", "truncate", "shuffle", "insert", "duplicate"]))
        if not buf:
            break
        if kind == "flip":
            for _ in range(draw(st.integers(1, 20))):
                i = draw(st.integers(0, len(buf) - 1))
                buf[i] = draw(st.integers(0, 255))
        elif kind == "truncate":
            buf = buf[: draw(st.integers(0, len(buf)))]
        elif kind == "shuffle":
            lines = bytes(buf).split(b"\n")
            buf = bytearray(b"\n".join(draw(st.permutations(lines)))) if len(lines) < 400 \
                else buf
        elif kind == "insert":
            i = draw(st.integers(0, len(buf)))
            buf[i:i] = draw(st.binary(max_size=40))
        else:
            i = draw(st.integers(0, len(buf) - 1))
            j = min(len(buf), i + draw(st.integers(1, 300)))
            buf[i:i] = buf[i:j] * draw(st.integers(1, 5))
    return suffix, bytes(buf)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.data_too_large])
@given(mutated())
def test_mutations_never_crash(case: tuple[str, bytes]) -> None:
    suffix, data = case
    try:
        report = read_report_bytes(data, f"fuzz{suffix}", suffix)
    except ReportParseError as exc:
        assert str(exc) and "\n" not in exc.reason
        return
    assert isinstance(report, Report)
    audit_report(report, nit())
    report.to_json()


def _pdf_bytes() -> bytes:
    import io

    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out)
    for i, line in enumerate(["Nations in Transit 2010 - Valdoria", "NIT Edition 2009 2010",
                              "Electoral Process 4.00 4.25", "Democracy Score 4.36 4.39"]):
        c.drawString(50, 800 - 20 * i, line)
    c.save()
    return out.getvalue()


PDF = _pdf_bytes()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(PDF) - 1), st.integers(0, 255)), max_size=30),
       st.integers(1, len(PDF)))
def test_mutated_pdfs_never_crash(flips: list[tuple[int, int]], cut: int) -> None:
    buf = bytearray(PDF)
    for i, b in flips:
        buf[i] = b
    with contextlib.suppress(ReportParseError):
        read_report_bytes(bytes(buf[:cut]), "fuzz.pdf", ".pdf")
