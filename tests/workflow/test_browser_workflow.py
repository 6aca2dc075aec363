"""The workflow in a real browser (Debian's chromium through Playwright): log in with the
keyboard, propose, see the divergence view, save a consensus, publish; at desktop and phone
width, with no console error (no inline script: the site's CSP holds). Screenshots go to
tests/artifacts/screenshots/workflow_*.png."""

from __future__ import annotations

import pytest
from team import PASSWORD

from browser_env import SHOTS, browser_marks
from uvicorn_thread import serving

YEAR = 2025

pytestmark = browser_marks()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """uvicorn over a fresh SQLite database with a team and the 2025 edition open for two
    countries: (base URL, engine)."""
    from demoscope.countries import registry
    from demoscope.methodology import nit
    from demoscope.services import assessment, users
    from demoscope.services.setup import set_up_database
    from demoscope.store.db import get_engine
    from demoscope.web.app import create_app
    from demoscope.workflow.roles import Actor

    url = f"sqlite:///{tmp_path_factory.mktemp('wf') / 'wf.db'}"
    engine = get_engine(url)
    m = nit()
    set_up_database(engine, m, registry())
    for name, role, countries in (("ed", "editor", []), ("ana", "author", ["KAZ"]),
                                  ("rev", "reviewer", [])):
        users.add_user(engine, None, name, role, PASSWORD, countries, console=True)
    assessment.open_edition(engine, m, Actor("ed", "editor"), YEAR, ["KAZ", "KGZ"])
    with serving(create_app(url)) as base:
        yield base, engine, m


def _context(browser, width: int = 1280, height: int = 900):
    ctx = browser.new_context(viewport={"width": width, "height": height})
    pg = ctx.new_page()
    pg.errors = []  # type: ignore[attr-defined]
    # every Content-Security-Policy violation, on every page the test goes through
    ctx.expose_binding("__cspViolation", lambda _source, text: pg.errors.append(f"CSP {text}"))
    ctx.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                        "window.__cspViolation(e.violatedDirective + ' ' + (e.blockedURI || '')))")
    pg.on("console", lambda msg: pg.errors.append(msg.text) if msg.type == "error" else None)
    pg.on("pageerror", lambda exc: pg.errors.append(str(exc)))
    pg.on("dialog", lambda d: d.accept())
    return ctx, pg


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"workflow_{name}.png"), full_page=True)


def login(pg, base: str, user: str, target: str) -> None:
    """Log in with the keyboard only: the skip link, tab to the fields, Enter to submit."""
    pg.goto(f"{base}{target}", wait_until="networkidle")
    assert "/login" in pg.url  # a draft page sends an anonymous visitor to log in
    pg.focus("#username")
    pg.keyboard.type(user)
    pg.keyboard.press("Tab")
    assert pg.evaluate("document.activeElement.id") == "password"
    pg.keyboard.type(PASSWORD)
    with pg.expect_navigation(wait_until="networkidle"):
        pg.keyboard.press("Enter")
    assert pg.url == f"{base}{target}", (pg.url, pg.locator("main").inner_text()[:300])


def propose(pg, category: str, value: str, why: str) -> None:
    pg.select_option(f"#p-{category}", value)
    pg.fill(f"#pj-{category}", why)
    with pg.expect_navigation(wait_until="networkidle"):
        pg.click(f"#cat-{category} form[action$='/proposals'] button")
    assert pg.locator(".notice").inner_text().startswith("Done: proposal saved")


def test_log_in_propose_diverge_publish(browser, site):
    base, engine, m = site
    ctx, pg = _context(browser)
    login(pg, base, "ana", f"/workflow/{YEAR}/KAZ")
    shot(pg, "login_done_assessment")
    propose(pg, "EP", "1.75", "Two new parties registered")
    row = pg.locator("#cat-EP table.proposals tbody tr").first
    assert "ana" in row.inner_text() and "1.75" in row.inner_text()
    shot(pg, "proposed")
    # another author's country: the page offers no proposal form
    pg.goto(f"{base}/workflow/{YEAR}/KGZ", wait_until="networkidle")
    assert pg.locator("form[action$='/proposals']").count() == 0
    assert not pg.errors, pg.errors
    ctx.close()

    ctx, pg = _context(browser)
    login(pg, base, "rev", f"/workflow/{YEAR}/KAZ")
    propose(pg, "EP", "1.25", "Observers reported vote buying")
    pg.goto(f"{base}/workflow/{YEAR}/divergence", wait_until="networkidle")
    first = pg.locator("section.divergence").first
    assert "Kazakhstan" in first.locator("h2").inner_text()
    assert "0.50" in first.locator("h2").inner_text()
    text = first.inner_text()
    assert "ana" in text and "rev" in text and "vote buying" in text
    shot(pg, "divergence")
    assert not pg.errors, pg.errors
    ctx.close()

    # the editor: consensus through the form, publication through the button
    from demoscope.services import assessment
    from demoscope.store.reads import reader_for_url
    from demoscope.workflow.roles import Actor

    editor = Actor("ed", "editor")
    assessment.move_edition(engine, m, editor, YEAR, "review")
    assessment.move_edition(engine, m, editor, YEAR, "consensus")
    from demoscope.read.assessment import assessment as read_assessment

    read = reader_for_url(str(engine.url))
    for iso3 in ("KAZ", "KGZ"):
        a = read_assessment(read, m, iso3, YEAR)
        v = a["version"]
        for cat, cell in a["categories"].items():
            if (iso3, cat) != ("KAZ", "EP"):
                v = assessment.set_consensus(engine, m, editor, iso3, YEAR, cat,
                                             f"{cell['starting']:.2f}", None, v).version
    ctx, pg = _context(browser)
    login(pg, base, "ed", f"/workflow/{YEAR}/KAZ")
    pg.select_option("#c-EP", "1.50")
    pg.fill("#cj-EP", "Consensus of author and reviewer")
    with pg.expect_navigation(wait_until="networkidle"):
        pg.click("#cat-EP form[action$='/consensus'] button")
    assert pg.locator("[data-testid=consensus-EP]").inner_text().startswith("1.50")
    assert "improves from 1.25 to 1.50" in pg.locator("#cat-EP .sentence").inner_text()
    shot(pg, "consensus")
    pg.goto(f"{base}/workflow/{YEAR}", wait_until="networkidle")
    shot(pg, "edition_before_publish")
    with pg.expect_navigation(wait_until="networkidle"):
        pg.click("button.publish")  # the confirm dialog is accepted
    assert pg.locator(".notice").inner_text() == "Done: published."
    assert pg.locator("h1 .state").inner_text() == "published"
    shot(pg, "published")
    pg.goto(f"{base}/countries/KAZ", wait_until="networkidle")
    assert str(YEAR) in pg.locator(".lede").inner_text()
    assert not pg.errors, pg.errors
    ctx.close()


@pytest.mark.parametrize("path", ["/login", "/workflow", f"/workflow/{YEAR}", f"/workflow/{YEAR}/KAZ",
                                  f"/workflow/{YEAR}/divergence", f"/workflow/{YEAR}/KAZ/report",
                                  "/workflow/audit"])
def test_phone_width(browser, site, path):
    base, _, _ = site
    ctx, pg = _context(browser, 375, 740)
    if path != "/login":
        login(pg, base, "ed", path)
    else:
        pg.goto(base + path, wait_until="networkidle")
    width = pg.evaluate("document.documentElement.scrollWidth")
    assert width <= 380, f"{path} is {width}px wide at phone width"
    shot(pg, "phone_" + (path.strip("/").replace("/", "_") or "home"))
    assert not pg.errors, pg.errors
    ctx.close()
