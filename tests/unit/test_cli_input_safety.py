"""Issue 12, the CLI's side of hostile input: terminal escapes echoed, unknown regions, BOMs.

Through typer's runner on the real app and the shipped allowlist (the subprocess side is in
tests/integration/test_cli_input_subprocess.py).
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import verifier
from verifier.channels.phone import known_region
from verifier.cli import app, decode_input, quick_check_arguments
from verifier.cli_usage import CatalogueBadParameter, message, shown, unknown_region

runner = CliRunner()

TITLE = "\x1b]0;pwned\x07"  # sets the terminal window's title
HOSTILE = [
    TITLE,
    "\x1b[2J\x1b[H",  # clears the screen
    "\x1b]52;c;cHduZWQ=\x07",  # writes the clipboard (OSC 52)
    "\x9b31m",  # C1 CSI
    "\r✓ OFFICIAL",  # overwrites the line
    "\n✓ OFFICIAL: tokenpocket.pro",  # forges a line
    "\u202etxt.exe",  # right-to-left override
    "\x08\x08\x7f",
]
SCAM = "Customer service: send your seed phrase to our agent to verify your wallet. Call +86 400 123 4567"


def raw_controls(output: str) -> list[str]:
    """Control characters in ``output`` other than the newlines the CLI writes itself."""
    return [
        ch for ch in output if ch != "\n" and (ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 or ch == "\u202e")
    ]


def test_shown_escapes_every_control_character() -> None:
    assert shown("x" + TITLE) == "x\\x1b]0;pwned\\x07"
    assert shown("a\nb\tc\r") == "a\\x0ab\\x09c\\x0d"
    assert shown("a\nb\x1b", lines=True) == "a\nb\\x1b"
    assert shown("\u202e\u2066\u200f\x85\x7f") == "\\u202e\\u2066\\u200f\\x85\\x7f"
    assert shown("TP钱包 tokenpocket.pro é") == "TP钱包 tokenpocket.pro é"  # printable text unchanged
    for ch in map(chr, range(0x20)):
        assert not raw_controls(shown(ch))


@pytest.mark.parametrize("payload", HOSTILE)
def test_check_echoes_input_escaped(payload: str) -> None:
    result = runner.invoke(app, ["check", "x" + payload])
    assert result.exit_code == 2  # invalid: control characters
    assert not raw_controls(result.stdout), result.stdout
    assert shown("x" + payload) in result.stdout
    assert result.stdout.count("\n") == 3  # verdict, one reason, allowlist line: no forged line


@pytest.mark.parametrize("payload", HOSTILE)
def test_check_of_a_channel_around_escapes(payload: str) -> None:
    # Values that parse (the escape sits in a url path or around a phone number) are shown escaped too.
    for value in (f"https://tokenpocket.pro/{payload}", f"tokenpocket-support.com/{payload}"):
        result = runner.invoke(app, ["check", value, "--lang", "zh"])
        assert not raw_controls(result.stdout), result.stdout


def test_check_json_is_escaped_by_json() -> None:
    result = runner.invoke(app, ["check", "x" + TITLE, "--json"])
    assert "\x1b" not in result.stdout
    assert json.loads(result.stdout)["input"] == "x" + TITLE


@pytest.mark.parametrize("payload", HOSTILE)
def test_scan_echoes_excerpts_and_channels_escaped(payload: str) -> None:
    text = f"Customer service{payload}: send your seed phrase{payload} to our agent to verify. {payload}"
    text += f" Call +86 400 123 4567{payload} or visit tokenpocket-support.com/{payload}"
    result = runner.invoke(app, ["scan", "-"], input=text)
    assert result.exit_code == 1, result.output
    assert not raw_controls(result.stdout), result.stdout
    assert "Risk: HIGH" in result.stdout


def test_scan_json_is_escaped_by_json() -> None:
    result = runner.invoke(app, ["scan", "-", "--json"], input=f"send your seed phrase{TITLE} to our agent")
    assert "\x1b" not in result.stdout
    assert json.loads(result.stdout)["risk"] == "high"


def test_error_messages_echo_input_escaped(tmp_path: Path) -> None:
    missing = str(tmp_path / f"nothing{TITLE}")
    result = runner.invoke(app, ["scan", missing])
    assert result.exit_code == 2
    assert "\\x1b]0;pwned\\x07" in result.stderr
    assert not raw_controls(result.stderr)
    result = runner.invoke(app, ["scan", f"https://evil.example/{TITLE}"])  # needs --online
    assert result.exit_code == 2
    assert not raw_controls(result.stderr)
    for args in (["check", "x", "--brand", f"b{TITLE}"], ["scan", "-", "--brand", f"b{TITLE}"]):
        result = runner.invoke(app, args, input="hello")
        assert result.exit_code == 2
        assert not raw_controls(result.stderr), result.stderr
    result = runner.invoke(app, ["check", "x", "--platform", f"p{TITLE}"])
    assert not raw_controls(result.stdout)


# --region


def test_known_regions() -> None:
    assert known_region("CN") and known_region("us") and known_region(" gb ")
    assert not any(known_region(r) for r in ("ZZZZ", "ZZ", "UK", "usa", "", "C", "C\x00"))


@pytest.mark.parametrize("region", ["ZZZZ", "ZZ", "usa", "x" + TITLE])
def test_unknown_region_is_a_usage_error(region: str) -> None:
    for value in ("4008001234", "+86 400 123 4567", "tokenpocket.pro"):  # whether or not it is used
        result = runner.invoke(app, ["check", value, "--region", region])
        assert result.exit_code == 2, result.output
        assert "unknown region" in result.stderr
        assert "--region" in result.stderr
        assert not result.stdout
        assert not raw_controls(result.stderr.replace("\n", ""))


def test_unknown_region_is_said_in_the_users_language() -> None:
    with pytest.raises(CatalogueBadParameter) as info:
        unknown_region("ZZZZ")
    assert "未知的地区 'ZZZZ'" in message(info.value, "zh")
    assert "unknown region 'ZZZZ'" in message(info.value, "en")
    assert unknown_region("cn") == "cn" and unknown_region(None) is None


def test_quick_path_leaves_an_unknown_region_to_typer() -> None:
    assert quick_check_arguments(["check", "4008001234", "--region", "ZZZZ"]) is None
    quick = quick_check_arguments(["check", "4008001234", "--region", "cn"])
    assert quick is not None and quick["region"] == "cn"


def test_known_region_still_parses_numbers() -> None:
    result = runner.invoke(app, ["check", "0755 8888 1234", "--region", "cn", "--json"])
    assert json.loads(result.stdout)["normalized"] == "+8675588881234"


@pytest.mark.parametrize("region", ["ZZZZ", "ZZ", "UK", "x" * 500])
def test_library_unknown_region_gives_invalid_with_a_named_reason(region: str) -> None:
    for value in ("4008001234", "+86 400 123 4567", "0755 8888 1234"):
        for lang in ("en", "zh"):
            result = verifier.check(value, region=region, lang=lang)
            assert result.verdict is verifier.Verdict.INVALID
            assert [r.code for r in result.reasons] == ["invalid.phone_region"]
            assert ("unknown region" if lang == "en" else "未知地区") in result.reasons[0].message
            assert len(result.reasons[0].message) < 300


def test_library_region_is_read_for_phone_numbers_only() -> None:
    # DESIGN.md: region parses numbers written without +; a url's verdict does not depend on it.
    assert verifier.check("tokenpocket.pro", region="ZZZZ").verdict is verifier.Verdict.OFFICIAL
    assert verifier.check("0755 8888 1234", region="CN").verdict is verifier.Verdict.UNKNOWN
    assert verifier.check("4008001234", region="").verdict is verifier.Verdict.UNKNOWN


# byte order marks

SCAM_ENCODINGS = [
    (codecs.BOM_UTF8 + SCAM.encode("utf-8")),
    (codecs.BOM_UTF16_LE + SCAM.encode("utf-16-le")),
    (codecs.BOM_UTF16_BE + SCAM.encode("utf-16-be")),
    (codecs.BOM_UTF32_LE + SCAM.encode("utf-32-le")),
    (codecs.BOM_UTF32_BE + SCAM.encode("utf-32-be")),
    SCAM.encode("utf-16"),  # the platform's order, with its mark
    SCAM.encode("utf-32"),
    SCAM.encode("utf-8"),  # no mark: UTF-8
]


@pytest.mark.parametrize("data", SCAM_ENCODINGS)
def test_decode_input_by_byte_order_mark(data: bytes) -> None:
    assert decode_input(data) == SCAM


def test_decode_input_replaces_what_does_not_decode() -> None:
    assert decode_input(b"seed \xff\xfe\xfa phrase") == "seed \ufffd\ufffd\ufffd phrase"
    assert decode_input(codecs.BOM_UTF16_LE + "种子".encode("utf-16-le") + b"\x00") == "种子\ufffd"
    assert decode_input(b"") == ""
    assert decode_input(codecs.BOM_UTF32_LE) == ""


@pytest.mark.parametrize("data", SCAM_ENCODINGS)
def test_scan_reads_stdin_and_files_by_byte_order_mark(data: bytes, tmp_path: Path) -> None:
    result = runner.invoke(app, ["scan", "-", "--json"], input=data)
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["risk"] == "high"
    assert "+864001234567" in [c["normalized"] for c in report["channels"]]
    source = tmp_path / "ticket.txt"
    source.write_bytes(data)
    result = runner.invoke(app, ["scan", str(source), "--json"])
    assert json.loads(result.stdout)["risk"] == "high"


def test_chinese_utf16_is_read() -> None:
    text = "TP钱包客服：请把助记词发给我们的客服进行验证"
    result = runner.invoke(app, ["scan", "-", "--json"], input=text.encode("utf-16"))
    assert json.loads(result.stdout)["risk"] == "high"


def test_update_errors_show_the_url_escaped() -> None:
    # both are refused before any network use
    for url in (f"http://evil.example/{TITLE}", f"https://ev{TITLE}il.example/"):
        result = runner.invoke(app, ["update", "--url", url])
        assert result.exit_code == 1
        assert not raw_controls(result.stderr.rstrip("\n")), result.stderr
