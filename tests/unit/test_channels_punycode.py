"""Our punycode decoder returns what the stdlib codec returns, and fails where it fails."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from verifier.channels.punycode import decode

_DIGITS = "abcdefghijklmnopqrstuvwxyz0123456789"


def _stdlib(body: str) -> str | None:
    try:
        return body.encode("ascii").decode("punycode")
    except UnicodeError:
        return None


def _ours(body: str) -> str | None:
    try:
        return decode(body)
    except UnicodeError:
        return None


@pytest.mark.parametrize(
    ("body", "decoded"),
    [
        ("tokenpocet-cui", "tokenpocкet"),
        ("mnchen-3ya", "münchen"),
        ("80ak6aa92e", "аррӏе"),
        ("fsqu00a", "例子"),
        ("fa-hia", "faß"),
        ("TOKENPOCET-CUI", "TOKENPOCкET"),  # the stdlib codec keeps the case of basic code points
        ("abc-", "abc"),
        ("", ""),
    ],
)
def test_known_labels(body: str, decoded: str) -> None:
    assert decode(body) == decoded == _stdlib(body)


@pytest.mark.parametrize("body", ["a-b", "99999999", "tokenpocet-cu", "zzzzzzzzzzzz", "abc-é"])
def test_invalid_encodings_raise(body: str) -> None:
    assert _stdlib(body) is None
    with pytest.raises(UnicodeError):
        decode(body)


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=_DIGITS + "-", max_size=24))
@example("--")
@example("a-")
def test_any_ascii_body_agrees_with_the_stdlib(body: str) -> None:
    assert _ours(body) == _stdlib(body)


@settings(max_examples=1000, deadline=None)
@given(st.text(min_size=1, max_size=16))
def test_encoded_text_round_trips(text: str) -> None:
    body = text.encode("punycode").decode("ascii")
    assert decode(body) == text == _stdlib(body)
