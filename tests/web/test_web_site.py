"""The readers' site over HTTP (issue 14): every edition a page, country-year pages, honest
gaps, coverage, downloads of what a page shows, search, and markup that a strict
Content-Security-Policy accepts. The browser tests (test_web_site_browser.py) check the same
pages as a reader sees them."""

from __future__ import annotations

import csv
import html
import io
import re

import pytest

from demoscope.dataset import builtin_records
from demoscope.methodology import nit

M = nit()


def countries_in(year: int) -> set[str]:
    """The countries the built-in dataset holds anything of in an edition (the facts)."""
    return {r.iso3 for r in builtin_records() if r.year == year}


def test_every_modelled_edition_has_a_page(client):
    for year in M.editions:
        r = client.get(f"/editions/{year}")
        assert r.status_code == 200, year
        assert M.edition(year).label in r.text
    r = client.get("/editions/2000", follow_redirects=False)
    assert r.status_code == 301 and r.headers["location"] == "/editions/1999"
    assert client.get("/editions/1996").status_code == 404
    index = client.get("/editions").text
    for year in M.editions:
        assert f'href="/editions/{year}"' in index


def in_dataset(client, year: int) -> int:
    grid = client.get("/api/v1/coverage").json()
    return sum(c["editions"][str(year)]["status"] != "none" for c in grid["countries"])


def test_an_edition_states_its_coverage(client):
    n = in_dataset(client, 2018)
    assert n >= len(countries_in(2018))  # rated rows, and headlines of the country pages
    page = client.get("/editions/2018").text
    assert f"{n} of the 29 countries rated in {M.name} 2018 are in this dataset" in page
    assert f"among the {n} shown" in page
    later = client.get("/editions/2021").text
    assert f"{in_dataset(client, 2021)} of the 29 countries rated" in later
    # headlines only: regimes as printed (no "derived" note), averages of absent values are
    # marked missing, not "n/a" (which means "not rated")
    assert "Regime types without a mark" not in later
    regions = re.search(r'<table class="regions".*?</table>', later, re.S).group(0)
    assert "n/a" not in regions and 'class="missing"' in regions
    assert "Regime types without a mark" in client.get("/editions/2008").text
    empty = client.get("/editions/1995").text
    assert "0 countries of" in empty and 'id="no-data"' in empty
    ranking = client.get("/ranking", params={"edition": 2018}).text
    assert f"Ranks are among the {n} shown" in ranking


def test_gaps_are_marked_not_called_na(client):
    """Poland 2005 lacks five categories in the data but has its printed score: the page shows
    the printed 2.00 with its mark and the regime derived from it; the missing cells carry the
    missing mark, never n/a."""
    page = client.get("/countries/POL/2005").text
    assert "2.00</strong><sup class=\"mark\"" in page
    assert "Consolidated Democracy" in page
    row = re.search(r"<th scope=\"row\">Electoral Process.*?</tr>", page, re.S)
    assert row and "missing" in row.group(0) and "n/a" not in row.group(0)
    edition = client.get("/editions/2005").text
    pol = re.search(r'<tr class="status-partial">\s*<th scope="row">'
                    r'<a href="/countries/POL/2005">.*?</tr>', edition, re.S)
    assert pol and "2.00" in pol.group(0) and "n/a" not in pol.group(0)
    # n/a stays for categories the edition did not rate
    country = client.get("/countries/POL").text
    assert 'title="not rated in this edition">n/a' in country


def test_country_year_page_links_and_json(client):
    page = client.get("/countries/KAZ/2008").text
    assert 'rel="prev" href="/countries/KAZ/2007"' in page
    assert 'rel="next" href="/countries/KAZ/2009"' in page
    assert 'href="/api/v1/countries/KAZ/editions/2008"' in page
    assert ("Kazakhstan's rating for electoral process deteriorates from 6.50 to 6.75."
            in html.unescape(page))
    assert "https://" in page  # the sources the data holds
    country = client.get("/countries/KAZ").text
    assert 'href="/countries/KAZ/2008"' in country
    assert "/api/v1/countries/KAZ/editions/" not in re.sub(r'<a href="/api/v1/countries/KAZ">', "", country)
    edition = client.get("/editions/2008").text
    assert 'href="/countries/KAZ/2008"' in edition
    r = client.get("/countries/kazakstan/2008", follow_redirects=False)
    assert r.status_code in (301, 404)


@pytest.mark.parametrize(("query", "target"), [
    ("Hungary 2008", "/countries/HUN/2008"), ("czech", "/countries/CZE"),
    ("mac", "/countries/MKD"), ("2000 Poland", "/countries/POL/1999"),
    ("Kyrgyz Republic", "/countries/KGZ")])
