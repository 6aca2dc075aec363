"""The ``demoscope`` command line: a thin Typer layer over the library.

Each command parses its arguments, calls one library function inside one transaction and
formats the result (Rich for people, ``--json`` for programs). Errors are
:class:`~demoscope.errors.DemoscopeError` subclasses, turned into one red line and the
error's exit code by :func:`main`; nothing is written when a command fails. Heavy imports
(SQLAlchemy, pandas) happen inside commands so that ``--help`` and ``show`` start fast.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from demoscope.methodology import Methodology
    from demoscope.read.scorecard import Scorecard

app = typer.Typer(
    name="demoscope",
    help="Run and read democracy assessments the way Nations in Transit did.\n\n"
    "Example: demoscope db init && demoscope show Kazakhstan 2008",
    no_args_is_help=True,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)
db_app = typer.Typer(help="Create, migrate and inspect the ratings database.\n\n"
                     "Example: demoscope db init", no_args_is_help=True)
app.add_typer(db_app, name="db")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for programs instead of a table.")]
#: The arguments most commands share, declared once so their help reads the same everywhere.
CountryArg = Annotated[str, typer.Argument(help="Country name, ISO code or alias.")]
EditionArg = Annotated[int, typer.Argument(help="Edition year.")]
CategoryArg = Annotated[str, typer.Argument(help="Category code or name.")]
DirectionOpt = Annotated[
    str | None,
    typer.Option("--direction", "-d", help="Show values on this scale: 1_best or 7_best "
                 "(default: each edition's own published scale)."),
]


# -- plumbing -------------------------------------------------------------------------------


def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr)


def _settings():
    from demoscope.config import get_settings

    return get_settings()


def _methodology():
    from demoscope.methodology import load_methodology

    return load_methodology(_settings().methodology)


def _engine(require_init: bool = True):
    """The write engine of the configured database, its schema revision checked (a database
    that is not initialised is allowed with ``require_init=False``: ``db init`` creates it)."""
    from demoscope.store import schema
    from demoscope.store.db import get_engine
    from demoscope.store.reads import EngineReader

    url = _settings().database_url
    engine = get_engine(url)
    schema.check(EngineReader(engine), url, allow_empty=not require_init,
                 allow_older=not require_init)
    return engine


def _reader():
    """The read gateway; stdlib sqlite3 (read-only) for SQLite files keeps ``show`` fast.
    The schema revision is checked before anything is read."""
    from demoscope.errors import ConfigError
    from demoscope.store import access, reads, schema

    url = _settings().database_url
    access.check_url(url)
    path = reads.sqlite_path(url)
    if path is not None:
        if not Path(path).exists():
            raise ConfigError(f"no database at {url}: run 'demoscope db init' first")
        access.check_sqlite_file(path)
    read = reads.reader_for_url(url)
    schema.check(read, url)
    return read


def _redact(url: str) -> str:
    from demoscope.store.access import redact

    return redact(url)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def _country(text: str):
    from demoscope.countries import resolve

    return resolve(text)


def _direction(m, text: str | None):
    """The ``--direction`` label as the Direction enum (the one place the CLI converts)."""
    return m.scale.parse_direction(text) if text else None


# -- db -------------------------------------------------------------------------------------


@db_app.command("init")
def db_init(json_out: JsonOpt = False) -> None:
    """Create (or migrate) the database and load the built-in NIT dataset. Safe to repeat.

    Example: DEMOSCOPE_DATABASE_URL=sqlite:///nit.db demoscope db init
    """
    from rich.progress import Progress

    from demoscope.countries import registry
    from demoscope.services.setup import set_up_database

    m = _methodology()
    engine = _engine(require_init=False)
    err = _console(stderr=True)
    with Progress(transient=True, console=err, disable=json_out or not err.is_terminal) as progress:
        task = progress.add_task("loading built-in dataset", total=None)

        def tick(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        result = set_up_database(engine, m, registry(), progress=tick)
    data = {"database": _redact(_settings().database_url), "added": result.added,
            "unchanged": result.unchanged, "corroborated": result.corroborated,
            "differing": result.differing}
    if json_out:
        _print_json(data)
        return
    con = _console()
    twice = (f", {result.corroborated} given again alike by a second built-in source"
             if result.corroborated else "")
    con.print(f"[green]database ready[/] at {data['database']}: {result.added} values "
              f"added{twice}, {result.unchanged} already present.")
    for d in result.differing:
        con.print(f"[yellow]kept database value[/] {d}")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply pending schema migrations without loading data.

    Example: demoscope db upgrade
    """
    from demoscope.services.setup import upgrade_schema

    before, after = upgrade_schema(_engine(require_init=False))
    if before == after:
        _console().print(f"[green]schema up to date[/] (revision {after})")
    else:
        _console().print(f"[green]schema upgraded[/] from revision {before or 'none'} to {after}")


@db_app.command("path")
def db_path() -> None:
    """Print the database URL in use (from DEMOSCOPE_DATABASE_URL or the default).

    Example: demoscope db path
    """
    print(_redact(_settings().database_url))


# -- reference ------------------------------------------------------------------------------


@app.command()
def countries(json_out: JsonOpt = False) -> None:
    """List countries with ISO code, region and the editions rated.

    Example: demoscope countries --json
    """
    from demoscope.read import indexes

    rows = indexes.countries(_reader(), _methodology())
    if json_out:
        _print_json(rows)
        return
    from rich.table import Table

    t = Table(title="Countries")
    for col in ("Country", "ISO", "Region", "Editions with data"):
        t.add_column(col)
    for r in rows:
        t.add_row(r["country"], r["iso3"], r["region"], _span(r["editions"]))
    _console().print(t)


def _span(years: list[int]) -> str:
    if not years:
        return "—"
    return f"{years[0]}–{years[-1]} ({len(years)})" if len(years) > 1 else str(years[0])


@app.command()
def editions(json_out: JsonOpt = False) -> None:
    """List editions: label, scale direction, categories and database coverage.

    Example: demoscope editions
    """
    from demoscope.read import indexes

    m = _methodology()
    rows = indexes.edition_coverage(_reader(), m)
    if json_out:
        _print_json(rows)
        return
    from rich.table import Table

    t = Table(title=f"{m.name} editions")
    for col in ("Edition", "Scale", "Categories", "Countries", "Ratings"):
        t.add_column(col)
    for r in rows:
        t.add_row(r["label"], r["direction"], " ".join(r["categories"]),
                  str(len(r["countries"])), str(r["ratings"]))
    _console().print(t)


