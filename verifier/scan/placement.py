"""Placing a rule in one clause: its terms within the rule's window, not governed by a
negation cue; per category only the most severe; the excerpt that shows it."""

from __future__ import annotations

import bisect
from operator import itemgetter

from verifier.scan.lexicon import WORD_CHARS, Hit
from verifier.scan.ruleset import (
    BREAK,
    CLAUSE_BREAK,
    EXEMPT,
    LONGEST_TERM,
    NEG,
    NEG_AFTER,
    SEVERITIES,
    Rule,
    Spec,
)

EXCERPT_CHARS = 120
_NEGATION_REACH = 100  # a negation cue governs a match that starts at most this far after it
_AFTER_REACH = 15  # "客服电话：暂时没有": a trailing negation this close to the match
_CONTEXT = 30  # characters of context on each side of an excerpt
_MAX_ANCHORS = 8  # placements tried per rule and clause: bounded work per clause
_RANK = {severity: i for i, severity in enumerate(SEVERITIES)}
_START = itemgetter(0)


def within(hit: Hit, others: list[Hit]) -> bool:
    """Whether the hit lies inside another, longer hit (of a list sorted by start)."""
    i = bisect.bisect_right(others, hit[0], key=_START)
    while i > 0 and others[i - 1][0] >= hit[0] - 3 * LONGEST_TERM:
        i -= 1
        if others[i][1] >= hit[1] and others[i][:2] != hit[:2]:
            return True
    return False


def between(hits: list[Hit], start: int, end: int) -> list[Hit]:
    """The hits (sorted by start) that start in [start, end)."""
    return hits[bisect.bisect_left(hits, start, key=_START) : bisect.bisect_left(hits, end, key=_START)]


def merge(terms: list[Hit], cues: list[Hit]) -> list[Hit]:
    """Rule terms and cues by start. A cue inside a longer rule term is part of that term
    ("将无法" is a threat, not the negation "无法"); one with the same span joins its sets."""
    if not cues:
        return terms
    spans = {hit[:2]: i for i, hit in enumerate(terms)}
    merged = list(terms)
    for cue in cues:
        if (same := spans.get(cue[:2])) is not None:
            merged[same] = (cue[0], cue[1], merged[same][2] | cue[2])
        elif not within(cue, terms):
            merged.append(cue)
    merged.sort()
    return merged


def place(
    text: str,
    terms: list[Hit],
    hits: list[Hit],
    bounds: tuple[int, int],
    spec: Spec,
    alternative: tuple[str, ...],
    check_negation: bool,
) -> tuple[int, int] | None:
    """The first placement of the alternative's terms within the window that is not negated:
    from each of the first hits of its rarest set, the nearest hit of each other set that
    starts elsewhere (one term fills one role). The terms are placed; hits, the terms with the
    clause's cues merged in, are read for negation."""
    if len(alternative) == 1:  # most alternatives: the first hits of one set, in order
        name, tried = alternative[0], 0
        for hit in terms:
            if name in hit[2]:
                if not (check_negation and _negated(text, hits, bounds[0], (hit[0], hit[1]))):
                    return hit[0], hit[1]
                tried += 1
                if tried == _MAX_ANCHORS:
                    break
        return None
    lists = sorted(([hit for hit in terms if name in hit[2]] for name in alternative), key=len)
    others, window = lists[1:], spec.window
    for anchor in lists[0][:_MAX_ANCHORS]:
        position = anchor[0]
        low, high, taken = position, anchor[1], [position]
        for found in others:
            near = _nearest(found, position, taken)
            if near is None or abs(near[0] - position) > window:
                break
            low, high = min(low, near[0]), max(high, near[1])
            taken.append(near[0])
        else:
            if not (check_negation and _negated(text, hits, bounds[0], (low, high))):
                return low, high
    return None


def _nearest(hits: list[Hit], position: int, taken: list[int]) -> Hit | None:
    """The hit (of a list sorted by start) starting nearest to position, other than those
    starting where a term was taken."""
    right = bisect.bisect_left(hits, position, key=_START)
    left = right - 1
    while left >= 0 or right < len(hits):
        if right < len(hits) and (left < 0 or hits[right][0] - position <= position - hits[left][0]):
            if hits[right][0] not in taken:
                return hits[right]
            right += 1
        else:
            if hits[left][0] not in taken:
                return hits[left]
            left -= 1
    return None


def _negated(text: str, hits: list[Hit], clause_start: int, span: tuple[int, int]) -> bool:
    """Whether a negation cue governs the span: before it (or inside, "助记词千万不要发给"), with
    no contrast or new request in between; or right after it in the same clause."""
    start, end = span
    for cue_start, cue_end, classes in hits:
        if EXEMPT in classes:
            continue
        if NEG in classes and start - _NEGATION_REACH <= cue_start < end:
            if cue_start >= start or not _scope_broken(text, hits, clause_start, cue_end, start):
                return True
        elif (
            NEG_AFTER in classes
            and end <= cue_start <= end + _AFTER_REACH
            and not _clause_mark(text, end, cue_start)
        ):
            return True
    return False


def _clause_mark(text: str, start: int, end: int) -> bool:
    """Whether a comma or semicolon (ASCII or CJK) stands in text[start:end]."""
    return any(mark in text[start:end] for mark in ",，、;；")


def _scope_broken(text: str, hits: list[Hit], clause_start: int, after: int, before: int) -> bool:
    """A contrast ("but", "但是") or a new request opening a clause ("..., please send") ends
    a negation's reach."""
    for start, _, classes in hits:
        if after <= start < before:
            if BREAK in classes:
                return True
            if CLAUSE_BREAK in classes:
                preceding = text[max(clause_start, start - 8) : start].rstrip()
                if not preceding or preceding[-1] in ",，、:：;；(（":
                    return True
    return False


def strongest(found: list[tuple[Rule, tuple[int, int]]]) -> list[tuple[Rule, tuple[int, int]]]:
    """Keep, per category, only the most severe matches of the clause."""
    if len(found) < 2:
        return found
    best: dict[str, int] = {}
    for rule, _ in found:
        best[rule.category] = min(best.get(rule.category, 9), _RANK[rule.severity])
    return [(rule, span) for rule, span in found if _RANK[rule.severity] == best[rule.category]]


def excerpt(text: str, bounds: tuple[int, int], span: tuple[int, int]) -> str:
    """The matched text with up to _CONTEXT characters of its clause each side, on one line,
    without half words at the edges."""
    start, end = span
    left, right = max(bounds[0], start - _CONTEXT), min(bounds[1], end + _CONTEXT)
    words = text[left:right].split()
    if left < start and left > bounds[0] and _is_word(text[left - 1 : left + 1]):
        words = words[1:]
    if right > end and right < bounds[1] and _is_word(text[right - 1 : right + 1]):
        words = words[:-1]
    excerpt = " ".join(words)
    if len(excerpt) <= EXCERPT_CHARS:
        return excerpt
    core = " ".join(text[start:end].split())
    if len(core) >= EXCERPT_CHARS:
        return core[: EXCERPT_CHARS - 1] + "…"
    at = excerpt.find(core)
    spare = (EXCERPT_CHARS - len(core)) // 2
    begin = max(0, min(at - spare, len(excerpt) - EXCERPT_CHARS))
    return excerpt[begin : begin + EXCERPT_CHARS].strip()


def _is_word(pair: str) -> bool:
    """Whether two characters are both ASCII letters or digits (a cut there splits a word)."""
    return len(pair) == 2 and pair[0].lower() in WORD_CHARS and pair[1].lower() in WORD_CHARS
