"""What every browser test shares: Debian's chromium (never ``playwright install``), axe-core
from the npm registry (``make install`` runs ``npm ci``), where screenshots go, the listener
that records Content-Security-Policy violations, and the rule that a missing browser skips the
tests locally but fails them when ``DEMOSCOPE_REQUIRE_BROWSER=1`` (CI)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
REPO = Path(__file__).resolve().parents[1]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = REPO / "tests" / "artifacts" / "screenshots"
REQUIRED = os.environ.get("DEMOSCOPE_REQUIRE_BROWSER") == "1"

#: Records every Content-Security-Policy violation of a page (also those the console omits).
CSP_LISTENER = """window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "") + " " + (e.sample || ""));
});"""


def browser_marks(*, axe: bool = False) -> list[pytest.MarkDecorator]:
    """A browser test module's ``pytestmark``: grouped on one xdist worker, skipped when
    chromium (or axe-core, when the module runs it) is missing — unless CI requires them."""
    marks = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
    needs = [(Path(CHROMIUM), "chromium (apt-get install -y chromium)")]
    if axe:
        needs.append((AXE, "axe-core (make install runs npm ci)"))
    for need, what in needs:
        if not need.exists():
            if REQUIRED:
                raise RuntimeError(f"{need} is missing but DEMOSCOPE_REQUIRE_BROWSER=1: {what}")
            marks.append(pytest.mark.skip(reason=f"{need} is missing: {what}"))
    return marks
