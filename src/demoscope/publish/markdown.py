"""Country reports and edition overviews as Markdown, in the published plain-text structure.

The shape follows the plain-text reports: a title "Nations in Transit YEAR – Country", the
executive summary with one paragraph per category opening with the category's name and
closing on the rating sentence, the outlook, one section per category, numbered footnotes
"[n] ...", then the ratings table with its notes and the regime classification. That is the
shape :mod:`demoscope.reports.text` reads, so ``demoscope ingest`` reads a generated report
back to the same ratings, score and rating sentences (tests/publish/test_roundtrip.py).

Nothing is computed here: every value and sentence is in the model.
"""

from __future__ import annotations

from fractions import Fraction

from demoscope.numbers import fmt
from demoscope.publish.model import CountryReport, EditionOverview, RatingsTable

#: A cell the edition rated but the database lacks ("n/a" is "not rated"): the reader of
#: reports takes "n.a." as an empty cell, so the Markdown still reads back.
GAP = "n.a."


def _v(value: Fraction | None) -> str:
    return "n/a" if value is None else fmt(value)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def authors_line(authors: tuple[str, ...]) -> str:
    if not authors:
        return ""
    names = list(authors)
    return "by " + (names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1])


def table_markdown(table: RatingsTable, caption: str) -> list[str]:
    out = [f"| {caption} | " + " | ".join(table.labels) + " |",
           "|:---|" + "---:|" * len(table.labels)]
    for row in table.rows:
        out.append(f"| {_cell(row.label)}{row.note} | "
                   + " | ".join(row.shown(i, GAP) for i in range(len(row.values))) + " |")
    out.append("")
    if table.gap_note:
        out += [f"{GAP}: {table.gap_note}", ""]
    for note in table.notes:
        out += [note, ""]
    return out


def country_report(r: CountryReport) -> str:
    """The report as Markdown (UTF-8 text, ``\\n`` line ends, one final newline)."""
    # the title names the edition by its year ("1999", not "1999–2000"): the reader takes the
    # first title "Nations in Transit YEAR – Country" for edition and country
    out = [f"# {r.methodology} {r.edition} – {r.country}", ""]
    if r.authors:
        out += [authors_line(r.authors), ""]
    label = f"The {r.edition_label} edition covers" if r.edition_label != str(r.edition) else "Covers"
    out += [f"{label} events from {r.coverage}. {r.publisher}.", ""]
    for note in r.notes:
        out += [f"> {note}", ""]
    out += ["## Executive Summary", ""]
    if r.executive_summary:
        out += [r.executive_summary, ""]
    for part in r.categories:
        text = " ".join(t for t in (part.summary, part.sentence) if t)
        if not text:
            continue
        first, _, rest = text.partition("\n\n")  # the lead opens the first paragraph only
        out += [f"{part.name}. {first}", ""]
        if rest:
            out += [rest, ""]
    if r.outlook:
        first, _, rest = r.outlook.partition("\n\n")
        out += [f"Outlook for {r.edition_label}. {first}", ""]
        if rest:
            out += [rest, ""]
    for part in r.categories:
        if part.section:
            out += [f"## {part.name}", "", part.section, ""]
    if r.footnotes:
        out += ["## Notes", ""]
        for f in r.footnotes:
            out += [f"[{f.number}] {' '.join(f.text.split())}", ""]
    span = r.table.first if r.table.first == r.table.last else f"{r.table.first}–{r.table.last}"
    out += [f"## Ratings and {r.score_name}, {span}", ""]
    out += table_markdown(r.table, f"{r.country}")
    if r.regime:
        out += [f"Regime Classification: {r.regime}", ""]
    if r.data_version:
        out += [f"Data version: {r.data_version}", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def edition_overview(o: EditionOverview) -> str:
    """The overview as Markdown: the table of all countries, regimes, regions, movers."""
    head = [*o.categories, o.score_code] + ([o.percentage_code or ""] if o.percentage_name else [])
    out = [f"# {o.methodology} {o.edition_label}: edition overview", "",
           f"Covers events from {o.coverage}. {o.publisher}. {o.scale_note}", ""]
    for note in o.notes:
        out += [f"> {note}", ""]
    out += ["## Ratings and scores", "",
            "| Country | Region | " + " | ".join(head) + " | Regime |",
            "|:---|:---|" + "---:|" * len(head) + ":---|"]
    for c in o.countries:
        cells = [_v(v) for v in c.ratings] + [_v(c.democracy_score)]
        if o.percentage_name:
            cells.append(_v(c.democracy_percentage))
        out.append(f"| {_cell(c.country)} | {_cell(c.region)} | " + " | ".join(cells)
                   + f" | {c.regime or 'n/a'} |")
    out += ["", "Codes: " + "; ".join(f"{c} = {n}" for c, n in zip(o.categories, o.category_names,
                                                                    strict=True))
            + f"; {o.score_code} = {o.score_name}"
            + (f"; {o.percentage_code} = {o.percentage_name}" if o.percentage_name else "")
            + ".", ""]
    out += ["## Regime types", ""]
    for g in o.regimes:
        names = ", ".join(f"{n} ({fmt(s)})" for _, n, s in g.countries) or "none"
        out += [f"- **{g.name}** ({len(g.countries)}): {names}"]
    out += ["", "## Regional averages", "",
            "| Region | n | " + " | ".join([*o.categories, o.score_code]) + " |",
            "|:---|---:|" + "---:|" * (len(o.categories) + 1)]
    for reg in o.regions:
        out.append(f"| {_cell(reg.region)} | {reg.n} | "
                   + " | ".join(_v(v) for v in (*reg.values, reg.democracy_score)) + " |")
    out += ["", "Regional averages are exact means of the countries' ratings and printed scores, "
            "shown to two decimals; n counts the countries with a score.", ""]
    for title, movers in (("Largest improvements", o.improvements), ("Largest declines", o.declines)):
        out += [f"## {title}", ""]
        if not movers:
            out += ["None against the previous edition.", ""]
        for mv in movers:
            out += [f"### {mv.country}: {fmt(mv.old)} → {fmt(mv.new)} "
                    f"(against {mv.previous_edition})", ""]
            for ch in mv.changes:
                why = f" Justification: {ch.justification}" if ch.justification else \
                    " (No justification recorded in the database.)"
                out.append(f"- {ch.sentence}{why}")
            out.append("")
    if o.data_version:
        out += [f"Data version: {o.data_version}", ""]
    return "\n".join(out).rstrip("\n") + "\n"
