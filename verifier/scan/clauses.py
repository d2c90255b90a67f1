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

from verifier.scan.lexicon import Hit
from verifier.scan.matcher import Matcher, Viable
from verifier.scan.normalize import Normalized
from verifier.scan.placement import between, excerpt, merge, place, strongest, within
from verifier.scan.ruleset import (
    EXEMPT,
    FRAME,
    MAX_CLAUSE_CHARS,
    NEG,
    NEG_AFTER,
    QUOTE,
    Rule,
)

_HEADING_REACH = 5  # list items under a "Scammers will say:" heading that it frames

_Key = tuple[int, int]  # a clause: (sentence number, piece number)
_START = itemgetter(0)


@dataclass(frozen=True, slots=True)
class PatternMatch:
    """Where a rule matched: character offsets in the scanned text and a one-line excerpt."""

    rule: Rule
    span: tuple[int, int]
    excerpt: str


def _needs_cues(viable: Viable) -> bool:
    """Whether any rule of the clause may be negated or dropped as a warning."""
    return any(spec.negatable or spec.framed for spec, _ in viable)


class RuleScan:
    """One text being matched: its sentences, its rule terms, and the cues read so far."""

    def __init__(self, text: str, matcher: Matcher, origin: Normalized | None = None) -> None:
        # ``text`` is what the rules read; with ``origin`` (its normalization), spans and
        # excerpts are given in the original text.
        self.text = text
        self.origin = origin
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
        # Cues are read only for clauses where a rule may be negated or framed as a warning.
        self.read_cues([key[0] for key, _, _, viable in clauses if _needs_cues(viable)])
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
        cues = self.cues(key[0]) if _needs_cues(viable) else []
        if cues:
            cues = between(cues, *bounds)
        negations = any(NEG in names or NEG_AFTER in names for _, _, names in cues)
        # Cue hits hold only cue sets, so rules are placed on the terms; the cues, merged in,
        # are read only to tell whether a placement is negated.
        hits = merge(terms, cues) if negations else terms
        warning: bool | None = None
        found: list[tuple[Rule, tuple[int, int]]] = []
        for spec, alternatives in viable:
            if spec.framed:
                warning = self.is_warning(key, cues) if warning is None else warning
                if warning:
                    continue
            for alternative in alternatives:
                check_negation = negations and spec.negatable
                span = place(self.text, terms, hits, bounds, spec, alternative, check_negation)
                if span is not None:
                    found.append((spec.rule, span))
                    break
        return [self._match(rule, span, bounds) for rule, span in strongest(found)]

    def _match(self, rule: Rule, span: tuple[int, int], bounds: tuple[int, int]) -> PatternMatch:
        origin = self.origin
        if origin is None or not origin.changed:
            return PatternMatch(rule, span, excerpt(self.text, bounds, span))
        span, bounds = origin.span(*span), origin.span(*bounds)
        return PatternMatch(rule, span, excerpt(origin.original, bounds, span))

    def read_cues(self, sentences: list[int]) -> None:
        """Read the cues of the sentences (sorted), one search for each run of neighbours.

        A sentence's cues are those a search of the sentence alone finds (one character
        before it, as a word boundary, and nothing after it). A search of several sentences
        finds the same in each, unless a cue can run on past the character that ends one (a
        line break is a separator: "do not" ending a line and "worry" starting the next are
        one cue): runs are cut there.
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
            cues = [cue for cue in cues if EXEMPT in cue[2] or not within(cue, exempt)]
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
