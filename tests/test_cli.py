"""The command line end to end: arguments in, output and exit status out, database state after."""

from __future__ import annotations

import io
import json
import sys

import pandas as pd
import pytest

from demoscope.cli import main


def test_show_json_contract(cli):
    code, out, _ = cli("show", "Kazakhstan", "2008", "--json")
    assert code == 0
    card = json.loads(out)
    assert {"country", "iso3", "edition", "direction", "ratings", "democracy_score",
            "democracy_percentage", "regime", "changes"} <= set(card)
    assert card["ratings"] == {"EP": 6.75, "CS": 5.5, "IM": 6.75, "NDG": 6.75, "LDG": 6.25,
                               "JFI": 6.25, "CO": 6.5}
    assert (card["democracy_score"], card["democracy_percentage"]) == (6.39, 10.12)
    assert card["regime"] == "Consolidated Authoritarian Regime"
    assert card["direction"] == "1_best"
    by = {c["category"]: c for c in card["changes"]}
    cs = dict(by["CS"])
    sources = cs.pop("sources")
    assert cs == {"category": "CS", "from": 5.75, "to": 5.5, "verb": "improves",
                  "sentence": "Kazakhstan's rating for civil society improves from 5.75 to 5.50.",
                  "justification": None}
    # the evidence of the change: where the new value comes from (the built-in dataset's source)
    assert [s["label"] for s in sources] == ["built-in dataset"]
    assert sources[0]["url"] and sources[0]["url"].startswith("http")
    assert by["EP"]["sentence"] == "Kazakhstan's rating for electoral process deteriorates from 6.50 to 6.75."
    assert by["IM"]["sentence"] == "Kazakhstan's rating for independent media remains at 6.75."


def test_show_in_the_other_direction(cli):
    _code, out, _ = cli("show", "KAZ", "2008", "--direction", "7_best", "--json")
    card = json.loads(out)
    assert card["direction"] == "7_best" and card["ratings"]["EP"] == 1.25
    assert card["democracy_score"] == 1.61 and card["democracy_percentage"] == 10.12
    by = {c["category"]: c for c in card["changes"]}
    assert by["CS"]["verb"] == "improves" and (by["CS"]["from"], by["CS"]["to"]) == (2.25, 2.5)
    assert by["CS"]["sentence"].endswith("improves from 2.25 to 2.50.")


def test_show_table_for_people(cli):
    code, out, _ = cli("show", "kyrgyz republic", "2015")
    assert code == 0
    assert "Kyrgyzstan" in out and "Democracy Score" in out and "quirk" in out


def test_show_governance_era(cli):
    _code, out, _ = cli("show", "RUS", "2004", "--json")
    card = json.loads(out)
    assert list(card["ratings"]) == ["EP", "CS", "IM", "GOV", "JFI", "CO"]
    assert card["democracy_score"] == 5.25


def test_macedonia_alias_and_historic_name(cli):
    _code, out, _ = cli("show", "Macedonia", "2008", "--json")
    card = json.loads(out)
    assert card["iso3"] == "MKD"
    assert card["changes"][0]["sentence"].startswith("Macedonia's rating")


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [(("show", "Kazakstan", "2008"), 4, "Did you mean: Kazakhstan"),
     (("show", "KAZ", "2000"), 4, "no 2000 edition"),
     (("show", "KAZ", "1995"), 4, "no ratings for Kazakhstan in the 1995 edition"),
     (("show", "KAZ", "2008", "--direction", "up"), 3, "direction"),
     (("rate", "KAZ", "2008", "CS", "6.3"), 3, "off the grid"),
     (("rate", "KAZ", "2008", "CS", "9"), 3, "out of range"),
     (("rate", "KAZ", "2008", "CS", "abc"), 3, "not a number"),
     (("rate", "KAZ", "2008", "GOV", "6"), 3, "does not rate GOV"),
     (("rate", "KAZ", "2008", "speech", "6"), 3, "category 'speech'"),
     (("rate", "KAZ", "2008", "CS", "6.00"), 3, "justification is required"),
     (("export", "--format", "docx"), 3, "--format 'docx'")],
)
def test_bad_input_names_the_field_and_exits_non_zero(cli, args, code, needle):
    rc, out, err = cli(*args)
    assert rc == code, err
    assert needle in err
    assert "Traceback" not in err and out == ""


def test_bad_input_writes_nothing(cli, engine):
    from sqlalchemy import text

    from demoscope.store.db import session_scope

    cli("rate", "KAZ", "2008", "CS", "6.00")
    with session_scope(engine) as s:
        assert s.scalar(text("SELECT count(*) FROM rating_revisions")) == 0


def test_rate_records_and_show_reflects_it(cli):
    code, out, err = cli("rate", "KAZ", "2008", "civil society", "6.00", "-j", "NGO law", "--json")
    assert code == 0, err
    assert json.loads(out) == {"iso3": "KAZ", "edition": 2008, "category": "CS", "old": 5.5,
                               "new": 6.0, "previous_edition_value": 5.75}
    card = json.loads(cli("show", "KAZ", "2008", "--json")[1])
    assert card["ratings"]["CS"] == 6.0 and card["democracy_score"] == 6.46


