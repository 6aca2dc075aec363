"""Versioned data releases: a folder (and a .zip) of every rating up to an edition.

A release of edition YEAR holds, for every edition up to YEAR:

* ``ratings-tidy.{csv,json,xlsx,parquet}`` — one row per rating (country, iso3, edition,
  category, rating on the edition's own scale, direction, source, source_url, justification);
* ``ratings-wide.{csv,json,xlsx,parquet}`` — one row per country-edition, a column per
  category, then the Democracy Score, Democracy Percentage and regime the library computes;
* ``codebook.md`` — every column explained, generated from the methodology;
* ``CHANGES.md`` and ``changes.csv`` — every cell that differs from the previous release
  (``--previous DIR``): old, new, source and reason, with ``correction`` = yes where a value
  already published in the previous release was changed;
* ``release.json`` — edition, methodology, data version and the file list;
* ``SHA256SUMS`` — ``sha256sum -c`` checks the folder.

Every data file carries the database's data version (:func:`demoscope.store.reads.data_version`)
the way every export does (:class:`demoscope.exports.Stamp`): a ``data_version`` column in the
tables and field in each JSON record, the whole stamp under ``about`` in the JSON documents,
in the workbook properties and an ``about`` sheet of the XLSX files, in the Parquet schema
metadata, in a ``FILE.meta.json`` beside each CSV file, and a line in the Markdown files. The
same database gives the same bytes: no timestamp is written — XLSX document properties and
every zip entry get a fixed date, JSON keys keep their order, Parquet is written without
statistics that vary.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from typing_extensions import TypedDict

from demoscope import exports
from demoscope.countries import registry
from demoscope.errors import DataError, NotFound, OutputError
from demoscope.files import write_bytes
from demoscope.methodology import Methodology, eras
from demoscope.numbers import fmt
from demoscope.store import reads
from demoscope.store.reads import Reader

if TYPE_CHECKING:
    from openpyxl import Workbook

#: The date written where a format insists on one (XLSX properties, zip entries): the zip
#: format's own epoch, so nothing in a release depends on when it was built.
FIXED_DATE = datetime(1980, 1, 1)
TIDY = ["country", "iso3", "edition", "category", "rating", "direction", "source",
        "source_url", "justification", "data_version"]
CHANGE_COLUMNS = ["iso3", "country", "edition", "category", "old", "new", "kind", "correction",
                  "source", "reason"]
SUMS = "SHA256SUMS"

Progress = Callable[[str], None]


@dataclass(frozen=True)
class CellChange:
    iso3: str
    country: str
    edition: int
    category: str
    old: str  # "" when the cell is new
    new: str  # "" when the cell was removed
    correction: bool  # a value the previous release already published was changed
    source: str
    reason: str

    @property
    def kind(self) -> str:
        return "added" if not self.old else "removed" if not self.new else "changed"


@dataclass
class Release:
    """A built release: file name → bytes, plus what it was built from."""

    methodology: str
    edition: int
    data_version: str
    name: str  # the default folder name (:func:`release_name`)
    files: dict[str, bytes] = field(default_factory=dict)
    changes: list[CellChange] = field(default_factory=list)
    previous: dict[str, Any] | None = None  # what the previous release's release.json says


# -- building ------------------------------------------------------------------------------------


def _tidy_rows(read: Reader, m: Methodology, year: int, version: str) -> list[dict[str, Any]]:
    reg = registry()
    names: dict[str, str] = {}
    out: list[dict[str, Any]] = []
    for r in reads.sourced_ratings(read, m.code, last=year):
        if r.iso3 not in names:
            c = reg.find(r.iso3)
            names[r.iso3] = c.name if c else r.iso3
        ed = m.edition(r.year)
        out.append({"country": names[r.iso3], "iso3": r.iso3, "edition": r.year,
                    "category": r.category, "rating": fmt(r.value),
                    "direction": m.direction_label(ed.direction), "source": r.source,
                    "source_url": r.source_url or "",
                    "justification": (r.justification or "").strip(), "data_version": version})
    order = {c: i for i, c in enumerate(m.categories)}
    out.sort(key=lambda r: (r["iso3"], r["edition"], order.get(r["category"], 99)))
    return out


def _wide_rows(read: Reader, m: Methodology, year: int, tidy: list[dict[str, Any]],
               version: str) -> tuple[list[str], list[dict[str, Any]]]:
    from demoscope.read.series import scores

    cats = [c for c in m.categories if any(r["category"] == c for r in tidy)]
    pct_code = m.percentage.code if m.percentage else None
    rows: dict[tuple[str, int], dict[str, Any]] = {}
    for r in tidy:
        key = (r["iso3"], r["edition"])
        row = rows.setdefault(key, {"country": r["country"], "iso3": r["iso3"],
                                    "edition": r["edition"], "direction": r["direction"],
                                    **dict.fromkeys(cats, "")})
        row[r["category"]] = r["rating"]
    first = min((r["edition"] for r in tidy), default=year)
    intro = m.percentage.introduced if m.percentage else None
    for s in scores(read, m, sorted({k[0] for k in rows}), first, year):
        found = rows.get((s["iso3"], s["edition"]))
        if found is not None:
            row = found
            ds, pct = s["democracy_score"], s["democracy_percentage"]
            row[m.score.code] = "" if ds is None else f"{ds:.2f}"
            shown = pct is not None and (intro is None or s["edition"] >= intro)
            if pct_code is not None:
                row[pct_code] = f"{pct:.2f}" if shown else ""
            row["regime"] = s["regime"] or ""
    columns = ["country", "iso3", "edition", "direction", *cats, m.score.code,
               *([pct_code] if pct_code else []), "regime", "data_version"]
    out = []
    for key in sorted(rows):
        row = rows[key]
        row["data_version"] = version
        out.append({c: row.get(c, "") for c in columns})
    return columns, out


def release_name(m: Methodology, year: int, version: str) -> str:
    """``nit-2008-2026.11.1-3``: a release's folder name, from what it holds (a release at
    another data version gets another folder, so it never replaces an earlier one)."""
    return f"{m.code}-{year}-{re.sub(r'[^A-Za-z0-9._-]', '-', version)}"


def build_release(read: Reader, m: Methodology, year: int, *, data_version: str | None = None,
                  previous: Path | None = None, progress: Progress | None = None) -> Release:
    """Every file of the release of edition ``year`` (see the module docstring), in memory.

    ``data_version`` defaults to the database's, read before anything else (a write landing
    meanwhile makes the data newer than the stamp, never older)."""
    ed = m.edition(year)
    step = progress or (lambda _label: None)
    stored = reads.data_version(read)
    version = data_version if data_version is not None else stored.label
    step("reading ratings")
    tidy = _tidy_rows(read, m, ed.year, version)
    if not tidy:
        raise NotFound(f"no ratings up to the {ed.label} edition: nothing to release",
                       field="edition")
    wide_cols, wide = _wide_rows(read, m, ed.year, tidy, version)
    rel = Release(m.code, ed.year, version, name=release_name(m, ed.year, version))
    for shape, cols, rows in (("tidy", TIDY, tidy), ("wide", wide_cols, wide)):
        step(f"writing {shape} tables")
        st = exports.stamp(m, stored.dataset, version, rows=len(rows), wide=shape == "wide",
                           direction=None)
        rel.files[f"ratings-{shape}.csv"] = _csv(cols, rows)
        rel.files[f"ratings-{shape}.csv.meta.json"] = st.to_json()
        rel.files[f"ratings-{shape}.json"] = _json(rel, shape, cols, rows, st)
        rel.files[f"ratings-{shape}.xlsx"] = _xlsx(cols, rows, st)
        rel.files[f"ratings-{shape}.parquet"] = _parquet(cols, rows, st)
    rel.files["codebook.md"] = codebook(m, ed.year, wide_cols, version).encode()
    if previous is not None:
        step("comparing with the previous release")
        rel.previous, rel.changes = compare(previous, tidy, m)
    rel.files["changes.csv"] = _csv(CHANGE_COLUMNS, [_change_row(c) for c in rel.changes])
    rel.files["CHANGES.md"] = changes_markdown(rel, m).encode()
    rel.files["release.json"] = (json.dumps({
        "name": rel.name, "methodology": m.code, "methodology_version": m.version,
        "edition": ed.year, "label": ed.label, "dataset": stored.dataset,
        "data_version": version, "previous": rel.previous, "changes": len(rel.changes),
        "corrections": sum(c.correction for c in rel.changes),
        "files": sorted(rel.files)}, indent=1, ensure_ascii=False) + "\n").encode()
    rel.files[SUMS] = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n"
                              for name, data in sorted(rel.files.items())).encode()
    return rel


def _csv(columns: list[str], rows: list[dict[str, Any]]) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _numeric(columns: list[str]) -> set[str]:
    """Columns written as numbers: the edition, ratings and scores (upper-case codes)."""
    return {"rating", "edition"} | {c for c in columns if c.isupper()}


def _json(rel: Release, shape: str, columns: list[str], rows: list[dict[str, Any]],
          st: exports.Stamp) -> bytes:
    numeric = _numeric(columns)

    def value(col: str, v: Any) -> Any:
        if col in numeric and v != "":
            return int(v) if col == "edition" else float(v)
        return None if v == "" else v

    doc = {"methodology": rel.methodology, "edition": rel.edition,
           "data_version": rel.data_version, "shape": shape, "about": asdict(st),
           "columns": columns, "rows": [{c: value(c, r[c]) for c in columns} for r in rows]}
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _xlsx(columns: list[str], rows: list[dict[str, Any]], st: exports.Stamp) -> bytes:
    from openpyxl import Workbook

    wb: Workbook = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "ratings"
    ws.append(columns)
    numeric = _numeric(columns)
    for r in rows:
        ws.append([(float(r[c]) if c != "edition" else int(r[c])) if c in numeric and r[c] != ""
                   else (r[c] if r[c] != "" else None) for c in columns])
    ws.freeze_panes = "A2"
    exports.stamp_workbook(wb, st)
    wb.properties.title = f"ratings ({st.data_version})"
    wb.properties.created = FIXED_DATE
    wb.properties.modified = FIXED_DATE
    wb.properties.lastModifiedBy = None
    buf = io.BytesIO()
    wb.save(buf)
    return normalise_zip(buf.getvalue())


def _parquet(columns: list[str], rows: list[dict[str, Any]], st: exports.Stamp) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    numeric = _numeric(columns)
    fields = [pa.field(c, pa.int32() if c == "edition" else pa.float64() if c in numeric
                       else pa.string()) for c in columns]
    schema = pa.schema(fields, metadata=exports.parquet_metadata(st))
    data: dict[str, list[Any]] = {}
    for f in fields:
        vals = [r[f.name] for r in rows]
        if pa.types.is_floating(f.type):
            data[f.name] = [float(v) if v != "" else None for v in vals]
        elif pa.types.is_integer(f.type):
            data[f.name] = [int(v) for v in vals]
        else:
            data[f.name] = [v if v != "" else None for v in vals]
    table = pa.Table.from_pydict(data, schema=schema)
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="zstd", write_statistics=False)
    return buf.getvalue()


def normalise_zip(data: bytes) -> bytes:
    """The same archive with every entry dated :data:`FIXED_DATE` and fixed permissions, so
    equal content gives equal bytes (openpyxl dates entries with the current time)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    stamp = FIXED_DATE.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info)
            if info.filename == "docProps/core.xml":  # openpyxl stamps "modified" on save
                content = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", content)
            _add(dst, info.filename, content)
    return out.getvalue()


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _add(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=FIXED_DATE.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 3
    zf.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)