def test_search_understands_readers(client, query, target):
    r = client.get("/search", params={"q": query}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == target


def test_search_suggests_prefixes_first(client):
    r = client.get("/search", params={"q": "slov"})
    assert r.status_code == 404
    names = re.findall(r'<li><a href="/countries/\w+">([^<]+)</a>', r.text)
    assert names[:2] == ["Slovakia", "Slovenia"]


@pytest.mark.parametrize("path", ["/editions/2018", "/countries/KAZ", "/countries/KAZ/2008",
                                  "/ranking?edition=2008", "/compare?countries=KAZ&countries=EST",
                                  "/"])
def test_every_table_page_links_its_own_csv_and_xlsx(client, path):
    page = client.get(path).text
    links = re.findall(r'href="([^"]+\.(?:csv|xlsx)[^"]*)" download', page)
    assert len(links) == 2, links
    for link in links:
        r = client.get(link.replace("&amp;", "&"))
        assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
        if ".csv" in link:
            rows = list(csv.DictReader(io.StringIO(r.text)))
            assert rows and rows[0]["data_version"]
        else:
            assert r.content[:2] == b"PK"


def test_edition_csv_carries_scores_flags_sources_with_two_decimals(client):
    r = client.get("/editions/2005.csv")
    rows = {row["iso3"]: row for row in csv.DictReader(io.StringIO(r.text))}
    assert len(rows) == len(countries_in(2005))
    pol = rows["POL"]
    assert pol["DS"] == "" and pol["published_DS"] == "2.00" and pol["status"] == "partial"
    assert "score_published" in pol["flags"] and pol["regime"] == "Consolidated Democracy"
    kaz = rows["KAZ"]
    assert re.fullmatch(r"\d\.\d\d", kaz["EP"]) and kaz["source_url"].startswith("http")
    assert "percentage_derived" in kaz["flags"] and "regime_derived" in kaz["flags"]
    seven = {row["iso3"]: row for row in csv.DictReader(io.StringIO(
        client.get("/editions/2005.csv?direction=7_best").text))}
    assert float(seven["KAZ"]["DS"]) + float(kaz["DS"]) == pytest.approx(8, abs=0.011)


def test_regime_names_follow_the_edition_era_not_the_display_scale(client):
    """2008 (1 = most democratic era) prints "Transitional Government or Hybrid Regime"; shown
    on the other scale, it keeps that name."""
    for q in ("", "?direction=7_best"):
        page = client.get(f"/editions/2008{q}").text
        assert "Transitional Government or Hybrid Regime" in page


def test_reader_words_not_labels(client):
    for path in ("/editions/2008", "/countries/KAZ", "/countries/KAZ/2008", "/ranking", "/compare",
                 "/methodology", "/editions"):
        text = re.sub(r"<script.*?</script>|<code>.*?</code>", " ", client.get(path).text, flags=re.S)
        text = re.sub(r"<[^>]+>", " ", text)
        text = re.sub(r"\?[^ ]*", "", text)
        assert "1_best" not in text and "7_best" not in text, path
        assert "most democratic" in text


def test_coverage_api_and_home_grid(client):
    grid = client.get("/api/v1/coverage").json()
    assert len(grid["countries"]) == 29 and grid["editions"] == list(M.editions)
    pol = next(r for r in grid["countries"] if r["iso3"] == "POL")
    assert pol["editions"]["2005"]["status"] == "partial"
    assert pol["editions"]["1995"]["status"] == "none"
    home = client.get("/").text
    assert 'id="coverage-grid"' in home and 'href="/countries/POL/2005"' in home
    for status in ("complete", "reconstructed", "partial", "headline only", "none"):
        assert status in home
    assert home.count('title="Serbia, 2019: reconstructed"') == 1  # a reconstructed cell


@pytest.mark.parametrize("path", ["/", "/editions", "/editions/2018", "/countries/KAZ",
                                  "/countries/POL/2005", "/ranking", "/compare", "/data",
                                  "/methodology", "/countries"])
def test_pages_fit_a_strict_content_security_policy(client, path):
    """No inline style attribute, no inline script that runs, nothing from another host: the
    pages work under `default-src 'self'` with no 'unsafe-inline'."""
    page = client.get(path).text
    assert not re.search(r"\sstyle=", page), "inline style attribute"
    for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S):
        assert 'type="application/json"' in attrs or (body.strip() == "" and "src=" in attrs)
    assert not re.search(r'(src|href)="(https?:)?//', re.sub(r'<a [^>]*href="https?://[^"]*"', "", page))
    assert "plotly" not in page.lower()


def test_data_files_carry_scores_flags_and_sources(client):
    wide = list(csv.DictReader(io.StringIO(client.get("/data/ratings.csv?wide=true").text)))
    for col in ("DS", "published_DS", "DP", "regime", "status", "flags", "source_url"):
        assert col in wide[0], col
    pol = next(r for r in wide if r["iso3"] == "POL" and r["edition"] == "2005")
    assert pol["DS"] == "" and pol["published_DS"] == "2.00" and pol["status"] == "partial"
    kaz = next(r for r in wide if r["iso3"] == "KAZ" and r["edition"] == "2008")
    assert kaz["DS"] == "6.39" and kaz["EP"] == "6.75" and kaz["source_url"].startswith("http")
    assert "percentage_derived" in kaz["flags"]
    tidy = client.get("/data/ratings.csv").text
    assert re.search(r",\d\.\d\d,", tidy) and not re.search(r",\d\.\d,", tidy)
    codebook = client.get("/data").text
    assert "published_DS" in codebook and "percentage_derived" in codebook


def test_country_year_routes_leave_other_country_pages_alone(client):
    """/countries/{iso3}/{year} takes years only: the workflow's revision page still answers."""
    assert client.get("/countries/KAZ/revisions").status_code == 200
    assert client.get("/countries/KAZ/2008").status_code == 200
