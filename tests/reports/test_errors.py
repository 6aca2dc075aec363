"""Bad input never ends in a traceback: each case is a ReportParseError with a clear reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from demoscope.errors import ReportParseError
from demoscope.reports import read_report, read_report_bytes

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "reports" / "valdoria-2011.txt"


@pytest.mark.parametrize(("data", "suffix", "reason"), [
    (b"", ".txt", "empty"),
    (b"   \n\n  ", ".txt", "empty"),
    (b"\x00\x01\x02binary\x00" * 50, ".txt", "binary"),
    (bytes(range(256)) * 20, ".txt", "binary|UTF-8"),
    ("Nations in Transit 2011\nCivil Society: 2.75\n".encode("utf-16-le"), ".txt", "binary"),
    ("Nations in Transit 2011\nCapital: Zürich\n".encode("latin-1"), ".txt", "UTF-8"),
    (b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\n", ".pdf", "PDF"),
    (b"Just a shopping list: eggs, milk, bread.", ".txt", "not a Nations in Transit"),
    (b"<html><body><p>Hello</p></body></html>", ".html", "not a Nations in Transit"),
    (b"<html><body></body></html>", ".html", "no text"),
    (b"Nations in Transit 2011\n", ".txt", "not a Nations in Transit"),
])
def test_bad_bytes(data: bytes, suffix: str, reason: str) -> None:
    with pytest.raises(ReportParseError, match=reason) as err:
        read_report_bytes(data, f"bad{suffix}", suffix)
    assert f"bad{suffix}" in str(err.value)
    assert "\n" not in str(err.value)


def test_wrong_encoding_names_the_line() -> None:
    data = "Nations in Transit 2011\n\nCapital: Bucure\u0219ti\n".encode("utf-16-be")[2:]
    with pytest.raises(ReportParseError):
        read_report_bytes(data, "x.txt")
    latin = FIXTURE.read_text().replace("Valdoria is", "Valdoria \u00e9 is").encode("latin-1")
    with pytest.raises(ReportParseError, match="not UTF-8") as err:
        read_report_bytes(latin, "latin.txt")
    assert err.value.line == 5


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ReportParseError, match="no such file"):
        read_report(tmp_path / "nope.txt")
    with pytest.raises(ReportParseError, match="directory"):
        read_report(tmp_path)


def test_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(FIXTURE.read_bytes() * 4)
    with pytest.raises(ReportParseError, match="limit"):
        read_report(big, max_bytes=10_000)
    monkeypatch.setenv("DEMOSCOPE_REPORT_MAX_BYTES", "5000")
    with pytest.raises(ReportParseError, match="limit"):
        read_report(big)


def test_truncated_text_still_parses_what_is_there() -> None:
    data = FIXTURE.read_bytes()
    data = data[: data.index(b"Independent Media.") + 30]
    r = read_report_bytes(data, "cut.txt")
    assert [s.category for s in r.statements] == ["EP", "CS"]


def test_utf8_bom_and_crlf_are_fine() -> None:
    data = b"\xef\xbb\xbf" + FIXTURE.read_bytes().replace(b"\n", b"\r\n")
    r = read_report_bytes(data, "bom.txt")
    assert r.statements[0].line == 7 and r.edition == 2011
