"""``verifier --version`` and ``--help`` of the installed command (issue 18)."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from typer.testing import CliRunner

from verifier.cli import app

BIN = Path(sys.executable).parent / "verifier"


def test_version_prints_the_distribution_version() -> None:
    done = subprocess.run([str(BIN), "--version"], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0
    assert (
        done.stdout == f"verifier (wallet-support-verifier) {metadata.version('wallet-support-verifier')}\n"
    )


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["check"],
        ["scan"],
        ["serve"],
        ["update"],
        ["allowlist"],
        ["allowlist", "build"],
        ["allowlist", "verify"],
    ],
)
def test_help_shows_no_value_type_for_flags(command: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"], terminal_width=120)
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.output
    assert "--help" in result.output


def test_help_still_shows_the_type_of_options_that_take_a_value() -> None:
    result = CliRunner().invoke(app, ["check", "--help"], terminal_width=120)
    line = next(line for line in result.output.splitlines() if "--json" in line)
    assert "Print the result as one JSON" in line and "<" not in line
    assert "<url|email|phone|handle>" in result.output
    assert "<human|json|csv>" in result.output
