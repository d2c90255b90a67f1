"""Why an input is invalid is said fully in the chosen language (issue 18: no half-English zh)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import verifier
from verifier.messages import has_text, invalid_detail
from verifier.model import Verdict

PACKAGE = Path(verifier.__file__).parent
CODE = re.compile(r'"(invalid\.[a-z_]+)"')


def _raised_codes() -> set[str]:
    """Every InvalidChannel code the package's source names."""
    codes: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        codes.update(CODE.findall(path.read_text("utf-8")))
    return codes


def test_every_invalid_code_has_a_chinese_detail() -> None:
    codes = _raised_codes()
    assert len(codes) > 20, codes  # the search itself found the parsers' codes
    missing = sorted(c for c in codes if not has_text("invalid_detail." + c.removeprefix("invalid.")))
    assert not missing


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://evil.com:99999", "不是有效的链接"),
        ("javascript:alert(1)", "不是网页链接"),
        ("localhost", "公共后缀"),
        ("token\x07pocket.pro", "控制字符"),
        ("+999 1234567", "不是电话号码"),
    ],
)
def test_an_invalid_input_is_explained_in_chinese(value: str, expected: str) -> None:
    result = verifier.check(value, lang="zh")
    assert result.verdict is Verdict.INVALID
    message = result.reasons[0].message
    assert expected in message, message
    assert not re.search(r"[A-Za-z]{4,} [a-z]{3,}", message), message  # no English sentence left


def test_english_keeps_the_parsers_sentence_with_the_value() -> None:
    result = verifier.check("tokenpocket.pro:99999")
    assert result.reasons[0].message == "not a valid link"
    sentence = "'x' is not a valid host name"
    assert invalid_detail("invalid.bad_host", sentence, "en") == sentence
