"""Country reports and edition overviews as HTML: a page of their own, or a part of the site.

The report itself is one ``<article class="publication">`` (:func:`country_report_body`,
:func:`edition_overview_body`), styled by ``templates/report.css`` (every rule scoped to the
article). A saved page (:func:`country_report`, :func:`edition_overview`; also what the PDF is
printed from) wraps it with ``templates/page.css`` inline, the charts as inline SVG and no
script at all, and declares its own strict Content-Security-Policy: the one inline stylesheet
is allowed by its hash, nothing may load or run. The web site puts the same article inside
its own layout, with ``report.css`` as a file (``style-src 'self'``).

The author's Markdown (draft parts, footnotes, recorded justifications) goes through
markdown-it-py with raw HTML disabled: a draft cannot inject markup. Footnote markers "[n]"
become links to the note, and each note links back to every place that cites it.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from demoscope.numbers import fmt
from demoscope.publish import charts
from demoscope.publish.markdown import authors_line
from demoscope.publish.model import CountryReport, EditionOverview

if TYPE_CHECKING:
    from jinja2 import Environment
    from markdown_it import MarkdownIt

TEMPLATES = Path(__file__).resolve().parent / "templates"
_MARKER = re.compile(r"\[(\d{1,3})\]")


@cache
def _md() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


@cache
def _env() -> Environment:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]),
                      trim_blocks=True, lstrip_blocks=True, undefined=StrictUndefined)
    env.filters["num"] = lambda v: "n/a" if v is None else fmt(v)
    env.filters["authors"] = authors_line
    return env


def _css(name: str) -> str:
    return (resources.files("demoscope.publish") / "templates" / name).read_text("utf-8")


@cache
def report_css() -> str:
    """The stylesheet of the report article (scoped to ``.publication``), as the site serves it."""
    return _css("report.css")


@cache
def page_css() -> str:
    """The whole stylesheet of a saved page or PDF: the page frame, then the article's rules."""
    return _css("page.css") + "\n" + report_css()


def content_security_policy(inline_css: str) -> str:
    """The policy a saved page declares for itself: nothing may load or run, except the one
    inline stylesheet, allowed by its hash (no 'unsafe-inline'). Images are inline SVG."""
    digest = base64.b64encode(hashlib.sha256(inline_css.encode()).digest()).decode()
    return (f"default-src 'none'; style-src 'sha256-{digest}'; img-src data:; "
            "script-src 'none'; base-uri 'none'; form-action 'none'")


def _page(body: Markup, title: str) -> str:
    """A saved page around an article: the CSS inline, exactly as hashed in the policy."""
    css = "\n" + page_css() + "\n"
    return _env().get_template("page.html.j2").render(
        body=body, title=title, css=Markup(css), csp=content_security_policy(css))


#: Links shown under a report's title on the site (label, address): other formats of it.
Links = Sequence[tuple[str, str]]
#: The address of a country's report in the same edition, from its ISO code (the overview
#: links each country to it on the site).
ReportHref = Callable[[str], str]


class Citations:
    """Turns "[n]" markers into links, numbering each citation so notes can link back."""

    def __init__(self, known: set[int]):
        self.known = known
        self.refs: dict[int, list[str]] = defaultdict(list)

    def link(self, html: str, back: bool = True) -> str:
        """Markers as links to their notes; with ``back`` each gets an id the note links to."""
        def sub(mm: re.Match[str]) -> str:
            n = int(mm.group(1))
            if n not in self.known:
                return mm.group()
            if not back:
                return f'<a class="fnlink" href="#fn-{n}">[{n}]</a>'
            ref = f"fnref-{n}-{len(self.refs[n]) + 1}"
            self.refs[n].append(ref)
            return (f'<sup class="fnref"><a id="{ref}" href="#fn-{n}" '
                    f'aria-describedby="notes-heading">[{n}]</a></sup>')
        return _MARKER.sub(sub, html)

    def markdown(self, text: str, inline: bool = False, back: bool = True) -> Markup:
        """Markdown (no raw HTML) to HTML with linked markers; ``inline`` drops the <p>."""
        if not text:
            return Markup("")
        html = _md().renderInline(text) if inline else _md().render(text)
        return Markup(self.link(html, back))


def _paragraph(cit: Citations, lead: str, summary: str, sentence: str, code: str) -> Markup:
    """A summary paragraph: bold lead, the justification, the rating sentence (an anchor for
    the change). Several paragraphs of justification keep the lead on the first and the
    sentence on the last."""
    body = str(cit.markdown(summary)) if summary else "<p></p>"
    span = (f' <span class="rating-sentence" id="change-{escape(code)}">{escape(sentence)}</span>'
            if sentence else "")
    body = body.replace("<p>", f"<p><strong>{escape(lead)}.</strong> ", 1)
    head, sep, tail = body.rpartition("</p>")
    body = f"{head}{span}{sep}{tail}" if sep else body + span
    return Markup(body.replace("<p>", f'<p class="summary" id="summary-{escape(code)}">', 1))


def country_report_body(r: CountryReport, *, links: Links = ()) -> Markup:
    """The report as one ``<article class="publication report">`` (see the module docstring)."""
    cit = Citations({f.number for f in r.footnotes})
    intro = cit.markdown(r.executive_summary)
    paragraphs = [_paragraph(cit, p.name, p.summary, p.sentence, p.code) for p in r.categories
                  if p.summary or p.sentence]
    outlook = cit.markdown(r.outlook)
    sections = [(p, cit.markdown(p.section)) for p in r.categories if p.section]
    # notes last: every citation is numbered by now, so each note lists its back-links
    notes = [(f, cit.markdown(f.text, inline=True), list(cit.refs.get(f.number, ())))
             for f in r.footnotes]
    score_rows = {r.score_code} | {row.code for row in r.table.rows
                                   if r.percentage_name and row.label == r.percentage_name}
    return Markup(_env().get_template("report_body.html.j2").render(
        r=r, intro=intro, paragraphs=paragraphs, outlook=outlook, sections=sections,
        notes=notes, chart=Markup(charts.score_svg(r.chart)), score_rows=score_rows,
        links=list(links), markdown=lambda text: cit.markdown(text, back=False)))


def country_report(r: CountryReport) -> str:
    """The report as a page of its own (a saved file; what the PDF is printed from)."""
    return _page(country_report_body(r), f"{r.country} — {r.methodology} {r.edition_label}")


def country_report_stub() -> str:
    """A saved page with the publications' stylesheet and no content (for warming up the PDF
    engine: fonts and CSS parsed once)."""
    return _page(Markup("<p>demoscope</p>"), "demoscope")


def edition_overview_body(o: EditionOverview, *, links: Links = (),
                          report_href: ReportHref | None = None) -> Markup:
    """The edition overview as one ``<article class="publication overview-report">``."""
    ranked = [(c.country, c.democracy_score, c.colour or "#777777")
              for g in o.regimes for (iso3, _n, _s) in g.countries
              for c in o.countries if c.iso3 == iso3]
    chart = charts.bar_svg(
        [(name, score, colour) for name, score, colour in ranked if score is not None],
        o.scale_min, o.scale_max, o.low_best, f"{o.score_name} by country, {o.edition_label}")
    return Markup(_env().get_template("overview_body.html.j2").render(
        o=o, chart=Markup(chart), links=list(links), report_href=report_href))


def edition_overview(o: EditionOverview) -> str:
    """The edition overview as a page of its own."""
    return _page(edition_overview_body(o), f"{o.methodology} {o.edition_label}: edition overview")
