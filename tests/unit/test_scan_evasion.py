"""Scan evasion (security issue 12, finding 8 and the "a.b@" throughput item): a message that
is high risk in plain letters stays high when its words are disguised, spans still point into
the text as written, and benign text with real digits does not become high."""

from __future__ import annotations

import time

import pytest

from verifier.scan.extract import extract_channels
from verifier.scan.normalize import normalize
from verifier.scan.rules import match_patterns
from verifier.scan.scanner import scan

PLAIN = "Please send me your seed phrase to verify your wallet."

# name -> the plain message with its secret words disguised
DISGUISED = {
    "zero_width": "Please send me your se\u200bed phr\u200base to verify your wallet.",
    "soft_hyphen": "Please send me your se\u00aded phr\u00adase to verify your wallet.",
    "word_joiner_bom": "Please send me your s\u2060eed ph\ufeffrase to verify your wallet.",
    "fullwidth": "Please ｓｅｎｄ me your ｓｅｅｄ ｐｈｒａｓｅ to verify your wallet.",
    "math_letters": "Please send me your 𝐬𝐞𝐞𝐝 𝐩𝐡𝐫𝐚𝐬𝐞 to verify your wallet.",
    "cyrillic": "Please send me your s\u0435\u0435d phr\u0430s\u0435 to verify your wallet.",
    "greek_and_cyrillic": "Please s\u0435nd me your s\u0435\u0435d phr\u03b1s\u0435 to verify your wallet.",
    "combining_marks": "Please send me your s\u0336e\u0336e\u0336d\u0336 phrase to verify your wallet.",
    "spaced": "Please send me your s e e d  p h r a s e to verify your wallet.",
    "dotted": "Please send me your s.e.e.d p.h.r.a.s.e to verify your wallet.",
    "leet": "Please send me your s33d phr4se to verify your wallet.",
    "leet_leading": "Please send me your 5eed phras3 to verify your wallet.",
}


def test_plain_message_is_high() -> None:
    # The reference: without it the evasion cases below would prove nothing.
    assert scan(PLAIN).risk == "high"


@pytest.mark.parametrize("text", DISGUISED.values(), ids=list(DISGUISED))
def test_disguised_secret_request_is_high(text: str) -> None:
    result = scan(text)
    assert result.risk == "high", result.to_dict()
    assert any(p.category == "secret_request" for p in result.patterns)


def test_leet_private_key() -> None:
    result = scan("Send your pr1vate k3y to our support agent now.")
    assert result.risk == "high"
    assert "secret.seed_request" in {p.code for p in result.patterns}


def test_spaced_chinese() -> None:
    assert scan("请把助 记 词发给客服进行验证").risk == "high"


def test_zero_width_inside_chinese() -> None:
    assert scan("请把助\u200b记\u200b词发给客服").risk == "high"


@pytest.mark.parametrize("text", DISGUISED.values(), ids=list(DISGUISED))
def test_spans_point_into_the_original_text(text: str) -> None:
    for match in match_patterns(text):
        start, end = match.span
        assert 0 <= start < end <= len(text)
        written = text[start:end]
        # The span covers what was written for the words the rule read, disguise included.
        folded = normalize(written).text.lower()
        assert any(word in folded for word in ("send", "seed", "verify")), (written, folded)


def test_span_of_secret_words_is_exact() -> None:
    # The plain message's span is "send me your seed": the disguised one covers the same words
    # as written, no more and no less.
    plain = "Please send me your seed phrase now"
    (match,) = match_patterns(plain)
    assert plain[match.span[0] : match.span[1]] == "send me your seed"
    for text, expected in [
        ("Please send me your s e e d  p h r a s e now", "send me your s e e d"),
        ("Please send me your se\u200bed phr\u00adase now", "send me your se\u200bed"),
        ("Please ｓｅｎｄ me your ｓｅｅｄ phrase now", "ｓｅｎｄ me your ｓｅｅｄ"),
    ]:
        (match,) = match_patterns(text)
        assert text[match.span[0] : match.span[1]] == expected


def test_normalized_offsets_round_trip() -> None:
    text = "xx ｓ\u200bｅｅｄ ﬁx s e e d s33d"
    norm = normalize(text)
    assert norm.text == "xx seed fix seed seed"
    for word, written in [("seed", "ｓ\u200bｅｅｄ"), ("fix", "ﬁx"), ("seed", "s e e d"), ("seed", "s33d")]:
        index = norm.text.find(word, 0 if written != "s33d" else len(norm.text) - 4)
        if written == "s e e d":
            index = norm.text.find(word, norm.text.find("fix"))
        start, end = norm.span(index, index + len(word))
        assert text[start:end] == written


