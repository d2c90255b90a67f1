"""The dense paths of the scan (a flood of zero-width characters, leet words, "@" or dots)
give what the per-place paths give on the same pieces of text (issue 14)."""

from __future__ import annotations

from verifier.scan import emails, normalize
from verifier.scan.extract import extract_channels
from verifier.scan.normalize import Normalized
from verifier.scan.shadow import shadow


def _spans(result: Normalized, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [result.span(start, end) for start, end in pieces]


def test_zero_width_flood_maps_spans_back() -> None:
    text = "s\u200be\u200be\u200bd \ufb01x ｆｕｌｌ " * 3
    result = normalize.normalize(text)
    assert result.text == "seed fix full " * 3
    # "seed" of the second copy maps back to where it is written, zero-width spaces and all.
    assert result.original[slice(*result.span(14, 18))] == "s\u200be\u200be\u200bd"
    assert result.original[slice(*result.span(19, 21))] == "\ufb01"


def test_leet_flood_reads_as_the_few_words() -> None:
    words = "s33d phr4se pr1vate k3y "
    few = normalize.normalize(words * 3).text
    many = normalize.normalize(words * 2000).text  # more than _DENSE_LEET sites
    assert many == few[: len(words)] * 2000
    assert few.startswith("seed phrase private key ")


def test_email_flood_keeps_first_place_of_each_address() -> None:
    text = "x@a.co " * 2100 + "y@b.io " + "x@a.co " * 10  # more than _SPARSE_ATS "@"
    found = list(emails.email_candidates(text, shadow(text)))
    assert [(c.start, c.raw) for c in found] == [(0, "x@a.co"), (2100 * 7, "y@b.io")]


def test_dot_flood_is_one_host_and_later_links_are_found() -> None:
    text = "a." * 5000 + " then see phish.example.com/x"
    raws = [f.raw for f in extract_channels(text)]
    assert raws == ["phish.example.com/x"]