@app.command()
def coverage(json_out: JsonOpt = False) -> None:
    """What the database holds for every country-edition: complete (every category rated),
    reconstructed (a full row rebuilt from an earlier one and the changes printed since),
    partial, headline-only (a published score, percentage and regime, no ratings) or none.

    Example: demoscope coverage --json
    """
    from demoscope.read.coverage import coverage as build

    m = _methodology()
    grid = build(_reader(), m)
    if json_out:
        _print_json(grid)
        return
    from rich.table import Table

    marks = {"complete": "[green]■[/]", "reconstructed": "[cyan]▣[/]", "partial": "[yellow]◧[/]",
             "headline-only": "[magenta]○[/]", "none": "[dim]·[/]"}
    shown = [y for y in grid["editions"]
             if any(c["editions"][str(y)]["status"] != "none" for c in grid["countries"])]
    t = Table(title=f"{m.name}: what the database holds", title_justify="left",
              padding=(0, 0))
    t.add_column("Country")
    for y in shown:
        t.add_column(f"{y % 100:02d}", justify="center")
    for c in grid["countries"]:
        t.add_row(c["iso3"], *(marks[c["editions"][str(y)]["status"]] for y in shown))
    con = _console()
    con.print(t)
    con.print("  ".join(f"{marks[s]} {s} {grid['counts'][s]}" for s in grid["statuses"]))


@app.command("methodology")
def methodology_cmd(
    json_out: JsonOpt = False,
    file: Annotated[Path | None, typer.Option(help="Check and show a methodology TOML file.")] = None,
) -> None:
    """Show the methodology: categories, scale, score rule, regime bands, eras.

    Example: demoscope methodology --file my-index.toml
    """
    from demoscope.methodology import Direction, load_methodology
    from demoscope.read.indexes import methodology_summary

    m = load_methodology(str(file)) if file else _methodology()
    data = methodology_summary(m)
    if json_out:
        _print_json(data)
        return
    from rich.table import Table

    con = _console()
    con.print(f"[bold]{m.name}[/] ({m.code} {m.version}) — scale {data['scale']['min']:g}–"
              f"{data['scale']['max']:g} step {data['scale']['step']:g}; {m.score.name} = mean, "
              f"{m.score.decimals} decimals, half-up")
    t = Table(title="Categories")
    t.add_column("Code")
    t.add_column("Name")
    t.add_column("Covers", overflow="fold")
    for c in data["categories"]:
        t.add_row(c["code"], c["name"], c["covers"])
    con.print(t)
    b = Table(title="Regime bands")
    labels = [m.direction_label(d) for d in Direction]
    pct = m.percentage.code if m.percentage else "%"
    for col in ("Regime", *labels, pct):
        b.add_column(col)
    for band in data["bands"]:
        b.add_row(band["name"], *[
            "{:.2f}–{:.2f}".format(*band[label]) if label in band else "—" for label in labels],
            "{:g}–{:g}".format(*band["percentage"]) if band["percentage"] else "—")
    con.print(b)


# -- show -----------------------------------------------------------------------------------