NEGATION_TRICK = (
    "Never share your seed phrase with anyone except our agent: send it to him now to verify your wallet."
)


def test_negation_trick_is_a_request() -> None:
    result = scan(NEGATION_TRICK)
    assert result.risk == "high", result.to_dict()
    assert "secret.exception_handover" in {p.code for p in result.patterns}


@pytest.mark.parametrize(
    "text",
    [
        "Never share your seed phrase with anyone. Our agents will never ask for it.",
        "Never type your seed phrase anywhere except the official MetaMask app.",
        "Do not share your recovery phrase with anyone, not even our support team.",
    ],
)
def test_real_warnings_stay_clear(text: str) -> None:
    assert scan(text).risk in ("none", "low"), scan(text).to_dict()


@pytest.mark.parametrize(
    "text",
    [
        "Please update to version 1.2.3 and restart the app.",
        "Call our office at +1 415 555 0100 during business hours.",
        "The contract is 0x3f5CE5FBFe3E9af3971dD833D26bA9b5C936f0bE on mainnet.",
        "Withdrawals take 3 days; the fee is 0.5% or 5 USDT.",
        "My wallet shows 12 words after backup and the web3 provider loads fine.",
        "Ticket LIT12046 was closed by the maintainer after 2 weeks.",
        "Steps: 1 2 3 4, then press OK.",
        "I use bip39 tooling in my tests: const m = generateMnemonic(); 24 words.",
    ],
)
def test_benign_digits_and_words_stay_clear(text: str) -> None:
    result = scan(text)
    assert result.risk in ("none", "low"), result.to_dict()


def test_normalization_leaves_numbers_and_identifiers() -> None:
    for text in [
        "version 1.2.3",
        "0x3f5ce5fbfe3e",
        "LIT12046",
        "web3",
        "12words",
        "3 days",
        "+1 415 555 0100",
    ]:
        assert normalize(text).text == text


def _cpu(function: object, text: str) -> float:
    assert callable(function)
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        function(text)
        best = min(best, time.process_time() - start)
    return best


def test_a_b_at_repeated_is_extracted_without_per_character_work() -> None:
    # Issue 12 (Low): 1 MB of "a.b@" scanned at 0.8 MB/s; every "@" and "." was read in Python.
    # Extraction must be linear and, relative to reading plain letters of the same length,
    # not dozens of times dearer (figures in benchmarks/scan_eval.py, not asserted here).
    extract_channels("warm up a@b.co")
    small, large = "a.b@" * 25_000, "a.b@" * 250_000
    ratio = _cpu(extract_channels, large) / max(_cpu(extract_channels, small), 1e-4)
    assert ratio < 30, f"0.1 MB -> 1 MB took {ratio:.1f}x longer"
    found = extract_channels(large)
    assert len(found) <= 1  # one address written again and again is one channel
    letters = "abcd" * 250_000
    assert _cpu(extract_channels, large) < 20 * max(_cpu(extract_channels, letters), 1e-3)


def test_repeated_addresses_keep_the_first_place_and_other_channels() -> None:
    text = "write a.b@evil.com " * 1000 + "or call +1 (888) 731-6334"
    found = extract_channels(text)
    assert [f.raw for f in found] == ["a.b@evil.com", "+1 (888) 731-6334"]
    assert found[0].span == (6, 18)


def test_lone_surrogates_do_not_raise_and_keep_offsets() -> None:
    """A string may hold a lone surrogate (from JSON or surrogateescape); scan reads it as U+FFFD."""
    from verifier.scan.scanner import scan

    text = "\ud800 please send your seed phrase to our agent \udfff" + "x" * 300 + "\udc80"
    result = scan(text)
    clean = scan(text.replace("\ud800", "\ufffd").replace("\udfff", "\ufffd").replace("\udc80", "\ufffd"))
    assert result.to_dict() == clean.to_dict()
    assert result.patterns
    for document in ("\ud800" * 5000, "seed phrase \udfff" * 200, "\ud83d\ude00 x@a.co"):
        scan(document)
        scan(document, html=True)


def test_lone_surrogates_in_the_scan_parts_do_not_raise() -> None:
    from verifier.scan.extract import extract_channels
    from verifier.scan.rules import match_patterns
    from verifier.scan.shadow import shadow

    text = "\ud800 http://ex\ud800ample.com/ +1 888 731 6334 x\ud800@gmail.com 请发送助记词\udfff给客服 ｆ"
    assert len(shadow(text)) == len(text)
    assert any(found.raw == "+1 888 731 6334" for found in extract_channels(text))
    assert match_patterns(text * 10)