def codebook(m: Methodology, year: int, wide_columns: list[str], version: str) -> str:
    """The release's codebook, generated from the methodology (nothing typed twice)."""
    ed = m.edition(year)
    out = [f"# Codebook: {m.name} data release {ed.label}", "",
           f"Data version: {version}. Methodology: {m.code} {m.version} ({m.publisher}).", "",
           m.description.strip(), "", "## Tidy tables (ratings-tidy.*)", "",
           "| column | meaning |", "|:---|:---|"]
    extra = {"source": "Where the value comes from (dataset, report file, team).",
             "source_url": "Address of the source, where known.",
             "justification": "The reason recorded with the value (why it changed).",
             "data_version": "Version of the database state this release was built from."}
    for col, meaning in [*exports.codebook(m, wide=False), *extra.items()]:
        out.append(f"| {col} | {meaning} |")
    out += ["", "## Wide tables (ratings-wide.*)", "", "| column | meaning |", "|:---|:---|"]
    wide = dict(exports.codebook(m, wide=True))
    wide[m.score.code] = (f"{m.score.name}: the mean of the ratings of the categories the "
                          f"edition tracks, rounded half-up to {m.score.decimals} decimals; "
                          "empty when a category is missing.")
    if m.percentage:
        wide[m.percentage.code] = (
            f"{m.percentage.name}: (mean on the high-best scale − {fmt(m.scale.min, 0)}) / "
            f"{fmt(m.scale.max - m.scale.min, 0)} × 100 from the unrounded mean"
            + (f"; published from the {m.percentage.introduced} edition, empty before"
               if m.percentage.introduced else "") + ".")
    wide["regime"] = "Regime type by the score bands: " + "; ".join(
        f"{b.name} " + ", ".join(f"{m.direction_label(d)} {fmt(lo)}–{fmt(hi)}"
                                 for d, (lo, hi) in b.ranges.items()) for b in m.bands) + "."
    wide["data_version"] = extra["data_version"]
    for col in wide_columns:
        out.append(f"| {col} | {wide.get(col, '')} |")
    out += ["", "## Editions", ""]
    for era in eras(m):
        if era.first.year > year:
            continue
        years = [y for y in era.editions if y <= year]
        out.append(f"- {m.edition(years[0]).label}–{m.edition(years[-1]).label}: "
                   f"{m.direction_label(era.first.direction)}, categories "
                   f"{', '.join(era.first.categories)}. {era.first.note}")
    out.append("")
    return "\n".join(out)


