"""Country reports and edition overviews as HTML: one page, offline, no script.

The page carries everything it needs: the stylesheet (``templates/publish.css``, the site's
colours and type) inline or linked, the charts as inline SVG, no script at all, so it can be
served under a strict Content-Security-Policy (``script-src 'none'``) and saved as one file.
With ``stylesheet=URL`` the CSS is linked instead of inlined (the web site serves it, which
also satisfies ``style-src 'self'``).

The author's Markdown (draft parts, footnotes, recorded justifications) goes through
markdown-it-py with raw HTML disabled: a draft cannot inject markup. Footnote markers "[n]"
become links to the note, and each note links back to every place that cites it.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import defaultdict
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from demoscope.methodology import fmt
from demoscope.publish import charts
from demoscope.publish.markdown import authors_line
from demoscope.publish.model import CountryReport, EditionOverview

TEMPLATES = Path(__file__).resolve().parent / "templates"
_MARKER = re.compile(r"\[(\d{1,3})\]")


@cache
def _md():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


@cache
def _env():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]),
                      trim_blocks=True, lstrip_blocks=True, undefined=StrictUndefined)
    env.filters["num"] = lambda v: "n/a" if v is None else fmt(v)
    env.filters["authors"] = authors_line
    return env


@cache
def stylesheet() -> str:
    """The CSS of published pages (screen and print, A4 pages for the PDF)."""
    return (resources.files("demoscope.publish") / "templates" / "publish.css").read_text("utf-8")


def content_security_policy(inline_css: str | None) -> str:
    """The policy a saved page declares for itself: nothing may load or run, except the one
    inline stylesheet, allowed by its hash (no 'unsafe-inline'). Images are inline SVG."""
    style = "'self'"
    if inline_css is not None:
        digest = base64.b64encode(hashlib.sha256(inline_css.encode()).digest()).decode()
        style = f"'sha256-{digest}'"
    return (f"default-src 'none'; style-src {style}; img-src 'self' data:; script-src 'none'; "
            "base-uri 'none'; form-action 'none'")


def _page(stylesheet_url: str | None) -> dict[str, Any]:
    """Template context for the page head: the CSS inline (exactly as hashed) or linked."""
    css = None if stylesheet_url else "\n" + stylesheet() + "\n"
    return {"css": Markup(css) if css else None, "stylesheet_url": stylesheet_url,
            "csp": content_security_policy(css)}


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


def country_report(r: CountryReport, *, stylesheet_url: str | None = None) -> str:
    """The report as one HTML page (see the module docstring)."""
    cit = Citations({f.number for f in r.footnotes})
    intro = cit.markdown(r.executive_summary)
    paragraphs = [_paragraph(cit, p.name, p.summary, p.sentence, p.code) for p in r.categories
                  if p.summary or p.sentence]
    outlook = cit.markdown(r.outlook)
    sections = [(p, cit.markdown(p.section)) for p in r.categories if p.section]
    # notes last: every citation is numbered by now, so each note lists its back-links
    notes = [(f, cit.markdown(f.text, inline=True), list(cit.refs.get(f.number, ())))
             for f in r.footnotes]
    return _env().get_template("report.html.j2").render(
        r=r, intro=intro, paragraphs=paragraphs, outlook=outlook, sections=sections,
        notes=notes, chart=Markup(charts.score_svg(r.chart)),
        markdown=lambda text: cit.markdown(text, back=False), **_page(stylesheet_url),
        title=f"{r.country} — {r.methodology} {r.edition_label}")


def edition_overview(o: EditionOverview, *, stylesheet_url: str | None = None) -> str:
    """The edition overview as one HTML page."""
    ranked = [(c.country, c.democracy_score, c.colour or "#777777")
              for g in o.regimes for (iso3, _n, _s) in g.countries
              for c in o.countries if c.iso3 == iso3]
    low_best = o.direction.startswith("1")
    chart = charts.bar_svg(
        [(name, score, colour) for name, score, colour in ranked if score is not None],
        o.scale_min, o.scale_max, low_best, f"{o.score_name} by country, {o.edition_label}")
    context: dict[str, Any] = dict(o=o, chart=Markup(chart), **_page(stylesheet_url),
                                   title=f"{o.methodology} {o.edition_label}: edition overview")
    return _env().get_template("overview.html.j2").render(**context)
