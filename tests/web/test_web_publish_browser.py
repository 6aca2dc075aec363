"""Report and overview pages of the site in a real browser (Debian's chromium), served under
the site's own Content-Security-Policy and, on top, an even stricter one (no hash for any
inline style: the publication pages need none): no inline script or style may run, nothing
may load from elsewhere. A violation is a console error, so a page that needs anything the
policies forbid fails here."""

from __future__ import annotations

import pytest

from browser_env import SHOTS, browser_marks

#: As strict as a site with no inline code can be (what the security headers are to send).
STRICT = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
          "frame-ancestors 'none'")

pytestmark = browser_marks()


def _with_policy(app):
    """The app with the strict policy on every response."""
    async def wrapped(scope, receive, send):
        async def send_with(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", ()),
                                                  (b"content-security-policy", STRICT.encode())]}
            await send(message)
        await app(scope, receive, send_with if scope["type"] == "http" else send)
    return wrapped


@pytest.fixture(scope="module")
def strict_server(built_in_url, serve):
    from demoscope.web.app import create_app

    with serve(_with_policy(create_app(built_in_url))) as url:
        yield url


def _visit(browser, url: str, width: int = 1280):
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width < 500)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("requestfailed", lambda req: errors.append(f"failed: {req.url}"))
    resp = pg.goto(url, wait_until="networkidle")
    assert resp is not None and resp.status == 200
    # the site's own policy and this stricter one both apply (a browser enforces every policy)
    policies = resp.headers["content-security-policy"]
    assert STRICT in policies and "unsafe-inline" not in policies
    return context, pg, errors


@pytest.mark.parametrize(("path", "shot"), [
    ("/countries/KAZ/editions/2008/report", "site_report_kaz_2008"),
    ("/editions/2009/overview", "site_overview_2009")])
@pytest.mark.parametrize("width", [1280, 390])
def test_publication_pages_under_a_strict_policy(browser, strict_server, path, shot, width):
    context, pg, errors = _visit(browser, strict_server + path, width)
    assert pg.locator("h1").count() == 1
    article = pg.locator("article.publication")
    assert article.count() == 1
    # the reports' stylesheet is applied (a file the policy allows), inside the site's layout
    assert pg.locator("header.site nav").count() == 1
    assert pg.evaluate("getComputedStyle(document.querySelector('.publication .figures')"
                       " || document.querySelector('.publication .regime-grid')).display") == "grid"
    assert pg.locator("svg").count() >= 1
    if width < 500:
        assert pg.evaluate("document.documentElement.scrollWidth") <= width + 2
    pg.keyboard.press("Tab")
    assert pg.evaluate("document.activeElement.textContent") == "Skip to content"
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{shot}_{width}.png"), full_page=True)
    assert errors == []
    context.close()


def test_overview_links_to_each_report(browser, strict_server):
    context, pg, errors = _visit(browser, strict_server + "/editions/2009/overview")
    pg.locator("article.publication table.overview-table a", has_text="Kazakhstan").click()
    pg.wait_for_load_state("networkidle")
    assert pg.url.endswith("/countries/KAZ/editions/2009/report")
    assert pg.locator("h1").inner_text() == "Kazakhstan"
    assert errors == []
    context.close()
