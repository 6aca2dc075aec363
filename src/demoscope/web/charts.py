"""Charts and maps drawn on the server as SVG: no plotting bundle to download, nothing that
needs a network, nothing a strict Content-Security-Policy refuses (colours are SVG presentation
attributes, never ``style``), and the first chart is on screen with the page's HTML.

A chart is drawn twice, wide and narrow (the stylesheet shows one by the width of the screen):
a phone gets a chart of usable height with fewer tick labels instead of a shrunken desktop one.
Each point carries a ``<title>`` (full name, edition label, two decimals) that browsers show on
hover without script; ``static/app.js`` adds a richer tooltip and the toggle. Where the model
gives a 90 % interval (``ChartLine.lo``/``hi``: editions estimated from several raters) the
line gets a shaded band, as V-Dem's charts have, in elements of class ``ci`` that a checkbox
hides with CSS alone (no script, nothing the CSP refuses). The SVG is
``role="img"`` with no focusable element inside; its text summary and the table beside it say
the same in words.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from markupsafe import Markup, escape

from demoscope.read.series import ChartLine, LineChart
from demoscope.web import HERE

#: (width, height, left, right, top, bottom margins, tick label step) of each variant
WIDE = (880, 420, 64, 150, 16, 64)
NARROW = (360, 380, 44, 10, 12, 64)


def _fmt(v: float) -> str:
    return f"{v:.2f}"


def _num(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def line_chart(chart: LineChart, ident: str, narrow: bool = False) -> Markup:
    """The SVG of a :class:`~demoscope.read.series.LineChart` (``ident`` names its elements;
    the page's summary paragraph is ``{ident}-summary``)."""
    w, h, ml, mr, mt, mb = NARROW if narrow else WIDE
    years, labels = chart["years"], chart["labels"]
    lo, hi = chart["range"]
    pad = 0.25
    y0, y1 = lo - pad, hi + pad
    pw, ph = w - ml - mr, h - mt - mb

    def x(i: int) -> float:
        return ml + (pw / 2 if len(years) < 2 else pw * i / (len(years) - 1))

    def y(v: float) -> float:
        frac = (v - y0) / (y1 - y0)
        if chart["reversed"]:  # the most democratic end at the top
            frac = 1 - frac
        return mt + ph * (1 - frac)

    out: list[str] = [
        f'<svg class="chart-svg {"narrow" if narrow else "wide"}" viewBox="0 0 {w} {h}" '
        f'role="img" aria-labelledby="{ident}-title{"-n" if narrow else ""} {ident}-summary" '
        f'xmlns="http://www.w3.org/2000/svg" data-chart="{ident}" '
        f'data-left="{ml}" data-width="{pw}" data-n="{len(years)}">',
        f'<title id="{ident}-title{"-n" if narrow else ""}">{escape(chart["y_title"])}</title>']
    # regime bands behind everything, on the chart's own scale
    for b in chart["bands"]:
        top, bottom = sorted((y(b["low"] - (0.005 if b["low"] > lo else pad)),
                              y(b["high"] + (0.005 if b["high"] < hi else pad))))
        out.append(f'<rect class="band" x="{ml}" y="{top:.1f}" width="{pw}" '
                   f'height="{bottom - top:.1f}" fill="{b["colour"]}" fill-opacity="0.13">'
                   f'<title>{escape(b["label"])}: {_fmt(b["low"])}–{_fmt(b["high"])}</title></rect>')
        if not narrow:
            first, rest = _two_lines(b["label"])
            mid = (top + bottom) / 2
            out.append(f'<text class="band-label" x="{ml + pw + 6}" y="{mid - (2 if rest else -4):.1f}" '
                       f'font-size="11" fill="#3b444d">{escape(first)}'
                       + (f'<tspan x="{ml + pw + 6}" dy="13">{escape(rest)}</tspan>' if rest else "")
                       + "</text>")
    # grid and y ticks
    v = lo
    while v <= hi + 1e-9:
        yy = y(v)
        out.append(f'<line x1="{ml}" x2="{ml + pw}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="#c9d1d9" '
                   f'stroke-width="1"/><text x="{ml - 8}" y="{yy + 4:.1f}" text-anchor="end" '
                   f'font-size="12" fill="#3b444d">{_num(v)}</text>')
        v += 1
    out.append(f'<text x="14" y="{mt + ph / 2:.1f}" transform="rotate(-90 14 {mt + ph / 2:.1f})" '
               f'text-anchor="middle" font-size="12" fill="#3b444d">'
               f'{escape(chart["scale_text"])}</text>')
    # x ticks: every edition where they fit, else every few
    room = pw / max(len(years), 1)
    step = 1 if room >= 38 else 2 if room >= 19 else 4 if room >= 10 else 6
    for i, year in enumerate(years):
        if i % step and i != len(years) - 1:
            continue
        xx = x(i)
        out.append(f'<line x1="{xx:.1f}" x2="{xx:.1f}" y1="{mt + ph}" y2="{mt + ph + 5}" '
                   f'stroke="#6b737b"/><text x="{xx:.1f}" y="{mt + ph + 19}" text-anchor="middle" '
                   f'font-size="12" fill="#3b444d">{year}</text>')
    title = chart["x_title"]
    if narrow and len(title) > 44 and " (" in title:  # two lines on a phone, never cut
        head, _, rest = title.partition(" (")
        out.append(f'<text x="{ml + pw / 2:.1f}" y="{h - 24}" text-anchor="middle" font-size="12" '
                   f'fill="#3b444d">{escape(head)}<tspan x="{ml + pw / 2:.1f}" dy="14">'
                   f'({escape(rest)}</tspan></text>')
    else:
        out.append(f'<text x="{ml + pw / 2:.1f}" y="{h - 10}" text-anchor="middle" font-size="12" '
                   f'fill="#3b444d">{escape(title)}</text>')
    # the lines: categories first (under), the score last (on top)
    for line in sorted(chart["lines"], key=lambda ln: ln["primary"]):
        cls = "series primary" if line["primary"] else "series cat"
        width = 3.5 if line["primary"] and len(chart["lines"]) > 1 and not _all_primary(chart) else 2
        out.append(f'<g class="{cls}" data-key="{escape(line["key"])}">')
        out += _bands(line, x, y, narrow)
        for seg in _segments(line["values"]):
            pts = " ".join(f"{x(i):.1f},{y(val):.1f}" for i, val in seg)
            out.append(f'<polyline points="{pts}" fill="none" stroke="{line["colour"]}" '
                       f'stroke-width="{width}" stroke-linejoin="round"/>')
        for i, val in enumerate(line["values"]):
            if val is None:
                continue
            printed = line["printed"][i]
            fill = "#ffffff" if printed else line["colour"]
            note = " (printed score; categories incomplete)" if printed else ""
            ci_lo, ci_hi = line["lo"][i], line["hi"][i]
            if ci_lo is not None and ci_hi is not None:
                note += f" (90 % interval {_fmt(ci_lo)}–{_fmt(ci_hi)})"
            out.append(f'<circle cx="{x(i):.1f}" cy="{y(val):.1f}" r="{4 if narrow else 3.5}" '
                       f'fill="{fill}" stroke="{line["colour"]}" stroke-width="1.5" '
                       f'data-i="{i}" data-v="{_fmt(val)}"><title>{escape(line["name"])}, '
                       f'{escape(labels[i])} edition: {_fmt(val)}{note}</title></circle>')
        out.append("</g>")
    out.append("</svg>")
    return Markup("".join(out))


def _bands(line: ChartLine, x: Callable[[int], float], y: Callable[[float], float],
           narrow: bool) -> list[str]:
    """A line's 90 % intervals: a shaded band over each run of editions that have one, a bar
    where an edition stands alone (class ``ci``: the page's checkbox hides them)."""
    out: list[str] = []
    colour = line["colour"]
    for run in _interval_runs(line["lo"], line["hi"]):
        title = (f'<title>{escape(line["name"])}: 90 % interval of the model\'s estimate</title>')
        if len(run) == 1:
            i, lo, hi = run[0]
            top, bottom = sorted((y(hi), y(lo)))
            half = 5 if narrow else 4
            out.append(f'<rect class="ci" x="{x(i) - half:.1f}" y="{top:.1f}" width="{2 * half}" '
                       f'height="{max(bottom - top, 1):.1f}" fill="{colour}" fill-opacity="0.28">'
                       f'{title}</rect>')
            continue
        upper = " ".join(f"{x(i):.1f},{y(hi):.1f}" for i, _, hi in run)
        lower = " ".join(f"{x(i):.1f},{y(lo):.1f}" for i, lo, _ in reversed(run))
        out.append(f'<polygon class="ci" points="{upper} {lower}" fill="{colour}" '
                   f'fill-opacity="0.2" stroke="none">{title}</polygon>')
    return out


def _interval_runs(lo: Sequence[float | None], hi: Sequence[float | None]
                   ) -> list[list[tuple[int, float, float]]]:
    """Runs of consecutive editions with an interval (a gap breaks the band)."""
    out: list[list[tuple[int, float, float]]] = []
    run: list[tuple[int, float, float]] = []
    for i, (a, b) in enumerate(zip(lo, hi, strict=True)):
        if a is None or b is None:
            if run:
                out.append(run)
            run = []
        else:
            run.append((i, a, b))
    if run:
        out.append(run)
    return out


def _all_primary(chart: LineChart) -> bool:
    return all(ln["primary"] for ln in chart["lines"])


def _two_lines(label: str) -> tuple[str, str]:
    """A band's name on at most two short lines ("Semi-Consolidated" / "Authoritarian
    Regime"), so that it fits the margin."""
    words = label.split()
    if len(words) <= 1 or len(label) <= 20:
        return label, ""
    cut = max(1, len(words) // 2) if len(words) > 2 else 1
    first, rest = " ".join(words[:cut]), " ".join(words[cut:])
    return first, rest if len(rest) <= 24 else rest[:23] + "…"


def _segments(values: Sequence[float | None]) -> list[list[tuple[int, float]]]:
    """Runs of consecutive values (a missing edition breaks the line: no invented slope)."""
    out: list[list[tuple[int, float]]] = []
    run: list[tuple[int, float]] = []
    for i, v in enumerate(values):
        if v is None:
            if run:
                out.append(run)
            run = []
        else:
            run.append((i, v))
    if run:
        out.append(run)
    return out


def chart_pair(chart: LineChart, ident: str) -> Markup:
    """Both variants of a chart (the stylesheet shows the one that fits the screen)."""
    return line_chart(chart, ident) + line_chart(chart, ident, narrow=True)


def region_map(shapes: dict[str, Any], fills: dict[str, tuple[str, str]], ident: str) -> Markup:
    """A map of the countries in ``shapes`` (``{"viewBox": ..., "countries": {iso3: path}}``,
    the geometry shipped in ``static/geo``), each filled with ``fills[iso3] = (colour, title)``
    and grey where the dataset has nothing. Links would be nested interactive content inside an
    image, so the map carries none: the table next to it holds the links."""
    out = [f'<svg class="map-svg" viewBox="{shapes["viewBox"]}" role="img" '
           f'aria-labelledby="{ident}-summary" xmlns="http://www.w3.org/2000/svg">']
    for iso3, path in sorted(shapes["countries"].items()):
        colour, title = fills.get(iso3, ("#e6e9ec", ""))
        out.append(f'<path d="{path}" fill="{colour}" stroke="#ffffff" stroke-width="0.6" '
                   f'data-iso3="{iso3}"><title>{escape(title)}</title></path>')
    out.append("</svg>")
    return Markup("".join(out))


@cache
def geometry() -> dict[str, Any]:
    """The map geometry shipped with the app (``static/geo/countries.json``, derived once from
    Natural Earth by ``scripts/make_geometry.py``; see ``static/geo/SOURCE.md``)."""
    import json

    return dict(json.loads((HERE / "static" / "geo" / "countries.json").read_text()))
