"""The Democracy Score over time as a static SVG: drawn here, shown anywhere.

Why not the site's Plotly chart: a report must render the same in a browser with no script
(a strict Content-Security-Policy), offline, and inside a PDF (WeasyPrint draws SVG, not
JavaScript). So the chart is plain SVG markup computed from the model's points: regime bands
behind, the score as a line, a dot per edition, the report's edition marked, and a text
alternative (``<title>``/``<desc>``) that lists every value.
"""

from __future__ import annotations

from fractions import Fraction
from html import escape

from demoscope.numbers import fmt
from demoscope.publish.model import ScoreChart

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 40, 28, 18, 40


def _n(x: float) -> str:
    """Coordinates with one decimal: compact and the same bytes on every run."""
    return f"{x:.1f}".rstrip("0").rstrip(".")


def score_svg(chart: ScoreChart, element_id: str = "score-chart") -> str:
    """The chart as an inline ``<svg>`` element (no script, no external reference)."""
    lo, hi = chart.minimum, chart.maximum
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = len(chart.points)

    def x(i: int) -> float:
        return LEFT + (inner_w / 2 if n == 1 else inner_w * i / (n - 1))

    def y(v: Fraction) -> float:
        share = float((v - lo) / (hi - lo))
        if not chart.best_on_top_is_low:  # most democratic always at the top
            share = 1 - share
        return TOP + inner_h * share

    desc = "; ".join(f"{p.label}: {fmt(p.value) if p.value is not None else 'n/a'}"
                     for p in chart.points)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" id="{element_id}" class="score-chart" '
           f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{element_id}-title '
           f'{element_id}-desc">',
           f'<title id="{element_id}-title">{escape(chart.title)}</title>',
           f'<desc id="{element_id}-desc">{escape(desc)}</desc>']
    for b in chart.bands:  # regime bands behind the line
        y1, y2 = sorted((y(b.low), y(b.high)))
        out.append(f'<rect x="{LEFT}" y="{_n(y1)}" width="{inner_w}" height="{_n(max(y2 - y1, 1))}" '
                   f'fill="{escape(b.colour)}" fill-opacity="0.16"><title>{escape(b.name)}: '
                   f'{fmt(b.low)}–{fmt(b.high)}</title></rect>')
    step = (hi - lo) / 6 if hi - lo > 6 else Fraction(1)
    v = lo
    while v <= hi:
        yy = _n(y(v))
        out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{yy}" y2="{yy}" class="grid" '
                   'stroke="#d0d7de" stroke-width="1"/>')
        out.append(f'<text x="{LEFT - 6}" y="{yy}" dy="0.35em" text-anchor="end" '
                   f'class="tick">{fmt(v, 0) if v.denominator == 1 else fmt(v)}</text>')
        v += step
    every = max(1, -(-n // 12))  # at most ~12 labels on the x axis
    for i, p in enumerate(chart.points):
        if i % every == 0 or i == n - 1:
            out.append(f'<text x="{_n(x(i))}" y="{HEIGHT - 12}" text-anchor="middle" '
                       f'class="tick">{escape(p.label)}</text>')
    segment: list[str] = []
    segments: list[list[str]] = []
    for i, p in enumerate(chart.points):
        if p.value is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        segment.append(f"{_n(x(i))},{_n(y(p.value))}")
    if segment:
        segments.append(segment)
    for seg in segments:
        if len(seg) > 1:
            out.append(f'<polyline points="{" ".join(seg)}" fill="none" stroke="#0b5cad" '
                       'stroke-width="2.5" stroke-linejoin="round"/>')
    for i, p in enumerate(chart.points):
        if p.value is None:
            continue
        mark = p.edition == chart.highlight
        out.append(f'<circle cx="{_n(x(i))}" cy="{_n(y(p.value))}" r="{5 if mark else 3.5}" '
                   f'fill="{"#1b1f24" if mark else "#0b5cad"}"><title>{escape(p.label)}: '
                   f'{fmt(p.value)}</title></circle>')
        if mark:
            out.append(f'<text x="{_n(x(i))}" y="{_n(y(p.value) - 10)}" text-anchor="middle" '
                       f'class="value">{fmt(p.value)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def bar_svg(rows: list[tuple[str, Fraction, str]], minimum: Fraction, maximum: Fraction,
            low_is_best: bool, title: str, element_id: str = "regime-chart") -> str:
    """Horizontal bars of a score per country (best first), coloured by regime: the
    overview's regime chart. ``rows``: (label, score, colour)."""
    bar, gap, left, right = 16, 4, 215, 50
    height = TOP + len(rows) * (bar + gap) + 10
    inner = WIDTH - left - right

    def length(v: Fraction) -> float:
        share = float((v - minimum) / (maximum - minimum))
        return inner * (1 - share if low_is_best else share) + 4

    desc = "; ".join(f"{label}: {fmt(v)}" for label, v, _ in rows)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" id="{element_id}" class="bar-chart" '
           f'viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{element_id}-title '
           f'{element_id}-desc">',
           f'<title id="{element_id}-title">{escape(title)}</title>',
           f'<desc id="{element_id}-desc">{escape(desc)}</desc>']
    for i, (label, v, colour) in enumerate(rows):
        top = TOP + i * (bar + gap)
        w = length(v)
        out.append(f'<text x="{left - 6}" y="{_n(top + bar / 2)}" dy="0.35em" text-anchor="end" '
                   f'class="tick">{escape(label)}</text>')
        out.append(f'<rect x="{left}" y="{top}" width="{_n(w)}" height="{bar}" '
                   f'fill="{escape(colour)}"><title>{escape(label)}: {fmt(v)}</title></rect>')
        out.append(f'<text x="{_n(left + w + 4)}" y="{_n(top + bar / 2)}" dy="0.35em" '
                   f'class="value">{fmt(v)}</text>')
    out.append("</svg>")
    return "\n".join(out)
