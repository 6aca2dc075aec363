"""Data releases: reproducible bytes, every format stamped, changes against the previous one."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest

from demoscope.methodology import frac, nit
from demoscope.publish import release


def _build(read, out, previous=None, version=None):
    rel = release.build_release(read, nit(), 2008, previous=previous, data_version=version)
    return rel, release.write_release(rel, out)


def test_release_twice_gives_identical_bytes(read, tmp_path):
    _rel, (folder_a, zip_a) = _build(read, tmp_path / "a" / "nit-2008")
    _, (folder_b, zip_b) = _build(read, tmp_path / "b" / "nit-2008")
    sums = (folder_a / "SHA256SUMS").read_bytes()
    assert sums == (folder_b / "SHA256SUMS").read_bytes()
    assert zip_a.read_bytes() == zip_b.read_bytes()
    assert release.verify(folder_a) == []
    names = {line.split("  ")[1] for line in sums.decode().splitlines()}
    for shape in ("tidy", "wide"):
        for ext in ("csv", "json", "xlsx", "parquet"):
            assert f"ratings-{shape}.{ext}" in names
    assert {"codebook.md", "CHANGES.md", "changes.csv", "release.json"} <= names
    with zipfile.ZipFile(zip_a) as zf:
        assert sorted(zf.namelist()) == sorted(f"nit-2008/{n}" for n in [*names, "SHA256SUMS"])
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_data_version_is_stamped_in_every_file(read, tmp_path):
    """The database's data version, stamped the way every export is (exports.Stamp)."""
    import pyarrow.parquet as pq
    from openpyxl import load_workbook

    from demoscope.store.reads import data_version

    version = data_version(read)
    rel, (folder, _) = _build(read, tmp_path / "rel")
    assert rel.data_version == version.label
    assert rel.name == f"nit-2008-{version.label.replace('+', '-')}"
    for shape in ("tidy", "wide"):
        rows = list(csv.DictReader(io.StringIO((folder / f"ratings-{shape}.csv").read_text())))
        assert rows and {r["data_version"] for r in rows} == {version.label}
        meta = json.loads((folder / f"ratings-{shape}.csv.meta.json").read_text())
        assert meta["data_version"] == version.label and meta["dataset"] == version.dataset
        assert meta["shape"] == shape and meta["rows"] == len(rows)
        doc = json.loads((folder / f"ratings-{shape}.json").read_text())
        assert doc["data_version"] == version.label and doc["about"] == meta
        assert doc["rows"][0]["data_version"] == version.label
        table = pq.read_table(folder / f"ratings-{shape}.parquet")
        assert json.loads(table.schema.metadata[b"demoscope"]) == meta
        assert set(table.column("data_version").to_pylist()) == {version.label}
        book = load_workbook(folder / f"ratings-{shape}.xlsx")
        ws = book["ratings"]
        head = [c.value for c in ws[1]]
        col = head.index("data_version")
        assert {r[col] for r in ws.iter_rows(min_row=2, values_only=True)} == {version.label}
        about = dict(book["about"].iter_rows(min_row=2, values_only=True))
        assert about["data_version"] == version.label
        assert {p.name: p.value for p in book.custom_doc_props.props}[
            "demoscope.data_version"] == version.label
    for name in ("codebook.md", "CHANGES.md"):
        assert f"Data version: {version.label}." in (folder / name).read_text()
    assert json.loads((folder / "release.json").read_text())["data_version"] == version.label


def test_a_write_moves_the_data_version_of_the_next_release(cli, read_db, tmp_path):
    before = release.build_release(read_db, nit(), 2008)
    code, _, err = cli("rate", "Kazakhstan", "2008", "CS", "5.75", "--justification",
                       "An invented reason for the correction.")
    assert code == 0, err
    after = release.build_release(read_db, nit(), 2008)
    assert before.data_version != after.data_version and before.name != after.name


def test_wide_scores_come_from_the_library(read, tmp_path):
    _, (folder, _) = _build(read, tmp_path / "rel")
    rows = {(r["iso3"], r["edition"]): r for r in
            csv.DictReader(io.StringIO((folder / "ratings-wide.csv").read_text()))}
    kaz = rows[("KAZ", "2008")]
    assert kaz["DS"] == "6.39" and kaz["regime"] == "Consolidated Authoritarian Regime"
    assert kaz["GOV"] == "" and kaz["NDG"] == "6.75" and kaz["DP"] == ""


def test_a_rated_value_is_exactly_the_one_change(cli, read_db, tmp_path):
    _, (first, _) = _build(read_db, tmp_path / "first")
    code, _, err = cli("rate", "Kazakhstan", "2008", "CS", "5.75", "--justification",
                       "An invented reason for the correction.")
    assert code == 0, err
    rel, (second, _) = _build(read_db, tmp_path / "second", previous=first)
    rows = list(csv.DictReader(io.StringIO((second / "changes.csv").read_text())))
    assert rows == [{"iso3": "KAZ", "country": "Kazakhstan", "edition": "2008", "category": "CS",
                     "old": "5.50", "new": "5.75", "kind": "changed", "correction": "yes",
                     "source": "cli", "reason": "An invented reason for the correction."}]
    md = (second / "CHANGES.md").read_text()
    assert "1 changed cell(s), 1 correction(s)" in md
    assert rel.data_version != json.loads((first / "release.json").read_text())["data_version"]


def test_a_new_edition_is_not_a_correction(engine, read_db, tmp_path):
    from demoscope.services.rating import rate

    m = nit()
    first = release.write_release(release.build_release(read_db, m, 2008), tmp_path / "r2008")[0]
    rate(engine, m, "KAZ", 2008, "EP", frac("6.50"), source="panel",
         justification="An invented correction of a published value.")
    rel = release.build_release(read_db, m, 2009, previous=first)
    new = [c for c in rel.changes if c.edition == 2009]
    assert new and not any(c.correction for c in new) and {c.kind for c in new} == {"added"}
    fixed = [c for c in rel.changes if c.edition <= 2008]
    assert [(c.iso3, c.category, c.old, c.new, c.correction) for c in fixed] == \
        [("KAZ", "EP", "6.75", "6.50", True)]


def test_bad_previous_and_unsafe_targets_are_refused(read, tmp_path):
    from demoscope.errors import DataError, OutputError

    with pytest.raises(DataError):
        release.build_release(read, nit(), 2008, previous=tmp_path)
    target = tmp_path / "link"
    target.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(OutputError):
        release.write_release(release.build_release(read, nit(), 2008), target)
    assert not (tmp_path / "elsewhere").exists()


def test_changes_md_lists_corrections_first(engine, read_db, tmp_path):
    from demoscope.services.rating import rate

    m = nit()
    first = release.write_release(release.build_release(read_db, m, 2008), tmp_path / "r2008")[0]
    rate(engine, m, "KAZ", 2008, "EP", frac("6.50"), source="panel",
         justification="An invented correction of a published value.")
    rel = release.build_release(read_db, m, 2009, previous=first)
    md = rel.files["CHANGES.md"].decode()
    head, rest = md.split("## Every changed cell")
    assert "## Corrections of published values" in head
    assert head.count("| Kazakhstan | 2008 | EP | 6.75 | 6.50 | **yes** |") == 1
    assert rest.count("| **yes** |") == 1 and rest.count("| no |") == len(rel.changes) - 1
