"""The word lists of ``words.toml``, loaded once."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any


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
    context = _context_pattern()
    return context is not None and context.search(rest) is not None and only_keywords(rest)


def word_list(name: str) -> frozenset[str]:
    """One list of words.toml by its key."""
    return _words()[name]


def trie_pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    """A pattern finding any of ``words``, written as a trie ("a(?:irdrop|sset)|b..."): Python's
    regular expressions try a flat alternation word by word at each place, a trie letter by
    letter. None for no words."""
    trie: dict[str, Any] = {}
    for word in words:
        if not word:
            continue
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + render(child) if char else "" for char, child in sorted(node.items())]
        if len(branches) == 1:
            return branches[0]
        optional = "" in branches
        body = "|".join(b for b in branches if b)
        return f"(?:{body})?" if optional else f"(?:{body})"

    return re.compile(render(trie)) if trie else None


@cache
def _context_pattern() -> re.Pattern[str] | None:
    return trie_pattern(crypto_context())
