"""The house rules that keep the layers apart, checked on the source (docs/architecture.md):
no import cycles, no SQL outside ``store/``, no Nations in Transit literal in the web layer,
only services write."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PKG = SRC / "demoscope"


def _modules() -> dict[str, Path]:
    out = {}
    for path in PKG.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Every demoscope module ``name`` imports, anywhere in the file (inside functions and
    under TYPE_CHECKING too). ``from pkg import x`` imports ``pkg.x`` when that is a module,
    else ``pkg`` (the usual reading, as import-linter's grimp has it)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_pkg = path.name == "__init__.py"
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".") if is_pkg else name.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base
                       for a in node.names]
        else:
            continue
        out |= {t for t in targets if t in MODULES and t != name}
    return out


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycles():
    graph = {name: _imports(name, path) for name, path in MODULES.items()}
    assert _cycles(graph) == []


def test_subpackages_import_nothing_up_front():
    """A subpackage's ``__init__`` imports none of its modules, so importing one module of a
    package never runs the others (and the package cannot close a cycle through them)."""
    for name, path in MODULES.items():
        if path.name == "__init__.py" and name != "demoscope":
            tree = ast.parse(path.read_text(encoding="utf-8"))
            top = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)
                   and (getattr(n, "module", None) or "").startswith("demoscope")]
            assert top == [], name


def _code_strings(path: Path) -> list[tuple[int, str]]:
    """String constants of a module that are not docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docs.add(id(body[0].value))
    return [(n.lineno, n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs]


SQL = re.compile(r"\b(SELECT\s.+\sFROM\s|INSERT\s+INTO\s|UPDATE\s+\w+\s+SET\s|DELETE\s+FROM\s|"
                 r"CREATE\s+TABLE\s|DROP\s+TABLE\s|PRAGMA\s|BEGIN\b)", re.S)


def test_no_sql_outside_the_store():
    found = [f"{name}:{line}: {text[:60]!r}" for name, path in MODULES.items()
             if not name.startswith("demoscope.store")
             for line, text in _code_strings(path) if SQL.search(text)]
    assert found == []


def test_every_select_is_in_the_read_gateway():
    found = [f"{name}:{line}" for name, path in MODULES.items()
             if name.startswith("demoscope.store") and name != "demoscope.store.reads"
             for line, text in _code_strings(path) if re.search(r"\bSELECT\s.+\sFROM\s", text, re.S)]
    assert found == []


NIT = re.compile(r"\b(1_best|7_best|KAZ|GEO|EST|Nations in Transit|Democracy (Score|Percentage))\b"
                 r"|^(DS|DP)$")


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n.startswith("demoscope.web")))
def test_no_nit_literal_in_the_web_layer(name):
    """Labels, default selections and score codes come from the methodology."""
    found = [f"{line}: {text!r}" for line, text in _code_strings(MODULES[name]) if NIT.search(text)]
    assert found == []


def test_no_nit_literal_in_the_templates():
    for path in (PKG / "web" / "templates").glob("*.html"):
        text = path.read_text(encoding="utf-8")
        hits = re.findall(r"1_best|7_best|'DS'|\"DS\"|>DS<|>DP<|\bKAZ\b|Democracy Percentage|"
                          r"Nations in Transit|\b20(05|19|20)\b", text)
        assert hits == [], path.name


def test_only_services_and_the_store_write():
    """The write transaction is opened by services only (and set-up/tests); routes and the
    CLI call a service."""
    for name, path in MODULES.items():
        if name.startswith(("demoscope.services", "demoscope.store")):
            continue
        assert "demoscope.store.writes" not in _imports(name, path), name