@app.command()
def show(
    country: CountryArg,
    edition: Annotated[int | None, typer.Argument(help="Edition year (default: latest).")] = None,
    direction: DirectionOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Scorecard of one country in one edition: ratings, Democracy Score, Democracy
    Percentage, regime and each category's change against the previous edition.

    Example: demoscope show Kazakhstan 2008 --direction 7_best --json
    """
    from demoscope.read.scorecard import scorecard

    m = _methodology()
    c = _country(country)
    card = scorecard(_reader(), m, c.iso3, edition, _direction(m, direction))
    if json_out:
        _print_json(card)
        return
    _render_scorecard(card, m)


def _render_scorecard(card: Scorecard, m: Methodology) -> None:
    from rich.table import Table

    con = _console()
    ed = m.edition(card["edition"])
    title = f"{card['country']} — {m.name} {ed.label} ({card['direction']})"
    t = Table(title=title, title_justify="left")
    t.add_column("Category")
    t.add_column("Rating", justify="right")
    t.add_column("Change")
    by_cat = {ch["category"]: ch for ch in card["changes"]}
    arrow = {"improves": "[green]▲ improves[/]", "deteriorates": "[red]▼ deteriorates[/]",
             "remains": "= remains"}
    for cat, value in card["ratings"].items():
        ch = by_cat.get(cat)
        change = (f"{arrow[ch['verb']]} from {ch['from']:.2f}" if ch and ch["verb"] != "remains"
                  else (arrow["remains"] if ch else ""))
        t.add_row(f"{m.category_name(cat, ed)} ({cat})", f"{value:.2f}", change)
    con.print(t)
    if card["democracy_score"] is not None:
        con.print(f"{m.score.name}: [bold]{card['democracy_score']:.2f}[/]   "
                  f"Democracy Percentage: {card['democracy_percentage']:.2f}   "
                  f"Regime: [bold]{card['regime']}[/]")
    else:
        con.print(f"[yellow]incomplete row[/]: no rating for {', '.join(card['missing'])}; "
                  f"no {m.score.name} computed")
    if card.get("quirk"):
        con.print(f"[yellow]source quirk[/]: printed {m.score.name} "
                  f"{card['published_democracy_score']:.2f} — {card['quirk']}")
    if card["changes"]:
        con.print(f"[dim]Changes against {card['previous_edition']}:[/]")
        for ch in card["changes"]:
            con.print(f"  {ch['sentence']}")


# -- rate -----------------------------------------------------------------------------------


@app.command()
def rate(
    country: CountryArg,
    edition: EditionArg,
    category: Annotated[str, typer.Argument(help="Category code or name (EP, CS, IM, NDG, ...).")],
    value: Annotated[str, typer.Argument(help="Rating on the edition's own scale, e.g. 5.75.")],
    justification: Annotated[str | None, typer.Option(
        "--justification", "-j", help="Why the rating differs from the previous edition "
        "(required when it does).")] = None,
    source: Annotated[str, typer.Option(help="Provenance recorded with the value.")] = "cli",
    json_out: JsonOpt = False,
) -> None:
    """Record a rating (one transaction; the old value is kept in the revision history).

    Example: demoscope rate Kazakhstan 2018 CS 6.00 --justification "NGO law tightened"
    """
    from demoscope.numbers import fmt, frac
    from demoscope.services.rating import rate as record_rating

    m = _methodology()
    c = _country(country)
    ch = record_rating(_engine(), m, c.iso3, edition, m.resolve_category(category), frac(value),
                       justification=justification, source=source)
    data = {"iso3": ch.iso3, "edition": ch.year, "category": ch.category,
            "old": float(ch.old) if ch.old is not None else None, "new": float(ch.new),
            "previous_edition_value": (float(ch.previous_edition_value)
                                       if ch.previous_edition_value is not None else None)}
    if json_out:
        _print_json(data)
        return
    old = fmt(ch.old) if ch.old is not None else "—"
    _console().print(f"[green]recorded[/] {c.name} {ch.year} {ch.category}: {old} → {fmt(ch.new)}")


# -- export ---------------------------------------------------------------------------------


@app.command()
def export(
    format: Annotated[str, typer.Option("--format", "-f", help="csv, json, xlsx or parquet.")] = "csv",
    output: Annotated[str | None, typer.Option(
        "--output", "-o", help="File to write (default or '-': standard output). A regular "
        "file is replaced atomically; a device or named pipe is written through; a folder is "
        "refused.")] = None,
    wide: Annotated[bool, typer.Option("--wide", help="One row per country-edition.")] = False,
    direction: DirectionOpt = None,
    country: Annotated[list[str] | None, typer.Option("--country", "-c",
                                                      help="Only these countries.")] = None,
    first: Annotated[int | None, typer.Option("--from", help="First edition.")] = None,
    last: Annotated[int | None, typer.Option("--to", help="Last edition.")] = None,
    table: Annotated[str, typer.Option("--table", "-t", help="ratings (stored ratings), "
                                       "reconstructed (rebuilt rows, each with its provenance), "
                                       "scores (one row per country-edition: status, "
                                       "computed and published headline values) or estimates "
                                       "(estimate and 90 % interval of every rating and "
                                       "score).")] = "ratings",
) -> None:
    """Export ratings: tidy long (country, iso3, edition, category, rating, direction) or wide.
    ``--table reconstructed`` exports the reconstructed ratings (never printed by a source:
    each row says so, with its provenance); ``--table scores`` one row per country-edition
    with its status and the published headline values of editions without ratings;
    ``--table estimates`` every rating and score with its estimate and 90 % interval (none
    where only the published consensus exists: the note says so).

    Example: demoscope export --format xlsx --direction 7_best -o nit.xlsx
    """
    from demoscope import exports
    from demoscope.errors import InvalidRating
    from demoscope.files import is_stdout

    fmt_name = format.lower()
    if fmt_name not in exports.FORMATS:
        raise InvalidRating(f"--format {format!r} is not one of: {', '.join(exports.FORMATS)}",
                            field="format")
    to_stdout = output is None or is_stdout(output)
    if to_stdout and fmt_name in ("xlsx", "parquet") and sys.stdout.isatty():
        raise InvalidRating(f"{fmt_name} is binary: give --output FILE", field="output")
    m = _methodology()
    first, last = (_edition_bound(m, v, flag) for v, flag in ((first, "--from"), (last, "--to")))
    iso = [_country(c).iso3 for c in country] if country else None
    df, stamp = exports.table_frame(_reader(), m, table, direction=_direction(m, direction),
                                    wide=wide, iso3s=iso, first=first, last=last)
    written = exports.write(df, fmt_name, output or "-", stamp)
    if written.kind == "stdout":
        print(f"data version {stamp.data_version}", file=sys.stderr)
        return
    beside = (f" (stamp in {exports.sidecar(Path(output or '-'))})"
              if fmt_name == "csv" and written.kind == "file" else "")
    print(f"wrote {len(df)} rows to {output}, data version {stamp.data_version}{beside}",
          file=sys.stderr)


def _edition_bound(m, value: int | None, flag: str) -> int | None:
    """An edition bound (``--from``/``--to``) checked against the methodology's years (a year
    no database column can hold must not reach one)."""
    if value is None or value in m.editions:
        return value
    lo, hi = min(m.editions), max(m.editions)
    if not lo - 100 <= value <= hi + 100:
        from demoscope.errors import InvalidRating

        raise InvalidRating(f"{flag} {value} is not an edition year ({m.name}: {lo}–{hi})",
                            field=flag.lstrip("-"))
    return value


# -- reports --------------------------------------------------------------------------------

PathsArg = Annotated[list[Path], typer.Argument(
    help="Report files (.txt, .pdf, .html), folders, or - for one report on standard input.")]


def _db_lookup(m):
    """A ``(iso3, year) → ratings`` lookup for the audit, or None when there is no database.

    Each lookup is its own short read, so a report imported earlier in the same run is seen.
    A database that exists but cannot be used (newer schema, corrupt...) is refused in one
    line, as by every other command (``audit --no-db`` does without it)."""
    from demoscope.errors import DemoscopeError
    from demoscope.store import reads, schema

    url = _settings().database_url
    path = reads.sqlite_path(url)
    if path is not None and not Path(path).exists():
        return None
    read = _open_reader(url)
    if schema.check(read, url, allow_empty=True) is None:
        return None

    def lookup(iso3: str, year: int):
        try:
            return reads.row(read, m.code, iso3, m.edition(year).year) or None
        except DemoscopeError:  # an edition the methodology does not have: nothing to compare
            return None

    return lookup


def _open_reader(url: str):
    from demoscope.store import access, reads

    access.check_url(url)
    path = reads.sqlite_path(url)
    if path is not None:
        access.check_sqlite_file(path)
    return reads.reader_for_url(url)


def _walk(paths: list[Path], m, lookup, json_out: bool, unreadable: list):
    """Yield the reports read (audited) under ``paths`` with a Rich progress bar on stderr.

    A file that cannot be read is printed at once (one line, or a JSON object with --json),
    appended to ``unreadable`` and never stops the batch."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from demoscope.errors import ReportParseError
    from demoscope.reports.batch import read_paths

    err = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  console=err, transient=True, disable=json_out or not err.is_terminal) as bar:
        task = bar.add_task("reading reports", total=None)

        def tick(done: int, total: int, path: Path) -> None:
            bar.update(task, completed=done, total=total, description=f"reading {path.name}")

        for item in read_paths(paths, tick, methodology=m, db_lookup=lookup):
            if not isinstance(item, ReportParseError):
                yield item
                continue
            unreadable.append(item)
            if json_out:
                _print_jsonl({"file": item.file, "error": item.reason, "line": item.line})
            else:
                _console().print(str(item), style="red", markup=False, highlight=False,
                                 soft_wrap=True)


