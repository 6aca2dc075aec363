"""The publication commands: thin faces over one library call each."""

from __future__ import annotations

import json

import pytest


def test_report_markdown_to_stdout_and_pdf_to_file(cli, tmp_path):
    code, out, err = cli("report", "Kazakhstan", "2008")
    assert code == 0, err
    assert out.startswith("# Nations in Transit 2008 – Kazakhstan")
    assert "Kazakhstan's rating for civil society improves from 5.75 to 5.50." in out
    code, dash, err = cli("report", "Kazakhstan", "2008", "-o", "-")
    assert code == 0 and dash == out, err
    target = tmp_path / "kaz.pdf"
    code, _, err = cli("report", "kz", "2008", "--format", "pdf", "-o", target)
    assert code == 0, err
    assert target.read_bytes().startswith(b"%PDF-")


def test_report_errors_name_the_field(cli, tmp_path):
    code, _, err = cli("report", "Kazakhstan", "2008", "--format", "docx")
    assert code == 3 and "[format]" in err
    code, _, err = cli("report", "Kazakhstan", "1995")
    assert code == 4 and "1995" in err
    folder = tmp_path / "taken"
    folder.mkdir()
    code, _, err = cli("report", "Kazakhstan", "2008", "-o", folder)
    assert code == 8 and "is a folder" in err and folder.is_dir()


def test_report_all_and_overview(cli, tmp_path):
    code, _, err = cli("report", "all", "2009", "--format", "html", "-o", tmp_path / "ed", "-j", "1")
    assert code == 0, err
    assert len(list((tmp_path / "ed").glob("*-2009.html"))) >= 28
    code, out, err = cli("overview", "2009")
    assert code == 0, err
    assert "## Regional averages" in out and "## Largest declines" in out


def test_release_json(cli, tmp_path):
    code, out, err = cli("release", "2008", "-o", tmp_path / "r1", "--json")
    assert code == 0, err
    first = json.loads(out)
    assert first["changes"] == 0 and first["previous"] is None
    code, out, err = cli("release", "2008", "-o", tmp_path / "r2", "--previous", tmp_path / "r1",
                         "--json")
    second = json.loads(out)
    assert second["data_version"] == first["data_version"] and second["changes"] == 0
    code, out, err = cli("release", "2008", "-o", tmp_path / "r3")
    assert code == 0, err
    assert (tmp_path / "r1" / "SHA256SUMS").read_bytes() == (tmp_path / "r3" / "SHA256SUMS").read_bytes()


def test_release_goes_to_the_releases_folder_by_default(cli, tmp_path, monkeypatch):
    """Without -o: DEMOSCOPE_RELEASES_DIR/METHODOLOGY-EDITION-DATAVERSION, where the site
    looks; after a write, the next release gets a folder of its own."""
    from demoscope.publish.release import list_releases

    folder = tmp_path / "releases"
    monkeypatch.setenv("DEMOSCOPE_RELEASES_DIR", str(folder))
    code, out, err = cli("release", "2008", "--json")
    assert code == 0, err
    first = json.loads(out)
    assert first["folder"] == str(folder / f"nit-2008-{first['data_version'].replace('+', '-')}")
    assert first["zip"] == first["folder"] + ".zip"
    code, _, err = cli("rate", "KAZ", "2008", "CS", "5.75", "--justification", "An invented reason.")
    assert code == 0, err
    code, out, err = cli("release", "2008", "--previous", first["folder"], "--json")
    second = json.loads(out)
    assert second["folder"] != first["folder"] and second["changes"] == 1
    listed = list_releases(folder)
    assert [r["data_version"] for r in listed] == [second["data_version"], first["data_version"]]
    assert listed[0]["change_list"][0]["reason"] == "An invented reason."


def test_report_with_a_draft_file(cli, tmp_path):
    """The draft seam by hand: the author's text from a JSON file (fictional prose)."""
    draft = tmp_path / "draft.json"
    draft.write_text(json.dumps({
        "authors": ["Ada Example"],
        "parts": {"executive_summary": "An invented opening.[1]",
                  "summary:CS": "Invented groups registered freely.[1]",
                  "outlook": "An invented outlook."},
        "footnotes": [{"number": 1, "text": "Invented Registry, Bulletin 2007."}]}))
    code, out, err = cli("report", "KAZ", "2008", "--draft", draft)
    assert code == 0, err
    assert "by Ada Example" in out and "[1] Invented Registry, Bulletin 2007." in out
    assert ("Civil Society. Invented groups registered freely.[1] Kazakhstan's rating for civil "
            "society improves from 5.75 to 5.50.") in out
    assert "data parts only" not in out


@pytest.mark.parametrize(("content", "field"), [
    ("{not json", "[draft]"),
    ('{"parts": {"EP": 3}}', "[parts]"),
    ('{"footnotes": [{"number": "one", "text": "x"}]}', "[footnotes]"),
    ('{"colour": "red"}', "[colour]"),
    ('{"parts": {"summary:EP": "Kazakhstan\'s rating for electoral process deteriorates from '
     '6.50 to 6.75."}}', "[summary:EP]"),
    ('{"parts": {"GOV": "A section for a category the 2008 edition does not rate."}}', "[GOV]")])
def test_a_bad_draft_file_is_one_line_naming_the_field(cli, tmp_path, content, field):
    draft = tmp_path / "draft.json"
    draft.write_text(content)
    code, out, err = cli("report", "KAZ", "2008", "--draft", draft)
    assert code != 0 and out == ""
    assert field in err and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
