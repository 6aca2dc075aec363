"""The readers' site in a real browser (issue 14), at 1280 px and at 390 px (a phone): every page
kind loads with no console error and no request off this machine, passes axe-core with no
serious or critical violation, fits the phone's width, and shows what the issue asks (coverage,
country-year links, charts with bands, toggle, tooltip and time range, no cloud button, a map,
the numbers on a phone's first screen). Screenshots go to tests/artifacts/screenshots/site/.

axe-core comes from the npm registry through the project's own files (`make install` runs
`npm ci` on package.json/package-lock.json); with DEMOSCOPE_REQUIRE_BROWSER=1 (CI) a missing
copy fails the tests instead of skipping them.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from browser_env import AXE, browser_marks
from browser_env import SHOTS as ALL_SHOTS

SHOTS = ALL_SHOTS / "site"

pytestmark = browser_marks(axe=True)

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
PAGES = {
    "home": "/", "editions": "/editions", "edition": "/editions/2018",
    "edition-empty": "/editions/2021", "edition-partial": "/editions/2005",
    "country": "/countries/KAZ", "country-year": "/countries/POL/2005",
    "ranking": "/ranking?edition=2008", "compare": "/compare", "countries": "/countries",
    "data": "/data", "methodology": "/methodology", "search-miss": "/search?q=slov",
}


@pytest.fixture(scope="module")
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def open_page(browser, live_server, width: str):
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h}, is_mobile=w < 500,
                                  has_touch=w < 500)
    pg = context.new_page()
    host = urlparse(live_server).hostname
    pg.problems = []  # type: ignore[attr-defined]
    pg.on("console", lambda m: pg.problems.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda exc: pg.problems.append(str(exc)))
    pg.on("request", lambda r: pg.problems.append(f"off-machine request {r.url}")
          if urlparse(r.url).hostname not in (host, None) and not r.url.startswith("data:") else None)
    return context, pg


def axe_violations(pg, axe_source: str) -> list[str]:
    """Serious and critical axe-core violations of the page (axe runs through the devtools
    protocol, so a strict Content-Security-Policy on the page does not stop it)."""
    found = pg.evaluate(axe_source + "\n;axe.run(document, {resultTypes: ['violations']})"
                        ".then(r => r.violations.filter(v => ['serious', 'critical']"
                        ".includes(v.impact)).map(v => v.id + ': ' + v.nodes.length + ' x '"
                        " + v.nodes[0].target.join(' ')))")
    return list(found)


def shot(pg, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_page_kind_is_clean_accessible_and_fits(browser, live_server, axe_source, width):
    context, pg = open_page(browser, live_server, width)
    try:
        for kind, path in PAGES.items():
            resp = pg.goto(live_server + path, wait_until="networkidle")
            assert resp is not None and resp.status == (404 if kind == "search-miss" else 200), kind
            assert "text/html" in resp.headers["content-type"]
            assert pg.locator("h1").count() == 1, kind
            assert axe_violations(pg, axe_source) == [], kind
            if width == "phone":
                scroll = pg.evaluate("document.documentElement.scrollWidth")
                assert scroll <= WIDTHS["phone"][0] + 2, f"{kind} is {scroll}px wide"
            # a Plotly-style cloud/share button or mode bar exists nowhere
            assert pg.locator(".modebar, [data-title*='Cloud'], [data-title*='share' i]").count() == 0
            assert pg.get_by_text("Plotly", exact=False).count() == 0
            shot(pg, f"{kind}-{width}")
        problems = [p for p in pg.problems if "404" not in p]  # the search miss answers 404
        assert problems == []
    finally:
        context.close()


def test_edition_pages_state_coverage_and_link_country_years(browser, live_server):
    context, pg = open_page(browser, live_server, "desktop")
    try:
        resp = pg.goto(live_server + "/editions/2020", wait_until="networkidle")
        coverage = pg.locator("[data-testid=coverage]").inner_text()
        assert resp.status == 200 and "29 countries rated" in coverage
        pg.goto(live_server + "/editions/2000", wait_until="networkidle")
        assert pg.url.endswith("/editions/1999") and "1999–2000" in pg.locator("h1").inner_text()
        pg.goto(live_server + "/editions/2018", wait_until="networkidle")
        coverage = pg.locator("[data-testid=coverage]").inner_text()
        rows = pg.locator("#overview tbody tr").count()
        assert f"{rows} of the 29 countries rated" in coverage and f"among the {rows} shown" in coverage
        shapes = pg.locator("svg.map-svg path")
        assert shapes.count() == 29  # the shipped geometry, offline
        with_regime = pg.locator("#overview td.regime svg.swatch").count()
        assert shapes.evaluate_all("ps => ps.filter(p => p.getAttribute('fill') !== '#e6e9ec')"
                                   ".length") == with_regime >= 8
        pg.locator("#overview tbody tr").first.locator("th a").click()
        pg.wait_for_load_state("networkidle")
        assert "/countries/ALB/2018" in pg.url and pg.locator("h1").inner_text().endswith("2018")
        # the regional averages say how many countries they average
        pg.goto(live_server + "/editions/1999", wait_until="networkidle")
        assert pg.locator("#regions thead").inner_text().count("n") >= 1
        assert pg.locator("#regions tbody tr").count() >= 2
    finally:
        context.close()


def test_year_links_lead_to_html_pages_with_neighbours(browser, live_server):
    context, pg = open_page(browser, live_server, "desktop")
    try:
        pg.goto(live_server + "/countries/KAZ", wait_until="networkidle")
        with pg.expect_navigation():
            pg.locator("#history a", has_text="2008").first.click()
        assert pg.url.endswith("/countries/KAZ/2008")
        assert pg.evaluate("document.contentType") == "text/html"
        assert "6.39" in pg.locator("[data-testid=ds]").inner_text()
        assert pg.locator(".changes li").count() >= 5
        pg.locator("a[rel=next]").click()
        pg.wait_for_load_state("networkidle")
        assert pg.url.endswith("/countries/KAZ/2009")
        assert pg.locator("a", has_text="API (JSON)").count() == 1
        shot(pg, "country-year-KAZ-2009-desktop")
    finally:
        context.close()


def test_chart_bands_toggle_tooltip_and_time_range(browser, live_server):
    context, pg = open_page(browser, live_server, "desktop")
    try:
        pg.goto(live_server + "/countries/KAZ", wait_until="networkidle")
        chart = pg.locator("#country-chart svg.chart-svg.wide")
        assert chart.get_attribute("role") == "img"
        assert chart.locator("a, button, [tabindex]").count() == 0  # nothing interactive inside
        assert chart.locator("rect.band").count() == 5
        assert chart.locator("g.series.primary polyline").first.is_visible()
        cats = chart.locator("g.series.cat")
        assert cats.count() >= 7 and not cats.first.is_visible()
        pg.locator("label[for=show-cats]").click()
        assert cats.first.is_visible()
        box = chart.bounding_box()
        chart.hover(position={"x": box["width"] * 0.3, "y": box["height"] * 0.5})
        tip = pg.locator(".chart-tip")
        tip.wait_for(state="visible")
        text = tip.inner_text()
        assert "edition" in text and "Democracy" in text and "Civil Society (CS)" in text
        assert all(len(v.split(".")[-1][:2]) == 2 for v in text.split(": ")[1:])
        titles = chart.locator("circle title").all_text_contents()
        assert any("1999–2000" in t or "2001 edition" in t for t in titles)
        assert "previous calendar year" in chart.evaluate("e => e.textContent")
        pg.select_option("#from", "2005")
        pg.wait_for_url("**from=2005**")
        first_tick = pg.locator("#country-chart svg.chart-svg.wide text").all_text_contents()
        assert "2005" in first_tick and "2001" not in first_tick
        shot(pg, "country-chart-range-desktop")
    finally:
        context.close()


def test_phone_first_screen_chart_height_and_picker(browser, live_server):
    context, pg = open_page(browser, live_server, "phone")
    height = WIDTHS["phone"][1]
    try:
        pg.goto(live_server + "/editions/2018", wait_until="networkidle")
        row = pg.locator("#overview tbody tr").first
        for cell in (row.locator("th"), row.locator("td.ds"), row.locator("td.regime")):
            b = cell.bounding_box()
            assert b is not None and b["y"] + 20 < height, "not on the first screen"
        assert row.locator("td.regime").bounding_box()["x"] < WIDTHS["phone"][0]
        pg.goto(live_server + "/countries/KAZ", wait_until="networkidle")
        for tid in ("ds", "regime"):
            assert pg.locator(f"[data-testid={tid}]").bounding_box()["y"] < height
        narrow = pg.locator("#country-chart svg.chart-svg.narrow")
        assert narrow.is_visible() and not pg.locator("#country-chart svg.chart-svg.wide").is_visible()
        assert narrow.bounding_box()["height"] >= 300
        pg.goto(live_server + "/compare", wait_until="networkidle")
        assert pg.locator("form.compare-form").bounding_box()["height"] < 300
        assert pg.locator("#compare-chart svg.chart-svg.narrow").bounding_box()["y"] < 3 * height
        shot(pg, "compare-picker-phone")
    finally:
        context.close()


def test_search_box_reads_a_country_and_a_year(browser, live_server):
    context, pg = open_page(browser, live_server, "desktop")
    try:
        pg.goto(live_server + "/", wait_until="networkidle")
        pg.fill("#q", "Hungary 2008")
        pg.press("#q", "Enter")
        pg.wait_for_url("**/countries/HUN/2008")
        assert "Hungary" in pg.locator("h1").inner_text()
        pg.fill("#q", "mac")
        pg.press("#q", "Enter")
        pg.wait_for_url("**/countries/MKD")
    finally:
        context.close()


STRICT_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
              "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def test_pages_and_charts_run_under_a_strict_content_security_policy(browser, live_server):
    """Whatever headers the app sends, each page is served here under a strict policy (no
    'unsafe-inline', no 'unsafe-eval'): no violation is reported, and the chart's toggle and
    tooltip still work."""
    context, pg = open_page(browser, live_server, "desktop")

    def strict(route):
        resp = route.fetch()
        headers = {**resp.headers, "content-security-policy": STRICT_CSP}
        route.fulfill(response=resp, headers=headers)

    pg.route("**/*", strict)
    try:
        for path in PAGES.values():
            pg.goto(live_server + path, wait_until="networkidle")
        pg.goto(live_server + "/countries/KAZ", wait_until="networkidle")
        pg.locator("label[for=show-cats]").click()
        chart = pg.locator("#country-chart svg.chart-svg.wide")
        box = chart.bounding_box()
        chart.hover(position={"x": box["width"] * 0.5, "y": box["height"] * 0.5})
        pg.locator(".chart-tip").wait_for(state="visible")
        violations = [p for p in pg.problems if "Content Security Policy" in p]
        assert violations == []
    finally:
        context.close()
