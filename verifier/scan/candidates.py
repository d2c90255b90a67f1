"""A contact channel as first read from the shadow of a text, before a parser accepts it, and
the pieces every reader (links, emails, phone numbers, handles) shares."""

from __future__ import annotations

import re
from typing import NamedTuple

from verifier.model import ChannelKind

# At one place, the kind read first wins a tie of length: an email holds a host name, a link
# may hold a phone-like run of digits, a handle is the last resort.
EMAIL_RANK, URL_RANK, PHONE_RANK, HANDLE_RANK = range(4)

# Characters that render as nothing; the parsers strip them, so they may sit inside a token.
INV = "\u00ad\u200b-\u200d\u2060\ufeff"
LABEL = rf"[0-9A-Za-z\u00c0-\u024f\u0370-\u04ff{INV}-]"  # no CJK: Chinese text runs into domains
DOT = r"(?:\.|\[(?:\.|dot)\]|\((?:\.|dot)\)|\{\.\})"
OPENERS = {")": "(", "]": "[", "}": "{"}
_TRAILING = ".,;:!?\"'*_>)]}"


class Candidate(NamedTuple):  # a tuple: thousands are made per megabyte
    start: int
    end: int
    rank: int
    kind: ChannelKind
    raw: str
    platform: str | None = None


def hits(shadow: str, patterns: tuple[tuple[str, re.Pattern[str]], ...]) -> list[int]:
    """Where any of ``patterns`` matches, in order; a pattern whose literal is absent is not run.

    The patterns are literal-led, one pass each: the engine finds a literal far faster than it
    tests a character class (or an alternation) at every position.
    """
    return sorted(
        match.start()
        for literal, pattern in patterns
        if literal in shadow
        for match in pattern.finditer(shadow)
    )


def trim_trailing(shadow: str, start: int, end: int) -> int:
    """End of a link without the punctuation after it; a ``)`` stays if the link opened one."""
    unclosed: dict[str, int] = {}
    while end > start and shadow[end - 1] in _TRAILING:
        closer = shadow[end - 1]
        opener = OPENERS.get(closer)
        if opener is not None:
            if closer not in unclosed:
                unclosed[closer] = shadow.count(opener, start, end) - shadow.count(closer, start, end)
            if unclosed[closer] >= 0:
                break
            unclosed[closer] += 1
        end -= 1
    return end
