"""Confusable skeletons (UTS #39): two strings that look alike have the same skeleton."""

from __future__ import annotations

import unicodedata
from functools import cache
from importlib import resources

# Code points whose skeletons are remembered; past this, rare ones are recomputed each time.
_MAX_REMEMBERED = 20_000


@cache
def _table() -> dict[int, str]:
    text = resources.files("verifier.lookalike").joinpath("confusables.txt").read_text("utf-8")
    table: dict[int, str] = {}
    for line in text.splitlines():
        body = line.split("#", 1)[0].strip()
        if not body:
            continue
        source, target = (part.strip() for part in body.split(";"))
        table[int(source, 16)] = "".join(chr(int(cp, 16)) for cp in target.split())
    return table


def _strip_marks(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))


def skeleton_by_steps(text: str) -> str:
    """The skeleton computed step by step, as ``skeleton`` defines it (slower; for tests)."""
    table = _table()
    once = _strip_marks(text).translate(table).casefold()
    return _strip_marks(once.translate(table)).casefold()


class _Skeletons(dict[int, str]):
    """A ``str.translate`` table from a code point to its skeleton, filled on first sight."""

    def __missing__(self, code_point: int) -> str:
        value = skeleton_by_steps(chr(code_point))
        if len(self) < _MAX_REMEMBERED:
            self[code_point] = value
        return value


_SKELETONS = _Skeletons()


def skeleton_table() -> dict[int, str]:
    """The ``str.translate`` table ``skeleton`` uses: code point to skeleton, filled on first sight."""
    return _SKELETONS


def skeleton(text: str) -> str:
    """The lowercase skeleton of ``text``: confusables mapped to their ASCII prototype.

    Diacritics are dropped (``à`` reads as ``a`` in a domain), the mapping is applied
    before and after case folding so ``I``, ``1`` and ``l`` meet, and ``m`` becomes
    ``rn`` as in UTS #39, so ``rnetamask`` and ``metamask`` share a skeleton.
    """
    # Every step (decomposing and dropping marks, the confusable map, case folding) works
    # character by character, so a string's skeleton is its characters' skeletons in a row.
    return text.translate(_SKELETONS)


def is_ascii_name(text: str) -> bool:
    """Whether every character is ASCII (an IDN label is not)."""
    return text.isascii()