# -- comparing with the previous release ---------------------------------------------------------------


def _read_previous(folder: Path) -> tuple[dict[str, Any], dict[tuple[str, int, str], dict[str, str]]]:
    if not folder.is_dir():
        raise DataError(f"--previous {folder}: not a release folder", field="previous")
    meta_path, tidy_path = folder / "release.json", folder / "ratings-tidy.csv"
    for p in (meta_path, tidy_path):
        if not p.is_file():
            raise DataError(f"--previous {folder}: {p.name} is missing (not a demoscope release)",
                            field="previous")
    try:
        meta = json.loads(meta_path.read_text("utf-8"))
        with tidy_path.open(encoding="utf-8", newline="") as fh:
            rows = {}
            for i, r in enumerate(csv.DictReader(fh), 2):
                try:
                    rows[(r["iso3"], int(r["edition"]), r["category"])] = r
                except (KeyError, ValueError) as exc:
                    raise DataError(f"{tidy_path}:{i}: unreadable row ({exc})",
                                    field="previous") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataError(f"--previous {folder}: unreadable ({exc})", field="previous") from exc
    return meta, rows


def compare(previous: Path, tidy: list[dict[str, Any]], m: Methodology
            ) -> tuple[dict[str, Any], list[CellChange]]:
    """Every cell that differs from the release in ``previous``, in (iso3, edition, category)
    order. A changed or removed cell of an edition the previous release covered is a
    correction of a published value."""
    meta, old = _read_previous(previous)
    published_up_to = int(meta.get("edition", 0))
    new = {(r["iso3"], r["edition"], r["category"]): r for r in tidy}
    order = {c: i for i, c in enumerate(m.categories)}
    out = []
    for key in sorted(set(old) | set(new), key=lambda k: (k[0], k[1], order.get(k[2], 99))):
        a, b = old.get(key), new.get(key)
        before, after = (a or {}).get("rating", ""), (b or {}).get("rating", "")
        if before == after:
            continue
        cur = b or a or {}
        out.append(CellChange(
            key[0], cur.get("country", ""), key[1], key[2], before, after,
            bool(before) and key[1] <= published_up_to, cur.get("source", ""),
            (b or {}).get("justification", "") if b else "removed from the database"))
    prev = {k: meta.get(k) for k in ("methodology", "edition", "data_version")}
    prev["sha256sums"] = hashlib.sha256((previous / SUMS).read_bytes()).hexdigest() \
        if (previous / SUMS).is_file() else None
    return prev, out


