"""Email addresses in the shadow of a text, also defanged ("name[@]domain[.]com") and spelled
out ("name at domain dot com")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from verifier.channels import MAX_INPUT_CHARS
from verifier.model import ChannelKind
from verifier.scan.candidates import DOT, EMAIL_RANK, LABEL, Candidate, trim_trailing

_LOCAL = "[a-z0-9._%+-]"
_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")
_SPARSE_ATS = 2000  # up to this many "@", each is read from where it stands
_DOMAIN = rf"{LABEL}++(?:(?:{DOT}|[ \t]+(?:dot|\[dot\]|\(dot\))[ \t]+){LABEL}++)++"


class _Patterns:
    """The compiled patterns, built on first use (none at import)."""

    def __init__(self) -> None:
        # A whole address, found in one pass of the engine from the start of its local part
        # (at most 64 characters, not inside a longer run of them): no Python work per "@",
        # so a megabyte of "a.b@" costs what one search costs. It starts with the class of
        # its first character, which the engine skips to, then looks back past it.
        self.address = re.compile(
            rf"{_LOCAL}(?<!{_LOCAL}.){_LOCAL}{{0,63}}+"
            rf"(?:@|\[(?:@|at)\]|\(at\)|[ \t]+(?:\[at\]|\(at\))[ \t]+)(?={LABEL}){_DOMAIN}",
            re.IGNORECASE,
        )
        # "[at]" or "(at)" in any case (only "A" lowers to "a", only "T" to "t").
        self.bracketed_at = re.compile(r"\[[aA][tT]\]|\([aA][tT]\)")
        # "name at domain dot com", read from its " at " (found back from the rarer " dot ").
        self.spelled = re.compile(rf"{_LOCAL}++[ \t]+(?P<word>at)[ \t]+{_DOMAIN}", re.IGNORECASE)


@cache
def _patterns() -> _Patterns:
    return _Patterns()


def email_candidates(text: str, shadow: str) -> Iterator[Candidate]:
    """Addresses with "@" (or "[@]", "[at]", "(at)"), and spelled-out ones with " at " before
    " dot ". An address written again is yielded once (its first place): spam repeats one."""
    spelled = _spelled(shadow)
    marked = "@" in shadow or "at]" in shadow or "at)" in shadow or "AT]" in shadow or "AT)" in shadow
    if spelled:  # rare: merge both kinds in order, the earliest of overlapping ones kept
        found = list(_addresses(shadow)) if marked else []
        spans: Iterator[tuple[int, int]] = iter(_earliest(sorted(found + spelled)))
    elif marked:
        spans = _distinct_addresses(shadow) if shadow.count("@") > _SPARSE_ATS else _addresses(shadow)
    else:
        return
    seen: set[str] = set()
    for start, stop in spans:
        written = shadow[start:stop]
        if written in seen:
            continue
        seen.add(written)
        end = trim_trailing(shadow, start, stop)
        if end - start <= MAX_INPUT_CHARS:
            yield Candidate(start, end, EMAIL_RANK, ChannelKind.EMAIL, text[start:end])


def _addresses(shadow: str) -> Iterator[tuple[int, int]]:
    """The spans of the addresses, in order. Few "@" (most text): read from each "@" (or
    "[at]", "(at)", "[@]") back to its local part, then one anchored match; many (a flood of
    "a.b@"): one search of the whole text, so that no Python work is done per "@"."""
    patterns = _patterns()
    if shadow.count("@") > _SPARSE_ATS:
        yield from (m.span() for m in patterns.address.finditer(shadow))
        return
    anchors = _find_all(shadow, "@")
    # Rare: "[at]" or "(at)" in some case, found in the shadow itself (a lower-cased copy may
    # be longer: "İ" lowers to two characters).
    anchors += [match.start() for match in patterns.bracketed_at.finditer(shadow)]
    pos = 0
    for anchor in sorted(set(anchors)):
        if anchor < pos:
            continue
        start = anchor - 1 if shadow[anchor] == "@" and anchor and shadow[anchor - 1] == "[" else anchor
        if start != anchor or shadow[anchor] != "@":
            while start > 0 and shadow[start - 1] in " \t":
                start -= 1
        end, floor = start, max(0, start - 64)
        while start > floor and shadow[start - 1] in _LOCAL_CHARS:
            start -= 1
        match = patterns.address.match(shadow, start) if start < end else None
        if match is not None:
            pos = match.end()
            yield match.span()


def _distinct_addresses(shadow: str) -> Iterator[tuple[int, int]]:
    """The dense case of ``_addresses`` (a flood of "@"), with each address written again left
    out (its first place kept, as ``email_candidates`` would). The texts come from one
    ``findall`` (plain strings, not match objects the cyclic collector would walk) and are
    counted apart in C; the search is then read only until each has been met once."""
    pattern = _patterns().address
    wanted = len(dict.fromkeys(pattern.findall(shadow)))
    first: dict[str, tuple[int, int]] = {}
    if wanted:
        for match in pattern.finditer(shadow):
            first.setdefault(match.group(), match.span())
            if len(first) == wanted:
                break
    return iter(first.values())  # in order of first place


def _find_all(text: str, literal: str) -> list[int]:
    found, at = [], text.find(literal)
    while at >= 0:
        found.append(at)
        at = text.find(literal, at + 1)
    return found


def _earliest(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Of sorted spans, those that do not overlap one kept before them."""
    kept, pos = [], 0
    for start, stop in spans:
        if start >= pos:
            kept.append((start, stop))
            pos = stop
    return kept


def _spelled(shadow: str) -> list[tuple[int, int]]:
    """Spelled-out addresses, "name at domain dot com": anchored on " dot ", then back to its " at "."""
    spans = []
    pattern = _patterns().spelled
    dot = shadow.find(" dot ")
    while dot >= 0:
        at = shadow.rfind(" at ", max(0, dot - 100), dot)
        if at >= 0:
            start = at
            floor = max(0, start - 64)  # the longest local part
            while start > floor and shadow[start - 1] in _LOCAL_CHARS:
                start -= 1
            if not (start > 0 and shadow[start - 1] in _LOCAL_CHARS):
                match = pattern.match(shadow, start)
                if match is not None and "dot" in match.group().lower():
                    spans.append(match.span())
        dot = shadow.find(" dot ", dot + 5)
    return spans
