"""The estimates where users see them, over HTTP on each backend: the public API and the
downloads carry estimate, lo and hi (intervals for the workflow edition with several raters per
cell; for a historic edition the answer says that no interval can be estimated), the charts
draw the bands, drafts stay private, and the workflow's divergence view and assessment page
carry the model and the calibration aid."""

from __future__ import annotations

import io
import json
import re

import pandas as pd
import pytest
from panel import PASSWORD, RATERS

from demoscope.read.estimates import PUBLISHED_ONLY


def _token(client, name: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", json={"username": name, "password": PASSWORD})
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def test_the_api_carries_estimates_and_intervals(client, workflow_db):
    year = workflow_db["year"]
    r = client.get("/api/v1/estimates", params={"country": "KAZ", "from": year})
    assert r.status_code == 200, r.text
    rows = r.json()
    assert [x["category"] for x in rows] == ["EP", "CS", "IM", "NDG", "LDG", "JFI", "CO", "DS"]
    for x in rows:
        assert x["edition"] == year and x["source"] == "model" and x["raters"] == len(RATERS)
        assert x["lo"] < x["estimate"] < x["hi"] and x["note"] is None
        assert x["direction"] == "7_best"
    # the published value beside it is the public scorecard's
    card = client.get(f"/api/v1/countries/KAZ/editions/{year}").json()
    assert {x["category"]: x["rating"] for x in rows[:-1]} == card["ratings"]
    assert rows[-1]["rating"] == card["democracy_score"]
    # the other scale, one category, the score only
    one = client.get("/api/v1/estimates", params={"country": "KAZ", "from": year,
                                                  "category": "DS", "direction": "1_best"}).json()
    assert len(one) == 1 and one[0]["estimate"] == pytest.approx(8 - rows[-1]["estimate"], abs=1e-4)
    assert one[0]["lo"] == pytest.approx(8 - rows[-1]["hi"], abs=1e-4)
    assert client.get("/api/v1/estimates", params={"category": "XX"}).status_code == 422


def test_the_api_says_when_no_interval_can_be_estimated(client):
    rows = client.get("/api/v1/estimates", params={"from": 2008, "to": 2008}).json()
    assert len(rows) > 150 and {x["edition"] for x in rows} == {2008}
    assert all(x["lo"] is None and x["hi"] is None and x["source"] == "published" for x in rows)
    cells = [x for x in rows if x["category"] != "DS"]
    assert all(x["estimate"] == x["rating"] and x["note"] == PUBLISHED_ONLY for x in cells)
    scores = [x for x in rows if x["category"] == "DS" and x["estimate"] is not None]
    assert scores and all(x["note"] == PUBLISHED_ONLY for x in scores)


def test_drafts_never_reach_public_answers(client, workflow_db):
    draft = workflow_db["draft_year"]
    rows = client.get("/api/v1/estimates", params={"from": draft}).json()
    assert rows == []
    r = client.get(f"/api/v1/editions/{draft}/divergence")
    assert r.status_code == 401
    r = client.get(f"/api/v1/assessments/KAZ/{draft}/calibration/CS")
    assert r.status_code == 401


def test_the_downloads_carry_estimates_and_intervals(client, workflow_db):
    year = workflow_db["year"]
    r = client.get("/data/estimates.csv")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    df = pd.read_csv(io.StringIO(r.text))
    assert list(df.columns) == ["country", "iso3", "edition", "category", "rating", "estimate",
                                "lo", "hi", "raters", "source", "note", "direction"]
    ours = df[df["edition"] == year]
    assert len(ours) == 4 * 8 and ours["lo"].notna().all() and ours["hi"].notna().all()
    assert ((ours["lo"] <= ours["estimate"]) & (ours["estimate"] <= ours["hi"])).all()
    old = df[df["edition"] == 2008]
    assert len(old) > 150 and old["lo"].isna().all() and old["hi"].isna().all()
    assert (old["note"].dropna() == PUBLISHED_ONLY).sum() >= len(old) - 5
    # every format, and the wide shape with CODE_lo / CODE_hi
    js = json.loads(client.get("/data/estimates.json").content)
    assert all("data_version" in x for x in js[:3])
    kaz = [x for x in js if x["iso3"] == "KAZ" and x["edition"] == year and x["category"] == "DS"]
    assert kaz and kaz[0]["lo"] is not None
    wide = pd.read_csv(io.StringIO(client.get("/data/estimates.csv?wide=true").text))
    for code in ("EP", "DS"):
        assert {code, f"{code}_lo", f"{code}_hi"} <= set(wide.columns)
    row = wide[(wide["iso3"] == "KAZ") & (wide["edition"] == year)].iloc[0]
    assert row["DS_lo"] < row["DS"] < row["DS_hi"]
    for fmt in ("xlsx", "parquet"):
        body = client.get(f"/data/estimates.{fmt}").content
        got = pd.read_excel(io.BytesIO(body)) if fmt == "xlsx" else pd.read_parquet(io.BytesIO(body))
        assert {"estimate", "lo", "hi", "note"} <= set(got.columns)
        assert got[got["edition"] == year]["lo"].notna().all()
    page = client.get("/data").text
    assert 'href="/data/estimates.csv"' in page and 'id="codebook-estimates"' in page


def test_the_charts_draw_the_bands_where_intervals_exist(client, workflow_db):
    year = workflow_db["year"]
    page = client.get("/countries/KAZ").text
    assert 'id="show-ci"' in page and 'class="ci-toggle"' in page
    svg = page[page.index('<svg class="chart-svg wide"'):page.index("</svg>")]
    bands = re.findall(r'<(rect|polygon) class="ci"', svg)
    assert bands, "the workflow edition's intervals are drawn"
    # the data the tooltip reads carries lo/hi at the workflow edition only
    data = json.loads(re.search(r'<script type="application/json" id="country-chart-data">(.*?)'
                                r"</script>", page, re.S).group(1))
    i = data["years"].index(year)
    score = next(line for line in data["lines"] if line["primary"])
    assert score["lo"][i] < score["hi"][i]
    assert all(v is None for j, v in enumerate(score["lo"]) if j != i)
    api = client.get("/api/v1/estimates", params={"country": "KAZ", "from": year,
                                                  "category": "DS"}).json()[0]
    assert (score["lo"][i], score["hi"][i]) == (api["lo"], api["hi"])
    assert f"90 % interval {api['lo']:.2f}–{api['hi']:.2f}" in svg
    # a country without a workflow edition: no band, no toggle
    plain = client.get("/countries/POL").text
    assert 'class="ci"' not in plain and "show-ci" not in plain
    # the compare chart draws them too
    cmp_page = client.get("/compare", params={"countries": ["KAZ", "ARM"], "category": "CS"}).text
    assert 'class="ci"' in cmp_page and 'id="show-ci"' in cmp_page


def test_the_workflow_api_shows_the_model_beside_the_proposals(client, workflow_db):
    draft = workflow_db["draft_year"]
    auth = _token(client, "rv2")
    r = client.get(f"/api/v1/editions/{draft}/divergence", headers=auth)
    assert r.status_code == 200 and r.headers["cache-control"] == "private, no-store"
    dv = r.json()
    assert [x["user"] for x in dv["raters"]] == sorted(RATERS)
    cell = dv["countries"][0]["categories"][0]
    assert set(cell["model"]) == {"estimate", "lo", "hi", "raters", "note"}
    assert all("outside" in p for p in cell["proposals"])
    r = client.get(f"/api/v1/assessments/KAZ/{draft}/calibration/CS", headers=auth,
                   params={"value": "7"})
    assert r.status_code == 200 and r.headers["cache-control"] == "private, no-store"
    cal = r.json()
    assert cal["user"] == "rv2" and cal["value"] == 7.0 and cal["outside"] is True
    assert len(cal["comparables"]) == 6
    assert all(c["iso3"] != "KAZ" for c in cal["comparables"])
    bad = client.get(f"/api/v1/assessments/KAZ/{draft}/calibration/CS", headers=auth,
                     params={"value": "5.1"})
    assert bad.status_code == 422 and bad.json()["field"] == "value"


def _login(c, name: str) -> str:
    page = c.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    r = c.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": csrf,
                               "next": "/workflow"}, follow_redirects=False)
    assert r.status_code == 303
    return re.search(r'name="csrf_token" value="([^"]+)"', c.get("/workflow").text).group(1)


