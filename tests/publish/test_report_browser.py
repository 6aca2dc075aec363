"""Generated report pages in a real browser (Debian's chromium through Playwright), with the
checks the site's pages pass: no console error (the page's own strict CSP would report any
inline script or external load), one h1, keyboard reaches the content, no sideways scroll at
phone width; and the footnote links work both ways."""

from __future__ import annotations

from pathlib import Path

import pytest

from browser_env import SHOTS, browser_marks
from demoscope.methodology import nit
from demoscope.publish import assemble, html

pytestmark = browser_marks()


def _open(browser, page_html: str, tmp_path: Path, width: int = 1280):
    path = tmp_path / "page.html"
    path.write_text(page_html, encoding="utf-8")
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width < 500)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type in ("error", "warning") else None)
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("requestfailed", lambda req: errors.append(f"failed: {req.url}"))
    pg.goto(path.as_uri(), wait_until="load")
    return context, pg, errors


def test_report_page_with_draft(browser, read, draft, tmp_path):
    report = assemble.country_report(read, nit(), "KAZ", 2008, draft)
    context, pg, errors = _open(browser, html.country_report(report), tmp_path)
    pg.keyboard.press("Tab")
    assert pg.evaluate("document.activeElement.textContent") == "Skip to content"
    assert pg.locator("h1").count() == 1 and pg.locator("h1").inner_text() == "Kazakhstan"
    assert pg.locator("script").count() == 0
    assert pg.locator("[data-testid=ds]").inner_text() == "6.39"
    assert pg.locator("#score-chart circle").count() == 8  # one per edition, 2001–2008
    # markers link to their notes, and each note links back to every citation
    marker = pg.locator("#summary-EP .fnref a")
    assert marker.inner_text() == "[2]"
    marker.click()
    assert pg.evaluate("location.hash") == "#fn-2"
    backs = pg.locator("#fn-2 a.backref")
    assert backs.count() == 2  # cited in the EP summary paragraph and in the EP section
    backs.first.click()
    assert pg.evaluate("location.hash") == "#" + marker.get_attribute("id")
    # the change's evidence: its sentence, the cited note, the value's source
    ev = pg.locator("#evidence-EP")
    assert "deteriorates from 6.50 to 6.75" in ev.inner_text()
    assert ev.locator("a.fnlink").get_attribute("href") == "#fn-2"
    # the draft's raw HTML is text, not markup
    assert "<script>alert(1)</script>" in pg.locator(".summary").first.inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / "publish_report_kaz_2008.png"), full_page=True)
    assert errors == []
    context.close()


@pytest.mark.parametrize("kind", ["report", "overview"])
def test_pages_fit_a_phone(browser, read, tmp_path, kind):
    m = nit()
    page_html = (html.country_report(assemble.country_report(read, m, "ALB", 2009))
                 if kind == "report" else html.edition_overview(assemble.edition_overview(read, m, 2009)))
    context, pg, errors = _open(browser, page_html, tmp_path, width=375)
    assert pg.locator("h1").count() == 1
    assert pg.evaluate("document.documentElement.scrollWidth") <= 380
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"publish_{kind}_phone.png"), full_page=True)
    assert errors == []
    context.close()
