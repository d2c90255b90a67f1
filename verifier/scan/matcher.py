"""The rules compiled once for matching: term finders, anchors, and which rules a clause's
term sets can satisfy."""

from __future__ import annotations

import re
from functools import cache

from verifier.scan.lexicon import Lexicon
from verifier.scan.ruleset import Spec, load_rules

Viable = tuple[tuple[Spec, tuple[tuple[str, ...], ...]], ...]

# Sentence ends: CJK and line breaks always, . ! ? before a space (not in "0.05" or a URL);
# a run of them ("?!\n\n") is one end. It starts with a character class, so the engine skips
# ahead to candidates.
_SENTENCE_END_CHARS = ".!?\n\r\u2028\u2029。！？；;…"
_SENTENCE_END = r"[.!?\n\r\u2028\u2029。！？；;…](?:(?<![.!?])|(?!\S))(?:[\s。！？；;…]|[.!?](?!\S))*+"


class Matcher:
    """The compiled rules. Rule terms are found in the whole text; negation and warning cues,
    frequent words ("no", "but", "请"), only in the clauses where a rule may match."""

    def __init__(self, specs: list[Spec], terms: dict[str, list[str]]) -> None:
        self.specs = tuple(specs)
        # The cues are few and read a sentence at a time: one pattern for any that start with a
        # Chinese character and cannot be found in one Aho-Corasick pass.
        self.terms = Lexicon({n: v for n, v in terms.items() if not n.startswith("~")}, tries=4)
        self.cues = Lexicon({n: v for n, v in terms.items() if n.startswith("~")}, tries=1)
        # A clause is read only if it holds an anchor: the first set of some rule alternative.
        anchors = {alternative[0] for spec in specs for alternative in spec.when}
        self.anchoring = {names for names in self.terms.classes.values() if names & anchors}
        self.sentence_end = re.compile(_SENTENCE_END)
        # The characters that end a sentence and that a cue may run on past: line breaks (a
        # space in a cue matches them) and any a cue holds. A cue starting with one of them (or
        # a space) would need each sentence read alone: then every such character is listed.
        ends = set(_SENTENCE_END_CHARS)
        crossing = {c for c in ends if c.isspace() or any(c in cue for cue in self.cues.literals)}
        if any(cue[0] in ends or cue[0].isspace() for cue in self.cues.literals):
            crossing = ends
        self.cue_crossing = frozenset(crossing)
        self.blank_line = re.compile(r"\n[^\S\n]*\n")
        self.by_class: dict[str, list[Spec]] = {}
        for spec in self.specs:
            for name in sorted({name for alternative in spec.when for name in alternative}):
                self.by_class.setdefault(name, []).append(spec)
        self.order = {spec.rule.code: i for i, spec in enumerate(self.specs)}
        self._viable: dict[frozenset[str], Viable] = {}

    def viable(self, present: frozenset[str]) -> Viable:
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


@cache
def compiled_rules() -> Matcher:
    """The rules of ``rules/*.toml``, loaded and compiled on first use; raises RuleDataError."""
    return Matcher(*load_rules())
