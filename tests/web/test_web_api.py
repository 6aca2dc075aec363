"""The JSON API over a real database (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from demoscope.methodology import nit

M = nit()


@pytest.mark.parametrize("args", [("KAZ", "2008"), ("MKD", "2016"), ("SRB", "2005", "7_best"),
                                  ("EST", "1997"), ("ALB", "2003", "1_best")])
def test_scorecard_is_exactly_show_json(client, cli, args):
    iso3, year, *direction = args
    extra = ["--direction", direction[0]] if direction else []
    code, out, _ = cli("show", iso3, year, "--json", *extra)
    assert code == 0
    q = f"?direction={direction[0]}" if direction else ""
    r = client.get(f"/api/v1/countries/{iso3}/editions/{year}{q}")
    assert r.status_code == 200
    assert r.json() == json.loads(out)


def test_scorecard_accepts_names_and_reports_unknown_with_suggestions(client):
    assert client.get("/api/v1/countries/Kyrgyz Republic/editions/2010").json()["iso3"] == "KGZ"
    r = client.get("/api/v1/countries/Kazakstan/editions/2008")
    assert r.status_code == 404
    body = r.json()
    assert body["field"] == "country" and "Kazakhstan" in body["suggestions"]
    r = client.get("/api/v1/countries/KAZ/editions/1990")
    assert r.status_code == 404 and r.json()["field"] == "edition"


def test_ratings_filters_and_direction(client):
    r = client.get("/api/v1/ratings", params={"country": "KAZ", "from": 2008, "to": 2008})
    page = r.json()
    assert page["total"] == 7 and len(page["items"]) == 7
    by = {i["category"]: i["rating"] for i in page["items"]}
    assert by == {"EP": 6.75, "CS": 5.5, "IM": 6.75, "NDG": 6.75, "LDG": 6.25, "JFI": 6.25, "CO": 6.5}
    assert {i["direction"] for i in page["items"]} == {"1_best"}
    seven = client.get("/api/v1/ratings", params={"country": "KAZ", "from": 2008, "to": 2008,
                                                  "direction": "7_best"}).json()["items"]
    assert {i["category"]: i["rating"] for i in seven} == {k: 8 - v for k, v in by.items()}
    cs = client.get("/api/v1/ratings", params=[("country", "KAZ"), ("country", "RUS"),
                                               ("category", "CS"), ("from", 2005), ("to", 2009)]).json()
    assert cs["total"] == 10 and {i["category"] for i in cs["items"]} == {"CS"}
    assert {i["iso3"] for i in cs["items"]} == {"KAZ", "RUS"}


def test_ratings_pagination_covers_everything_once(client):
    first = client.get("/api/v1/ratings", params={"limit": 1000}).json()
    total, seen, url = first["total"], [], "/api/v1/ratings?limit=1000"
    from demoscope.dataset import builtin_records

    assert total == sum(1 for r in builtin_records() if r.category != "DS")  # DS rows are scores
    while url:
        page = client.get(url).json()
        seen += [(i["iso3"], i["edition"], i["category"]) for i in page["items"]]
        url = page["next"]
    assert len(seen) == total == len(set(seen))


def test_bad_parameters_are_clear_errors(client):
    r = client.get("/api/v1/ratings", params={"from": 2010, "to": 2005})
    assert r.status_code == 200 and r.json()["total"] == 0  # an empty range selects nothing
    assert client.get("/api/v1/ratings", params={"from": 12}).status_code == 422
    assert client.get("/api/v1/ratings", params={"limit": 0}).status_code == 422
    assert client.get("/api/v1/ratings", params={"category": "XX"}).status_code == 422
    assert client.get("/api/v1/countries/KAZ", params={"direction": "up"}).status_code == 422


def test_scores_and_changes_agree_with_scorecards(client):
    scores = client.get("/api/v1/scores", params={"country": "KAZ", "from": 2008, "to": 2008}).json()
    assert scores == [{"country": "Kazakhstan", "iso3": "KAZ", "edition": 2008, "direction": "1_best",
                       "democracy_score": 6.39, "democracy_percentage": 10.12,
                       "regime": "Consolidated Authoritarian Regime", "complete": True,
                       "status": "complete", "published_democracy_score": 6.39,
                       "published_democracy_percentage": None, "published_regime": None,
                       "reconstructed": None,
                       "flags": ["regime_derived", "percentage_derived"]}]
    changes = client.get("/api/v1/changes", params={"country": "KAZ", "edition": 2008,
                                                    "changed_only": True}).json()
    assert [c["sentence"] for c in changes] == [
        "Kazakhstan's rating for electoral process deteriorates from 6.50 to 6.75.",
        "Kazakhstan's rating for civil society improves from 5.75 to 5.50."]


def test_edition_overview_regional_averages_are_exact_means(client):
    ov = client.get("/api/v1/editions/2008").json()
    assert ov["edition"] == 2008 and ov["previous_edition"] == 2007
    rows = ov["countries"]
    assert len(rows) == 25
    for region, avg in ov["regional_averages"].items():
        for code in ("EP", "CO"):
            vals = [Fraction(str(r["ratings"][code])) for r in rows
                    if r["region"] == region and r["ratings"][code] is not None]
            mean = sum(vals) / len(vals)
            assert abs(Fraction(str(avg[code])) - mean) <= Fraction(1, 200)  # shown to 2 decimals
    kaz = next(r for r in rows if r["iso3"] == "KAZ")
    assert kaz["changes"]["EP"] == "deteriorates" and kaz["changes"]["CS"] == "improves"
    assert kaz["colour"].startswith("#") and kaz["regime"] == "Consolidated Authoritarian Regime"


def test_ranking_orders_most_democratic_first_on_either_scale(client):
    low = client.get("/api/v1/rankings/2008/DS").json()
    high = client.get("/api/v1/rankings/2008/DS", params={"direction": "7_best"}).json()
    assert [r["iso3"] for r in low] == [r["iso3"] for r in high]
    assert low[0]["value"] <= low[-1]["value"] and high[0]["value"] >= high[-1]["value"]
    ranks = [r["rank"] for r in low]
    assert ranks == sorted(ranks) and ranks[0] == 1


def test_etag_and_cache_control(client):
    r = client.get("/api/v1/countries/KAZ/editions/2008")
    tag = r.headers["etag"]
    assert r.headers["cache-control"].startswith("public")
    again = client.get("/api/v1/countries/KAZ/editions/2008", headers={"If-None-Match": tag})
    assert again.status_code == 304 and not again.content
    other = client.get("/api/v1/countries/KAZ/editions/2008", params={"direction": "7_best"},
                       headers={"If-None-Match": tag})
    assert other.status_code == 200 and other.headers["etag"] != tag


def test_etag_changes_when_a_rating_changes(client, cli):
    tag = client.get("/api/v1/countries/KAZ/editions/2008").headers["etag"]
    code, _, err = cli("rate", "KAZ", "2008", "CS", "5.75", "--justification", "test change")
    assert code == 0, err
    r = client.get("/api/v1/countries/KAZ/editions/2008", headers={"If-None-Match": tag})
    assert r.status_code == 200 and r.json()["ratings"]["CS"] == 5.75


def test_cors_is_read_only(client):
    r = client.get("/api/v1/editions", headers={"Origin": "https://example.org"})
    assert r.headers["access-control-allow-origin"] == "*"
    pre = client.options("/api/v1/editions", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "GET"})
    assert pre.status_code == 200 and "GET" in pre.headers["access-control-allow-methods"]
    bad = client.options("/api/v1/editions", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "DELETE"})
    assert bad.status_code == 400
    assert client.post("/api/v1/countries").status_code == 405
    # the workflow's writes need a person (issue 12), before any body is read
    assert client.post("/api/v1/editions").status_code == 401


def test_openapi_and_offline_docs(client):
    spec = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/countries", "/api/v1/countries/{iso3}/editions/{year}", "/api/v1/ratings",
                 "/api/v1/scores", "/api/v1/changes", "/api/v1/editions"):
        assert path in spec["paths"], path
    docs = client.get("/api/v1/docs").text
    assert "/api/v1/ratings" in docs and "cdn" not in docs.lower()


def test_every_answer_carries_the_data_version(client):
    from demoscope.dataset import DATASET_VERSION

    for path in ("/api/v1/countries/KAZ/editions/2008", "/api/v1/editions", "/editions/2008",
                 "/api/v1/countries/XXX/editions/2008"):
        r = client.get(path)
        assert r.headers["x-demoscope-data-version"].startswith(DATASET_VERSION + "+"), path


def test_prebuilt_answers_are_the_same_bytes_and_honour_etags(client):
    url = "/api/v1/ratings?country=KAZ&from=2008&to=2008"
    first, again = client.get(url), client.get(url)  # the second comes from the middleware
    assert first.content == again.content and first.headers["etag"] == again.headers["etag"]
    assert first.headers["content-type"] == again.headers["content-type"] == "application/json"
    assert client.get(url, headers={"If-None-Match": first.headers["etag"]}).status_code == 304
    head = client.head(url)
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == first.headers["etag"]


def test_methodology_endpoint_is_the_cli_json(client, cli):
    import json

    assert client.get("/api/v1/methodology").json() == json.loads(cli("methodology", "--json")[1])


def test_spec_documents_the_methodologys_labels(client):
    spec = client.get("/api/v1/openapi.json").json()
    card = spec["components"]["schemas"]["Scorecard"]["properties"]
    assert card["direction"]["enum"] == ["1_best", "7_best"]


def test_prebuilt_answers_are_bounded_in_memory(db_url):
    """Clients choose URLs: the answers kept per worker stay within their byte budget."""
    from fastapi.testclient import TestClient

    from demoscope.web.app import create_app
    from demoscope.web.middleware import ServeReadModels

    app = create_app(db_url)
    with TestClient(app) as c:
        layer = app.middleware_stack
        while not isinstance(layer, ServeReadModels):
            layer = layer.app
        layer.max_bytes = 200_000
        for offset in range(0, 2000, 100):
            assert c.get(f"/api/v1/ratings?limit=100&offset={offset}").status_code == 200
        assert 0 < layer._bytes <= 200_000 and len(layer._answers) < 20


def test_coverage_and_headline_only_scorecards(client):
    grid = client.get("/api/v1/coverage").json()
    kaz = next(c for c in grid["countries"] if c["iso3"] == "KAZ")
    assert kaz["editions"]["2022"]["status"] == "headline-only"
    card = client.get("/api/v1/countries/KAZ/editions/2022").json()
    assert card["status"] == "headline-only" and card["ratings"] == {}
    assert card["headline"]["kind"] == "published headline"
    assert card["published_democracy_score"] == 1.36 and card["democracy_score"] is None
    rec = client.get("/api/v1/countries/SRB/editions/2019", params={"direction": "7_best"}).json()
    assert rec["status"] == "reconstructed" and rec["reconstructed"]["democracy_score"] == 4.0
    assert client.get("/api/v1/countries/KAZ/editions/1995").status_code == 404
