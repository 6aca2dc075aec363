"""``demoscope estimate --ratings``: the JSON Lines contract, the table, and bad input."""

from __future__ import annotations

import json

import pytest

from cli_runner import cli_runner
from demoscope.methodology import nit
from demoscope.stats.panel import write_ratings_csv
from demoscope.stats.simulate import simulate


@pytest.fixture(scope="module")
def methodology():
    return nit()


@pytest.fixture
def run(monkeypatch, capsysbinary):
    """Run ``demoscope ARGS`` in-process: (exit code, stdout, stderr). No database needed."""
    return cli_runner(monkeypatch, capsysbinary)


HEADER = "country,edition,category,rater,value\n"


@pytest.fixture(scope="module")
def panel_file(tmp_path_factory, methodology):
    sim = simulate(methodology, countries=4, editions=4, seed=6)
    return write_ratings_csv(tmp_path_factory.mktemp("panel") / "panel.csv", sim.panel,
                             {"truth": sim.truth}), sim


def test_json_lines_contract(run, panel_file):
    path, sim = panel_file
    code, out, _err = run("estimate", "--ratings", path, "--json", "--seed", "3")
    assert code == 0
    lines = [json.loads(x) for x in out.splitlines()]
    cells = [x for x in lines if x["kind"] == "cell"]
    raters = [x for x in lines if x["kind"] == "rater"]
    scores = [x for x in lines if x["kind"] == "score"]
    assert len(cells) == sim.panel.n_cells and len(raters) == len(sim.panel.raters)
    assert {"country", "edition", "category", "estimate", "lo", "hi"} <= set(cells[0])
    assert {"rater", "leniency", "reliability"} <= set(raters[0])
    assert all(1 <= c["lo"] <= c["estimate"] <= c["hi"] <= 7 for c in cells if c["lo"] is not None)
    assert all(s["category"] == "DS" for s in scores) and scores
    assert all(0 < r["reliability"] < 1 for r in raters if r["reliability"] is not None)
    assert lines[-1]["kind"] == "summary" and lines[-1]["seed"] == 3 and lines[-1]["interval"] == 0.9
    again = run("estimate", "--ratings", path, "--json", "--seed", "3")[1].splitlines()
    assert again == out.splitlines()  # same seed, same bytes


def test_table_for_people(run, panel_file):
    path, _sim = panel_file
    code, out, _err = run("estimate", "--ratings", path, "--rows", "5")
    assert code == 0
    assert "90 % interval" in out and "Leniency" in out and "more cells" in out


@pytest.mark.parametrize("row,where,message", [
    ("Valdoria,2005,EP,ann,5.3", ":3:value", "off the grid"),
    ("Valdoria,2005,EP,ann,7.25", ":3:value", "out of range"),
    ("Valdoria,2005,XX,ann,5.25", ":3:category", "is not one of"),
    ("Valdoria,twenty,EP,ann,5.25", ":3:edition", "not a whole year"),
    (",2005,EP,ann,5.25", ":3:country", "empty country"),
    ("Valdoria,2005,EP,,5.25", ":3:rater", "empty rater"),
    ("Valdoria,2005,EP,bob,5.25", ":3:rater", "twice (also on line 2)"),
    ("Valdoria,2005", ":3:category", "fields"),
])
def test_a_bad_row_is_one_line_naming_file_line_and_field(run, tmp_path, row, where, message):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "Valdoria,2005,EP,bob,5.25\n" + row + "\nValdoria,2005,EP,cy,5.00\n")
    code, out, err = run("estimate", "--ratings", path, "--json")
    assert code != 0 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert f"{path}{where}" in err and message in err


def test_missing_column_and_missing_file(run, tmp_path):
    path = tmp_path / "cols.csv"
    path.write_text("country,edition,category,value\nValdoria,2005,EP,5.25\n")
    code, _out, err = run("estimate", "--ratings", path)
    assert code != 0 and f"{path}:1:rater" in err and "missing column 'rater'" in err
    code, _out, err = run("estimate", "--ratings", tmp_path / "nope.csv")
    assert code != 0 and "cannot read ratings" in err


def test_blank_values_are_missing_ratings(run, tmp_path):
    path = tmp_path / "na.csv"
    path.write_text(HEADER + "Valdoria,2005,EP,a,5.25\nValdoria,2005,EP,b,NA\n"
                    "Valdoria,2005,EP,c,\nValdoria,2005,EP,d,5.50\n")
    code, out, _err = run("estimate", "--ratings", path, "--json")
    assert code == 0
    summary = json.loads(out.splitlines()[-1])
    assert summary["ratings"] == 2 and summary["skipped_without_value"] == 2


def test_the_grid_is_the_methodologys(run, tmp_path, monkeypatch):
    toml = tmp_path / "tenpoint.toml"
    toml.write_text('[index]\ncode = "ten"\nname = "Ten"\n[scale]\nmin = "0"\nmax = "10"\n'
                    'step = "0.5"\n[[categories]]\ncode = "A"\nname = "Alpha"\n'
                    '[[eras]]\neditions = [2020]\ndirection = "high_best"\ncategories = ["A"]\n')
    monkeypatch.setenv("DEMOSCOPE_METHODOLOGY", str(toml))
    from demoscope.methodology import load_methodology

    load_methodology.cache_clear()
    ok = tmp_path / "ok.csv"
    ok.write_text(HEADER + "".join(f"X,{2020 + e},A,{r},{v}\n" for e in range(3)
                                   for r, v in (("a", 8.5), ("b", 9.0), ("c", 9.5))))
    code, out, err = run("estimate", "--ratings", ok, "--json")
    assert code == 0, err
    cells = [json.loads(x) for x in out.splitlines() if '"cell"' in x]
    assert all(c["lo"] >= 0 and c["hi"] <= 10 for c in cells)
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "X,2020,A,a,8.25\n")
    code, _out, err = run("estimate", "--ratings", bad)
    assert code != 0 and ":2:value" in err and "steps of 0.5" in err
    load_methodology.cache_clear()
