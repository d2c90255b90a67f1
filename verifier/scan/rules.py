"""Scam-pattern rules: the phrases of fake-support scripts, loaded from ``rules/*.toml``.

A rule fires when terms of each set it names occur close together in one clause (a sentence,
cut into pieces of at most 500 characters): a request verb near a secret noun, a redirect near
WhatsApp, a fee near "unlock". Warnings are not requests: a match is dropped when a negation
cue governs it ("never share", "绝不会要求", "嚴禁") or when its sentence is about scams ("if
anyone asks for it, it is a scam").

Terms are literals compiled into trie-shaped regular expressions with no unbounded repetition,
so each character is examined a bounded number of times: matching is linear in the length of
the text. One scan finds the rule terms; only clauses that hold an anchor term (the first set
of a rule alternative) are evaluated, and only their sentences are read for cues.
"""

from __future__ import annotations

import bisect
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from operator import itemgetter
from typing import Any

from verifier.errors import VerifierError
from verifier.scan.lexicon import WORD_CHARS as _WORD_CHARS
from verifier.scan.lexicon import Hit as _Hit
from verifier.scan.lexicon import Lexicon as _Lexicon
from verifier.scan.lexicon import expand_term as _expand

CATEGORIES = frozenset({
    "secret_request", "remote_access", "fake_dapp", "fee_request", "recovery_offer",
    "off_platform", "urgency", "secrecy", "content_farm_claim",
})  # fmt: skip
SEVERITIES = ("high", "medium", "low")
_RANK = {severity: i for i, severity in enumerate(SEVERITIES)}
MAX_CLAUSE_CHARS = 500  # longer sentences are cut: one clause never costs more than this
EXCERPT_CHARS = 120

_DEFAULT_WINDOW = 80  # how far apart (in characters) the terms of one rule may start
_NEGATION_REACH = 100  # a negation cue governs a match that starts at most this far after it
_AFTER_REACH = 15  # "客服电话：暂时没有": a trailing negation this close to the match
_CONTEXT = 30  # characters of context on each side of an excerpt
_MAX_ANCHORS = 8  # placements tried per rule and clause: bounded work per clause
_HEADING_REACH = 5  # list items under a "Scammers will say:" heading that it frames
_LONGEST_TERM = 60  # no term is longer (checked when loading); as found, at most 3x (spaces)

# The cue sets of cues.toml, as the matcher names them.
_NEG, _NEG_AFTER, _EXEMPT = "~negation", "~negation_after", "~negation_exempt"
_BREAK, _CLAUSE_BREAK, _FRAME, _QUOTE = "~scope_break", "~clause_break", "~warning_frame", "~quote"
_CUES = (_NEG, _NEG_AFTER, _EXEMPT, _BREAK, _CLAUSE_BREAK, _FRAME, _QUOTE)

# Sentence ends: CJK and line breaks always, . ! ? before a space (not in "0.05" or a URL);
# a run of them ("?!\n\n") is one end.
_SENTENCE_END = re.compile(
    r"[.!?\n\r\u2028\u2029。！？；;…](?:(?<![.!?])|(?!\S))(?:[\s。！？；;…]|[.!?](?!\S))*+"
)  # starts with a character class, so the engine skips ahead to candidates
_CLAUSE_MARK = re.compile(r"[,，、;；]")
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
_TERM_KEYS = ("en", "zh_hans", "zh_hant", "symbols")
_RULE_KEYS = {
    "code", "category", "severity", "when", "unless", "window", "negatable", "framed",
    "message_en", "message_zh", "source",
}  # fmt: skip


class RuleDataError(VerifierError, ValueError):
    """A file of ``verifier/scan/rules/`` is malformed; the message names the file and entry."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One scam pattern, as data: its stable code, what it is and where it is documented."""

    code: str
    category: str
    severity: str
    message_en: str
    message_zh: str
    source: str


@dataclass(frozen=True, slots=True)
class PatternMatch:
    """Where a rule matched: character offsets in the scanned text and a one-line excerpt."""

    rule: Rule
    span: tuple[int, int]
    excerpt: str


@dataclass(frozen=True, slots=True)
class _Spec:
    """A rule with what makes it match; see the header of rules/common.toml."""

    rule: Rule
    when: tuple[tuple[str, ...], ...]
    unless: frozenset[str]
    window: int
    negatable: bool
    framed: bool


_Key = tuple[int, int]  # a clause: (sentence number, piece number)
_START = itemgetter(0)
_Viable = tuple[tuple[_Spec, tuple[tuple[str, ...], ...]], ...]


