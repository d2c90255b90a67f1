"""``verifier check -`` and ``--file``: the installed command in a real subprocess (issue 18)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from verifier.allowlist.store import default_allowlist
from verifier.checker import check
from verifier.cli_batch import BatchFormat, BatchOptions, ChunkAnswer, exit_status, run_checks

BIN = Path(sys.executable).parent / "verifier"
VALUES = ["tokenpocket.pro", "metamask-support.com", "+86 400 123 4567", "not a value\x1b]0;x\x07"]


def run(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN), *args], input=stdin, capture_output=True, text=True, timeout=120, check=False, env=env
    )


def test_stdin_prints_a_line_per_value_in_order_and_a_summary() -> None:
    done = run("check", "-", stdin="\n".join(VALUES) + "\n\n   \n")
    lines = done.stdout.splitlines()
    assert len(lines) == len(VALUES) + 1, done.stdout
    assert lines[0].startswith("✓ OFFICIAL: tokenpocket.pro")
    assert lines[1].startswith("✗ LOOKALIKE") and "metamask-support.com" in lines[1]
    assert "+86 400 123 4567" in lines[2]
    assert lines[3].startswith("? INVALID INPUT")
    # The terminal never sees the value's escape sequence: it is written out.
    assert "\x1b" not in done.stdout and "\\x1b]0;x\\x07" in lines[3]
    assert lines[4].startswith("4 values checked: 1 official, 1 lookalike, 1 unknown, 1 invalid")
    assert done.returncode == 2  # one value is invalid
    assert done.stderr == ""


def test_json_lines_are_the_check_objects_and_the_summary_goes_to_stderr(tmp_path: Path) -> None:
    source = tmp_path / "values.txt"
    source.write_text("\n".join(VALUES[:3]) + "\n", encoding="utf-8")
    done = run("check", "--file", str(source), "--json")
    objects = [json.loads(line) for line in done.stdout.splitlines()]
    allowlist = default_allowlist()
    assert objects == [check(v, allowlist=allowlist).to_dict() for v in VALUES[:3]]
    assert "3 values checked" in done.stderr
    assert done.returncode == 1  # none invalid, not all official


def test_csv_has_a_header_and_a_row_per_value() -> None:
    done = run("check", "-", "--format", "csv", "--lang", "zh", stdin="\n".join(VALUES[:2]))
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [r["input"] for r in rows] == VALUES[:2]
    assert [r["verdict"] for r in rows] == ["official", "lookalike"]
    assert rows[1]["technique"] == "combosquat"
    assert "已检查 2 个值：官方 1 个，仿冒 1 个" in done.stderr


def test_every_value_official_exits_0() -> None:
    assert run("check", "-", stdin="tokenpocket.pro\nmetamask.io\n").returncode == 0


@pytest.mark.parametrize(
    ("args", "stdin", "said"),
    [
        (("check", "-"), "\n \n", "- holds no value to check"),
        (("check", "-", "--file", "x.txt"), "", "either - or --file"),
        (("check", "--file", "/nonexistent/values.txt"), "", "cannot read /nonexistent/values.txt"),
        (("check", "-", "--brand", "nosuchbrand"), "tokenpocket.pro\n", "unknown brand 'nosuchbrand'"),
        (("check",), "", "Missing argument 'VALUE'"),
    ],
)
def test_batch_errors_exit_2(args: tuple[str, ...], stdin: str, said: str) -> None:
    done = run(*args, stdin=stdin)
    assert done.returncode == 2
    assert said in done.stderr
    assert done.stdout == ""


def test_a_large_batch_in_worker_processes_keeps_input_order() -> None:
    allowlist = default_allowlist()
    values = [f"host{i}.example" if i % 7 else "tokenpocket-support.com" for i in range(5000)]
    options = BatchOptions(None, None, None, None, "en", BatchFormat.json)
    lines: list[str] = []
    counts: Counter[str] = Counter()

    def collect(answer: ChunkAnswer) -> None:
        lines.extend(answer.lines)
        counts.update(answer.verdicts)

    run_checks(values, options, allowlist, on_chunk=collect, parallel=True)
    assert [json.loads(line)["input"] for line in lines] == values
    assert counts["lookalike"] == len(range(0, 5000, 7))
    assert exit_status(counts) == 1


def test_one_process_when_asked_gives_the_same_output() -> None:
    stdin = "\n".join(f"wallet{i}.example" for i in range(300)) + "\ntokenpocket.pro\n"
    env = {**os.environ, "VERIFIER_BATCH_PROCESSES": "1"}
    assert (
        run("check", "-", "--json", stdin=stdin, env=env).stdout
        == run("check", "-", "--json", stdin=stdin).stdout
    )


def test_a_progress_bar_is_drawn_only_when_stderr_is_a_terminal(tmp_path: Path) -> None:
    import pty

    source = tmp_path / "values.txt"
    source.write_text("\n".join(f"shop{i}.example" for i in range(3000)) + "\n", encoding="utf-8")
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [str(BIN), "check", "--file", str(source), "--json"],
            stdout=subprocess.PIPE,
            stderr=follower,
            timeout=120,
            check=False,
            env={**os.environ, "COLUMNS": "100", "TERM": "xterm"},
        )
        os.close(follower)
        follower = -1
        drawn = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the terminal's other end is closed and drained
                break
            if not chunk:
                break
            drawn += chunk
    finally:
        os.close(leader)
        if follower != -1:
            os.close(follower)
    assert done.returncode == 1
    assert len(done.stdout.splitlines()) == 3000  # stdout is not the terminal: no bar in it
    assert b"Checking" in drawn
    assert b"3000 values checked" in drawn
