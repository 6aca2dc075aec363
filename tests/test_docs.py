"""The documentation keeps step with the code: every command has help with an example, the
generated reference is current, and the README opens with the two set-up commands."""

from __future__ import annotations

from pathlib import Path

import pytest

from demoscope import apiref, clidoc

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("path,cmd", clidoc.commands(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_has_help_with_an_example(path, cmd):
    text = clidoc.help_text(path, cmd)
    assert "Usage:" in text
    if not hasattr(cmd, "list_commands") or path == "demoscope":
        assert "Example:" in text, f"{path} --help has no example"


def test_cli_reference_is_current():
    committed = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert committed == clidoc.render(), "docs/cli.md is stale: run `make docs`"


def test_python_api_reference_is_current():
    committed = (REPO / "docs" / "python-api.md").read_text(encoding="utf-8")
    assert committed == apiref.render(), "docs/python-api.md is stale: run `make docs`"


@pytest.mark.parametrize("module", apiref.MODULES)
def test_every_public_function_of_the_reference_has_a_docstring(module):
    import importlib
    import inspect

    mod = importlib.import_module(module)
    missing = [name for name, obj in apiref._public(mod)
               if inspect.isfunction(obj) and not inspect.getdoc(obj)]
    assert missing == [], f"{module}: undocumented {missing}"


def test_readme_opens_with_the_two_commands():
    lines = [ln.strip() for ln in (REPO / "README.md").read_text(encoding="utf-8").splitlines()]
    code = [ln for ln in lines[: lines.index("## Tour")] if ln.startswith("make ")]
    assert code == ["make run", "make test"]
    assert "make test" in (REPO / ".ci" / "run").read_text()
