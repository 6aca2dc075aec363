"""Publications on the site: country reports and edition overviews (HTML in the site's
layout, Markdown, PDF), cached per data version; the data page's releases; the evidence of
each change in the API."""

from __future__ import annotations

import subprocess
from html import unescape

import pytest

from demoscope.methodology import nit
from demoscope.numbers import frac

REPORT = "/countries/KAZ/editions/2008/report"


def test_report_page_uses_the_site_layout_and_its_stylesheet(client):
    r = client.get(REPORT)
    assert r.status_code == 200 and r.headers["content-type"] == "text/html; charset=utf-8"
    html = unescape(r.text)
    assert html.count("<h1>") == 1 and "<h1>Kazakhstan</h1>" in html
    assert '<link rel="stylesheet" href="/static/style.css">' in html
    assert '<link rel="stylesheet" href="/static-publish/report.css">' in html
    assert '<article class="publication report"' in html
    assert "<style" not in html and " style=" not in html  # a strict style-src holds
    assert "Kazakhstan's rating for civil society improves from 5.75 to 5.50." in html
    assert f'href="{REPORT}.pdf"' in html and f'href="{REPORT}.md"' in html
    assert 'href="/editions/2008/overview"' in html
    css = client.get("/static-publish/report.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert client.get("/static-publish/report.css",
                      headers={"If-None-Match": css.headers["etag"]}).status_code == 304


@pytest.mark.parametrize(("path", "media", "name"), [
    (f"{REPORT}.md", "text/markdown; charset=utf-8", "kaz-2008.md"),
    (f"{REPORT}.pdf", "application/pdf", "kaz-2008.pdf"),
    ("/editions/2009/overview.md", "text/markdown; charset=utf-8", "nit-2009-overview.md"),
    ("/editions/2009/overview.pdf", "application/pdf", "nit-2009-overview.pdf")])
def test_report_files_have_their_type_and_name(client, path, media, name):
    r = client.get(path)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == media
    assert r.headers["content-disposition"] == f'inline; filename="{name}"'
    if media == "application/pdf":  # the stamp is in the text (see below) and the metadata
        assert r.content.startswith(b"%PDF-")
    else:
        assert r.text.startswith("# ")
        assert f"Data version: {r.headers['x-demoscope-data-version']}" in r.text


def test_markdown_report_is_the_library_report(client, db_url):
    from demoscope.publish.render import render_report
    from demoscope.store.reads import reader_for_url

    r = client.get(f"{REPORT}.md")
    assert r.content == render_report(reader_for_url(db_url), nit(), "KAZ", 2008, "md")


