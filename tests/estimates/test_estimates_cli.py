"""``demoscope estimate EDITION`` and ``demoscope export --table estimates`` on the workflow
database: the JSON Lines contract of ``--ratings``, intervals for the workflow edition, a
historic edition that says no interval can be estimated, and one-line errors."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from panel import RATERS

from cli_runner import cli_runner
from demoscope.read.estimates import PUBLISHED_ONLY


@pytest.fixture
def run(workflow_db, monkeypatch, capsysbinary):
    return cli_runner(monkeypatch, capsysbinary, workflow_db["url"])


def test_estimate_an_edition_from_its_proposals(run, workflow_db):
    year = workflow_db["year"]
    code, out, _ = run("estimate", year, "--json")
    assert code == 0
    lines = [json.loads(x) for x in out.splitlines()]
    cells = [x for x in lines if x["kind"] == "cell"]
    scores = [x for x in lines if x["kind"] == "score"]
    raters = [x for x in lines if x["kind"] == "rater"]
    assert len(cells) == 28 and len(scores) == 4 and [r["rater"] for r in raters] == sorted(RATERS)
    assert all(c["lo"] < c["estimate"] < c["hi"] and c["raters"] == 5 for c in cells)
    assert all(s["lo"] < s["estimate"] < s["hi"] for s in scores)
    summary = lines[-1]
    assert summary["kind"] == "summary" and summary["source"] == "proposals"
    assert summary["editions"] == [year] and summary["cells_with_interval"] == 28
    # same seed, same bytes; the table view for people
    assert run("estimate", year, "--json")[1] == out
    code, table, _ = run("estimate", year, "--rows", "3")
    assert code == 0 and "90 % interval" in table and "more cells" in table


def test_estimate_a_historic_edition_says_no_interval(run):
    code, out, _ = run("estimate", 2008, "--json")
    assert code == 0
    lines = [json.loads(x) for x in out.splitlines()]
    assert all(x["lo"] is None and x["hi"] is None for x in lines if x["kind"] in ("cell", "score"))
    assert {x["note"] for x in lines if x["kind"] == "cell"} == {PUBLISHED_ONLY}
    assert not [x for x in lines if x["kind"] == "rater"]
    assert "every cell has one rater" in lines[-1]["notes"][0]


def test_estimate_refuses_unclear_requests(run, tmp_path):
    code, _, err = run("estimate")
    assert code == 3 and err.count("\n") == 1 and "EDITION or --ratings" in err
    code, _, err = run("estimate", 2008, "--ratings", tmp_path / "x.csv")
    assert code == 3 and "one of them" in err
    code, _, err = run("estimate", 1990)
    assert code == 4 and err.count("\n") == 1


def test_export_the_estimates(run, workflow_db):
    year = workflow_db["year"]
    code, out, err = run("export", "--table", "estimates", "--country", "KAZ", "--from", year)
    assert code == 0 and "data version" in err
    df = pd.read_csv(io.StringIO(out))
    assert len(df) == 8 and df["lo"].notna().all() and (df["lo"] < df["hi"]).all()
    code, out, _ = run("export", "--table", "estimates", "--wide", "--from", 2008, "--to", 2008)
    wide = pd.read_csv(io.StringIO(out))
    assert code == 0 and wide["DS_lo"].isna().all() and wide["EP"].notna().any()
