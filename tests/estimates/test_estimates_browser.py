"""The chart bands in a real browser (Debian's chromium through Playwright): a country page whose
workflow edition has intervals draws them, the checkbox switches them off and on again (CSS
only: it works without script), the tooltip names the interval, and the page stays clean under
the strict Content-Security-Policy and axe-core. Screenshots go to
tests/artifacts/screenshots/estimates/."""

from __future__ import annotations

import pytest

from browser_env import AXE, CSP_LISTENER, browser_marks
from browser_env import SHOTS as ALL_SHOTS

SHOTS = ALL_SHOTS / "estimates"

pytestmark = browser_marks(axe=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """uvicorn in a thread over a SQLite database with the published workflow edition."""
    from panel import built_database

    from demoscope.web.app import create_app
    from uvicorn_thread import serving

    db = built_database(f"sqlite:///{tmp_path_factory.mktemp('bands') / 'bands.db'}")
    with serving(create_app(db["url"])) as base:
        yield base


@pytest.mark.parametrize("width", [1280, 390])
def test_bands_are_drawn_and_switch_off_and_on(server, browser, width):
    base = server
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width < 500,
                                  has_touch=width < 500)
    context.add_init_script(CSP_LISTENER)
    pg = context.new_page()
    problems: list[str] = []
    pg.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    pg.on("pageerror", lambda exc: problems.append(str(exc)))
    try:
        resp = pg.goto(f"{base}/countries/KAZ", wait_until="networkidle")
        assert resp is not None and resp.status == 200
        variant = "narrow" if width < 500 else "wide"
        bands = pg.locator(f"svg.chart-svg.{variant} .series.primary .ci")
        assert bands.count() >= 1
        assert bands.first.is_visible()
        box = bands.first.bounding_box()
        assert box is not None and box["height"] > 3  # a real band, not a hairline
        toggle = pg.locator("#show-ci")
        assert toggle.is_checked()
        SHOTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(SHOTS / f"country-bands-{width}.png"), full_page=True)
        toggle.uncheck()
        assert not bands.first.is_visible()
        pg.screenshot(path=str(SHOTS / f"country-no-bands-{width}.png"), full_page=True)
        toggle.check()
        assert bands.first.is_visible()
        # the categories' bands come with the categories
        cat_bands = pg.locator(f"svg.chart-svg.{variant} .series.cat .ci")
        assert cat_bands.count() >= 7 and not cat_bands.first.is_visible()
        pg.locator("#show-cats").check()
        assert cat_bands.first.is_visible()
        # the tooltip names the interval at the workflow edition (the last point), not without it
        if width >= 500:
            point = pg.locator("svg.chart-svg.wide .series.primary circle").last
            point.hover()
            tip = pg.locator(".chart-tip")
            assert tip.is_visible() and "90 %" in tip.inner_text()
            toggle.uncheck()
            pg.mouse.move(0, 0)
            point.hover()
            assert "90 %" not in tip.inner_text()
        axe = pg.evaluate(AXE.read_text(encoding="utf-8") + "\n;axe.run(document, {resultTypes: "
                          "['violations']}).then(r => r.violations.filter(v => ['serious', "
                          "'critical'].includes(v.impact)).map(v => v.id))")
        assert axe == []
        assert pg.evaluate("window.__csp") == [] and problems == []
        # and the compare page
        pg.goto(f"{base}/compare?countries=KAZ&countries=ARM&category=DS", wait_until="networkidle")
        assert pg.locator(f"svg.chart-svg.{variant} .ci").first.is_visible()
        pg.locator("#show-ci").uncheck()
        assert not pg.locator(f"svg.chart-svg.{variant} .ci").first.is_visible()
        assert pg.evaluate("window.__csp") == [] and problems == []
    finally:
        context.close()
