"""The site in a real browser: Debian's chromium driven by Playwright.

Every page loads with no console error, charts draw, sorting and the direction switch work,
and the layout holds at phone width. Screenshots go to tests/artifacts/screenshots/.
"""

from __future__ import annotations

import re

import pytest

from browser_env import CSP_LISTENER, SHOTS, browser_marks

pytestmark = browser_marks()



def csp_violations(pg) -> list[str]:
    return pg.evaluate("window.__csp || []")


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(CSP_LISTENER)
    pg = context.new_page()
    pg.errors = []  # type: ignore[attr-defined]
    pg.on("console", lambda msg: pg.errors.append(msg.text) if msg.type == "error" else None)
    pg.on("pageerror", lambda exc: pg.errors.append(str(exc)))
    pg.on("requestfailed", lambda req: pg.errors.append(f"failed: {req.url}"))
    yield pg
    context.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


PAGES = ["/editions/2008", "/countries", "/countries/KAZ", "/compare", "/ranking", "/data",
         "/methodology", "/api/v1/docs", "/search?q=Kazakstan"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_loads_without_console_errors(page, live_server, path):
    resp = page.goto(live_server + path, wait_until="networkidle")
    expected = 404 if path.startswith("/search") else 200
    assert resp is not None and resp.status == expected
    assert page.locator("h1").count() == 1
    shot(page, path.strip("/").replace("/", "_").replace("?", "_").replace("=", "-") or "home")
    errors = [e for e in page.errors if not (expected == 404 and "404" in e)]
    assert errors == []
    assert csp_violations(page) == []
    assert "frame-ancestors 'none'" in resp.headers["content-security-policy"]


@pytest.mark.parametrize("path,chart", [
    ("/countries/KAZ", "#country-chart"),
    ("/compare?countries=KAZ&countries=EST&category=DS", "#compare-chart")])
def test_chart_draws(page, live_server, path, chart):
    page.goto(live_server + path, wait_until="networkidle")
    svg = page.locator(f"{chart} svg.chart-svg.wide")
    assert svg.is_visible()
    assert svg.locator("g.series polyline").count() >= 2
    assert not page.errors
    assert csp_violations(page) == []


def test_the_policy_refuses_injected_script_and_style(page, live_server):
    """The policy is enforced, not only sent: markup an attacker could slip into a page
    (an inline script, an event handler, a style block or attribute) is refused."""
    page.goto(live_server + "/countries/KAZ", wait_until="networkidle")
    page.evaluate("""() => {
        window.__ran = false;
        const s = document.createElement("script");
        s.textContent = "window.__ran = true";
        document.body.appendChild(s);
        document.body.insertAdjacentHTML("beforeend",
            '<img src="/favicon.ico" onload="window.__ran = true">' +
            '<style>body { display: none }</style><div id="injected" style="color: red">x</div>');
    }""")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__ran") is False
    assert page.evaluate("getComputedStyle(document.body).display") != "none"
    assert page.evaluate("getComputedStyle(document.getElementById('injected')).color") \
        != "rgb(255, 0, 0)"
    directives = {v.split()[0] for v in csp_violations(page)}
    assert {"script-src-elem", "script-src-attr", "style-src-elem", "style-src-attr"} <= directives


def _column(page, table: str, idx: int) -> list[str]:
    return page.eval_on_selector_all(
        f"{table} tbody tr", f"rows => rows.map(r => r.children[{idx}].getAttribute('data-value'))")


def test_sorting_by_clicking_a_header(page, live_server):
    page.goto(live_server + "/editions/2008", wait_until="networkidle")
    headers = page.locator("#overview thead th")
    ds_idx = next(i for i in range(headers.count()) if headers.nth(i).inner_text().strip() == "DS")
    page.locator("#overview thead th").nth(ds_idx).click()
    values = [float(v) for v in _column(page, "#overview", ds_idx) if v]
    assert values == sorted(values) and len(values) >= 20
    assert headers.nth(ds_idx).get_attribute("aria-sort") == "ascending"
    page.keyboard.press("Enter")  # the header keeps focus: Enter sorts the other way
    values = [float(v) for v in _column(page, "#overview", ds_idx) if v]
    assert values == sorted(values, reverse=True)
    shot(page, "overview_sorted_desc")


def test_direction_switch_converts_values(page, live_server):
    page.goto(live_server + "/countries/KAZ", wait_until="networkidle")
    before = re.sub(r"[^\d.]", "", page.locator("[data-testid=ds]").inner_text())
    # the latest edition's own scale is shown first; switch to the other one
    other = "1_best" if "7 = most democratic" in page.locator(".figures").inner_text() else "7_best"
    page.select_option("#direction", other)
    page.wait_for_url(f"**direction={other}**")
    page.wait_for_load_state("networkidle")
    after = re.sub(r"[^\d.]", "", page.locator("[data-testid=ds]").inner_text())
    assert float(before) + float(after) == pytest.approx(8.0, abs=0.011)
    words = "7 = most democratic" if other == "7_best" else "1 = most democratic"
    assert words in page.locator(".figures").inner_text()
    shot(page, f"country_KAZ_{other}")
    assert not page.errors


def test_search_box_finds_by_alias(page, live_server):
    page.goto(live_server + "/countries", wait_until="networkidle")
    page.fill("#q", "Kyrgyz Republic")
    page.press("#q", "Enter")
    page.wait_for_url("**/countries/KGZ")
    assert page.locator("h1").inner_text() == "Kyrgyzstan"


def test_phone_width_has_no_horizontal_page_scroll(browser, live_server):
    context = browser.new_context(viewport={"width": 375, "height": 800}, is_mobile=True)
    pg = context.new_page()
    for path in ("/editions/2008", "/countries/KAZ"):
        pg.goto(live_server + path, wait_until="networkidle")
        width = pg.evaluate("document.documentElement.scrollWidth")
        assert width <= 380, f"{path} is {width}px wide at phone width"
        shot(pg, "phone_" + path.strip("/").replace("/", "_"))
    context.close()


def test_keyboard_reaches_the_main_content(page, live_server):
    page.goto(live_server + "/editions/2008", wait_until="networkidle")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    labels = page.eval_on_selector_all("select, input:not([type=hidden])",
                                       "els => els.filter(e => !(e.labels && e.labels.length)).length")
    assert labels == 0
