"""PDF through WeasyPrint: the HTML page printed on A4, fonts embedded.

WeasyPrint lays out the same HTML and CSS as the page (``@page`` rules in
``templates/publish.css``: A4, running head, page numbers), draws the inline SVG charts and
embeds subsets of the fonts it used (DejaVu, installed by ``.ci/run``), so the PDF reads the
same on any machine. Output is reproducible: no creation date is written unless asked, and
the document identifier is derived from the content.
"""

from __future__ import annotations

import hashlib

from demoscope.errors import ConfigError


def html_to_pdf(html: str, *, title: str | None = None, subject: str | None = None,
                timestamp: bool = False) -> bytes:
    """The PDF of an HTML document (no external resource is fetched: everything is inline).

    ``title`` and ``subject`` go into the document information (a report's subject names its
    data version); ``timestamp`` writes the creation date; by default the same HTML gives the
    same bytes."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: pango or its libraries are missing
        raise ConfigError(f"PDF output needs WeasyPrint and its system libraries (pango): {exc}"
                          ) from exc

    def no_fetch(url: str, *args: object, **kwargs: object) -> dict:
        raise ValueError(f"publications are self-contained; refusing to fetch {url}")

    doc = weasyprint.HTML(string=html, url_fetcher=no_fetch, base_url=".").render()
    if title:
        doc.metadata.title = title
    if subject:
        doc.metadata.description = subject
    ident = hashlib.sha256(html.encode()).hexdigest()[:32].encode()
    out = doc.write_pdf(identifier=ident, uncompressed_pdf=False)
    if timestamp:
        from datetime import UTC, datetime

        doc.metadata.created = datetime.now(UTC).isoformat(timespec="seconds")
        out = doc.write_pdf(identifier=ident)
    return out