@app.command()
def ingest(
    paths: PathsArg,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object per report "
                                           "(JSON Lines) for programs; the closing summary "
                                           "goes to stderr as {\"summary\": ...}.")] = False,
    update: Annotated[bool, typer.Option("--update", help="Record values that differ from the "
                                         "database (old value kept, report as provenance).")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Read and audit only; write "
                                          "nothing to the database.")] = False,
) -> None:
    """Read published reports (text, PDF, web page; the shape is detected) into structured
    data, audit them and import each report's edition into the database — one transaction
    per report: a report with errors writes nothing and a value that conflicts with the
    database is reported, never overwritten unless --update. A page's published headline is
    stored too, and the country's rows are reconstructed from its printed changes where they
    reproduce the printed score. Ends with a summary per shape (documents, values read,
    inferred, conflicts, unreadable parts); with --json, one object per report on stdout and
    the summary as one object {"summary": ...} on stderr. Exit status 1 when any report
    was not imported (parse error, error finding, conflict, unknown country or edition).

    Example: demoscope ingest reports/ --json > reports.jsonl
    """
    import getpass

    from demoscope.services.importing import ImportResult, import_report

    m = _methodology()
    engine = None
    if not dry_run:
        from demoscope.countries import registry
        from demoscope.services.setup import set_up_database
        from demoscope.store import schema
        from demoscope.store.reads import EngineReader

        engine = _engine(require_init=False)
        if schema.check(EngineReader(engine), _settings().database_url, allow_empty=True) is None:
            print(f"note: initialising the database at {_redact(_settings().database_url)} "
                  "with the built-in dataset", file=sys.stderr)
            set_up_database(engine, m, registry())
    lookup = _db_lookup(m)
    try:
        user = getpass.getuser()
    except Exception:  # no user name in some containers
        user = ""
    from demoscope.reports.summary import BatchSummary

    con = _console()
    unreadable: list = []
    failed = total = 0
    summary = BatchSummary()
    for item in _walk(paths, m, lookup, json_out, unreadable):
        total += 1
        result = (ImportResult("skipped", "dry run") if engine is None
                  else import_report(engine, m, item, update=update, user=user))
        if not (result.ok or dry_run):
            failed += 1
        summary.add(item, conflicts=len(result.conflicts),
                    imported=None if dry_run else result.ok)
        if json_out:
            _print_jsonl({**item.to_json(), "import": result.to_dict()})
        else:
            _render_ingest(con, item, result)
    for bad in unreadable:
        summary.add_unreadable(bad.file)
    failed += len(unreadable)
    total += len(unreadable)
    if json_out:
        print(json.dumps({"summary": summary.to_dict()}), file=sys.stderr)
    else:
        _render_summary(con, summary, dry_run)
        con.print(f"{total - failed} of {total} report(s) "
                  f"{'read' if dry_run else 'imported or already present'}.")
    if failed:
        raise typer.Exit(1)


def _render_summary(con, summary, dry_run: bool) -> None:
    """The batch summary: a row per measure, a column per shape read (fits 80 columns)."""
    from rich.table import Table

    measures = [("Documents", "documents"), ("Values read", "values"),
                ("Inferred", "inferred"), ("Conflicts", "conflicts"),
                ("Unreadable parts", "unreadable_parts"),
                ("Unreadable documents", "unreadable_documents")]
    if not dry_run:
        measures.append(("Imported", "imported"))
    shapes = [(s, c) for s, c in summary.shapes.items() if c.documents]
    shapes.append(("total", summary.total))
    t = Table(title="Summary", title_justify="left")
    t.add_column("")
    for shape, _c in shapes:
        t.add_column(shape, justify="right", style="bold" if shape == "total" else None)
    for name, key in measures:
        t.add_row(name, *(str(getattr(c, key)) for _s, c in shapes))
    con.print(t)


def _print_jsonl(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _render_ingest(con, report, result) -> None:
    colour = {"imported": "green", "unchanged": "green", "skipped": "yellow",
              "rejected": "red", "conflict": "red"}[result.status]
    head = (f"{report.file}: {report.country or '?'} {report.edition or '?'} ({report.shape}, "
            f"{report.scale})")
    con.print(f"[{colour}]{result.status}[/] {head}", highlight=False)
    if result.reason:
        con.print(f"  {result.reason}", markup=False, highlight=False, soft_wrap=True)
    if result.added or result.updated:
        con.print(f"  added {', '.join(result.added) or '—'}; updated {', '.join(result.updated) or '—'}",
                  highlight=False)
    for c in result.conflicts:
        con.print(f"  conflict {c}", markup=False, highlight=False, soft_wrap=True)
    for f in report.audit:
        if f.severity != "info":
            con.print(f"  {f.format(report.file)}", markup=False, highlight=False, soft_wrap=True)


@app.command()
def audit(
    paths: PathsArg,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object per report "
                                           "(JSON Lines): file, country, edition, audit.")] = False,
    no_db: Annotated[bool, typer.Option("--no-db", help="Do not compare with the database.")] = False,
    show_info: Annotated[bool, typer.Option("--info", help="Also list info findings.")] = False,
) -> None:
    """Check reports without writing anything: rating sentences against the tables and the
    database, printed Democracy Score against the computed one, verbs against the edition's
    scale direction, off-grid values, changes without a justification, missing or duplicated
    sections, footnotes cited but not listed (and listed but never cited). Findings are
    printed as file:line. Exit status 1 when any report has an error finding or cannot be read.

    Example: demoscope audit reports/kazakhstan-2008.txt --json
    """

    m = _methodology()
    lookup = None if no_db else _db_lookup(m)
    con = _console()
    unreadable: list = []
    errors = warnings = files = 0
    for item in _walk(paths, m, lookup, json_out, unreadable):
        files += 1
        errs = sum(f.severity == "error" for f in item.audit)
        errors += errs
        warnings += sum(f.severity == "warning" for f in item.audit)
        if json_out:
            _print_jsonl({"file": item.file, "country": item.country, "iso3": item.iso3,
                          "edition": item.edition, "shape": item.shape, "scale": item.scale,
                          "audit": [f.to_dict() for f in item.audit]})
            continue
        for f in item.audit:
            if f.severity != "info" or show_info:
                style = {"error": "red", "warning": "yellow"}.get(f.severity, "dim")
                con.print(f.format(item.file), style=style, markup=False, highlight=False, soft_wrap=True)
    errors += len(unreadable)
    files += len(unreadable)
    if not json_out:
        con.print(f"{files} report(s): {errors} error(s), {warnings} warning(s)"
                  + ("" if lookup or no_db else " (no database to compare with)"))
    if errors:
        raise typer.Exit(1)


