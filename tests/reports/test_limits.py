"""Bounded work per report: whatever a file holds, reading it ends soon, in bounded memory,
with a report or one clear refusal; a batch never stalls on one file (the figures for the
largest accepted files are in bench/bench_limits.py, not here)."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

import pytest

from demoscope.errors import ReportParseError
from demoscope.reports import read_report_bytes, webpage
from demoscope.reports.batch import read_paths
from demoscope.reports.source import MAX_STATEMENTS, MAX_TABLE_ROWS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "reports"
PAGE = (FIXTURES / "valdoria-2022.html").read_text(encoding="utf-8")
TEXT = (FIXTURES / "valdoria-2011.txt").read_text(encoding="utf-8")


def _refused(data: str, suffix: str, needle: str) -> str:
    with pytest.raises(ReportParseError) as info:
        read_report_bytes(data.encode(), f"big{suffix}", suffix)
    message = str(info.value)
    assert needle in message and "\n" not in message
    return message


@pytest.mark.timeout(60)
def test_a_page_with_more_tags_than_any_report_is_refused_before_parsing():
    body = PAGE.index("</body>")
    many = PAGE[:body] + "<div><span>Quiet</span> <b>day</b></div>\n" * 60_000 + PAGE[body:]
    _refused(many, ".html", f"more than the {webpage.MAX_TAGS:,}")


@pytest.mark.timeout(60)
def test_markup_that_is_quadratic_for_html_parser_is_read_at_once():
    """100,000 unclosed ``<a`` (200 KB) took Python's html.parser 16 s; libxml2 reads it."""
    started = time.process_time()
    _refused("<a" * 100_000, ".html", "")
    _refused("</" * 100_000 + "<p>x</p>", ".html", "")
    assert time.process_time() - started < 30  # a bound far from the ~0.1 s it takes


def test_visible_text_is_bounded(monkeypatch):
    monkeypatch.setattr(webpage, "MAX_PAGE_TEXT", 5_000)
    body = PAGE.index("</body>")
    _refused(PAGE[:body] + "<p>The delta economy grew slowly.</p>\n" * 500 + PAGE[body:],
             ".html", "more than 5,000 characters of visible text")
    _refused(PAGE[:body] + "<p>" + "word " * 3_000 + "</p>" + PAGE[body:], ".html",
             "characters of visible text")  # one long text: refused before it is split


def test_deep_nesting_is_refused_in_one_line():
    _refused("<html><body>" + "<div>" * 5_000 + "Civil Society" + "</div>" * 5_000, ".html",
             "nested too deeply")


def test_line_numbers_past_libxml2s_16_bit_counter():
    """A page with more than 65,535 source lines: findings still point at the right line."""
    shift = 70_000
    body = PAGE.index("<body>") + len("<body>")
    page = PAGE[:body] + "\n" * shift + "<script>\n<p>no element</p>\n</script>" + PAGE[body:]
    near = read_report_bytes(PAGE.encode(), "page.html", ".html")
    far = read_report_bytes(page.encode(), "page.html", ".html")
    assert [s.line for s in far.statements] == [s.line + shift + 2 for s in near.statements]
    assert (far.democracy_score, far.regime) == (near.democracy_score, near.regime)


def test_more_table_rows_or_rating_sentences_than_any_report():
    row = "Electoral Process 5.75 5.50 5.25 5.00 4.75 4.50 4.25 4.00 3.75\n"
    _refused(TEXT + row * (MAX_TABLE_ROWS + 5), ".txt", f"more than {MAX_TABLE_ROWS:,} rows")
    sentence = "Valdoria's rating for civil society improves from 4.25 to 4.00 because of it.\n"
    _refused(TEXT + sentence * (MAX_STATEMENTS + 5), ".txt",
             f"more than {MAX_STATEMENTS:,} rating sentences")


@pytest.mark.timeout(60)
def test_a_paragraph_without_breaks_costs_each_sentence_a_window_not_the_page():
    """Each rating sentence took its justification from the whole paragraph: 1 MB of
    sentences without a blank line took 75 s. Now a window around each."""
    sentence = "Valdoria's rating for civil society improves from 4.25 to 4.00 because of it. "
    started = time.process_time()
    report = read_report_bytes((TEXT + sentence * (MAX_STATEMENTS - 20)).encode(), "long.txt")
    assert len(report.statements) > MAX_STATEMENTS - 20
    assert len(report.statements[-1].justification) < 10_000
    assert time.process_time() - started < 30  # ~0.1 s; was minutes


def test_a_file_that_runs_past_the_time_budget_is_skipped_and_the_batch_goes_on(
        tmp_path, monkeypatch):
    """The budget interrupts whatever runs, even code that swallows every Exception."""
    import demoscope.reports.batch as batch

    slow, fine = tmp_path / "slow.txt", tmp_path / "fine.txt"
    slow.write_text(TEXT)
    fine.write_text(TEXT)
    real = batch.read_report

    def stuck(path, m):
        if Path(path).name == "slow.txt":
            while True:
                with contextlib.suppress(Exception):  # would swallow an ordinary exception
                    time.sleep(0.01)
        return real(path, m)

    monkeypatch.setattr(batch, "read_report", stuck)
    monkeypatch.setenv("DEMOSCOPE_REPORT_TIME_BUDGET", "0.3")
    results = list(read_paths([slow, fine]))
    assert isinstance(results[0], ReportParseError)
    assert "took more than 0.3 s to read" in results[0].reason
    assert not isinstance(results[1], ReportParseError) and results[1].country == "Valdoria"
    time.sleep(0.5)  # no timer left behind to fire later


def test_special_files_are_refused_and_skipped_in_folders(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    (tmp_path / "report.txt").write_text(TEXT)
    named = list(read_paths([fifo]))
    assert isinstance(named[0], ReportParseError) and "named pipe" in named[0].reason
    walked = list(read_paths([tmp_path]))
    assert [getattr(r, "country", None) for r in walked] == ["Valdoria"]
