"""Matching the rules in one text, clause by clause.

A rule fires when terms of each set it names occur close together in one clause (a sentence,
cut into pieces of at most ``MAX_CLAUSE_CHARS``): a request verb near a secret noun, a redirect
near WhatsApp, a fee near "unlock". Warnings are not requests: a match is dropped when a
negation cue governs it ("never share", "绝不会要求", "嚴禁") or when its sentence is about
scams ("if anyone asks for it, it is a scam").

One search finds the rule terms in the whole text; only clauses that hold an anchor term (the
first set of a rule alternative) are evaluated, and only their sentences are read for cues.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from operator import itemgetter

from verifier.scan.lexicon import WORD_CHARS, Hit
from verifier.scan.matcher import Matcher, Viable
from verifier.scan.ruleset import (
    BREAK,
    CLAUSE_BREAK,
    EXEMPT,
    FRAME,
    LONGEST_TERM,
    MAX_CLAUSE_CHARS,
    NEG,
    NEG_AFTER,
    QUOTE,
    SEVERITIES,
    Rule,
    Spec,
)

EXCERPT_CHARS = 120
_NEGATION_REACH = 100  # a negation cue governs a match that starts at most this far after it
_AFTER_REACH = 15  # "客服电话：暂时没有": a trailing negation this close to the match
_CONTEXT = 30  # characters of context on each side of an excerpt
_MAX_ANCHORS = 8  # placements tried per rule and clause: bounded work per clause
_HEADING_REACH = 5  # list items under a "Scammers will say:" heading that it frames
_RANK = {severity: i for i, severity in enumerate(SEVERITIES)}

_Key = tuple[int, int]  # a clause: (sentence number, piece number)
_START = itemgetter(0)


@dataclass(frozen=True, slots=True)
class PatternMatch:
    """Where a rule matched: character offsets in the scanned text and a one-line excerpt."""

    rule: Rule
    span: tuple[int, int]
    excerpt: str


class RuleScan:
    """One text being matched: its sentences, its rule terms, and the cues read so far."""

    def __init__(self, text: str, matcher: Matcher) -> None:
        self.text = text
        self.matcher = matcher
        lowered = text.lower()
        if len(lowered) != len(text):  # "İ" lowers to two characters: keep offsets aligned
            lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        self.padded = " " + lowered
        self.hits = matcher.terms.find(self.padded)
        self.positions = [hit[0] for hit in self.hits]  # for bisect without a key function
        # Sentence n is text[self.starts[n]:self.stops[n]]; split only if an anchor is found.
        self.ends: list[int] = []
        self.starts = [0]
        self.stops = [len(text)]
        self._cues: dict[int, list[Hit]] = {}
        self._framed: dict[int, bool] = {}

    def matches(self) -> list[PatternMatch]:
        """All rule matches that are not negated or warnings, by start; at most one per rule
        and sentence."""
        anchoring = self.matcher.anchoring
        anchors = [position for position, _, names in self.hits if names in anchoring]
        if not anchors:
            return []
        runs = [m.span() for m in self.matcher.sentence_end.finditer(self.text)]
        self.ends = [start for start, _ in runs]
        self.starts = [0, *(end for _, end in runs)]
        self.stops = [*self.ends, len(self.text)]
        ends, starts, stops, keys = self.ends, self.starts, self.stops, set()
        clause_end = -1
        for position in anchors:
            if position >= clause_end:
                sentence = bisect.bisect_right(ends, position)
                start, end = starts[sentence], stops[sentence]
                piece = (position - start) // MAX_CLAUSE_CHARS
                keys.add((sentence, piece))
                clause_end = min(end, start + (piece + 1) * MAX_CLAUSE_CHARS)
        clauses = [clause for key in sorted(keys) if (clause := self.clause(key))[3]]
        self.read_cues([key[0] for key, *_ in clauses])
        found = [match for clause in clauses for match in self.matches_in(*clause)]
        return sorted(found, key=lambda m: (m.span[0], m.rule.code))

    def clause(self, key: _Key) -> tuple[_Key, tuple[int, int], list[Hit], Viable]:
        """A clause's bounds, its rule terms and the rules they can satisfy."""
        number, piece = key
        start = self.starts[number] + piece * MAX_CLAUSE_CHARS
        bounds = start, min(self.stops[number], start + MAX_CLAUSE_CHARS)
        positions = self.positions
        low = bisect.bisect_left(positions, bounds[0])
        terms = self.hits[low : bisect.bisect_left(positions, bounds[1], low)]
        return key, bounds, terms, self.matcher.viable(frozenset().union(*[n for _, _, n in terms]))

    def matches_in(
        self, key: _Key, bounds: tuple[int, int], terms: list[Hit], viable: Viable
    ) -> list[PatternMatch]:
        cues = self.cues(key[0])
        if cues:
            cues = _between(cues, *bounds)
        negations = any(NEG in names or NEG_AFTER in names for _, _, names in cues)
        # Cue hits hold only cue sets, so rules are placed on the terms; the cues, merged in,
        # are read only to tell whether a placement is negated.
        hits = _merge(terms, cues) if negations else terms
        warning: bool | None = None
        found: list[tuple[Rule, tuple[int, int]]] = []
        for spec, alternatives in viable:
            if spec.framed:
                warning = self.is_warning(key, cues) if warning is None else warning
                if warning:
                    continue
            for alternative in alternatives:
                check_negation = negations and spec.negatable
                span = _place(self.text, terms, hits, bounds, spec, alternative, check_negation)
                if span is not None:
                    found.append((spec.rule, span))
                    break
        return [
            PatternMatch(rule, span, _excerpt(self.text, bounds, span)) for rule, span in _strongest(found)
        ]

    def read_cues(self, sentences: list[int]) -> None:
        """Read the cues of the sentences (sorted), one search for each run of neighbours.

        A sentence's cues are those a search of the sentence alone finds (one character
        before it, as a word boundary, and nothing after it). A search of several sentences
        finds the same in each, unless a cue can run on past the character that ends one (a
        line break is a separator, "seed\nphrase"): runs are cut there.
        """
        crossing, stops = self.matcher.cue_crossing, self.stops
        run: list[int] = []
        for sentence in sentences:
            if sentence in self._cues or (run and sentence == run[-1]):
                continue
            if run and (sentence != run[-1] + 1 or self.text[stops[run[-1]]] in crossing):
                self._read_run(run)
                run = []
            run.append(sentence)
        if run:
            self._read_run(run)

    def _read_run(self, run: list[int]) -> None:
        starts, stops = self.starts, self.stops
        found = self.matcher.cues.find(self.padded, starts[run[0]], stops[run[-1]] + 1)
        if len(run) == 1:
            self._keep_cues(run[0], found)
            return
        for sentence in run:
            # The search of the sentence alone starts one character before it.
            low = bisect.bisect_left(found, starts[sentence] - 1, key=_START)
            self._keep_cues(sentence, found[low : bisect.bisect_left(found, stops[sentence], key=_START)])

    def _keep_cues(self, sentence: int, cues: list[Hit]) -> None:
        # A cue inside an exempting phrase ("not a scam", "don't worry", "无法提现") is part of
        # it, not a cue.
        exempt = [cue for cue in cues if EXEMPT in cue[2]]
        if exempt:
            cues = [cue for cue in cues if EXEMPT in cue[2] or not _within(cue, exempt)]
        self._cues[sentence] = cues
        self._framed[sentence] = any(FRAME in names for _, _, names in cues)

    def cues(self, sentence: int) -> list[Hit]:
        """The negation and warning cues of a sentence, read once."""
        if sentence not in self._cues:
            self._read_run([sentence])
        return self._cues[sentence]

    def framed(self, sentence: int) -> bool:
        """Whether the sentence talks about scams (scam, 骗, beware, "if anyone asks" ...)."""
        if not 0 <= sentence <= len(self.ends):
            return False
        if sentence not in self._framed:
            self._read_run([sentence])
        return self._framed[sentence]

    def is_warning(self, key: _Key, cues: list[Hit]) -> bool:
        """Whether the clause's sentence talks about scams: it says so itself, it is quoted next
        to a sentence that does, or it is an item under a "Scammers will say:" heading."""
        number = key[0]
        if self.framed(number):
            return True
        quoted = any(QUOTE in names for _, _, names in cues)
        if quoted and (self.framed(number - 1) or self.framed(number + 1)):
            return True
        text, starts, stops = self.text, self.starts, self.stops
        start = starts[number]
        for heading in range(number - 1, max(number - 1 - _HEADING_REACH, -1), -1):
            heading_start, heading_end = starts[heading], stops[heading]
            if self.matcher.blank_line.search(text, heading_end, start):
                return False
            if text[heading_start:heading_end].rstrip()[-1:] in (":", "："):
                return self.framed(heading)
        return False