def _change_row(c: CellChange) -> dict[str, Any]:
    return {"iso3": c.iso3, "country": c.country, "edition": c.edition, "category": c.category,
            "old": c.old, "new": c.new, "kind": c.kind, "correction": "yes" if c.correction else "no",
            "source": c.source, "reason": c.reason}


def changes_markdown(rel: Release, m: Methodology) -> str:
    """``CHANGES.md``: what changed against the previous release, one table row per cell
    (corrections of published values in bold, and listed first on their own when other cells
    changed too, e.g. a new edition's), or why nothing is listed."""
    out = [f"# Changes in the {m.name} data release {m.edition(rel.edition).label}", "",
           f"Data version: {rel.data_version}.", ""]
    if rel.previous is None:
        out += ["No previous release was given (`--previous DIR`): nothing to compare with, so "
                "no change is listed.", ""]
        return "\n".join(out)
    p = rel.previous
    out += [f"Compared with the release of edition {p.get('edition')} (data version "
            f"{p.get('data_version')}): {len(rel.changes)} changed cell(s), "
            f"{sum(c.correction for c in rel.changes)} correction(s) of published values.", ""]
    corrections = [c for c in rel.changes if c.correction]
    for title, cells in (("Corrections of published values", corrections),
                         ("Every changed cell", rel.changes)):
        if not cells or (title != "Every changed cell" and len(cells) == len(rel.changes)):
            continue
        if corrections and len(corrections) != len(rel.changes):
            out += [f"## {title}", ""]
        out += ["| country | edition | category | old | new | correction | source | reason |",
                "|:---|---:|:---|---:|---:|:---|:---|:---|"]
        for c in cells:
            row = [c.country or c.iso3, str(c.edition), c.category, c.old or "—", c.new or "—",
                   "**yes**" if c.correction else "no", c.source, c.reason]
            out.append("| " + " | ".join(x.replace("|", "\\|").replace("\n", " ") for x in row)
                       + " |")
        out.append("")
    return "\n".join(out)


