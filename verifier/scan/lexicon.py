"""Finding rule terms in text: literal terms compiled into trie-shaped regular expressions.

Terms have no unbounded repetition, so each character is examined a bounded number of times
and finding is linear in the length of the text. ``Lexicon.find`` returns every place where a
term starts (also inside a longer term), with the term sets it belongs to.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from functools import cache
from operator import itemgetter
from typing import Any

from ahocorasick_rs import AhoCorasick, BytesAhoCorasick

from verifier.scan.normalize import without_surrogates

WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_WORD_END = r"(?![a-z0-9])"
_WORD_END_OR_NT = r"(?![a-z0-9]|['’]t\b)"  # "I can" is not a term in "I can't"
_SEPARATOR = r"[\s\-_'\"]{0,3}+"  # what a space in a term matches; possessive, so no backtracking
# Branches in order of how often English words start with (and continue with) each letter: the
# engine tries branches in turn. Branches start with distinct characters, so order changes only
# speed, never which term is found; a separator (which may match nothing) keeps its place first.
_FIRST_ORDER = {c: i for i, c in enumerate("tasoiwcbphfmdrelngyuvkjqxz1203456789")}
_NEXT_ORDER = {c: i for i, c in enumerate("etaoinshrdlcumwfgypbvkjxqz0123456789")}


_INDEX, _FIRST = itemgetter(0), itemgetter(1)  # of an Aho-Corasick match (index, start, end)

# A term found: (start, end, the sets it belongs to). Plain tuples: a text has many.
Hit = tuple[int, int, frozenset[str]]


class Lexicon:
    """Term sets compiled for scanning: patterns, and per term the sets it belongs to."""

    def __init__(self, terms: dict[str, list[str]], tries: int) -> None:
        self.classes, literals = _term_classes(terms)
        self.literals = tuple(literals)
        ascii_first = [t for t in literals if t[0].isascii()]
        self.passes = _passes(ascii_first, 1)
        # The pass of the terms that start with a letter or digit (the first, if any) is run
        # only where one of them can start (``_Starts``), in texts of at least _STARTS_CHARS.
        words = [t for t in ascii_first if t[0] in WORD_CHARS]
        self.starts = _Starts(words, self.passes[0]) if words else None
        # The pass of the terms that start with another ASCII character (a quote, "$") is
        # skipped where none of those characters occurs, as in most sentences.
        # (Patterns are told apart by identity: hashing one hashes its whole compiled code.)
        others = "".join(sorted({t[0] for t in ascii_first if t[0] not in WORD_CHARS}))
        others_passes = self.passes[1 if words else 0 :]
        self.others_first = {id(p): others for p in others_passes} if len(others) <= 8 else {}
        # Terms that start with a Chinese character (or other non-ASCII symbol) need no word
        # boundary before them. Those of a first character that no term with a separator (a
        # space or an apostrophe) starts with are found in one Aho-Corasick pass (the longest
        # at a place, as the trie would); the others ("واتس اب" and the terms that start as it
        # does) by patterns, skipped when none of their first characters occurs, as in most
        # text. A place has one first character, so the two never compete for a place.
        unicode_first = [t for t in literals if not t[0].isascii()]
        separated = {t[0] for t in unicode_first if " " in t or "'" in t}
        free = [t for t in unicode_first if t[0] not in separated]
        unread = [t for t in unicode_first if t[0] in separated]
        self.unicode_words = _Words(free, self.classes) if free else None
        self.unicode_passes = _passes(unread, tries) if unread else []
        self.unicode_firsts = re.compile(_char_class({t[0] for t in unread}) if unread else "(?!)")

    def find(self, padded: str, start: int = 0, end: int | None = None) -> list[Hit]:
        """The terms in padded[start:end] (lower-cased text after one space: offsets in the
        text are one less), by start. Every place where a term starts is tried, also inside a
        longer term, so "to validate their wallets" holds both "to validate" and "validate
        their wallets"; at one place the longest term wins."""
        end = len(padded) if end is None else end
        passes = self.passes
        found: list[Hit] = []
        if not padded.isascii():
            if self.unicode_words is not None:
                found = self.unicode_words.find(padded, start, end)
            if self.unicode_passes and (
                len(self.unicode_passes) == 1 or self.unicode_firsts.search(padded, start, end)
            ):
                passes = passes + self.unicode_passes
        get = self.classes.get
        starts = self.starts if end - start >= _STARTS_CHARS else None
        others_first = self.others_first
        for pattern in passes:
            firsts = others_first.get(id(pattern))
            if firsts is not None and all(padded.find(char, start, end) < 0 for char in firsts):
                continue  # a match starts with one of these characters
            # The group after the term's first character: the term is padded[first - 1 : last].
            if starts is not None and pattern is starts.pattern:
                spans = starts.spans(padded, start, end)
            else:
                spans = [m.span(m.lastindex or 0) for m in pattern.finditer(padded, start, end)]
            found += [
                (first - 2, last - 1, names)
                for first, last in spans
                if (names := get(padded[first - 1 : last]) or get(term_key(padded[first - 1 : last])))
            ]
        found.sort()
        return found