def test_export_tidy_csv(cli):
    _code, out, _ = cli("export")
    df = pd.read_csv(io.StringIO(out))
    assert list(df.columns) == ["country", "iso3", "edition", "category", "rating", "direction"]
    assert len(df) == 2960 - 373
    kaz = df[(df.iso3 == "KAZ") & (df.edition == 2008) & (df.category == "EP")]
    assert kaz.rating.tolist() == [6.75]


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx", "parquet"])
def test_export_formats_round_trip(cli, tmp_path, fmt):
    target = tmp_path / f"out.{fmt}"
    code, _, err = cli("export", "--format", fmt, "-o", str(target), "--direction", "7_best",
                       "--country", "KAZ", "--wide")
    assert code == 0, err
    reader = {"csv": pd.read_csv, "json": pd.read_json, "xlsx": pd.read_excel,
              "parquet": pd.read_parquet}[fmt]
    df = reader(target)
    row = df[df.edition == 2008].iloc[0]
    assert row["EP"] == 1.25 and row["direction"] == "7_best"
    assert set(df.iso3) == {"KAZ"}


def test_listings(cli):
    code, out, _ = cli("countries", "--json")
    assert code == 0
    countries = json.loads(out)
    assert len(countries) == 29
    assert {"country": "Kosovo", "iso3": "XKX"}.items() <= next(
        c for c in countries if c["iso3"] == "XKX").items()
    _, out, _ = cli("editions", "--json")
    eds = {e["edition"]: e for e in json.loads(out)}
    assert eds[2008]["ratings"] > 0 and eds[2020]["direction"] == "7_best"
    assert eds[1999]["label"] == "1999–2000"
    _code, out, _ = cli("methodology", "--json")
    assert [c["code"] for c in json.loads(out)["categories"]][:3] == ["EP", "CS", "IM"]


def test_uninitialised_database_is_a_clear_error(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("DEMOSCOPE_DATABASE_URL", f"sqlite:///{tmp_path / 'none.db'}")
    monkeypatch.setattr(sys, "argv", ["demoscope", "show", "KAZ"])
    with pytest.raises(SystemExit) as exc:
        main()
    assert exc.value.code == 2
    assert "demoscope db init" in capsys.readouterr().err


def test_every_command_has_help_with_an_example():
    from typer.main import get_command

    from demoscope.cli import app

    root = get_command(app)

    def walk(cmd, path):
        if hasattr(cmd, "commands"):
            for name, sub in cmd.commands.items():
                yield from walk(sub, [*path, name])
        else:
            yield path, cmd

    for path, cmd in walk(root, []):
        assert "Example:" in (cmd.help or ""), " ".join(path)


def test_methodology_table_shows_each_directions_bands(cli):
    """Both direction columns of the regime-band table match the methodology file (the 1-best
    column printed the 7-best ranges once)."""
    import tomllib
    from importlib import resources

    raw = tomllib.loads((resources.files("demoscope") / "methodologies" / "nit.toml").read_text())
    code, out, _ = cli("methodology")
    assert code == 0
    rows = {line.split("│")[1].strip(): [c.strip() for c in line.split("│")[2:4]]
            for line in out.splitlines() if line.count("│") >= 4}
    for band in raw["bands"]:
        low, high = rows[band["name"]]
        assert low == "{:.2f}–{:.2f}".format(*map(float, band["low_best"]))
        assert high == "{:.2f}–{:.2f}".format(*map(float, band["high_best"]))
    assert rows["Consolidated Democracy"][0] == "1.00–2.99"


def test_exports_carry_the_data_version(cli, tmp_path):
    import json as jsonlib

    import pyarrow.parquet as pq
    from openpyxl import load_workbook

    from demoscope.dataset import DATASET_VERSION

    code, _, err = cli("export", "--country", "KAZ")
    assert code == 0 and f"data version {DATASET_VERSION}+" in err
    version = err.split("data version ")[1].split()[0]
    cli("export", "-o", str(tmp_path / "r.csv"))
    meta = jsonlib.loads((tmp_path / "r.csv.meta.json").read_text())
    assert meta["data_version"] == version and meta["dataset"] == DATASET_VERSION
    assert meta["rows"] == 2960 - 373 and meta["shape"] == "tidy"
    cli("export", "-f", "json", "-o", str(tmp_path / "r.json"), "--country", "KAZ")
    assert {r["data_version"] for r in jsonlib.loads((tmp_path / "r.json").read_text())} == {version}
    cli("export", "-f", "xlsx", "-o", str(tmp_path / "r.xlsx"), "--country", "KAZ")
    book = load_workbook(tmp_path / "r.xlsx")
    props = {p.name: p.value for p in book.custom_doc_props.props}
    assert props["demoscope.data_version"] == version and "about" in book.sheetnames
    cli("export", "-f", "parquet", "-o", str(tmp_path / "r.parquet"), "--country", "KAZ")
    stamp = jsonlib.loads(pq.read_schema(tmp_path / "r.parquet").metadata[b"demoscope"])
    assert stamp["data_version"] == version


def test_a_write_moves_the_data_version(cli):
    _, _, before = cli("export", "--country", "KAZ")
    cli("rate", "KAZ", "2008", "CS", "6.00", "-j", "NGO law")
    _, _, after = cli("export", "--country", "KAZ")
    serial = [int(t.split("data version ")[1].split("+")[1].split()[0]) for t in (before, after)]
    assert serial[1] == serial[0] + 1