# -- the assessment workflow (issue 12) -----------------------------------------------------------

user_app = typer.Typer(help="People and their roles (admin, editor, author, reviewer, viewer).\n\n"
                       "Example: demoscope user add ana --role author --countries KAZ,KGZ "
                       "--password-stdin", no_args_is_help=True)
edition_app = typer.Typer(help="Open, move, inspect and publish an assessment edition.\n\n"
                          "Example: demoscope edition open 2025 --countries KAZ,KGZ --as ed",
                          no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(edition_app, name="edition")

AsOpt = Annotated[str | None, typer.Option(
    "--as", envvar="DEMOSCOPE_USER", help="Act as this user (their role is checked; default "
    "$DEMOSCOPE_USER). The CLI trusts whoever can open the database: it asks no password.")]


def _actor(name: str | None):
    """The named user as the acting person (None: the console, for user management)."""
    from demoscope.errors import Unauthorized
    from demoscope.services.users import actor_named

    if not name:
        raise Unauthorized("say who acts: --as NAME (or set DEMOSCOPE_USER)", field="as")
    return actor_named(_reader(), name)


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="Username (lower-case letters, digits, . _ -).")],
    role: Annotated[str, typer.Option("--role", help="admin, editor, author, reviewer or viewer.")],
    countries: Annotated[str | None, typer.Option(
        "--countries", help="Authors: the countries they write, e.g. KAZ,KGZ.")] = None,
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from standard input (first line).")] = False,
    as_user: AsOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Add a person with a role; the password is hashed with argon2 (never stored or shown).

    Without --as, the console acts (whoever can open the database; how the first admin is
    made).

    Example: demoscope user add ana --role author --countries KAZ --password-stdin < pw.txt
    """
    from demoscope.errors import InvalidRating
    from demoscope.read.assessment import users as list_users
    from demoscope.services.users import add_user

    if not password_stdin:
        raise InvalidRating("give the password on standard input with --password-stdin "
                            "(never on the command line)", field="password")
    password = sys.stdin.readline().rstrip("\r\n")
    codes = [_country(c).iso3 for c in (countries or "").split(",") if c.strip()]
    actor = _actor(as_user) if as_user else None
    user = add_user(_engine(), actor, name, role, password, codes, console=actor is None)
    entry = next(u for u in list_users(_reader()) if u["username"] == user.username)
    if json_out:
        _print_json(entry)
        return
    where = f" for {', '.join(entry['countries'])}" if entry["countries"] else ""
    _console().print(f"[green]added[/] {entry['username']} ({entry['role']}{where})")


@user_app.command("list")
def user_list(json_out: JsonOpt = False) -> None:
    """List people: username, role, assigned countries, status.

    Example: demoscope user list --json
    """
    from demoscope.read.assessment import users as list_users

    rows = list_users(_reader())
    if json_out:
        _print_json(rows)
        return
    from rich.table import Table

    t = Table(title="People")
    for col in ("User", "Role", "Countries", "Status"):
        t.add_column(col)
    for u in rows:
        t.add_row(u["username"], u["role"], ", ".join(u["countries"]),
                  "disabled" if u["disabled"] else "active")
    _console().print(t)


@user_app.command("disable")
def user_disable(name: Annotated[str, typer.Argument(help="Username.")], as_user: AsOpt = None) -> None:
    """Disable a person: no more logins; their tokens and sessions end at once.

    Example: demoscope user disable ana
    """
    from demoscope.services.users import disable_user

    actor = _actor(as_user) if as_user else None
    disable_user(_engine(), actor, name, console=actor is None)
    _console().print(f"[green]disabled[/] {name}")


@edition_app.command("open")
def edition_open(
    year: EditionArg,
    countries: Annotated[str | None, typer.Option(
        "--countries", help="ISO codes, e.g. KAZ,KGZ (default: every country of the latest "
        "edition with data).")] = None,
    as_user: AsOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Open an edition for assessment (editor): each country starts from its latest edition
    with data converted to the new edition's scale; the methodology version is pinned.

    Example: demoscope edition open 2025 --countries KAZ,KGZ --as ed
    """
    from demoscope.read.assessment import edition_status
    from demoscope.services.assessment import open_edition

    m = _methodology()
    codes = [_country(c).iso3 for c in (countries or "").split(",") if c.strip()]
    opened = open_edition(_engine(), m, _actor(as_user), year, codes or None)
    st = edition_status(_reader(), m, opened.year)
    if json_out:
        _print_json(st)
        return
    note = " (continues the last era's rules)" if opened.continued else ""
    _console().print(f"[green]opened[/] {opened.year}{note}: {len(opened.countries)} countries, "
                     f"{opened.direction}, methodology {opened.methodology_version}")


@edition_app.command("status")
def edition_status_cmd(year: EditionArg,
                       as_user: AsOpt = None, json_out: JsonOpt = False) -> None:
    """An assessment edition's state, countries and what publication still needs.

    Example: demoscope edition status 2025 --as ed --json
    """
    from demoscope.read.assessment import edition_status
    from demoscope.services.access import require
    from demoscope.workflow.roles import Action

    require(_actor(as_user), Action.READ_DRAFTS)
    st = edition_status(_reader(), _methodology(), year)
    if json_out:
        _print_json(st)
        return
    from rich.table import Table

    con = _console()
    con.print(f"[bold]{st['edition']}[/] {st['state']} ({st['direction']}, methodology "
              f"{st['methodology_version']}); next: {', '.join(st['next_states']) or '—'}")
    t = Table()
    for col in ("Country", "Consensus", "Proposals", "Version", "Unmet rules"):
        t.add_column(col)
    for c in st["countries"]:
        t.add_row(c["country"], f"{c['consensus']}/{c['categories']}", str(c["proposals"]),
                  str(c["version"]), str(c["missing"]))
    con.print(t)
    for x in st["missing"][:20]:
        con.print(f"  missing: {x['iso3']} {x['category']} {x['rule']}")
    if len(st["missing"]) > 20:
        con.print(f"  ... and {len(st['missing']) - 20} more (--json lists all)")


