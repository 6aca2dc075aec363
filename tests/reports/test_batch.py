"""Walking files and folders for ``demoscope ingest``: reports and errors, never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

from demoscope.errors import ReportParseError
from demoscope.reports import Report, read_paths

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "reports"


def test_walks_folders_and_yields_errors(tmp_path: Path) -> None:
    for f in FIXTURES.iterdir():
        shutil.copy(f, tmp_path / f.name)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "empty.txt").write_bytes(b"")
    (tmp_path / ".hidden.txt").write_text("ignored")
    (tmp_path / "notes.odt").write_text("not picked up when walking")
    seen: list[tuple[int, int]] = []
    results = list(read_paths([tmp_path, FIXTURES / "valdoria-2011.txt"],
                                progress=lambda done, total, path: seen.append((done, total))))
    assert len(results) == 5
    assert seen[-1] == (5, 5)
    reports = [r for r in results if isinstance(r, Report)]
    errors = [r for r in results if isinstance(r, ReportParseError)]
    assert len(reports) == 4 and len(errors) == 1
    assert "empty" in str(errors[0])
    assert all(r.audit is not None for r in reports)


def test_missing_path_is_an_error() -> None:
    results = list(read_paths(["/nonexistent/report.txt"]))
    assert isinstance(results[0], ReportParseError)
