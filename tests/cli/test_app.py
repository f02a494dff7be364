"""The command itself: help with examples, usage errors, exit codes."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pytest

from leadkit.cli import build_parser, main
from tests._isolated import LOADED, run_python
from tests.cli._run import leadkit


def test_help_lists_commands_and_examples(tmp_path: Path) -> None:
    result = leadkit("--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "examples:" in result.stdout
    assert "validate" in result.stdout


def subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


@pytest.mark.parametrize("command", sorted(subparsers()))
def test_every_subcommand_help_shows_an_example(command: str) -> None:
    out = io.StringIO()
    assert main([command, "--help"], stdout=out) == 0
    text = subparsers()[command].format_help()
    assert "examples:" in text
    assert f"leadkit {command}" in text.split("examples:")[1]


def test_usage_errors_exit_2_and_point_at_help(tmp_path: Path) -> None:
    result = leadkit("validate", cwd=tmp_path)
    assert result.returncode == 2
    assert "required: FILE" in result.stderr
    assert "leadkit validate --help" in result.stderr
    assert leadkit("no-such-command", cwd=tmp_path).returncode == 2


def test_no_command_introduces_leadkit_and_the_next_step() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main([], stdout=out, stderr=err) == 0
    assert out.getvalue().startswith("leadkit ")
    assert "2,000 leads" in out.getvalue()
    assert "leadkit demo" in out.getvalue()


def test_version() -> None:
    out = io.StringIO()
    assert main(["--version"], stdout=out) == 0


_COMMAND_MODULES = (
    "leadkit.cli._attribution",
    "leadkit.cli._dedupe",
    "leadkit.cli._demo",
    "leadkit.cli._funnel",
    "leadkit.cli._route",
    "leadkit.cli._sample",
    "leadkit.cli._score",
    "leadkit.cli._validate",
)


def _loaded_by(argv: list[str]) -> list[str]:
    code = (
        "import contextlib, io\n"
        "from leadkit.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main({argv!r})\n" + LOADED
    )
    loaded: list[str] = run_python(code)
    return loaded


@pytest.mark.parametrize("argv", [["--version"], ["--help"]])
def test_version_and_help_load_no_command(argv: list[str]) -> None:
    """Issue 11: ``leadkit --version`` stays light; the command list comes from one table,
    so no command module (and not even attrs) is imported to print it."""
    loaded = _loaded_by(argv)
    assert not set(_COMMAND_MODULES) & set(loaded)
    assert "attrs" not in loaded
    assert "leadkit.model" not in loaded


def test_a_command_loads_only_its_own_module() -> None:
    """Issue 11: lazy command imports; ``validate --help`` needs the validate command only."""
    loaded = set(_loaded_by(["validate", "--help"]))
    assert set(_COMMAND_MODULES) & loaded == {"leadkit.cli._validate"}


def test_every_command_is_configured_by_build_parser() -> None:
    """``build_parser`` returns the whole command (its docstring): every subcommand has its
    options and the function that runs it, without parsing anything first."""
    for name, parser in subparsers().items():
        assert callable(parser.get_default("run")), name
        assert parser.description, name
