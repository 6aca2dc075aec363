"""The publication commands: thin faces over one library call each."""

from __future__ import annotations

import json


def test_report_markdown_to_stdout_and_pdf_to_file(cli, tmp_path):
    code, out, err = cli("report", "Kazakhstan", "2008")
    assert code == 0, err
    assert out.startswith("# Nations in Transit 2008 – Kazakhstan")
    assert "Kazakhstan's rating for civil society improves from 5.75 to 5.50." in out
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
    assert code == 2 and "refusing" in err and folder.is_dir()


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