@edition_app.command("move")
def edition_move(year: EditionArg,
                 state: Annotated[str, typer.Argument(help="drafting, review or consensus.")],
                 as_user: AsOpt = None) -> None:
    """Move an edition: drafting → review → consensus, or one step back (editor).

    Example: demoscope edition move 2025 review --as ed
    """
    from demoscope.services.assessment import move_edition

    done = move_edition(_engine(), _methodology(), _actor(as_user), year, state)
    _console().print(f"[green]{year}[/] is now in {done}")


@edition_app.command("publish")
def edition_publish(year: EditionArg,
                    as_user: AsOpt = None, json_out: JsonOpt = False) -> None:
    """Publish an edition (editor): refused, with the list of what is missing, until every
    category of every country has a consensus, changes are justified and large changes (or
    regime band crossings) are confirmed. Exit status 5 when refused.

    Example: demoscope edition publish 2025 --as ed
    """
    from demoscope.errors import PublicationRefused
    from demoscope.services.publication import publish

    try:
        done = publish(_engine(), _methodology(), _actor(as_user), year)
    except PublicationRefused as exc:
        if json_out:
            _print_json({"error": exc.message, **exc.extra})
        else:
            print(f"error: {exc.message}", file=sys.stderr)
            for x in exc.extra["missing"]:
                print(f"  missing: {x['iso3']} {x['category']} {x['rule']}", file=sys.stderr)
        raise typer.Exit(exc.exit_code) from None
    data = {"edition": done.year, "countries": done.countries, "ratings": done.ratings}
    if json_out:
        _print_json(data)
        return
    _console().print(f"[green]published[/] {done.year}: {done.ratings} ratings of "
                     f"{len(done.countries)} countries")


@app.command()
def propose(
    country: CountryArg,
    edition: EditionArg,
    category: CategoryArg,
    value: Annotated[str, typer.Argument(help="Proposed rating on the edition's scale.")],
    justification: Annotated[str | None, typer.Option("--justification", "-j", help="Why.")] = None,
    as_user: AsOpt = None,
) -> None:
    """Propose a rating in an open edition (authors: their countries; reviewers, editors: any).

    Example: demoscope propose KAZ 2025 EP 1.50 -j "new party law" --as ana
    """
    from demoscope.services.assessment import propose as run

    m = _methodology()
    c = _country(country)
    run(_engine(), m, _actor(as_user), c.iso3, edition, m.resolve_category(category), value,
        justification)
    _console().print(f"[green]proposed[/] {c.name} {edition} {category.upper()} {value}")


