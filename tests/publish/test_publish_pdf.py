"""PDFs checked for real: WeasyPrint output read back with poppler's pdftotext, its fonts
with pdffonts, its pages rendered to PNG with pdftoppm (kept in tests/artifacts/publish/ for
a person to look at)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from demoscope.methodology import nit
from demoscope.publish import assemble, html, pdf

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "publish"

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils is not installed (apt-get install poppler-utils)")


def _tool(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def kaz_pdf(read, tmp_path, draft) -> tuple[Path, object]:
    report = assemble.country_report(read, nit(), "KAZ", 2008)
    path = tmp_path / "kaz-2008.pdf"
    path.write_bytes(pdf.html_to_pdf(html.country_report(report), title="Kazakhstan 2008"))
    return path, report


def test_kazakhstan_2008_pdf_text_fonts_and_pages(kaz_pdf):
    path, report = kaz_pdf
    text = " ".join(_tool("pdftotext", "-layout", str(path), "-").split())
    assert "Kazakhstan" in text and "Nations in Transit 2008" in text
    assert "Democracy Score 6.39" in text or "6.39" in text.split("Democracy Score", 1)[1][:40]
    plain = " ".join(_tool("pdftotext", str(path), "-").split())
    for part in report.categories:  # every rating sentence, as generated
        assert part.sentence and part.sentence in plain, part.sentence
    assert "Kazakhstan's rating for civil society improves from 5.75 to 5.50." in plain
    assert "Kazakhstan's rating for electoral process deteriorates from 6.50 to 6.75." in plain
    info = _tool("pdfinfo", str(path))
    assert "(A4)" in info and "Title:           Kazakhstan 2008" in info
    fonts = _tool("pdffonts", str(path)).splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # emb column
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("kaz-2008-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(path), str(ARTIFACTS / "kaz-2008")],
                   check=True)
    pages = sorted(ARTIFACTS.glob("kaz-2008-*.png"))
    assert len(pages) == int(info.split("Pages:")[1].split()[0]) >= 1
    from PIL import Image

    first = Image.open(pages[0]).convert("L")
    lo, hi = first.getextrema()
    assert hi - lo > 100  # ink on paper, not a blank page
    assert first.size[0] < first.size[1]  # portrait


def test_same_html_gives_the_same_pdf_bytes(read):
    report = assemble.country_report(read, nit(), "EST", 2009)
    page = html.country_report(report)
    assert pdf.html_to_pdf(page) == pdf.html_to_pdf(page)


def test_draft_pdf_carries_sections_and_notes(read, draft, tmp_path):
    report = assemble.country_report(read, nit(), "KAZ", 2008, draft)
    path = tmp_path / "draft.pdf"
    path.write_bytes(pdf.html_to_pdf(html.country_report(report)))
    text = " ".join(_tool("pdftotext", str(path), "-").split())
    assert "by Ada Example and Ben Sample" in text
    assert "Invented Commission, Notes on a Vote, 2007." in text
    assert "<script>alert(1)</script>" in text  # the draft's markup printed as text
    assert "Outlook for 2008" in text


def test_overview_pdf(read, tmp_path):
    o = assemble.edition_overview(read, nit(), 2009)
    path = tmp_path / "overview.pdf"
    path.write_bytes(pdf.html_to_pdf(html.edition_overview(o)))
    text = " ".join(_tool("pdftotext", str(path), "-").split())
    for c in o.countries:
        assert c.country in text
    assert "Regional averages" in text and "Largest improvements" in text
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "2", str(path),
                    str(ARTIFACTS / "overview-2009")], check=True)
