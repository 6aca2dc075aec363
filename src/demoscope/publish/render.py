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
from demoscope.methodology import Methodology
from demoscope.publish import assemble, html, markdown, pdf
from demoscope.publish.files import write_bytes
from demoscope.publish.model import CountryReport, EditionOverview, ReportDraft
from demoscope.store.queries import Reader

FORMATS = ("md", "html", "pdf")
MEDIA_TYPES = {"md": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8",
               "pdf": "application/pdf"}

#: ``progress(done, total, label)`` after each report of an edition.
Progress = Callable[[int, int, str], None]


def check_format(fmt: str) -> str:
    f = fmt.lower().lstrip(".")
    if f not in FORMATS:
        raise InvalidRating(f"format {fmt!r} is not one of: {', '.join(FORMATS)}", field="format")
    return f


def report_bytes(report: CountryReport, fmt: str, *, stylesheet_url: str | None = None) -> bytes:
    """A built report in ``md``, ``html`` or ``pdf``."""
    f = check_format(fmt)
    if f == "md":
        return markdown.country_report(report).encode("utf-8")
    page = html.country_report(report, stylesheet_url=stylesheet_url if f == "html" else None)
    if f == "html":
        return page.encode("utf-8")
    return pdf.html_to_pdf(page, title=f"{report.country} — {report.methodology} "
                           f"{report.edition_label}")


def overview_bytes(o: EditionOverview, fmt: str, *, stylesheet_url: str | None = None) -> bytes:
    f = check_format(fmt)
    if f == "md":
        return markdown.edition_overview(o).encode("utf-8")
    page = html.edition_overview(o, stylesheet_url=stylesheet_url if f == "html" else None)
    if f == "html":
        return page.encode("utf-8")
    return pdf.html_to_pdf(page, title=f"{o.methodology} {o.edition_label}: edition overview")


def render_report(read: Reader, m: Methodology, iso3: str, year: int, fmt: str,
                  draft: ReportDraft | None = None, *, data_version: str | None = None,
                  stylesheet_url: str | None = None) -> bytes:
    """The country report of ``iso3`` in ``year`` as bytes of ``fmt`` (one library call)."""
    fmt = check_format(fmt)
    return report_bytes(assemble.country_report(read, m, iso3, year, draft,
                                                data_version=data_version), fmt,
                        stylesheet_url=stylesheet_url)


def render_overview(read: Reader, m: Methodology, year: int, fmt: str, *,
                    data_version: str | None = None, stylesheet_url: str | None = None) -> bytes:
    fmt = check_format(fmt)
    return overview_bytes(assemble.edition_overview(read, m, year, data_version=data_version),
                          fmt, stylesheet_url=stylesheet_url)


def file_name(iso3: str, year: int, fmt: str) -> str:
    return f"{iso3.lower()}-{year}.{fmt}"


def _worker(url: str, methodology: str, iso3: str, year: int, formats: tuple[str, ...],
            data_version: str | None) -> dict[str, bytes]:
    """Runs in a worker process: its own reader, one report, every format asked."""
    from demoscope.methodology import load_methodology
    from demoscope.store.queries import reader_for_url

    _after_fork(url)
    read = reader_for_url(url)
    report = assemble.country_report(read, load_methodology(methodology), iso3, year,
                                     data_version=data_version)
    return {f: report_bytes(report, f) for f in formats}


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
                   data_version: str | None = None, methodology: str = "nit") -> list[Path]:
    """Every country report of an edition in ``formats`` into ``folder``
    (``kaz-2008.pdf``...), with ``jobs`` worker processes; returns the files written."""
    from demoscope.overview import edition_overview
    from demoscope.store.queries import reader_for_url

    formats = tuple(check_format(f) for f in formats)
    read = reader_for_url(url)
    iso3s = [r.iso3 for r in edition_overview(read, m, year).rows]
    written: list[Path] = []

    def store(iso3: str, out: dict[str, bytes]) -> None:
        for f, data in out.items():
            written.append(write_bytes(folder / file_name(iso3, year, f), data))

    total = len(iso3s)
    if jobs <= 1:
        for i, iso3 in enumerate(iso3s, 1):
            store(iso3, _worker(url, methodology, iso3, year, formats, data_version))
            if progress:
                progress(i, total, iso3)
        return written
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [(iso3, pool.submit(_worker, url, methodology, iso3, year, formats, data_version))
                   for iso3 in iso3s]
        for i, (iso3, fut) in enumerate(futures, 1):
            store(iso3, fut.result())
            if progress:
                progress(i, total, iso3)
    return written