@app.command()
def consensus(
    country: CountryArg,
    edition: EditionArg,
    category: CategoryArg,
    value: Annotated[str, typer.Argument(help="Consensus rating on the edition's scale.")],
    version: Annotated[int, typer.Option("--version", help="The assessment version you read "
                                         "(see 'edition status'); a stale one is refused.")],
    justification: Annotated[str | None, typer.Option("--justification", "-j", help="Why.")] = None,
    confirm: Annotated[bool, typer.Option("--confirm", help="Confirm a large change.")] = False,
    as_user: AsOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Save the consensus for one category (editor), with optimistic locking: exit status 5
    and both values when someone saved since --version.

    Example: demoscope consensus KAZ 2025 EP 1.50 --version 3 -j "new party law" --as ed
    """
    from demoscope.errors import StaleVersion
    from demoscope.services.assessment import set_consensus

    m = _methodology()
    c = _country(country)
    try:
        saved = set_consensus(_engine(), m, _actor(as_user), c.iso3, edition,
                              m.resolve_category(category), value, justification, version,
                              confirm=confirm)
    except StaleVersion as exc:
        if json_out:
            _print_json({"error": exc.message, **exc.extra})
        else:
            print(f"error: {exc.message}\n  saved: {exc.extra['current']}\n  yours: "
                  f"{exc.extra['yours']}", file=sys.stderr)
        raise typer.Exit(exc.exit_code) from None
    if json_out:
        _print_json({"iso3": c.iso3, "edition": edition, "category": category.upper(),
                     "value": float(saved.value), "version": saved.version})
        return
    _console().print(f"[green]consensus[/] {c.name} {edition} {category.upper()} = {value} "
                     f"(version {saved.version})")


@app.command()
def correct(
    country: CountryArg,
    edition: EditionArg,
    category: CategoryArg,
    value: Annotated[str, typer.Argument(help="The corrected rating.")],
    reason: Annotated[str, typer.Option("--reason", help="Why the published value was wrong.")],
    as_user: AsOpt = None,
) -> None:
    """Correct a published rating (editor): a new revision with its reason, shown in the
    scorecard, the country's revision history and the next data release's change list.

    Example: demoscope correct KAZ 2025 EP 1.75 --reason "typo in the consensus" --as ed
    """
    from demoscope.numbers import fmt
    from demoscope.services.publication import correct as run

    m = _methodology()
    c = _country(country)
    done = run(_engine(), m, _actor(as_user), edition, c.iso3, m.resolve_category(category),
               value, reason)
    _console().print(f"[green]corrected[/] {c.name} {done.year} {done.category}: "
                     f"{fmt(done.old)} → {fmt(done.new)}")


@app.command("log")
def log_cmd(
    edition: Annotated[int | None, typer.Option("--edition", help="Only this edition.")] = None,
    country: Annotated[str | None, typer.Option("--country", help="Only this country.")] = None,
    user: Annotated[str | None, typer.Option("--user", help="Only this person's writes.")] = None,
    csv_out: Annotated[bool, typer.Option("--csv", help="Print CSV.")] = False,
    json_out: JsonOpt = False,
) -> None:
    """The audit log, oldest first: who, when, action, object, before, after.

    Example: demoscope log --edition 2025 --json
    """
    from demoscope.read.assessment import audit_csv, audit_log

    rows = audit_log(_reader(), edition=edition, iso3=_country(country).iso3 if country else None,
                     user=user)
    if json_out:
        _print_json(rows)
        return
    if csv_out:
        sys.stdout.write(audit_csv(rows))
        return
    from rich.table import Table

    t = Table(title=f"Audit log ({len(rows)} entries)")
    for col in ("When", "User", "Action", "Object", "After"):
        t.add_column(col, overflow="fold")
    for e in rows:
        t.add_row(e["at"] or "", e["user"], e["action"], e["object"],
                  json.dumps(e["after"], ensure_ascii=False)[:80] if e["after"] is not None else "")
    _console().print(t)


# -- estimate -------------------------------------------------------------------------------


@app.command()
def estimate(
    edition: Annotated[int | None, typer.Argument(
        help="An edition in the database: a workflow edition is estimated from its "
        "participants' proposals; any other has one reading per cell (the published "
        "consensus) and no interval.", show_default=False)] = None,
    ratings: Annotated[Path | None, typer.Option(
        "--ratings", help="Instead of an edition: a CSV with columns country, edition, "
        "category, rater, value (values on the methodology's grid; a blank or NA value is a "
        "missing rating).")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON Lines: one object per "
                                           "cell, score and rater, then a summary.")] = False,
    seed: Annotated[int, typer.Option(help="Seed of the draws behind the intervals: the same "
                                      "seed gives the same output.")] = 0,
    rows: Annotated[int, typer.Option(help="Rows shown per table (terminal view).")] = 60,
) -> None:
    """Estimate every country-edition-category with a 90 % interval, each rater's leniency and
    reliability, and each Democracy Score with an interval propagated through the model
    (docs/stats.md): from an edition's proposals (EDITION; each participant's latest proposal
    per cell, fitted with the published workflow editions) or from any panel of raters
    (--ratings). Cells with one rater get no interval.

    Example: demoscope estimate --ratings panel.csv --json > estimates.jsonl
    """
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn

    from demoscope.errors import InvalidRating

    if (edition is None) == (ratings is None):
        raise InvalidRating("give an EDITION or --ratings FILE (one of them)", field="edition")
    err = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), console=err, transient=True,
                  disable=not err.is_terminal) as bar:
        task = bar.add_task("estimating", total=None)
        if ratings is not None:
            from demoscope.stats.estimate import estimate_ratings_file

            result = estimate_ratings_file(
                str(ratings), _methodology(), seed=seed,
                progress=lambda stage, done, total: bar.update(task, description=stage,
                                                               completed=done, total=total or None))
        else:
            from demoscope.read.estimates import edition_estimates

            assert edition is not None
            result = edition_estimates(_reader(), _methodology(), edition, seed=seed)
    if json_out:
        for line in result.lines():
            _print_jsonl(line)
        return
    from demoscope.stats.tables import render

    render(result, _console(), rows)


# -- publish --------------------------------------------------------------------------------

FormatOpt = Annotated[str, typer.Option("--format", "-f", help="md, html or pdf.")]
OutputOpt = Annotated[Path | None, typer.Option(
    "--output", "-o", help="File to write (default: stdout; a PDF needs a file or a pipe).")]


def _emit(data: bytes, output: Path | None, fmt: str) -> None:
    """Bytes to ``output`` (:func:`demoscope.files.write_bytes`: atomic for a file, ``-`` for
    standard output) or, without one, standard output."""
    from demoscope.errors import InvalidRating
    from demoscope.files import is_stdout, write_bytes

    if output is None or is_stdout(output):
        if fmt == "pdf" and sys.stdout.isatty():
            raise InvalidRating("a PDF is binary: give --output FILE (or pipe it)", field="output")
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    done = write_bytes(output, data)
    print(f"wrote {done.path} ({done.size:,} bytes)", file=sys.stderr)


@app.command()
def report(
    country: Annotated[str, typer.Argument(help="Country name, ISO code or alias; 'all' for "
                                           "every country of the edition (needs -o FOLDER).")],
    edition: EditionArg,
    format: FormatOpt = "md",
    output: OutputOpt = None,
    draft: Annotated[Path | None, typer.Option(
        "--draft", help="The report's text as JSON ({\"authors\", \"parts\", \"footnotes\"}; "
        "see docs/publish.md) instead of the published draft, if any.")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1,
                                      help="Worker processes for 'all'.")] = 2,
) -> None:
    """The country report of an edition in the published structure: title and authors, the
    ratings table over the last ten editions with its notes, the executive summary with one
    paragraph per category closing on the generated rating sentence, the changes with their
    evidence, the report text and numbered footnotes when there is a draft (a historic
    edition gets the data parts only, and says so), and a Democracy Score chart (HTML, PDF).
    Markdown reads back with 'demoscope ingest'.

    Example: demoscope report Kazakhstan 2008 --format pdf -o kazakhstan-2008.pdf
    """
    from demoscope.publish.render import check_format, render_edition, render_report

    m = _methodology()
    fmt = check_format(format)
    if country.strip().lower() == "all":
        from demoscope.errors import InvalidRating

        if output is None:
            raise InvalidRating("'report all' writes one file per country: give -o FOLDER",
                                field="output")
        if draft is not None:
            raise InvalidRating("--draft is the text of one country's report: not with 'all'",
                                field="draft")
        _reader()  # fail early when the database is not initialised
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        err = _console_err()
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      console=err, transient=True, disable=not err.is_terminal) as bar:
            task = bar.add_task(f"rendering {edition} ({fmt})", total=None)
            files = render_edition(
                _settings().database_url, m, edition, (fmt,), output, jobs=jobs,
                methodology=_settings().methodology,
                progress=lambda done, total, label: bar.update(
                    task, completed=done, total=total, description=f"rendered {label}"))
        print(f"wrote {len(files)} reports to {output}", file=sys.stderr)
        return
    c = _country(country)
    _emit(render_report(_reader(), m, c.iso3, edition, fmt, _draft(draft)), output, fmt)


def _draft(path: Path | None):
    """A report draft from a JSON file (``--draft``), or None."""
    if path is None:
        return None
    from demoscope.errors import DataError
    from demoscope.publish.model import ReportDraft

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"--draft {path}: cannot read it ({exc})", field="draft") from None
    except json.JSONDecodeError as exc:
        raise DataError(f"--draft {path}:{exc.lineno}: not JSON ({exc.msg})",
                        field="draft") from None
    return ReportDraft.from_json(data, str(path))


def _console_err():
    from rich.console import Console

    return Console(stderr=True)


@app.command()
def overview(
    edition: EditionArg,
    format: FormatOpt = "md",
    output: OutputOpt = None,
) -> None:
    """The edition overview: every country's ratings, Democracy Score and regime, the regime
    groups and chart, regional averages (with n), and the largest improvements and declines
    with the category changes and justifications behind them.

    Example: demoscope overview 2009 --format html -o nit-2009.html
    """
    from demoscope.publish.render import check_format, render_overview

    fmt = check_format(format)
    _emit(render_overview(_reader(), _methodology(), edition, fmt), output, fmt)


@app.command("release")
def release_cmd(
    edition: Annotated[int, typer.Argument(help="Edition year: the release holds every "
                                           "edition up to it.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Release folder (default: "
                                                "METHODOLOGY-EDITION-DATAVERSION in the releases "
                                                "folder, DEMOSCOPE_RELEASES_DIR); the .zip goes "
                                                "beside it.")] = None,
    previous: Annotated[Path | None, typer.Option("--previous", help="Folder of the previous "
                                                  "release, for CHANGES.md and changes.csv.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Build a versioned data release: tidy and wide tables as CSV, JSON, XLSX and Parquet,
    the codebook generated from the methodology, CHANGES.md and changes.csv against the
    previous release (every changed cell with old, new, source and reason; corrections of
    published values flagged), the data version in every file, SHA256SUMS, and a .zip.
    The same database gives byte-identical files. The web site's data page lists the releases
    of the releases folder.

    Example: demoscope release 2008 --previous ~/.local/share/demoscope/releases/nit-2007-2026.11.1-0
    """
    from rich.progress import Progress, SpinnerColumn, TextColumn

    from demoscope.publish.release import build_release, write_release

    m = _methodology()
    read = _reader()
    err = _console_err()
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=err,
                  transient=True, disable=json_out or not err.is_terminal) as bar:
        task = bar.add_task("building the release", total=None)
        rel = build_release(read, m, edition, previous=previous,
                            progress=lambda label: bar.update(task, description=label))
        folder, zipped = write_release(rel, output or _settings().releases_dir / rel.name)
    data = {"edition": rel.edition, "data_version": rel.data_version, "folder": str(folder),
            "zip": str(zipped), "files": sorted(rel.files), "changes": len(rel.changes),
            "corrections": sum(c.correction for c in rel.changes),
            "previous": rel.previous}
    if json_out:
        _print_json(data)
        return
    con = _console()
    con.print(f"[green]release[/] {m.name} {m.edition(edition).label} (data version "
              f"{rel.data_version}): {folder}/ and {zipped}", highlight=False)
    if rel.previous is None:
        con.print("no --previous release given: no changes listed")
    else:
        con.print(f"{data['changes']} changed cell(s) against the {rel.previous.get('edition')} "
                  f"release, {data['corrections']} correction(s) of published values")