def rules() -> tuple[Rule, ...]:
    """Every rule of ``verifier/scan/rules/*.toml``, loaded once; raises RuleDataError."""
    return tuple(spec.rule for spec in _matcher().specs)


def match_patterns(text: str) -> list[PatternMatch]:
    """All rule matches in text that are not negated / warnings, sorted by span start; at most
    one match per (rule, sentence)."""
    return _Scan(text, _matcher()).matches()


class _Matcher:
    """The compiled rules. Rule terms are found in the whole text; negation and warning cues,
    frequent words ("no", "but", "请"), only in the clauses where a rule may match."""

    def __init__(self, specs: list[_Spec], terms: dict[str, list[str]]) -> None:
        self.specs = tuple(specs)
        # The cues are few and read a sentence at a time: one trie for those not in words.
        self.terms = _Lexicon({n: v for n, v in terms.items() if not n.startswith("~")}, tries=4)
        self.cues = _Lexicon({n: v for n, v in terms.items() if n.startswith("~")}, tries=1)
        # A clause is read only if it holds an anchor: the first set of some rule alternative.
        anchors = {alternative[0] for spec in specs for alternative in spec.when}
        self.anchoring = {names for names in self.terms.classes.values() if names & anchors}
        self.by_class: dict[str, list[_Spec]] = {}
        for spec in self.specs:
            for name in sorted({name for alternative in spec.when for name in alternative}):
                self.by_class.setdefault(name, []).append(spec)
        self.order = {spec.rule.code: i for i, spec in enumerate(self.specs)}
        self._viable: dict[frozenset[str], _Viable] = {}

    def viable(self, present: frozenset[str]) -> _Viable:
        """The rules, and their alternatives, that the term sets present can satisfy."""
        if (cached := self._viable.get(present)) is not None:
            return cached
        specs = {spec.rule.code: spec for name in present for spec in self.by_class.get(name, ())}
        viable = tuple(
            (spec, alternatives)
            for spec in sorted(specs.values(), key=lambda spec: self.order[spec.rule.code])
            if not spec.unless & present
            and (alternatives := tuple(a for a in spec.when if present.issuperset(a)))
        )
        if len(self._viable) < 4096:  # combinations repeat; bound the memory anyway
            self._viable[present] = viable
        return viable