# -- writing ----------------------------------------------------------------------------------------


def write_release(rel: Release, folder: Path, *, zip_path: Path | None = None) -> tuple[Path, Path]:
    """The release's files into ``folder`` (each written atomically by
    :func:`demoscope.files.write_bytes`) and a zip of them (``folder`` + ``.zip`` unless
    given); both reproducible. A ``folder`` that is a symbolic link or not a folder, or a zip
    path that is not a regular file, is refused before anything is written."""
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise OutputError(f"{folder} is not a folder; refusing to write a release there",
                          field="output")
    zip_path = zip_path or folder.with_name(folder.name + ".zip")
    if zip_path.is_symlink() or (zip_path.exists() and not zip_path.is_file()):
        raise OutputError(f"{zip_path} is not a regular file; refusing to replace it",
                          field="output")
    for name, data in sorted(rel.files.items()):
        write_bytes(folder / name, data)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in sorted(rel.files.items()):
            _add(zf, f"{folder.name}/{name}", data)
    write_bytes(zip_path, buf.getvalue())
    return folder, zip_path


def verify(folder: Path) -> list[str]:
    """Names of files whose SHA-256 differs from the folder's SHA256SUMS (empty: all good)."""
    bad = []
    for line in (folder / SUMS).read_text("utf-8").splitlines():
        digest, _, name = line.partition("  ")
        if hashlib.sha256((folder / name).read_bytes()).hexdigest() != digest:
            bad.append(name)
    return bad


# -- the releases folder (what the web site lists and serves) ----------------------------------


class ReleaseChange(TypedDict):
    """One changed cell of a release against its previous one (a row of ``changes.csv``)."""

    iso3: str
    country: str
    edition: int
    category: str
    old: str
    new: str
    kind: str
    correction: bool
    source: str
    reason: str


