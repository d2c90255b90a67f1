"""The installed ``verifier`` command in a real subprocess, as a user runs it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["check", "--lang", "zh"], "错误：缺少参数 'VALUE'。"),
        (["check", "x.com", "--lang", "zh", "--jsn"], "错误：没有这个选项：--jsn（您要找的是不是 --json？）"),
        (["check", "x.com", "y.com", "--lang=zh"], "错误：多余的参数：y.com"),
        (["chek", "x.com", "--lang", "zh"], "错误：没有这个命令：'chek'。（您要找的是不是 'check'？）"),
        (["check", "x.com", "--lang=zh", "--brand"], "错误：选项 --brand 需要一个值。"),
        (["scan", "--lang", "zh", "--nope"], "错误：没有这个选项：--nope"),
    ],
)
def test_usage_errors_are_said_in_chinese_with_lang_zh(args: list[str], said: str) -> None:
    done = run(str(BIN), *args)
    assert done.returncode == 2, done.stderr
    assert said in done.stderr.splitlines(), done.stderr
    assert "Traceback" not in done.stderr and "Usage:" not in done.stderr


def test_usage_errors_stay_typer_s_in_english() -> None:
    done = run(str(BIN), "check", "--lang", "en")
    assert done.returncode == 2
    assert "Missing argument 'VALUE'." in done.stderr


def test_a_command_run_for_chinese_usage_errors_keeps_its_output_and_status(tmp_path: Path) -> None:
    # --lang=zh is not the quick form: it goes through typer with usage errors said in Chinese.
    quick = run(str(BIN), "check", "tokenpocket-support.com", "--lang", "zh", "--json")
    through_typer = run(str(BIN), "check", "tokenpocket-support.com", "--lang=zh", "--json")
    assert (
        (through_typer.returncode, through_typer.stdout)
        == (quick.returncode, quick.stdout)
        == (
            1,
            quick.stdout,
        )
    )
    message = tmp_path / "message.txt"
    message.write_text("客服说：请提供助记词以解冻钱包", encoding="utf-8")
    english = run(str(BIN), "scan", str(message), "--lang", "en")
    chinese = run(str(BIN), "scan", str(message), "--lang", "zh")
    assert chinese.returncode == english.returncode != 0
    assert "助记词" in chinese.stdout
