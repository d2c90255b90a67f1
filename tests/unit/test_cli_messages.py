"""Text pasted where one value belongs: ``check`` finds the one channel in it or points at
``scan -``; ``scan "some text"`` points at ``-`` (issue 18). Through typer's runner on the real app."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from verifier.cli import app

runner = CliRunner()
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_the_one_phone_in_a_message_is_checked_for_the_brand_it_names() -> None:
    result = runner.invoke(app, ["check", "TP钱包客服电话 400-123-4567", "--json"])
    assert result.exit_code == 1
    body = json.loads(result.stdout)
    assert (body["kind"], body["normalized"], body["verdict"]) == ("phone", "+864001234567", "not_official")
    assert body["brand"] == "tokenpocket"
    assert "checking the one phone number in it, +86 400-123-4567, as TokenPocket's" in result.stderr
    assert "verifier scan -" in result.stderr


def test_the_one_handle_after_a_platform_label_is_checked_and_said_in_chinese() -> None:
    result = runner.invoke(app, ["check", "微信: tpkefu888", "--lang", "zh"])
    assert result.exit_code == 1
    assert "wechat:tpkefu888" in result.stdout
    assert result.stderr.startswith("这看起来是一段消息而不是单个值：已检查其中唯一的账号 tpkefu888")


@pytest.mark.parametrize(
    ("value", "lang", "said"),
    [
        ("hello there friend", "en", "Error: this looks like a message, not a phone number"),
        ("hello there friend", "zh", "错误：这看起来是一段消息，而不是电话号码、网址、邮箱或账号"),
        (
            "call +86 400 123 4567 or a@b.com",
            "en",
            "with 2 contact channels in it (+86 400 123 4567, a@b.com)",
        ),
        ("拨打 +86 400 123 4567 或 a@b.com", "zh", "其中有 2 个联系方式（+86 400 123 4567, a@b.com）"),
    ],
)
def test_a_message_without_exactly_one_channel_points_at_scan(value: str, lang: str, said: str) -> None:
    result = runner.invoke(app, ["check", value, "--lang", lang])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert said in result.stderr
    assert "verifier scan -" in result.stderr
    if lang == "zh":
        assert "cannot" not in result.stderr and "link" not in result.stderr  # no English left in


def test_a_value_with_spaces_that_parses_is_not_a_message() -> None:
    result = runner.invoke(app, ["check", "+86 400 123 4567", "--json"])
    assert json.loads(result.stdout)["input"] == "+86 400 123 4567"
    assert result.stderr == ""


def test_kind_narrows_the_channels_of_a_message() -> None:
    result = runner.invoke(app, ["check", "call +86 400 123 4567 or a@b.com", "--kind", "email", "--json"])
    assert json.loads(result.stdout)["normalized"] == "a@b.com"


@pytest.mark.parametrize(
    ("lang", "said"), [("en", "there is no file named 'some text'"), ("zh", "没有名为 'some text' 的文件")]
)
def test_scan_of_text_instead_of_a_file_points_at_stdin(lang: str, said: str) -> None:
    result = runner.invoke(app, ["scan", "some text", "--lang", lang])
    assert result.exit_code == 2
    assert said in result.stderr
    assert "verifier scan -" in result.stderr
    assert CJK.search(result.stderr) if lang == "zh" else not CJK.search(result.stderr)


def test_scan_of_a_missing_file_without_spaces_still_says_it_cannot_be_read() -> None:
    result = runner.invoke(app, ["scan", "missing.txt"])
    assert result.exit_code == 2
    assert "cannot read missing.txt" in result.stderr
