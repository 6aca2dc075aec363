"""``demoscope ingest`` and ``demoscope audit`` end to end: one transaction per report, conflicts
reported and never overwritten, ``--update`` with provenance, clean errors for bad files.

The reports used here are written by the tests themselves (fictional wording) around real
database values, so they can be checked against what the store holds.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

from demoscope.methodology import fmt, nit
from demoscope.store import reads

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "reports"
M = nit()
NAMES = {"EP": "electoral process", "CS": "civil society", "IM": "independent media",
         "NDG": "national democratic governance", "LDG": "local democratic governance",
         "JFI": "judicial framework and independence", "CO": "corruption"}


def write_report(path: Path, country: str, year: int, before: dict[str, Fraction],
                 after: dict[str, Fraction]) -> Path:
    """A plain-text report in the published shape: summary paragraphs ending in the rating
    sentence, then the closing scores block (1-best scale editions only)."""
    lines = [f"Nations in Transit {year}", "", "Executive Summary:", "",
             f"{country} is described here in an invented summary written for the test suite. "
             "Nothing in it is quoted from a published report.", ""]
    for code, name in NAMES.items():
        old, new = before[code], after[code]
        if old == new:
            sentence = f"{country}'s rating for {name} remains at {fmt(new)}."
        else:
            verb = "improves" if new < old else "deteriorates"
            sentence = f"{country}'s rating for {name} {verb} from {fmt(old)} to {fmt(new)}."
        title = name.title().replace("And", "and")
        lines += [f"{title}. The test suite describes a change in this area over the past year, "
                  f"with enough words to count as a justification. {sentence}", ""]
    from demoscope.scoring import democracy_score

    ds = democracy_score(M, M.edition(year), after)
    lines += [f"{year} Scores", "", f"Democracy Score: {ds.printed}"]
    lines += [f"{name.title().replace('And', 'and')}: {fmt(after[code])}" for code, name in NAMES.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path




def held(db_url: str, iso3: str, year: int) -> dict[str, Fraction]:
    return reads.row(reads.reader_for_url(db_url), M.code, iso3, year)


def test_ingest_new_edition_imports_then_is_unchanged(cli, db_url, tmp_path):
    before = held(db_url, "SRB", 2018)
    after = dict(before, EP=before["EP"] - Fraction(1, 4), CO=before["CO"] + Fraction(1, 4))
    path = write_report(tmp_path / "serbia-2019.txt", "Serbia", 2019, before, after)
    assert held(db_url, "SRB", 2019) == {}
    code, out, err = cli("ingest", path, "--json")
    assert code == 0, err
    obj = json.loads(out)
    assert obj["import"]["status"] == "imported"
    assert (obj["iso3"], obj["edition"], obj["shape"], obj["scale"]) == ("SRB", 2019, "text", "1_best")
    assert held(db_url, "SRB", 2019) == after
    code, out, _ = cli("ingest", path, "--json")
    assert code == 0 and json.loads(out)["import"]["status"] == "unchanged"
    revs = reads.revisions(reads.reader_for_url(db_url), M.code, "SRB", 2019, "EP")
    assert len(revs) == 1 and "serbia-2019.txt:" in revs[0].source
    assert "justification" in (revs[0].justification or "")


def test_conflict_is_reported_and_nothing_written(cli, db_url, tmp_path):
    before = held(db_url, "SRB", 2017)
    printed = held(db_url, "SRB", 2018)
    changed = dict(printed, IM=printed["IM"] + Fraction(1, 2))  # differs from the database
    path = write_report(tmp_path / "serbia-2018.txt", "Serbia", 2018, before, changed)
    code, out, _ = cli("ingest", path)
    assert code == 1
    assert "conflict" in out and "IM: database" in out
    assert held(db_url, "SRB", 2018) == printed  # untouched

    code, out, _ = cli("ingest", path, "--update", "--json")
    assert code == 0
    obj = json.loads(out)
    assert obj["import"]["status"] == "imported" and obj["import"]["updated"] == [
        f"IM {fmt(changed['IM'])}"]
    assert held(db_url, "SRB", 2018) == changed
    rev = reads.revisions(reads.reader_for_url(db_url), M.code, "SRB", 2018, "IM")[-1]
    assert (rev.old, rev.new) == (printed["IM"], changed["IM"])
    assert rev.source.startswith("report text ") and "serbia-2018.txt" in rev.source


def test_ingest_never_writes_an_edition_the_workflow_runs(cli, db_url, tmp_path, monkeypatch):
    """An edition opened with ``edition open`` changes through proposals, the consensus and
    audited corrections only: ingesting a report into it is refused (with or without
    --update, in drafting and once published) with one line naming the edition, exit 1, and
    nothing written, as ``demoscope rate`` refuses."""
    import io
    import sys

    from demoscope.read.assessment import assessment

    read = reads.reader_for_url(db_url)
    before = held(db_url, "SRB", 2018)
    after = dict(before, IM=before["IM"] + Fraction(1, 4))
    path = write_report(tmp_path / "serbia-2019.txt", "Serbia", 2019, before, after)
    for name, role, by in (("root", "admin", ()), ("ed", "editor", ("--as", "root"))):
        monkeypatch.setattr(sys, "stdin", io.StringIO("correct horse battery staple\n"))
        assert cli("user", "add", name, "--role", role, "--password-stdin", *by)[0] == 0
    assert cli("edition", "open", "2019", "--countries", "SRB", "--as", "ed")[0] == 0

    def refused(*args: str) -> None:
        version = reads.data_version(read)
        code, out, err = cli("ingest", path, *args)
        assert code == 1, err
        lines = [ln.strip() for ln in out.splitlines() if "assessment workflow" in ln]
        assert len(lines) == 1 and "2019 edition" in lines[0] and "nothing written" in lines[0]
        assert out.splitlines()[0].startswith("rejected ")
        assert reads.data_version(read) == version  # no write transaction committed

    refused()
    refused("--update")
    assert held(db_url, "SRB", 2019) == {}

    for state in ("review", "consensus"):
        assert cli("edition", "move", "2019", state, "--as", "ed")[0] == 0
    a = assessment(read, M, "SRB", 2019)
    v = a["version"]
    for cat, cell in a["categories"].items():
        code, out, err = cli("consensus", "SRB", "2019", cat, f"{cell['starting']:.2f}",
                             "--version", str(v), "--as", "ed", "--json")
        assert code == 0, err
        v = json.loads(out)["version"]
    code, _, err = cli("edition", "publish", "2019", "--as", "ed")
    assert code == 0, err
    published = held(db_url, "SRB", 2019)
    assert published == before  # the starting values, now published
    revisions = reads.revisions(read, M.code, "SRB", 2019, "IM")
    refused("--update")
    assert held(db_url, "SRB", 2019) == published
    assert reads.revisions(read, M.code, "SRB", 2019, "IM") == revisions
    # a report that agrees with the published values changes nothing and is fine
    (tmp_path / "same").mkdir()
    same = write_report(tmp_path / "same" / "serbia-2019.txt", "Serbia", 2019, before, before)
    code, out, err = cli("ingest", same, "--update", "--json")
    assert code == 0 and json.loads(out)["import"]["status"] == "unchanged", err


def test_provenance_from_a_long_path_is_stored_whole(cli, db_url, tmp_path):
    """The source of an imported value names its report file: a path longer than any fixed
    column width is stored whole on every backend (it was cut at 200 characters), for the
    ratings, their revision history and a page's published headline."""
    folder = tmp_path.joinpath(*(f"archive-of-collected-country-reports-part-{i:02d}"
                                 for i in range(6)))
    folder.mkdir(parents=True)
    before = held(db_url, "SRB", 2018)
    after = dict(before, EP=before["EP"] - Fraction(1, 4))
    path = write_report(folder / "serbia-2019.txt", "Serbia", 2019, before, after)
    assert len(str(path)) > 300
    code, out, err = cli("ingest", path, "--json")
    assert code == 0 and json.loads(out)["import"]["status"] == "imported", err
    read = reads.reader_for_url(db_url)
    rev = reads.revisions(read, M.code, "SRB", 2019, "EP")[-1]
    assert rev.source.startswith("report text ") and f"{path}:" in rev.source
    page = folder / "kazakhstan-2023.txt"
    page.write_text(
        "URL: https://example.org/country/kazakhstan/nations-transit/2023\n\n"
        "Consolidated Authoritarian Regime\nDemocracy Percentage 4.83 100\n"
        "Democracy Score 1.29 7\n\nMarks run from 1 to 7, with 7 "
        "representing the highest degree of democratic development and 1 the least.\n",
        encoding="utf-8")
    code, out, err = cli("ingest", page, "--update", "--json")
    assert code == 0, err
    held_ds = reads.published_scores(read, M.code, ["KAZ"], 2023)[("KAZ", 2023)]["DS"]
    assert held_ds.value == Fraction(129, 100) and str(page) in held_ds.source