def _within(hit: Hit, others: list[Hit]) -> bool:
    """Whether the hit lies inside another, longer hit (of a list sorted by start)."""
    i = bisect.bisect_right(others, hit[0], key=_START)
    while i > 0 and others[i - 1][0] >= hit[0] - 3 * LONGEST_TERM:
        i -= 1
        if others[i][1] >= hit[1] and others[i][:2] != hit[:2]:
            return True
    return False


def _between(hits: list[Hit], start: int, end: int) -> list[Hit]:
    """The hits (sorted by start) that start in [start, end)."""
    return hits[bisect.bisect_left(hits, start, key=_START) : bisect.bisect_left(hits, end, key=_START)]


def _merge(terms: list[Hit], cues: list[Hit]) -> list[Hit]:
    """Rule terms and cues by start. A cue inside a longer rule term is part of that term
    ("将无法" is a threat, not the negation "无法"); one with the same span joins its sets."""
    if not cues:
        return terms
    spans = {hit[:2]: i for i, hit in enumerate(terms)}
    merged = list(terms)
    for cue in cues:
        if (same := spans.get(cue[:2])) is not None:
            merged[same] = (cue[0], cue[1], merged[same][2] | cue[2])
        elif not _within(cue, terms):
            merged.append(cue)
    merged.sort()
    return merged


def _place(
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


def _strongest(found: list[tuple[Rule, tuple[int, int]]]) -> list[tuple[Rule, tuple[int, int]]]:
    """Keep, per category, only the most severe matches of the clause."""
    if len(found) < 2:
        return found
    best: dict[str, int] = {}
    for rule, _ in found:
        best[rule.category] = min(best.get(rule.category, 9), _RANK[rule.severity])
    return [(rule, span) for rule, span in found if _RANK[rule.severity] == best[rule.category]]


def _excerpt(text: str, bounds: tuple[int, int], span: tuple[int, int]) -> str:
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