_STARTS_CHARS = 200  # shorter texts (a sentence read for cues) are searched by the pattern alone
# Bytes of the projection ``_Starts`` searches: a letter or digit as itself, anything else a space.
_PROJECTION = bytes(b if chr(b) in WORD_CHARS else 0x20 for b in range(256))
_SECOND = itemgetter(1)


def project(text: str) -> bytes:
    """``text`` as one byte a character: ASCII letters and digits as written, every other
    character (also one outside ASCII) a space. The offsets are those of ``text``."""
    return text.encode("ascii", "replace").translate(_PROJECTION)


class _Starts:
    """Where a term that starts with a letter or digit may start, found in one Aho-Corasick
    pass of the text's projection (``project``); the pattern of those terms (the truth) is then
    tried there alone, not at every word of the text.

    A term found at ``p`` (the character before it at ``p``, not a letter or digit) reads in the
    projection as a space, then the term's first characters as projected, each space of the
    term as 0 to 3 spaces (what a separator of at most three characters projects to) and its
    apostrophe as one, then, if the whole term is read and it ends with a letter or digit, a
    space (the character after it, or the one put after the text). Every such prefix is
    searched for, so every place where the pattern matches is tried; the pattern decides."""

    def __init__(self, words: list[str], pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        prefixes = sorted({prefix for word in words for prefix in _prefixes(word)})
        self.automaton = BytesAhoCorasick([prefix.encode("ascii") for prefix in prefixes])

    def spans(self, padded: str, start: int, end: int) -> list[tuple[int, int]]:
        """``[m.span(m.lastindex or 0) for m in pattern.finditer(padded, start, end)]``: a match
        takes the character before a term and the term's first (a letter or digit), so matches
        never overlap and the search finds exactly the places where the pattern matches."""
        window = padded if start == 0 and end == len(padded) else padded[start:end]
        found = self.automaton.find_matches_as_indexes(project(window) + b" ", overlapping=True)
        match = self.pattern.match
        return [
            m.span(m.lastindex or 0)
            for at in sorted(set(map(_SECOND, found)))
            if (m := match(padded, start + at, end)) is not None
        ]


def _prefixes(term: str, letters: int = 6, spaces: int = 2) -> list[str]:
    """The projections of how ``term`` may be written, from the character before it, up to
    ``letters`` characters and ``spaces`` of its spaces (or the whole term and the character
    after it)."""
    written = [" "]
    count = gaps = 0
    for i, char in enumerate(term):
        if char == " ":
            if gaps == spaces:
                return written
            gaps += 1
            written = [w + " " * n for w in written for n in range(4)]  # _SEPARATOR: 0 to 3
            continue
        written = [w + project(char).decode("ascii") for w in written]  # "'" and "’": one space
        count += 1
        if count >= letters and i < len(term) - 1:
            return written
    if term[-1] in WORD_CHARS:
        written = [w + " " for w in written]  # the term must not run on into a word
    return written


class _Words:
    """Terms without separators that need no word boundary before them, found in one
    Aho-Corasick pass: at each place the longest that does not run on into an ASCII word."""

    def __init__(self, words: list[str], classes: dict[str, frozenset[str]]) -> None:
        self.lengths = [len(word) for word in words]
        self.names = [classes[word] for word in words]
        self.closed = [word[-1] in WORD_CHARS for word in words]  # must not run on into a word
        self.any_closed = any(self.closed)
        self.automaton = AhoCorasick(words)

    def find(self, padded: str, start: int, end: int) -> list[Hit]:
        window = padded if start == 0 and end == len(padded) else padded[start:end]
        if window.isascii():
            return []  # every word starts with a character outside ASCII
        lengths, closed, size = self.lengths, self.closed, len(window)
        try:
            matches = self.automaton.find_matches_as_indexes(window, overlapping=True)
        except UnicodeEncodeError:  # a lone surrogate, which no word holds
            window = without_surrogates(window)
            matches = self.automaton.find_matches_as_indexes(window, overlapping=True)
        if self.any_closed:
            matches = [
                (index, first, last)
                for index, first, last in matches
                if not (closed[index] and last < size and window[last] in WORD_CHARS)
            ]
        # Where a term starts -> the longest found there. Matches come by where they end, so of
        # the terms that start at one place the longest comes last and the dict, built in C,
        # keeps it (in the order the places are first met).
        longest = dict(zip(map(_FIRST, matches), map(_INDEX, matches), strict=True))
        # Offsets in the text are one less than in ``padded``.
        offset = start - 1
        return [
            (offset + first, offset + first + lengths[index], self.names[index])
            for first, index in longest.items()
        ]


def expand_term(term: str) -> list[str]:
    """``"fee{s|}"`` -> ``["fee", "fees"]``: lower case, spaces collapsed, ’ as '."""
    parts = re.split(r"\{([^{}]*)\}", term)  # literal, options, literal, options, ...
    choices = [[part] if i % 2 == 0 else part.split("|") for i, part in enumerate(parts)]
    written = ("".join(choice) for choice in itertools.product(*choices))
    return sorted({" ".join(w.lower().replace("’", "'").split()) for w in written} - {""})


def term_key(written: str) -> str:
    """What a term and the text it matched have in common: lower case, no separators."""
    lowered = written.lower()
    return _key_drop().sub("", lowered) or lowered


@cache
def _key_drop() -> re.Pattern[str]:
    return re.compile(r"[\s\-_'\"‘’“”]")


def _term_classes(terms: dict[str, list[str]]) -> tuple[dict[str, frozenset[str]], list[str]]:
    """Map each term (as written and as key) to its sets, plus the rule sets of the terms it
    holds: the scan finds the longest term at a place, so "冻结账户" also counts as "冻结"."""
    own: dict[str, set[str]] = {}
    for name, values in terms.items():
        for term in values:
            own.setdefault(term, set()).add(name)
    by_key: dict[str, set[str]] = {}
    for term, names in own.items():
        inner = {n for sub in _subterms(term, own) for n in own[sub] if not n.startswith("~")}
        by_key.setdefault(term_key(term), set()).update(names | inner)
    classes = {key: frozenset(names) for key, names in by_key.items()}
    classes.update({term: classes[term_key(term)] for term in own})
    return classes, sorted(own)


def _subterms(term: str, known: dict[str, set[str]]) -> Iterator[str]:
    """The known terms inside ``term`` that the scan would find there on their own."""
    for i in range(len(term)):
        if i and term[i] in WORD_CHARS and term[i - 1] in WORD_CHARS:
            continue
        for j in range(i + 1, len(term) + 1):
            if term[i:j] in known and (j == len(term) or not _runs_on(term, j)):
                yield term[i:j]


def _runs_on(term: str, j: int) -> bool:
    """Whether a term ending at j runs on into the next word, where the scan would not find it."""
    if term[j - 1] in WORD_CHARS and term[j] in WORD_CHARS:
        return True
    return term[j - 1] in WORD_CHARS and term[j : j + 2] == "'t" and term[j + 2 : j + 3] not in WORD_CHARS


def _passes(literals: list[str], tries: int) -> list[re.Pattern[str]]:
    """The patterns that find the terms in lower-cased text with a space put in front.

    Each is a choice of first characters, each followed by a lookahead that captures the rest
    of the longest term there: a match consumes one character, so the next search starts
    inside the term, and the engine skips in C to the places where a term can start. Terms
    that start with a letter or digit are tried only after a character that is not one (a
    word start, also "下载AnyDesk"); the others (Chinese, symbols) are split by first
    character into ``tries`` patterns, as the engine tries every first character in turn."""
    words = [t for t in literals if t[0] in WORD_CHARS]
    others = [t for t in literals if t[0] not in WORD_CHARS]
    # The lookahead rejects, before the branches are tried, a word that no term starts with.
    firsts = f"(?={_char_class({t[0] for t in words})})"
    passes = [re.compile("[^a-z0-9]" + firsts + _first_characters(words))] if words else []
    by_first: dict[str, list[str]] = {}
    for term in others:
        by_first.setdefault(term[0], []).append(term)
    buckets: list[list[str]] = [[] for _ in range(min(tries, len(by_first)))]
    for group in sorted(by_first.values(), key=len, reverse=True):
        min(buckets, key=len).extend(group)
    return passes + [re.compile(_first_characters(bucket)) for bucket in buckets]


def _char_class(chars: Iterable[str]) -> str:
    return "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"


def _first_characters(terms: list[str]) -> str:
    """``(?:a(?=(rest of terms in a...))|b(?=(...))|...)``: a term that ends with a letter or
    digit must not run on into a word, unless it starts one (its end is checked once)."""
    by_first: dict[str, list[str]] = {}
    for term in terms:
        by_first.setdefault(term[0], []).append(term[1:])
    branches = []
    for first, rests in sorted(by_first.items(), key=lambda item: _branch_order(item[0], _FIRST_ORDER)):
        if first in WORD_CHARS:
            closed = [r for r in rests if (r or first)[-1] in WORD_CHARS]
            open_end = [r for r in rests if (r or first)[-1] not in WORD_CHARS]
            parts = [f"(?:{_trie(closed, first, check_ends=False)}){_WORD_END_OR_NT}"] if closed else []
            rest = "|".join(parts + ([_trie(open_end, first)] if open_end else []))
        else:
            rest = _trie(rests, first)
        branches.append(f"{_piece(first)}(?=({rest}))")
    return "(?:" + "|".join(branches) + ")"


def _branch_order(char: str, order: dict[str, int]) -> tuple[int, int, str]:
    # A separator first (it may match nothing, so it overlaps the other branches), then letters
    # and digits by frequency, then the rest by code point.
    return (0 if char == " " else 1, order.get(char, len(order)), char)


def _trie(terms: Iterable[str], first: str, *, check_ends: bool = True) -> str:
    """One regular expression for the terms (the rests after ``first``), shaped as a trie, so
    that each place is tried against each character once; a term ending with a letter or digit
    must not run on into a word (unless ``check_ends`` is false: the caller checks it)."""
    root: dict[str, Any] = {}
    for term in terms:
        node = root
        for char in term:
            node = node.setdefault(char, {})
        node[""] = {}
    return _emit(root, first, check_ends)


def _emit(node: dict[str, Any], last: str, check_ends: bool) -> str:
    # Longer terms first, the end of a shorter one last: the longest term at a place wins.
    branches = [
        _piece(char) + _emit(node[char], char, check_ends)
        for char in sorted(node, key=lambda char: _branch_order(char, _NEXT_ORDER))
        if char
    ]
    if "" in node:
        branches.append(_WORD_END if check_ends and last in WORD_CHARS else "")
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def _piece(char: str) -> str:
    if char == " ":
        return _SEPARATOR
    if char == "'":
        return "['’]"
    return re.escape(char)