class _Scan:
    """One text being matched: its sentences, its rule terms, and the cues read so far."""

    def __init__(self, text: str, matcher: _Matcher) -> None:
        self.text = text
        self.matcher = matcher
        lowered = text.lower()
        if len(lowered) != len(text):  # "İ" lowers to two characters: keep offsets aligned
            lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        self.padded = " " + lowered
        self.hits = matcher.terms.find(self.padded)
        self.positions = [hit[0] for hit in self.hits]  # for bisect without a key function
        runs = [m.span() for m in _SENTENCE_END.finditer(text)] if self.hits else []
        self.ends = [start for start, _ in runs]
        self.resumes = [end for _, end in runs]
        # Sentence n is text[self.starts[n]:self.stops[n]].
        self.starts = [0, *self.resumes]
        self.stops = [*self.ends, len(text)]
        self._cues: dict[int, list[_Hit]] = {}
        self._framed: dict[int, bool] = {}

    def matches(self) -> list[PatternMatch]:
        ends, starts, stops, keys = self.ends, self.starts, self.stops, set()
        anchoring = self.matcher.anchoring
        clause_end = -1
        for position, _, names in self.hits:
            if position >= clause_end and names in anchoring:
                sentence = bisect.bisect_right(ends, position)
                start, end = starts[sentence], stops[sentence]
                piece = (position - start) // MAX_CLAUSE_CHARS
                keys.add((sentence, piece))
                clause_end = min(end, start + (piece + 1) * MAX_CLAUSE_CHARS)
        found = [match for key in sorted(keys) for match in self.matches_in(key)]
        return sorted(found, key=lambda m: (m.span[0], m.rule.code))

    def matches_in(self, key: _Key) -> list[PatternMatch]:
        bounds = self.bounds(key)
        positions = self.positions
        low = bisect.bisect_left(positions, bounds[0])
        terms = self.hits[low : bisect.bisect_left(positions, bounds[1], low)]
        viable = self.matcher.viable(frozenset().union(*[names for _, _, names in terms]))
        if not viable:
            return []
        cues = self.cues(key[0])
        if cues:
            cues = _between(cues, *bounds)
        negations = any(_NEG in names or _NEG_AFTER in names for _, _, names in cues)
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

    def cues(self, sentence: int) -> list[_Hit]:
        """The negation and warning cues of a sentence, read once. A cue inside an exempting
        phrase ("not a scam", "don't worry", "无法提现") is part of it, not a cue."""
        cues = self._cues.get(sentence)
        if cues is None:
            end = self.stops[sentence]
            cues = self.matcher.cues.find(self.padded, self.starts[sentence], end + 1)
            exempt = [cue for cue in cues if _EXEMPT in cue[2]]
            if exempt:
                cues = [cue for cue in cues if _EXEMPT in cue[2] or not _within(cue, exempt)]
            self._cues[sentence] = cues
            self._framed[sentence] = any(_FRAME in names for _, _, names in cues)
        return cues

    def framed(self, sentence: int) -> bool:
        """Whether the sentence talks about scams (scam, 骗, beware, "if anyone asks" ...)."""
        if not 0 <= sentence <= len(self.ends):
            return False
        framed = self._framed.get(sentence)
        if framed is None:
            self.cues(sentence)
            framed = self._framed[sentence]
        return framed

    def sentence(self, number: int) -> tuple[int, int]:
        """Sentence n runs from after the (n-1)th sentence end to the nth (or the text's end)."""
        return self.starts[number], self.stops[number]

    def bounds(self, key: _Key) -> tuple[int, int]:
        number, piece = key
        piece_start = self.starts[number] + piece * MAX_CLAUSE_CHARS
        return piece_start, min(self.stops[number], piece_start + MAX_CLAUSE_CHARS)

    def is_warning(self, key: _Key, cues: list[_Hit]) -> bool:
        """Whether the clause's sentence talks about scams: it says so itself, it is quoted next
        to a sentence that does, or it is an item under a "Scammers will say:" heading."""
        number = key[0]
        if self.framed(number):
            return True
        quoted = any(_QUOTE in names for _, _, names in cues)
        if quoted and (self.framed(number - 1) or self.framed(number + 1)):
            return True
        text, starts, stops = self.text, self.starts, self.stops
        start = starts[number]
        for heading in range(number - 1, max(number - 1 - _HEADING_REACH, -1), -1):
            heading_start, heading_end = starts[heading], stops[heading]
            if _BLANK_LINE.search(text, heading_end, start):
                return False
            if text[heading_start:heading_end].rstrip()[-1:] in (":", "："):
                return self.framed(heading)
        return False


def _within(hit: _Hit, others: list[_Hit]) -> bool:
    """Whether the hit lies inside another, longer hit (of a list sorted by start)."""
    i = bisect.bisect_right(others, hit[0], key=_START)
    while i > 0 and others[i - 1][0] >= hit[0] - 3 * _LONGEST_TERM:
        i -= 1
        if others[i][1] >= hit[1] and others[i][:2] != hit[:2]:
            return True
    return False


def _between(hits: list[_Hit], start: int, end: int) -> list[_Hit]:
    """The hits (sorted by start) that start in [start, end)."""
    return hits[bisect.bisect_left(hits, start, key=_START) : bisect.bisect_left(hits, end, key=_START)]


def _merge(terms: list[_Hit], cues: list[_Hit]) -> list[_Hit]:
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
    terms: list[_Hit],
    hits: list[_Hit],
    bounds: tuple[int, int],
    spec: _Spec,
    alternative: tuple[str, ...],
    check_negation: bool,
) -> tuple[int, int] | None:
    """The first placement of the alternative's terms within the window that is not negated:
    from each of the first hits of its rarest set, the nearest hit of each other set that
    starts elsewhere (one term fills one role). The terms are placed; hits, the terms with the
    clause's cues merged in, are read for negation."""
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


def _nearest(hits: list[_Hit], position: int, taken: list[int]) -> _Hit | None:
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


def _negated(text: str, hits: list[_Hit], clause_start: int, span: tuple[int, int]) -> bool:
    """Whether a negation cue governs the span: before it (or inside, "助记词千万不要发给"), with
    no contrast or new request in between; or right after it in the same clause."""
    start, end = span
    for cue_start, cue_end, classes in hits:
        if _EXEMPT in classes:
            continue
        if _NEG in classes and start - _NEGATION_REACH <= cue_start < end:
            if cue_start >= start or not _scope_broken(text, hits, clause_start, cue_end, start):
                return True
        elif (
            _NEG_AFTER in classes
            and end <= cue_start <= end + _AFTER_REACH
            and not _CLAUSE_MARK.search(text, end, cue_start)
        ):
            return True
    return False