def test_the_author_sees_the_flag_and_comparables_where_they_propose(workflow_db):
    from fastapi.testclient import TestClient

    from demoscope.web.app import create_app

    draft = workflow_db["draft_year"]
    with TestClient(create_app(workflow_db["url"])) as c:
        csrf = _login(c, "rv3")
        page = c.get(f"/workflow/{draft}/GEO")
        assert page.status_code == 200 and page.headers["cache-control"] == "private, no-store"
        assert page.text.count('class="calibration"') == 7
        assert "Your proposal" in page.text and "Comparable country-editions" in page.text
        # propose a far value: back on the page, it is flagged against the others
        r = c.post(f"/workflow/{draft}/GEO/proposals", data={
            "csrf_token": csrf, "category": "IM", "value": "7.00",
            "justification": "a test of the flag"}, follow_redirects=False)
        assert r.status_code == 303
        page = c.get(r.headers["location"]).text
        block = page[page.index('data-testid="check-IM"'):]
        block = block[:block.index("</p>")]
        assert "7.00" in block and "outside" in block and "the other raters imply" in block
        # the check-a-value form (GET, no write) compares another value
        checked = c.get(f"/workflow/{draft}/GEO", params={"check": "IM", "value": "1.00"}).text
        block = checked[checked.index('data-testid="check-IM"'):]
        assert block[:block.index("</p>")].startswith('data-testid="check-IM">Checked 1.00')
        wrong = c.get(f"/workflow/{draft}/GEO", params={"check": "IM", "value": "1.1"})
        assert wrong.status_code == 200 and 'role="alert"' in wrong.text
        dv = c.get(f"/workflow/{draft}/divergence")
        assert dv.status_code == 200 and 'id="raters"' in dv.text
        assert dv.text.count('class="flag outside"') >= 2  # the legend and a flagged proposal
        assert dv.headers["cache-control"] == "private, no-store"