def test_report_with_errors_writes_nothing(cli, db_url, tmp_path):
    before = held(db_url, "SRB", 2018)
    after = dict(before, CS=before["CS"] + Fraction(1, 4))
    path = write_report(tmp_path / "serbia-2019.txt", "Serbia", 2019, before, after)
    # the closing block now disagrees with the sentence: an error finding
    text = path.read_text().replace(f"Civil Society: {fmt(after['CS'])}",
                                    f"Civil Society: {fmt(after['CS'] + 1)}")
    path.write_text(text)
    code, out, _ = cli("ingest", path, "--json")
    assert code == 1
    obj = json.loads(out)
    assert obj["import"]["status"] == "rejected"
    assert any(f["severity"] == "error" for f in obj["audit"])
    assert held(db_url, "SRB", 2019) == {}


def test_unknown_country_parses_but_is_skipped(cli, db_url):
    code, out, _ = cli("ingest", FIXTURES / "valdoria-2011.txt", "--json")
    assert code == 1
    obj = json.loads(out)
    assert obj["country"] == "Valdoria" and obj["iso3"] is None and obj["statements"]
    assert obj["import"]["status"] == "skipped"
    assert any(f["code"] == "unknown_country" for f in obj["audit"])


def test_bad_files_get_one_line_and_others_still_import(cli, db_url, tmp_path):
    before = held(db_url, "SRB", 2018)
    write_report(tmp_path / "serbia-2019.txt", "Serbia", 2019, before, before)
    (tmp_path / "binary.pdf").write_bytes(b"%PDF-1.4\n\x00\x01\x02 truncated")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "page.html").write_text("<html><body><p>Weather for today</p></body></html>")
    code, out, err = cli("ingest", tmp_path)
    assert code == 1
    assert "Traceback" not in out + err
    lines = out.splitlines()
    for name in ("binary.pdf", "empty.txt", "page.html"):
        assert sum(name in line for line in lines) == 1, out
    assert held(db_url, "SRB", 2019) == before


