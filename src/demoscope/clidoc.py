"""Render every command's ``--help`` as Markdown (``make docs`` writes docs/cli.md).

Why generated: the reference must never drift from the code; a test compares the committed
file with this output.
"""

from __future__ import annotations

from typing import Any

Command = Any  # typer's own (vendored) click Command; no public type to name


def _is_group(cmd: Command) -> bool:
    return hasattr(cmd, "list_commands")


def _commands(group: Command, prefix: str) -> list[tuple[str, Command]]:
    out: list[tuple[str, Command]] = []
    ctx = group.context_class(group, info_name=prefix)
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        if cmd is None or cmd.hidden:
            continue
        path = f"{prefix} {name}"
        if _is_group(cmd):
            out.append((path, cmd))
            out.extend(_commands(cmd, path))
        else:
            out.append((path, cmd))
    return out


def commands() -> list[tuple[str, Command]]:
    """Every command of the CLI as ``("demoscope db init", command)``, in help order."""
    import typer

    from demoscope.cli import app

    root = typer.main.get_command(app)
    return [("demoscope", root), *_commands(root, "demoscope")]


def help_text(path: str, cmd: Command) -> str:
    """Plain ``--help`` output of one command, as a terminal 100 columns wide shows it."""
    import os

    saved = {k: os.environ.get(k) for k in ("COLUMNS", "TERMINAL_WIDTH")}
    os.environ["COLUMNS"] = os.environ["TERMINAL_WIDTH"] = "100"
    try:
        ctx = cmd.context_class(cmd, info_name=path, terminal_width=100, max_content_width=100)
        formatter = ctx.make_formatter()
        import contextlib
        import io

        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):  # rich help prints instead of formatting
            cmd.format_help(ctx, formatter)
        return buf.getvalue() + formatter.getvalue()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def render() -> str:
    parts = ["# demoscope command reference", "",
             "Generated from each command's `--help` by `make docs`; a test keeps it in step.", ""]
    for path, cmd in commands():
        parts += [f"## `{path}`", "", "```text", _plain(help_text(path, cmd)).rstrip(), "```", ""]
    return "\n".join(parts)


def _plain(text: str) -> str:
    import re

    text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    return "\n".join(line.rstrip() for line in text.splitlines())


if __name__ == "__main__":  # pragma: no cover
    print(render(), end="")