def _scope_broken(text: str, hits: list[_Hit], clause_start: int, after: int, before: int) -> bool:
    """A contrast ("but", "但是") or a new request opening a clause ("..., please send") ends
    a negation's reach."""
    for start, _, classes in hits:
        if after <= start < before:
            if _BREAK in classes:
                return True
            if _CLAUSE_BREAK in classes:
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
    return len(pair) == 2 and pair[0].lower() in _WORD_CHARS and pair[1].lower() in _WORD_CHARS


# Loading and compiling ---------------------------------------------------------------------


@cache
def _matcher() -> _Matcher:
    terms: dict[str, list[str]] = {}
    specs: list[_Spec] = []
    folder = resources.files("verifier.scan").joinpath("rules")
    for path in sorted((p for p in folder.iterdir() if p.name.endswith(".toml")), key=lambda p: p.name):
        try:
            data = tomllib.loads(path.read_text("utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise RuleDataError(f"{path.name}: {exc}") from exc
        for table, prefix in (("terms", ""), ("cues", "~")):
            for name, entry in data.get(table, {}).items():
                _add_terms(path.name, prefix + name, entry, terms)
        specs.extend(_spec(path.name, entry) for entry in data.get("rule", []))
    _check(specs, terms)
    return _Matcher(specs, terms)


def _add_terms(file: str, name: str, entry: Any, terms: dict[str, list[str]]) -> None:
    if name in terms:
        raise RuleDataError(f"{file}: term set {name!r} is defined twice")
    if not isinstance(entry, dict) or not entry or not set(entry) <= set(_TERM_KEYS):
        raise RuleDataError(f"{file}: term set {name!r} must have lists among {', '.join(_TERM_KEYS)}")
    for key, values in entry.items():
        if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
            raise RuleDataError(f"{file}: {name}.{key} must be a list of non-empty strings")
    terms[name] = [term for values in entry.values() for value in values for term in _expand(value)]


def _spec(file: str, entry: Any) -> _Spec:
    if not isinstance(entry, dict):
        raise RuleDataError(f"{file}: [[rule]] must be a table")
    where = f"{file}: rule {entry.get('code', '?')!r}"
    if unknown := set(entry) - _RULE_KEYS:
        raise RuleDataError(f"{where}: unknown keys {sorted(unknown)}")
    fields = ("code", "category", "severity", "message_en", "message_zh", "source")
    if not all(isinstance(entry.get(f), str) and entry[f].strip() for f in fields):
        raise RuleDataError(f"{where}: needs non-empty strings {', '.join(fields)}")
    if entry["category"] not in CATEGORIES or entry["severity"] not in SEVERITIES:
        raise RuleDataError(f"{where}: unknown category or severity")
    when, unless = entry.get("when"), entry.get("unless", [])
    if not isinstance(when, list) or not when or not all(isinstance(a, list) and a for a in when):
        raise RuleDataError(f"{where}: `when` must be a non-empty list of non-empty lists")
    if not isinstance(unless, list):
        raise RuleDataError(f"{where}: `unless` must be a list")
    window = entry.get("window", _DEFAULT_WINDOW)
    if not isinstance(window, int) or not 0 < window <= MAX_CLAUSE_CHARS:
        raise RuleDataError(f"{where}: `window` must be 1..{MAX_CLAUSE_CHARS}")
    return _Spec(
        Rule(*(entry[f] for f in fields)),
        tuple(tuple(alternative) for alternative in when),
        frozenset(unless),
        window,
        bool(entry.get("negatable", True)),
        bool(entry.get("framed", True)),
    )


def _check(specs: list[_Spec], terms: dict[str, list[str]]) -> None:
    codes = [spec.rule.code for spec in specs]
    if len(set(codes)) != len(codes):
        raise RuleDataError(f"duplicate rule codes: {sorted({c for c in codes if codes.count(c) > 1})}")
    if missing := set(_CUES) - set(terms):
        raise RuleDataError(f"cues.toml lacks {sorted(missing)}")
    if long := [t for values in terms.values() for t in values if len(t) > _LONGEST_TERM]:
        raise RuleDataError(f"terms longer than {_LONGEST_TERM} characters: {long[:3]}")
    for spec in specs:
        names = {name for alternative in spec.when for name in alternative} | spec.unless
        if unknown := {name for name in names if name not in terms or name.startswith("~")}:
            raise RuleDataError(f"rule {spec.rule.code!r} names unknown term sets {sorted(unknown)}")
