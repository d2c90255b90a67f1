"""The word lists of ``words.toml``, loaded once."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources


@cache
def _words() -> dict[str, frozenset[str]]:
    data = tomllib.loads(resources.files("verifier.lookalike").joinpath("words.toml").read_text("utf-8"))
    return {key: frozenset(str(w).casefold() for w in value) for key, value in data.items()}


def keywords() -> frozenset[str]:
    """Words scam names add to a brand: support, help, kefu, login, verify ..."""
    return _words()["keywords"]


def common_words() -> frozenset[str]:
    """Brand labels that are ordinary words or too short to be distinctive on their own."""
    return _words()["common_words"]


def only_keywords(rest: str) -> bool:
    """Whether ``rest`` (what is left of a name around a brand token) is just keywords,
    digits and separators, e.g. ``-support``, ``help24``, ``officialkefu``."""
    pieces = [p for p in "".join(ch if ch.isalpha() else " " for ch in rest).split() if p]
    return all(_segments(p) for p in pieces)


@cache
def _segments(word: str) -> bool:
    # True when the word splits entirely into keywords ("officialsupport" -> official + support).
    if word in keywords():
        return True
    return any(word[:i] in keywords() and _segments(word[i:]) for i in range(2, len(word) - 1))


def crypto_context() -> frozenset[str]:
    """Words that put a short or dictionary-word brand name in a wallet setting (words.toml)."""
    return _words()["crypto_context"]


def wallet_words(rest: str) -> bool:
    """Whether ``rest`` (what is left of a name around a brand token) is just keywords, digits
    and separators, among them a crypto-context word: ``-support``, ``kefu``, ``walletsync``;
    not ``hub``, ``get``, ``1911`` or ``en``, which ordinary names put beside a dictionary word."""
    return only_keywords(rest) and any(word in rest for word in crypto_context())


def word_list(name: str) -> frozenset[str]:
    """One list of words.toml by its key."""
    return _words()[name]
