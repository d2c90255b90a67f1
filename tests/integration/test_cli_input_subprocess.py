"""Issue 12 through the installed ``verifier`` command: terminal escapes in the input are shown
escaped, an unknown ``--region`` is a usage error in English and Chinese, and ``scan`` reads
UTF-16/UTF-32/UTF-8 text by its byte order mark. Real bytes in, real bytes out."""

from __future__ import annotations

import codecs
import json
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent / "verifier"
TITLE = b"\x1b]0;pwned\x07"
SCAM = "Customer service: send your seed phrase to our agent to verify your wallet. Call +86 400 123 4567"


def run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([str(BIN), *args], input=stdin, capture_output=True, timeout=60, check=False)


def raw_controls(output: bytes) -> list[int]:
    """Control bytes in ``output`` other than newlines (UTF-8: C1 controls are two bytes)."""
    found = [b for b in output if (b < 0x20 and b != 0x0A) or b == 0x7F]
    text = output.decode("utf-8", errors="replace")
    return found + [ord(ch) for ch in text if 0x80 <= ord(ch) < 0xA0 or ch == "\u202e"]


def test_check_shows_escapes_escaped() -> None:
    done = run("check", "x" + TITLE.decode())
    assert done.returncode == 2
    assert not raw_controls(done.stdout), done.stdout
    assert b"x\\x1b]0;pwned\\x07" in done.stdout


def test_check_through_typer_shows_escapes_escaped() -> None:
    # --kind=... is not the quick path: the same answer through typer
    done = run("check", "--kind=url", "x" + TITLE.decode())
    assert not raw_controls(done.stdout + done.stderr), done.stdout


def test_scan_stdin_shows_escapes_escaped() -> None:
    # printf 'x\x1b]0;pwned\x07 ...' | verifier scan -
    stdin = (
        b"x"
        + TITLE
        + b" send your seed phrase"
        + TITLE
        + b" to our agent \x1b[2J\r\n visit tokenpocket-support.com/"
    )
    done = run("scan", "-", stdin=stdin + TITLE)
    assert done.returncode == 1
    assert not raw_controls(done.stdout + done.stderr), done.stdout
    assert b"\\x1b]0" in done.stdout


def test_errors_show_escapes_escaped(tmp_path: Path) -> None:
    for args in (
        ("scan", str(tmp_path / ("missing" + TITLE.decode()))),
        ("check", "x", "--brand", "b" + TITLE.decode()),
        ("check", "x", "--brand", "b" + TITLE.decode(), "--lang", "zh"),
        ("check", "x", "y" + TITLE.decode(), "--lang", "zh"),  # extra argument, said from the catalogue
        ("chek" + TITLE.decode(),),  # no such command, said by typer
        ("check", "x", "--region", "Z" + TITLE.decode()),
    ):
        done = run(*args)
        assert done.returncode == 2, args
        assert not raw_controls(done.stdout + done.stderr), (args, done.stderr)


def test_json_output_escapes_by_json() -> None:
    done = run("check", "x" + TITLE.decode(), "--json")
    assert b"\x1b" not in done.stdout
    assert json.loads(done.stdout)["input"] == "x" + TITLE.decode()


@pytest.mark.parametrize("value", ["4008001234", "tokenpocket.pro"])
def test_unknown_region_is_a_usage_error_in_english_and_chinese(value: str) -> None:
    for args in (("--region", "ZZZZ"), ("--region=ZZZZ",), ("--region", "zz", "--json")):
        done = run("check", value, *args)
        assert done.returncode == 2, done.stdout
        assert done.stdout == b""
        assert b"unknown region" in done.stderr and b"--region" in done.stderr
        done = run("check", value, *args, "--lang", "zh")
        assert done.returncode == 2
        assert done.stdout == b""
        said = done.stderr.decode()
        assert "未知的地区" in said and "'--region' 的值无效" in said, said


def test_known_region_works() -> None:
    done = run("check", "0755 8888 1234", "--region", "cn", "--json")
    assert done.returncode == 1
    assert json.loads(done.stdout)["normalized"] == "+8675588881234"


ENCODED = {
    "utf-8-bom": codecs.BOM_UTF8 + SCAM.encode("utf-8"),
    "utf-16-le": codecs.BOM_UTF16_LE + SCAM.encode("utf-16-le"),
    "utf-16-be": codecs.BOM_UTF16_BE + SCAM.encode("utf-16-be"),
    "utf-32-le": codecs.BOM_UTF32_LE + SCAM.encode("utf-32-le"),
    "utf-32-be": codecs.BOM_UTF32_BE + SCAM.encode("utf-32-be"),
}


@pytest.mark.parametrize("name", sorted(ENCODED))
def test_scan_decodes_by_byte_order_mark(name: str, tmp_path: Path) -> None:
    data = ENCODED[name]
    source = tmp_path / f"{name}.txt"
    source.write_bytes(data)
    for args, stdin in ((("scan", "-", "--json"), data), (("scan", str(source), "--json"), b"")):
        done = run(*args, stdin=stdin)
        assert done.returncode == 1, done.stderr
        report = json.loads(done.stdout)
        assert report["risk"] == "high"
        assert "+864001234567" in [c["normalized"] for c in report["channels"]]


def test_scan_undecodable_bytes_are_replaced_not_fatal() -> None:
    done = run("scan", "-", "--json", stdin=b"\xff\xfa send your seed phrase to our agent \xc3")
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["risk"] == "high"
