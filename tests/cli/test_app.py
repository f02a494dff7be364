"""The command itself: help with examples, usage errors, exit codes."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pytest

from leadkit.cli import build_parser, main
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
