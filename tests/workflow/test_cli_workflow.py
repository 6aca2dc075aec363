"""The CLI equivalents of the editor's work, acting as a named user."""

from __future__ import annotations

import io
import json
import os
import sys

from team import PASSWORD

from demoscope.methodology import nit
from demoscope.read.assessment import assessment
from demoscope.store.reads import reader_for_url


def _add(cli, monkeypatch, name: str, *args: str, password: str = PASSWORD):
    monkeypatch.setattr(sys, "stdin", io.StringIO(password + "\n"))
    return cli("user", "add", name, *args, "--password-stdin")


def test_users_editions_consensus_publication_and_log(cli, monkeypatch):
    assert _add(cli, monkeypatch, "root", "--role", "admin")[0] == 0
    code, out, err = _add(cli, monkeypatch, "ed", "--role", "editor", "--as", "root")
    assert code == 0, err
    assert _add(cli, monkeypatch, "ana", "--role", "author", "--countries", "KAZ", "--as", "root")[0] == 0
    code, _, err = _add(cli, monkeypatch, "short", "--role", "viewer", password="short")
    assert code == 3 and "password" in err and "short" not in err.replace("short'", "")
    code, _, err = _add(cli, monkeypatch, "x1", "--role", "viewer", "--as", "ana")
    assert code == 10 and "may not manage users" in err
    code, out, _ = cli("user", "list", "--json")
    listed = json.loads(out)
    assert [(u["username"], u["role"], u["countries"]) for u in listed] == [
        ("ana", "author", ["KAZ"]), ("ed", "editor", []), ("root", "admin", [])]
    assert PASSWORD not in out and "argon2" not in out

    code, out, err = cli("edition", "open", "2025", "--countries", "KAZ,KGZ", "--as", "ed", "--json")
    assert code == 0, err
    st = json.loads(out)
    assert st["state"] == "drafting" and [c["iso3"] for c in st["countries"]] == ["KAZ", "KGZ"]
    assert cli("edition", "open", "2026", "--as", "ana")[0] == 10
    assert cli("edition", "open", "2026")[0] == 10  # nobody named

    code, _, err = cli("propose", "KAZ", "2025", "EP", "1.50", "-j", "new parties", "--as", "ana")
    assert code == 0, err
    code, _, err = cli("rate", "KAZ", "2025", "EP", "1.50", "-j", "direct")
    assert code == 5 and "propose a value or set the consensus" in err
    code, _, err = cli("propose", "KGZ", "2025", "EP", "1.50", "-j", "x", "--as", "ana")
    assert code == 10 and "KGZ" in err
    code, _, err = cli("propose", "KAZ", "2025", "EP", "1.30", "-j", "x", "--as", "ana")
    assert code == 3 and "grid" in err

    assert cli("edition", "move", "2025", "review", "--as", "ed")[0] == 0
    assert cli("edition", "move", "2025", "consensus", "--as", "ed")[0] == 0
    code, out, err = cli("consensus", "KAZ", "2025", "EP", "1.50", "--version", "0", "-j",
                         "new parties", "--as", "ed", "--json")
    assert code == 0 and json.loads(out)["version"] == 1, err
    code, out, err = cli("consensus", "KAZ", "2025", "EP", "1.75", "--version", "0", "--as", "ed",
                         "--json")
    assert code == 5
    stale = json.loads(out)
    assert stale["current"]["value"] == 1.5 and stale["yours"]["value"] == 1.75

    code, out, err = cli("edition", "publish", "2025", "--as", "ed", "--json")
    assert code == 5
    missing = json.loads(out)["missing"]
    assert {"iso3": "KAZ", "category": "CS", "rule": "consensus"} in missing
    code, out, _ = cli("edition", "status", "2025", "--as", "ana", "--json")
    assert code == 0 and json.loads(out)["missing"] == missing

    # fill the rest with the starting values, then publish
    st = json.loads(cli("edition", "status", "2025", "--as", "ed", "--json")[1])
    for c in st["countries"]:
        a = assessment(reader_for_url(os.environ["DEMOSCOPE_DATABASE_URL"]), nit(), c["iso3"], 2025)
        v = a["version"]
        for cat, cell in a["categories"].items():
            if cell["consensus"] is None:
                code, out, err = cli("consensus", c["iso3"], "2025", cat, f"{cell['starting']:.2f}",
                                     "--version", str(v), "--as", "ed", "--json")
                assert code == 0, err
                v = json.loads(out)["version"]
    code, out, err = cli("edition", "publish", "2025", "--as", "ed")
    assert code == 0, err
    code, out, err = cli("show", "KAZ", "2025", "--json")
    assert code == 0 and json.loads(out)["ratings"]["EP"] == 1.5

    code, _, err = cli("correct", "KAZ", "2025", "EP", "1.75", "--reason", "typo", "--as", "ed")
    assert code == 0, err
    card = json.loads(cli("show", "KAZ", "2025", "--json")[1])
    assert card["ratings"]["EP"] == 1.75 and card["corrections"][0]["reason"] == "typo"
    code, _, err = cli("propose", "KAZ", "2025", "EP", "2.00", "-j", "late", "--as", "ana")
    assert code == 5 and "published" in err
    # a direct rating of a workflow edition is refused: corrections are audited
    code, _, err = cli("rate", "KAZ", "2025", "EP", "2.00", "-j", "direct")
    assert code == 5 and "demoscope correct" in err

    code, out, _ = cli("log", "--json")
    log = json.loads(out)
    assert [e["action"] for e in log][:3] == ["user.add", "user.add", "user.add"]
    assert log[0]["user"] == "console" and log[1]["user"] == "root"
    assert log[-1]["action"] == "correction" and log[-1]["user"] == "ed"
    code, out, _ = cli("log", "--csv", "--user", "ana")
    assert out.splitlines()[0].startswith("id,at,user,action") and len(out.splitlines()) == 2
    code, out, _ = cli("log")
    assert code == 0 and "Audit log" in out

    assert cli("user", "disable", "ana", "--as", "root")[0] == 0
    assert cli("propose", "KAZ", "2025", "EP", "2.00", "--as", "ana")[0] == 10