def test_dry_run_writes_nothing(cli, db_url, tmp_path):
    before = held(db_url, "SRB", 2018)
    path = write_report(tmp_path / "serbia-2019.txt", "Serbia", 2019, before, before)
    code, out, _ = cli("ingest", path, "--dry-run", "--json")
    assert code == 0 and json.loads(out)["import"]["status"] == "skipped"
    assert held(db_url, "SRB", 2019) == {}


def test_audit_exit_status_and_file_line(cli, db_url, tmp_path):
    before = held(db_url, "SRB", 2017)
    printed = held(db_url, "SRB", 2018)
    good = write_report(tmp_path / "good.txt", "Serbia", 2018, before, printed)
    code, out, _ = cli("audit", good)
    assert code == 0, out
    wrong = dict(printed, JFI=printed["JFI"] + Fraction(1, 4))
    bad = write_report(tmp_path / "bad.txt", "Serbia", 2018, before, wrong)
    code, out, _ = cli("audit", bad)
    assert code == 1
    assert any(line.startswith(f"{bad}:") and "db_mismatch" in line for line in out.splitlines())
    code, out, _ = cli("audit", bad, "--no-db", "--json")
    assert code == 0
    assert {"file", "country", "iso3", "edition", "audit"} <= set(json.loads(out))


def test_audit_flags_verb_against_scale(cli, db_url, tmp_path):
    before = held(db_url, "SRB", 2017)
    printed = held(db_url, "SRB", 2018)
    path = write_report(tmp_path / "r.txt", "Serbia", 2018, before, printed)
    text = path.read_text()
    # swap one verb so that it contradicts the numbers on the 1-best scale
    for word, other in (("improves", "deteriorates"), ("deteriorates", "improves")):
        if f" {word} from" in text:
            path.write_text(text.replace(f" {word} from", f" {other} from", 1))
            break
    else:
        pytest.skip("no change between 2017 and 2018 for Armenia")
    code, out, _ = cli("audit", path, "--json")
    assert code == 1
    codes = {f["code"] for f in json.loads(out)["audit"] if f["severity"] == "error"}
    assert any("verb" in c for c in codes), codes


def test_ingest_ends_with_a_summary_per_shape(cli, db_url, tmp_path):
    before = held(db_url, "SRB", 2018)
    after = dict(before, EP=before["EP"] - Fraction(1, 4))
    write_report(tmp_path / "serbia-2019.txt", "Serbia", 2019, before, after)
    (tmp_path / "empty.html").write_bytes(b"")
    code, out, err = cli("ingest", tmp_path)
    assert code == 1  # the empty page is not a report
    table = out[out.index("Summary"):]
    for column in ("Documents", "Values read", "Inferred", "Conflicts", "Unreadable parts"):
        assert column in table
    head = next(line for line in table.splitlines() if "text" in line).split()
    shapes = [w for w in head if w in ("text", "pdf", "webpage", "total")]
    assert shapes == ["text", "webpage", "total"]
    rows = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip("│┃ ").split("│")]
        if len(cells) == 4 and cells[0]:
            rows[cells[0]] = dict(zip(shapes, cells[1:], strict=True))
    assert rows["Documents"] == {"text": "1", "webpage": "1", "total": "2"}
    assert int(rows["Values read"]["text"]) >= 8
    assert rows["Unreadable documents"]["webpage"] == "1"
    assert rows["Imported"]["text"] == "1"
    code, out, err = cli("ingest", tmp_path, "--json")
    assert all("file" in json.loads(line) for line in out.splitlines())  # JSON Lines unbroken
    summary = json.loads(err.strip().splitlines()[-1])["summary"]
    assert summary["total"]["documents"] == 2 and summary["shapes"]["text"]["imported"] == 1
    assert summary["shapes"]["webpage"]["unreadable_documents"] == 1
