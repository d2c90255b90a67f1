"""Email addresses in the shadow of a text, also defanged ("name[@]domain[.]com") and spelled
out ("name at domain dot com")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from verifier.channels import MAX_INPUT_CHARS
from verifier.model import ChannelKind
from verifier.scan.candidates import DOT, EMAIL_RANK, LABEL, Candidate, hits, trim_trailing

_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")


class _Patterns:
    """The compiled patterns, built on first use (none at import)."""

    def __init__(self) -> None:
        self.at_hits = (
            ("@", re.compile(rf"@(?<=[A-Za-z0-9._%+-]@)(?={LABEL})")),
            ("[@]", re.compile(r"\[@\]")),
            ("at", re.compile(r"at(?<=[\[(]at)(?=[\])])")),  # "[at]", "(at)"
        )
        self.email = re.compile(
            rf"[a-z0-9._%+-]++(?:@|\[(?:@|at)\]|\(at\)|[ \t]+(?:(?P<word>at)|\[at\]|\(at\))[ \t]+)"
            rf"{LABEL}++(?:(?:{DOT}|[ \t]+(?:dot|\[dot\]|\(dot\))[ \t]+){LABEL}++)++",
            re.IGNORECASE,
        )


@cache
def _patterns() -> _Patterns:
    return _Patterns()


def email_candidates(text: str, shadow: str) -> Iterator[Candidate]:
    """Addresses read from each "@" (or "[at]", or a spelled-out " at " before " dot ")."""
    patterns = _patterns()
    ats = hits(shadow, patterns.at_hits)
    # "name at domain dot com": anchored on the rarer " dot ", then back to its " at ".
    dot = shadow.find(" dot ")
    while dot >= 0:
        at = shadow.rfind(" at ", max(0, dot - 100), dot)
        if at >= 0:
            ats.append(at)
        dot = shadow.find(" dot ", dot + 5)
    pos = 0
    for at in sorted(ats):
        if at < pos:
            continue
        start = at
        if shadow[at] != "@":
            start -= 1  # the bracket of "[at]"
        while start > 0 and shadow[start - 1] in " \t" and shadow[at] != "@":
            start -= 1
        floor = max(0, start - 64)  # the longest local part
        while start > floor and shadow[start - 1] in _LOCAL_CHARS:
            start -= 1
        if start > 0 and shadow[start - 1] in _LOCAL_CHARS:
            continue
        match = patterns.email.match(shadow, start)
        if match is None:
            continue
        pos = match.end()
        if match.group("word") and "dot" not in match.group().lower():
            continue  # "we are at metamask.io" is a link; "name at domain dot com" an address
        end = trim_trailing(shadow, start, match.end())
        if end - start <= MAX_INPUT_CHARS:
            yield Candidate(start, end, EMAIL_RANK, ChannelKind.EMAIL, text[start:end])
