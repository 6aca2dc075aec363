"""HTTP details the browser tests do not see: HEAD, the compressed Plotly asset, error bodies,
the data page's codebook and the methodology page's eras."""

from __future__ import annotations

import io

import pytest

from demoscope.methodology import eras, nit

M = nit()


def test_head_answers_like_get_without_a_body(client):
    get = client.get("/api/v1/countries/KAZ/editions/2008")
    head = client.head("/api/v1/countries/KAZ/editions/2008")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == get.headers["etag"]
    assert client.head("/editions/2008").status_code == 200
    assert client.head("/no/such/page").status_code == 404


@pytest.mark.parametrize(("params", "field"), [({"from": 12}, "from"), ({"limit": 0}, "limit"),
                                               ({"category": "XX"}, "category")])
def test_invalid_parameters_name_the_field(client, params, field):
    r = client.get("/api/v1/ratings", params=params)
    assert r.status_code == 422
    body = r.json()
    assert body["field"] == field and field in body["error"]


def test_unknown_api_path_is_json_and_unknown_page_is_html(client):
    api = client.get("/api/v1/nothing")
    assert api.status_code == 404 and api.json() == {"error": "not found", "field": None}
    page = client.get("/nothing")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    assert "no page at this address" in page.text


def test_data_page_documents_every_export_column(client):
    text = client.get("/data").text
    for code, cat in M.categories.items():
        assert code in text and cat.name in text
    for column in ("country", "iso3", "edition", "category", "rating", "direction"):
        assert f"<code>{column}</code>" in text or f">{column}<" in text, column


def test_wide_download_keeps_the_methodology_category_order(client):
    import pandas as pd

    r = client.get("/data/ratings.csv", params={"wide": "true"})
    assert r.status_code == 200
    df = pd.read_csv(io.StringIO(r.text))
    cats = [c for c in df.columns if c in M.categories]
    assert cats == [c for c in M.categories if c in cats]
    assert len(cats) >= 8  # GOV editions and NDG/LDG editions both present


def test_methodology_eras_tell_the_history_without_gaps():
    es = eras(M)
    years = [y for e in es for y in e.editions]
    assert years == sorted(M.editions)  # every edition once, in order
    assert len(es) >= 3  # GOV until 2004, NDG/LDG from 2005, the 2020 inversion
    gov = next(e for e in es if "GOV" in e.first.categories)
    assert "NDG" not in gov.last.categories
    assert {e.first.direction for e in es} == {e.last.direction for e in es}


def test_methodology_page_lists_each_era(client):
    text = client.get("/methodology").text
    for e in eras(M):
        assert e.label in text


def test_country_page_marks_published_headlines_and_reconstructed_rows(client):
    page = client.get("/countries/SRB").text
    assert 'data-status="reconstructed"' in page and "reconstructed from 2018 + changes printed" in page
    assert 'class="num reconstructed"' in page and '<sup class="mark">r</sup>' in page
    kaz = client.get("/countries/KAZ").text  # its latest edition with data is headline-only
    assert "Published headline only" in kaz and 'data-status="headline-only"' in kaz
    assert 'class="num published"' in kaz and 'title="as printed">p</sup>' in kaz


def test_reconstructed_and_score_files_download_marked(client):
    import pandas as pd

    rec = pd.read_csv(io.StringIO(client.get("/data/reconstructed.csv").text))
    assert set(rec["status"]) == {"reconstructed"} and rec["provenance"].str.startswith(
        "reconstructed from").all()
    sc = pd.read_csv(io.StringIO(client.get("/data/scores.csv").text))
    assert {"complete", "reconstructed", "headline-only"} <= set(sc["status"])
    assert client.get("/data/other.csv").status_code in (404, 422)
    page = client.get("/data").text
    assert 'id="codebook-reconstructed"' in page and 'id="codebook-scores"' in page