def test_pdf_text_holds_the_score_and_the_sentences(client, tmp_path):
    pdf = tmp_path / "kaz.pdf"
    pdf.write_bytes(client.get(f"{REPORT}.pdf").content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    flat = " ".join(text.split())
    assert "Kazakhstan" in flat and "6.39" in flat
    version = client.get(REPORT).headers["x-demoscope-data-version"]
    assert f"data version {version}" in flat
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert f"Subject:         demoscope, data version {version}" in info
    assert "Kazakhstan's rating for civil society improves from 5.75 to 5.50." in flat


def test_reports_are_cached_per_data_version_and_never_stale(client, engine):
    from demoscope.services.rating import rate

    first = client.get(f"{REPORT}.md")
    again = client.get(f"{REPORT}.md", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    rate(engine, nit(), "KAZ", 2008, "CS", frac("5.25"), source="invented panel",
         justification="An invented reason for the new value.")
    after = client.get(f"{REPORT}.md")
    assert after.status_code == 200 and after.headers["etag"] != first.headers["etag"]
    assert (after.headers["x-demoscope-data-version"]
            != first.headers["x-demoscope-data-version"])
    assert "civil society improves from 5.75 to 5.25." in after.text
    assert "An invented reason for the new value." in after.text
    page = unescape(client.get(REPORT).text)
    assert "An invented reason for the new value." in page and "invented panel" in page


def test_report_addresses(client):
    r = client.get("/countries/kz/editions/2008/report.pdf", follow_redirects=False)
    assert r.status_code == 301 and r.headers["location"] == f"{REPORT}.pdf"
    missing = client.get("/countries/KAZ/editions/1995/report")
    assert missing.status_code == 404 and "no ratings for Kazakhstan" in missing.text
    assert client.get(f"{REPORT}.docx").status_code == 422
    assert client.get("/countries/Atlantis/editions/2008/report").status_code == 404


def test_overview_page_is_linked_from_the_edition_page(client):
    assert 'href="/editions/2009/overview"' in client.get("/editions/2009").text
    html = client.get("/editions/2009/overview").text
    assert html.count("<h1>") == 1 and "Regional averages" in html and "Largest declines" in html
    assert 'href="/countries/KAZ/editions/2009/report"' in html
    assert "<style" not in html and " style=" not in html
    card = client.get("/api/v1/countries/KAZ").json()["editions"][-1]
    assert f'href="/countries/KAZ/editions/{card["edition"]}/report"' in client.get("/countries/KAZ").text


def test_each_change_in_the_api_carries_its_justification_and_sources(client, engine):
    from demoscope.services.rating import rate

    rate(engine, nit(), "KAZ", 2008, "EP", frac("6.50"), source="invented panel",
         source_url="https://example.org/vote", justification="An invented reason.")
    card = client.get("/api/v1/countries/KAZ/editions/2008").json()
    by = {c["category"]: c for c in card["changes"]}
    assert by["EP"]["justification"] == "An invented reason."
    assert by["EP"]["sources"] == [{"label": "invented panel", "url": "https://example.org/vote"}]
    listed = client.get("/api/v1/changes", params={"country": "KAZ", "edition": 2008}).json()
    assert {c["category"]: c["sources"] for c in listed} == {k: c["sources"] for k, c in by.items()}
    spec = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert {"justification", "sources"} <= set(spec["Change"]["properties"])
    assert {"category", "from", "to", "verb", "sentence"} <= set(spec["Change"]["required"])
    assert spec["SourceRef"]["properties"].keys() == {"label", "url"}


@pytest.fixture
def releases(db_url, engine, tmp_path):
    """Two releases of 2008 in a releases folder: before and after one correction."""
    from demoscope.publish.release import build_release, write_release
    from demoscope.services.rating import rate
    from demoscope.store.reads import reader_for_url

    folder = tmp_path / "releases"
    read = reader_for_url(db_url)
    first = build_release(read, nit(), 2008)
    first_dir = write_release(first, folder / first.name)[0]
    rate(engine, nit(), "KAZ", 2008, "CS", frac("5.75"), source="invented panel",
         justification="An invented correction.")
    second = build_release(read, nit(), 2008, previous=first_dir)
    write_release(second, folder / second.name)
    (folder / "notes.txt").write_text("not a release")
    return folder, first, second


@pytest.fixture
def release_client(db_url, releases):
    from fastapi.testclient import TestClient

    from demoscope.web.app import create_app

    with TestClient(create_app(db_url, releases_dir=releases[0])) as c:
        yield c


def test_data_page_lists_releases_with_their_changes(release_client, releases):
    _folder, first, second = releases
    r = release_client.get("/data")
    assert r.status_code == 200 and r.headers["cache-control"] == "no-cache"
    html = r.text
    assert html.index(second.name) < html.index(first.name)  # newest first
    assert "1 changed cell, 1 correction of published values (1 changed)" in html
    assert "An invented correction." in html and "Built without a previous release" in html
    assert f'href="/data/releases/{second.name}.zip"' in html
    got = release_client.get(f"/data/releases/{second.name}/changes.csv")
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    assert "KAZ,Kazakhstan,2008,CS,5.50,5.75,changed,yes" in got.text
    z = release_client.get(f"/data/releases/{second.name}.zip")
    assert z.status_code == 200 and z.content[:2] == b"PK"
    assert "attachment" in release_client.get(
        f"/data/releases/{second.name}/ratings-tidy.xlsx").headers["content-disposition"]


@pytest.mark.parametrize("path", [
    "/data/releases/nope/SHA256SUMS", "/data/releases/{name}/..%2F..%2Fetc%2Fpasswd",
    "/data/releases/{name}/notes.txt", "/data/releases/..%2Fnotes.txt/x",
    "/data/releases/{name}/missing.csv"])
def test_only_listed_release_files_are_served(release_client, releases, path):
    r = release_client.get(path.format(name=releases[2].name))
    assert r.status_code == 404


def test_corrections_come_first_among_the_added_cells_of_a_new_edition(db_url, releases):
    from demoscope.publish.release import build_release, list_releases, write_release
    from demoscope.store.reads import reader_for_url

    folder, first, _second = releases
    rel = build_release(reader_for_url(db_url), nit(), 2009, previous=folder / first.name)
    write_release(rel, folder / rel.name)
    entry = next(e for e in list_releases(folder) if e["name"] == rel.name)
    assert entry["kinds"]["changed"] == 1 and entry["kinds"]["added"] > 100
    assert entry["change_list"][0]["correction"] and entry["change_list"][0]["iso3"] == "KAZ"
    assert len(list_releases(folder, changes=5)[0]["change_list"]) == 5


def test_a_new_release_shows_without_a_write(release_client, releases, db_url):
    """The folder changes without the data version moving: the page is built each time."""
    from demoscope.publish.release import build_release, write_release
    from demoscope.store.reads import reader_for_url

    assert "nit-2009-" not in release_client.get("/data").text
    rel = build_release(reader_for_url(db_url), nit(), 2009)
    write_release(rel, releases[0] / rel.name)
    assert rel.name in release_client.get("/data").text