# -- web ------------------------------------------------------------------------------------


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port (1–65535).")] = 8000,
    workers: Annotated[int, typer.Option(help=f"Worker processes (1–{MAX_WORKERS}; use "
                                         "PostgreSQL for >1 under write load).")] = 1,
) -> None:
    """Serve the web site and the JSON API (/api/v1) over the database, fully offline.

    Example: demoscope serve --port 8080 --workers 2
    """
    from demoscope.errors import InvalidRating
    from demoscope.web.server import check_listen
    from demoscope.web.server import serve as run

    if not 1 <= port <= 65535:
        raise InvalidRating(f"--port {port} is not a TCP port (1–65535)", field="port")
    if not 1 <= workers <= MAX_WORKERS:
        raise InvalidRating(f"--workers {workers} is out of range (1–{MAX_WORKERS})", field="workers")
    _engine()  # fail early, with the usual message, when the database cannot be served
    check_listen(host, port)
    print(f"demoscope: serving {_redact(_settings().database_url)} on http://{host}:{port} "
          f"({workers} worker{'s' if workers != 1 else ''}; Ctrl+C stops)", file=sys.stderr)
    run(host=host, port=port, workers=workers, database_url=_settings().database_url)


#: More worker processes than this is a typo, not a plan (each holds its own read models).
MAX_WORKERS = 64


# -- entry point ----------------------------------------------------------------------------


def main() -> None:
    """Run the CLI; a :class:`DemoscopeError` becomes one line on stderr and its exit code, and
    so does an error of the database driver (:func:`demoscope.store.access.describe`): no raw
    database message and no traceback reaches the user for anything but a bug."""
    from demoscope.errors import DemoscopeError

    for stream in (sys.stdout, sys.stderr):  # a name that is not UTF-8 prints, escaped
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    try:
        _check_arguments(sys.argv[1:])
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:  # typer.Exit(n) returns n when not standalone
            sys.exit(code)
    except DemoscopeError as exc:
        _fail(exc)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        print("aborted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # usage errors (typer's vendored click) carry their own formatting
        code = getattr(exc, "exit_code", None)
        if hasattr(exc, "show") and isinstance(code, int):
            exc.show()
            sys.exit(code)
        from demoscope.store.access import describe

        described = describe(exc, _settings().database_url)
        if described is None:
            raise
        _fail(described)


def _fail(exc) -> None:
    field = f" [{exc.field}]" if exc.field else ""
    message = " ".join(str(exc).split("\n"))
    print(f"error{field}: {message}", file=sys.stderr)
    sys.exit(exc.exit_code)


def _check_arguments(args: list[str]) -> None:
    """Refuse an argument that is not valid UTF-8 (Python keeps its bytes as surrogates, which
    no database stores and no terminal prints), except a path that exists: file names are
    bytes on POSIX and are read as given."""
    from demoscope.errors import InvalidRating

    for i, arg in enumerate(args, 1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            if os.path.lexists(arg):
                continue
            shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            raise InvalidRating(f"argument {i} ('{shown}') is not valid UTF-8 text",
                                field="argument") from None


if __name__ == "__main__":  # pragma: no cover
    main()