class ReleaseEntry(TypedDict):
    """A release in the releases folder, as its ``release.json`` and ``changes.csv`` say."""

    name: str
    edition: int
    label: str
    data_version: str
    previous_edition: int | None
    previous_data_version: str | None
    changes: int
    corrections: int
    kinds: dict[str, int]  # changed cells by kind: added, changed, removed
    files: list[str]
    zip: str | None
    change_list: list[ReleaseChange]


def _release_dirs(folder: Path) -> list[Path]:
    """Release folders directly inside ``folder`` (real folders with a release.json; a
    symbolic link is not followed)."""
    if not folder.is_dir():
        return []
    return [p for p in folder.iterdir()
            if p.is_dir() and not p.is_symlink() and (p / "release.json").is_file()]


def _version_key(label: str) -> tuple[str, int]:
    dataset, _, serial = label.rpartition("+")
    return (dataset, int(serial)) if serial.isdigit() else (label, -1)


def list_releases(folder: Path, *, changes: int = 200) -> list[ReleaseEntry]:
    """The releases in ``folder`` (``DEMOSCOPE_RELEASES_DIR``), newest edition and data
    version first, each with up to ``changes`` of its changed cells: corrections of published
    values first, then other changed or removed cells, then cells added (a new edition adds a
    few hundred). A folder whose files do not parse is left out (it is not a demoscope
    release)."""
    out: list[ReleaseEntry] = []
    for path in _release_dirs(folder):
        try:
            meta = json.loads((path / "release.json").read_text("utf-8"))
            with (path / "changes.csv").open(encoding="utf-8", newline="") as fh:
                rows = list(csv.DictReader(fh))
            rows.sort(key=lambda r: (r["correction"] != "yes", r["kind"] == "added"))
            kinds: dict[str, int] = {}
            for r in rows:
                kinds[r["kind"]] = kinds.get(r["kind"], 0) + 1
            prev = meta.get("previous") or {}
            zipped = path.with_name(path.name + ".zip")
            out.append({
                "name": path.name, "edition": int(meta["edition"]),
                "label": str(meta.get("label", meta["edition"])),
                "data_version": str(meta["data_version"]),
                "previous_edition": prev.get("edition"),
                "previous_data_version": prev.get("data_version"),
                "changes": int(meta.get("changes", len(rows))),
                "corrections": int(meta.get("corrections", 0)), "kinds": kinds,
                "files": [f for f in meta.get("files", []) if (path / f).is_file()]
                + ["release.json", SUMS],
                "zip": zipped.name if zipped.is_file() and not zipped.is_symlink() else None,
                "change_list": [{
                    "iso3": r["iso3"], "country": r["country"], "edition": int(r["edition"]),
                    "category": r["category"], "old": r["old"], "new": r["new"],
                    "kind": r["kind"], "correction": r["correction"] == "yes",
                    "source": r["source"], "reason": r["reason"]} for r in rows[:changes]],
            })
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            continue
    out.sort(key=lambda e: (e["edition"], _version_key(e["data_version"])), reverse=True)
    return out


def release_file(folder: Path, name: str, file: str | None = None) -> Path:
    """The path of a file of a listed release (``file`` None: its zip), or :class:`NotFound`.

    Only names a release lists (its ``SHA256SUMS``, and the sums file itself) are served:
    nothing else in the folder can be reached, whatever the URL says."""
    found = next((p for p in _release_dirs(folder) if p.name == name), None)
    if found is None:
        raise NotFound(f"no release {name!r} in the releases folder", field="release")
    if file is None:
        zipped = found.with_name(found.name + ".zip")
        if zipped.is_file() and not zipped.is_symlink():
            return zipped
        raise NotFound(f"release {name!r} has no zip", field="file")
    listed = {line.partition("  ")[2] for line in
              (found / SUMS).read_text("utf-8").splitlines()} if (found / SUMS).is_file() else set()
    path = found / file
    if file in listed | {SUMS} and path.is_file() and not path.is_symlink():
        return path
    raise NotFound(f"release {name!r} has no file {file!r}", field="file")
