"""One call per output: a country report or an edition overview in a format, as bytes; and
a whole edition's reports, in parallel, into a folder.

The faces (``demoscope report``, ``demoscope overview``, the web routes) call these and only
write or send the bytes. Rendering a full edition spreads the countries over worker
processes (WeasyPrint is CPU-bound; two cores give nearly twice the throughput for PDF), each
opening its own read connection from the database URL.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from demoscope.errors import InvalidRating
from demoscope.files import write_bytes
from demoscope.methodology import Methodology
from demoscope.publish import assemble, html, markdown, pdf
from demoscope.publish.drafts import published_draft
from demoscope.publish.model import CountryReport, EditionOverview, ReportDraft
from demoscope.store.reads import Reader

FORMATS = ("md", "html", "pdf")
MEDIA_TYPES = {"md": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8",
               "pdf": "application/pdf"}

#: ``progress(done, total, label)`` after each report of an edition.
Progress = Callable[[int, int, str], None]


def check_format(fmt: str) -> str:
    """``md``, ``html`` or ``pdf`` (a leading dot and upper case are accepted)."""
    f = fmt.lower().lstrip(".")
    if f not in FORMATS:
        raise InvalidRating(f"format {fmt!r} is not one of: {', '.join(FORMATS)}", field="format")
    return f


def report_bytes(report: CountryReport, fmt: str) -> bytes:
    """A built report in ``md``, ``html`` (a page of its own) or ``pdf``."""
    f = check_format(fmt)
    if f == "md":
        return markdown.country_report(report).encode("utf-8")
    page = html.country_report(report)
    if f == "html":
        return page.encode("utf-8")
    return pdf.html_to_pdf(page, title=f"{report.country} — {report.methodology} "
                           f"{report.edition_label}", subject=_stamp(report.data_version))


def overview_bytes(o: EditionOverview, fmt: str) -> bytes:
    """A built edition overview in ``md``, ``html`` or ``pdf``."""
    f = check_format(fmt)
    if f == "md":
        return markdown.edition_overview(o).encode("utf-8")
    page = html.edition_overview(o)
    if f == "html":
        return page.encode("utf-8")
    return pdf.html_to_pdf(page, title=f"{o.methodology} {o.edition_label}: edition overview",
                           subject=_stamp(o.data_version))


def _stamp(version: str | None) -> str | None:
    return f"demoscope, data version {version}" if version else None


def report_model(read: Reader, m: Methodology, iso3: str, year: int,
                 draft: ReportDraft | None = None, *, data_version: str | None = None
                 ) -> CountryReport:
    """The country report of ``iso3`` in ``year``, built: with ``draft``, else with the
    published draft if any (:func:`~demoscope.publish.drafts.published_draft`)."""
    if draft is None:
        draft = published_draft(read, m, iso3, year)
    return assemble.country_report(read, m, iso3, year, draft, data_version=data_version)


def render_report(read: Reader, m: Methodology, iso3: str, year: int, fmt: str,
                  draft: ReportDraft | None = None, *, data_version: str | None = None) -> bytes:
    """The country report of ``iso3`` in ``year`` as bytes of ``fmt`` (one library call);
    without a ``draft``, the published one if any (:func:`~demoscope.publish.drafts.published_draft`)."""
    fmt = check_format(fmt)
    return report_bytes(report_model(read, m, iso3, year, draft, data_version=data_version), fmt)


def render_overview(read: Reader, m: Methodology, year: int, fmt: str, *,
                    data_version: str | None = None) -> bytes:
    """The edition overview of ``year`` as bytes of ``fmt`` (one library call)."""
    fmt = check_format(fmt)
    return overview_bytes(assemble.edition_overview(read, m, year, data_version=data_version),
                          fmt)


def file_name(iso3: str, year: int, fmt: str) -> str:
    """``kaz-2008.pdf``: a country report's file name in an edition's folder."""
    return f"{iso3.lower()}-{year}.{fmt}"


def _reports(read: Reader, m: Methodology, iso3: str, year: int, formats: tuple[str, ...],
             data_version: str) -> dict[str, bytes]:
    """One country's report in every format asked (built once, rendered per format)."""
    report = report_model(read, m, iso3, year, data_version=data_version)
    return {f: report_bytes(report, f) for f in formats}


def _worker(url: str, methodology: str, iso3: str, year: int, formats: tuple[str, ...],
            data_version: str) -> dict[str, bytes]:
    """Runs in a worker process: its own reader, one report, every format asked."""
    from demoscope.methodology import load_methodology
    from demoscope.store.reads import reader_for_url

    _after_fork(url)
    return _reports(reader_for_url(url), load_methodology(methodology), iso3, year, formats,
                    data_version)

def warm_up() -> None:
    """Import WeasyPrint and lay out one small page (font configuration, the stylesheet), so
    that forked workers inherit it instead of each paying for it (about a second of CPU)."""
    pdf.html_to_pdf(html.country_report_stub())


_FORKED: set[int] = set()


def _after_fork(url: str) -> None:
    """In a forked worker, drop the connections inherited from the parent's engine pool
    (SQLAlchemy's rule for fork: two processes must never share a socket) once."""
    import os

    if url.startswith("sqlite") or os.getpid() in _FORKED:
        return
    _FORKED.add(os.getpid())
    from demoscope.store.db import get_engine

    get_engine(url).dispose(close=False)


def render_edition(url: str, m: Methodology, year: int, formats: tuple[str, ...], folder: Path,
                   *, jobs: int = 1, progress: Progress | None = None,
                   methodology: str = "nit") -> list[Path]:
    """Every country report of an edition in ``formats`` into ``folder``
    (``kaz-2008.pdf``...), with ``jobs`` worker processes; returns the files written.

    ``methodology`` names ``m`` for the workers (a name or a file path, as the settings give
    it). The data version is read once, before any report is built, and stamped on all of
    them: a write that lands meanwhile makes some reports newer than their stamp, never older.
    """
    from demoscope.read.overview import edition_overview
    from demoscope.store.reads import data_version, reader_for_url

    formats = tuple(check_format(f) for f in formats)
    read = reader_for_url(url)
    version = data_version(read).label
    iso3s = [r["iso3"] for r in edition_overview(read, m, year)["countries"]]
    written: list[Path] = []

    def store(iso3: str, out: dict[str, bytes]) -> None:
        for f, data in out.items():
            written.append(write_bytes(folder / file_name(iso3, year, f), data).path)

    total = len(iso3s)
    if jobs <= 1:
        for i, iso3 in enumerate(iso3s, 1):
            store(iso3, _reports(read, m, iso3, year, formats, version))
            if progress:
                progress(i, total, iso3)
        return written
    if "pdf" in formats:
        warm_up()  # workers are forked from here: they start with WeasyPrint and fonts loaded
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [(iso3, pool.submit(_worker, url, methodology, iso3, year, formats, version))
                   for iso3 in iso3s]
        for i, (iso3, fut) in enumerate(futures, 1):
            store(iso3, fut.result())
            if progress:
                progress(i, total, iso3)
    return written
