"""Render the Python API reference from docstrings (``make docs`` writes docs/python-api.md).

Why generated: like the CLI reference (:mod:`demoscope.clidoc`), the reference must never
drift from the code; a test compares the committed file with this output. It covers what a
program or a later feature builds on: the analyst API, the read models, the services, the
store's gateway and the domain modules.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
from typing import Any, ForwardRef, get_type_hints

from typing_extensions import is_typeddict

#: The modules documented, in reading order (a newcomer's path through the house).
MODULES = [
    "demoscope",
    "demoscope.methodology", "demoscope.scoring", "demoscope.numbers", "demoscope.countries",
    "demoscope.errors",
    "demoscope.read.scorecard", "demoscope.read.overview", "demoscope.read.series",
    "demoscope.read.ratings", "demoscope.read.indexes", "demoscope.read.cache",
    "demoscope.exports",
    "demoscope.read.assessment", "demoscope.read.estimates",
    "demoscope.services.setup", "demoscope.services.rating", "demoscope.services.importing",
    "demoscope.services.users", "demoscope.services.auth", "demoscope.services.assessment",
    "demoscope.services.publication", "demoscope.services.access",
    "demoscope.workflow.roles", "demoscope.workflow.states", "demoscope.workflow.rules",
    "demoscope.workflow.drafts",
    "demoscope.store.reads", "demoscope.store.writes", "demoscope.store.db",
    "demoscope.reports",
    "demoscope.publish.drafts", "demoscope.publish.model", "demoscope.publish.assemble",
    "demoscope.publish.render", "demoscope.publish.release",
]


def _public(module: Any) -> list[tuple[str, Any]]:
    names = getattr(module, "__all__", None)
    out = []
    for name in names if names is not None else sorted(vars(module)):
        if name.startswith("_"):
            continue
        obj = getattr(module, name)
        own = getattr(obj, "__module__", None)
        if names is None and own != module.__name__:
            continue  # imported, documented where it is defined
        if inspect.isfunction(obj) or inspect.isclass(obj):
            out.append((name, obj))
    return out


def _doc(obj: Any) -> str:
    doc = inspect.getdoc(obj) or ""
    return doc if doc and not doc.startswith(("Create a collection of name/value pairs",
                                             "dict() -> new empty dictionary")) else ""


def _type(t: Any) -> str:
    if isinstance(t, str):
        return t
    if isinstance(t, ForwardRef):
        return t.__forward_arg__
    return inspect.formatannotation(t).replace("typing.", "").replace("typing_extensions.", "")


def _fields(cls: Any) -> list[str]:
    if is_typeddict(cls):
        try:
            hints = get_type_hints(cls)
        except Exception:  # names only importable under TYPE_CHECKING
            hints = dict(getattr(cls, "__annotations__", {}))
        return [f"`{k}`: {_type(v)}" for k, v in hints.items()]
    if dataclasses.is_dataclass(cls):
        return [f"`{f.name}`: {_type(f.type)}" for f in dataclasses.fields(cls)
                if not f.name.startswith("_")]
    if issubclass(cls, tuple) and hasattr(cls, "_fields"):
        ann = getattr(cls, "__annotations__", {})
        return [f"`{k}`: {_type(ann.get(k, 'Any'))}" for k in cls._fields]
    return []


def _signature(name: str, obj: Any) -> str:
    """``name(a: int, *, b: str = 'x') -> T`` with annotations as written in the source."""
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return f"{name}(...)"
    parts: list[str] = []
    star = False
    for p in sig.parameters.values():
        text = p.name
        if p.kind is p.VAR_POSITIONAL:
            text, star = f"*{p.name}", True
        elif p.kind is p.VAR_KEYWORD:
            text = f"**{p.name}"
        elif p.kind is p.KEYWORD_ONLY and not star:
            parts.append("*")
            star = True
        if p.annotation is not p.empty:
            text += f": {_type(p.annotation)}"
        if p.default is not p.empty:
            text += f" = {p.default!r}"
        parts.append(text)
        if p.kind is p.POSITIONAL_ONLY and (
                list(sig.parameters.values()).index(p) == len(sig.parameters) - 1
                or list(sig.parameters.values())[list(sig.parameters.values()).index(p) + 1].kind
                is not p.POSITIONAL_ONLY):
            parts.append("/")
    ret = f" -> {_type(sig.return_annotation)}" if sig.return_annotation is not sig.empty else ""
    return f"{name}({', '.join(parts)}){ret}"


def _methods(cls: Any) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for name, member in vars(cls).items():
        if name.startswith("_") and name != "__call__":
            continue
        if inspect.isfunction(member):
            out.append((name, member))
        elif isinstance(member, property) and member.fget is not None:
            out.append((name, member.fget))
    return out


def render_module(name: str) -> list[str]:
    module = importlib.import_module(name)
    lines = [f"## `{name}`", ""]
    if module.__doc__:
        lines += [inspect.cleandoc(module.__doc__), ""]
    for attr, obj in _public(module):
        kind = "class" if inspect.isclass(obj) else "function"
        title = attr if inspect.isclass(obj) else _signature(attr, obj)
        lines += [f"### {kind} `{title}`", ""]
        if _doc(obj):
            lines += [_doc(obj), ""]
        if inspect.isclass(obj):
            fields = _fields(obj)
            if fields:
                lines += ["Fields: " + "; ".join(fields) + ".", ""]
            for mname, meth in _methods(obj):
                lines += [f"- `{_signature(mname, meth)}`"
                          + (f": {_doc(meth).splitlines()[0]}" if _doc(meth) else "")]
            if _methods(obj):
                lines.append("")
    return lines


def render() -> str:
    parts = ["# demoscope Python API reference", "",
             "Generated from the docstrings by `make docs`; a test keeps it in step. The layers "
             "and where new code goes: [architecture.md](architecture.md).", ""]
    for name in MODULES:
        parts += render_module(name)
    return "\n".join(line.rstrip() for line in parts).rstrip() + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(render(), end="")
