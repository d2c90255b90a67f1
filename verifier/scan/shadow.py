"""The "shadow" of a text: the same text with fullwidth forms, mathematical digits, dash and
space variants folded to ASCII, one character for one, so every offset found in the shadow
indexes the original."""

from __future__ import annotations

from functools import cache

from ahocorasick_rs import AhoCorasick

from verifier.scan.normalize import without_surrogates


def shadow(text: str) -> str:
    """``text`` with each foldable character replaced by its ASCII form (same length)."""
    if text.isascii():
        return text
    folds, automaton = _folds()
    # One pass finds which foldable characters occur; each is then replaced in C.
    try:
        found = automaton.find_matches_as_indexes(text)
    except UnicodeEncodeError:  # a lone surrogate: matched as U+FFFD, left as it is
        found = automaton.find_matches_as_indexes(without_surrogates(text))
    for index in {index for index, _, _ in found}:
        text = text.replace(*folds[index])
    return text


@cache
def _folds() -> tuple[list[tuple[str, str]], AhoCorasick]:
    folds = sorted((chr(cp), chr(ascii_cp)) for cp, ascii_cp in _fold_table().items())
    return folds, AhoCorasick([char for char, _ in folds])


def _fold_table() -> dict[int, int]:
    table = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}  # fullwidth ASCII
    table.update({cp: ord("0") + (cp - 0x1D7CE) % 10 for cp in range(0x1D7CE, 0x1D800)})  # math digits
    table.update(dict.fromkeys([*range(0x2010, 0x2016), 0x2212, 0xFE58, 0xFE63], ord("-")))
    table.update(dict.fromkeys([0x00A0, 0x3000, *range(0x2000, 0x200B), 0x202F, 0x205F], ord(" ")))
    table.update({0x3002: ord("."), 0xFF61: ord("."), 0x3010: ord("["), 0x3011: ord("]")})
    return table
