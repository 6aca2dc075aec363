"""Rich tables of estimates for the terminal (``demoscope estimate`` without ``--json``)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from demoscope.stats.estimate import Estimates


def _num(x: float | None, nd: int = 2) -> str:
    return "—" if x is None else f"{x:.{nd}f}"


def _interval(lo: float | None, hi: float | None) -> str:
    if lo is None or hi is None:
        return "no interval"
    # An en dash between two negative numbers reads as a minus ("-0.59–-0.14"): say "to".
    return f"{lo:.2f} to {hi:.2f}" if lo < 0 or hi < 0 else f"{lo:.2f}–{hi:.2f}"


def render(est: Estimates, console: Console, rows: int = 60) -> None:
    """Cells, scores and raters as tables (each cut at ``rows``, with a count of the rest)."""
    s = est.summary
    console.print(f"[bold]{s['ratings']}[/] ratings by {s['raters']} raters on {s['cells']} "
                  f"cells ({s['countries']} countries); 90 % intervals; seed {s['seed']}; "
                  f"{est.seconds:.1f} s")
    cells = Table(title="Estimates per country, edition and category", title_justify="left")
    for col, just in (("Country", "left"), ("Edition", "right"), ("Cat.", "left"),
                      ("Raters", "right"), ("Mean", "right"), ("Estimate", "right"),
                      ("90 % interval", "right")):
        cells.add_column(col, justify=just)  # type: ignore[arg-type]
    for c in est.cells[:rows]:
        cells.add_row(c.country, str(c.edition), c.category, str(c.raters), _num(c.mean),
                      _num(c.estimate), _interval(c.lo, c.hi))
    console.print(cells)
    _more(console, len(est.cells) - rows, "cells")
    scores = Table(title="Scores (intervals propagated through the model)", title_justify="left")
    for col, just in (("Country", "left"), ("Edition", "right"), ("Score", "left"),
                      ("Estimate", "right"), ("90 % interval", "right"), ("Note", "left")):
        scores.add_column(col, justify=just)  # type: ignore[arg-type]
    for sc in est.scores[:rows]:
        scores.add_row(sc.country, str(sc.edition), sc.category, _num(sc.estimate),
                       _interval(sc.lo, sc.hi), sc.note or "")
    console.print(scores)
    _more(console, len(est.scores) - rows, "scores")
    raters = Table(title="Raters (leniency: + gives higher values than the estimate)",
                   title_justify="left")
    for col, just in (("Rater", "left"), ("Ratings", "right"), ("Leniency", "right"),
                      ("90 % interval", "right"), ("Reliability", "right"), ("Noise", "right")):
        raters.add_column(col, justify=just)  # type: ignore[arg-type]
    for r in est.raters[:rows]:
        raters.add_row(r.rater, str(r.ratings), _num(r.leniency, 2),
                       _interval(r.leniency_lo, r.leniency_hi) if r.leniency is not None else "—",
                       _num(r.reliability, 2), _num(r.noise, 2))
    console.print(raters)
    _more(console, len(est.raters) - rows, "raters")
    for note in s["notes"]:
        console.print(f"[yellow]note[/]: {note}", highlight=False)
    if any(c.lo is None for c in est.cells):
        console.print("[dim]Cells with one rater get an estimate but no interval: one reading "
                      "cannot show how far opinions on a cell spread.[/]")


def _more(console: Console, n: int, what: str) -> None:
    if n > 0:
        console.print(f"[dim]… {n} more {what} (use --rows or --json)[/]")
