"""The service's JSON bytes: orjson writes what the standard library's compact form writes."""

from __future__ import annotations

import json
from typing import Any

import pytest

import verifier
from verifier.allowlist.store import default_allowlist
from verifier.service import handlers

VALUES = [
    "tokenpocket.pro",
    "tokenpocket-support.com",
    "xn--tokenpocet-cui.pro",
    "+86 400-800-1234",
    "tokenpocket.support@gmail.com",
    "@TokenPocket_Support",
    "not a value at all \u0000",
    "https://tokenpocket.pro@evil.example/",
]


def _standard(content: Any) -> bytes:
    return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("value", VALUES)
def test_check_results_are_the_standard_compact_json(value: str, lang: str) -> None:
    content = verifier.check(value, lang=lang).to_dict()
    assert handlers.dumps(content) == _standard(content)


def test_scan_results_and_the_allowlist_document_are_the_standard_compact_json() -> None:
    text = (
        "TP钱包客服电话 400-800-1234，请提供助记词。Visit https://tokenpocket-support.com 'quoted' \\ \u2028"
    )
    for lang in ("en", "zh"):
        content = verifier.scan(text, lang=lang).to_dict()
        assert handlers.dumps(content) == _standard(content)
    document = handlers.allowlist_document(default_allowlist())
    assert handlers.dumps(document) == _standard(document)
