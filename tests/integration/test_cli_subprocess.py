"""The installed ``verifier`` command in a real subprocess, as a user runs it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import verifier

BIN = Path(sys.executable).parent / "verifier"


def run(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=60, env=env, cwd=cwd, check=False)


def test_installed_command_checks_official_domain() -> None:
    done = run(str(BIN), "check", "tokenpocket.pro", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["verdict"] == "official"


def test_installed_command_explains_in_chinese() -> None:
    done = run(str(BIN), "check", "+86 400-800-1234", "--brand", "TP钱包", "--lang", "zh")
    assert done.returncode == 1, done.stderr
    assert "非官方" in done.stdout


def test_invalid_input_exits_2() -> None:
    done = run(str(BIN), "check", "@@@", "--json")
    assert done.returncode == 2
    assert json.loads(done.stdout)["verdict"] == "invalid"


def test_tampered_shipped_bundle_makes_check_exit_3(tmp_path: Path) -> None:
    package = Path(verifier.__file__).parent
    copy = tmp_path / "verifier"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    bundle = copy / "data" / "allowlist.json"
    data = bytearray(bundle.read_bytes())
    position = data.index(b'"tokenpocket.pro"') + 3
    data[position] ^= 0x20  # one changed byte: 'k' -> 'K'
    bundle.write_bytes(bytes(data))
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = run(sys.executable, "-m", "verifier", "check", "tokenpocket.pro", "--json", env=env, cwd=tmp_path)
    assert done.returncode == 3, done.stdout + done.stderr
    result = json.loads(done.stdout)
    assert result["verdict"] != "official"
    assert result["allowlist"]["verified"] is False
