"""The text the scam rules read: the message with its disguises taken off.

Writers of scam messages hide the words filters look for: zero-width spaces and soft hyphens
inside words, fullwidth or mathematical letters, Cyrillic and Greek look-alike letters,
spaced-out letters ("s e e d  p h r a s e") and leet ("s33d phr4se"). ``normalize`` undoes them:

1. characters folded one by one: NFKC where it yields letters or digits (fullwidth,
   mathematical, circled letters, ligatures, CJK compatibility ideographs), invisible format
   characters and combining marks removed, and confusable letters of other scripts folded to
   the ASCII letter they imitate (the project's Unicode confusables data,
   ``verifier/lookalike/confusables.txt``; Chinese characters and ASCII are left alone);
2. runs of three or more single letters with one separator between them joined ("s e e d",
   "p.r.i.v.a.t.e", "助 记 词");
3. leet inside words read as the letters it stands for (``verifier/data/leet.toml``).

``Normalized.span`` maps a span of the normalized text back to the original, so what the
rules find is reported where it is written. Text that needs none of this (most ASCII text)
costs two searches.
"""

from __future__ import annotations

import bisect
import itertools
import operator
import re
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources

_INVISIBLE_EXTRA = (0x034F, 0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x180E)
_MARK_RANGES = ((0x0300, 0x0370), (0x1AB0, 0x1B00), (0x1DC0, 0x1E00), (0x20D0, 0x2100), (0xFE20, 0xFE30))
# Where compatibility letters and digits live outside the BMP: mathematical alphanumerics,
# enclosed alphanumerics, CJK compatibility ideographs.
_ASTRAL_RANGES = ((0x1D400, 0x1D800), (0x1F100, 0x1F200), (0x2F800, 0x2FA20))
# Three or more single letters (or Chinese characters) with one separator between them.
_SPACED = (
    r"(?:[a-zA-Z0-9](?:[ .*_·-][a-zA-Z0-9](?![a-zA-Z0-9])){2,}"
    r"|[\u4e00-\u9fff](?: [\u4e00-\u9fff]){2,})"
)
_SPACED_MAX = 40  # a longer run of spaced letters is not a word
_TOKEN_MAX = 24  # longer runs of letters and digits are identifiers, not leet words
# ASCII, general punctuation, CJK punctuation, Chinese characters, fullwidth forms: most text.
_COMMON_RANGES = ((0x00, 0x80), (0x2000, 0x2070), (0x3000, 0x3040), (0x4E00, 0xA000), (0xFF00, 0xFF70))


@dataclass(frozen=True, slots=True)
class _Edits:
    """Where one step replaced pieces of its source: for each piece (in order) where its
    replacement starts in the result, and the piece's start, end and replacement length."""

    at: list[int]  # replacement start in the result
    start: list[int]  # piece start in the source
    end: list[int]  # piece end in the source
    size: list[int]  # replacement length

    def start_of(self, pos: int) -> int:
        """The source offset of result position ``pos`` (as a span start)."""
        i = bisect.bisect_right(self.at, pos) - 1
        while i >= 0 and self.size[i] == 0 and self.at[i] == pos:
            i -= 1  # a deletion right here: the start is after it
        if i < 0:
            return pos
        if pos < self.at[i] + self.size[i]:
            return self.start[i]
        return self.end[i] + pos - self.at[i] - self.size[i]

    def end_of(self, pos: int) -> int:
        """The source offset of result position ``pos`` (as a span end, exclusive)."""
        if pos <= 0:
            return 0
        last = pos - 1
        i = bisect.bisect_right(self.at, last) - 1
        while i >= 0 and self.size[i] == 0 and self.at[i] > last:
            i -= 1
        if i < 0:
            return pos
        if last < self.at[i] + self.size[i]:
            return self.end[i]
        return self.end[i] + pos - self.at[i] - self.size[i]


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalized text and how to find its spans in the original."""

    text: str
    original: str
    _steps: tuple[_Edits, ...]  # in the order applied
    _changed: bool = True

    @property
    def changed(self) -> bool:
        """Whether ``text`` differs from the original (decided once, when normalizing: a
        comparison of two long texts here would cost a pass per call)."""
        return self._changed

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original that ``text[start:end]`` comes from."""
        for step in reversed(self._steps):
            start, end = step.start_of(start), step.end_of(end)
        return start, max(start, end)


def without_surrogates(text: str) -> str:
    """``text`` with each lone surrogate (a Python or JSON string may hold one; UTF-8, which
    the Aho-Corasick searches read, cannot) replaced by U+FFFD, one for one: offsets stay.
    Costs a UTF-8 encode of non-ASCII text (about a millisecond a megabyte)."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATES.sub("\ufffd", text)
    return text


_SURROGATES = re.compile("[\ud800-\udfff]")


def normalize(text: str) -> Normalized:
    """``text`` with invisible characters removed, compatibility and look-alike letters folded,
    spaced letters joined and leet read as letters; offsets kept (``Normalized.span``)."""
    steps: list[_Edits] = []
    current = text
    if not text.isascii():
        tables = _tables()
        current, edits = _fold(current, tables)
        if edits is not None:
            steps.append(edits)
    current, edits = _rewrite_words(current)
    if edits is not None:
        steps.append(edits)
    return Normalized(current, text, tuple(steps), current is not text and current != text)


def _apply(source: str, pieces: list[tuple[int, int, str]]) -> tuple[str, _Edits]:
    """``source`` with each (start, end, replacement) piece (sorted, apart) replaced; only
    pieces that change length are recorded (a piece of n characters replaced by n keeps the
    offsets of each). The parts between the pieces are cut, and the offsets summed, in C."""
    starts = [piece[0] for piece in pieces]
    ends = [piece[1] for piece in pieces]
    replacements = [piece[2] for piece in pieces]
    parts = [""] * (2 * len(pieces) + 1)  # kept, replacement, kept, ..., kept
    parts[0::2] = map(source.__getitem__, map(slice, [0, *ends], [*starts, len(source)]))
    parts[1::2] = replacements
    sizes = list(map(len, replacements))
    changed = list(map(operator.ne, sizes, map(operator.sub, ends, starts)))
    # A replacement starts in the result where the part before it ends.
    at = itertools.accumulate(map(len, parts))
    edits = _Edits(
        list(itertools.compress(itertools.islice(at, 0, None, 2), changed)),
        list(itertools.compress(starts, changed)),
        list(itertools.compress(ends, changed)),
        list(itertools.compress(sizes, changed)),
    )
    return "".join(parts), edits


def _fold(text: str, tables: _Tables) -> tuple[str, _Edits | None]:
    """Step 1: runs of foldable characters replaced (each character by its fold).

    Done in C, with no Python work per run (a zero-width space between every two letters
    makes a run of every other character): the text is split into common parts and runs, the
    runs are folded (each distinct run once when runs repeat, as in a flood of one invisible
    character; else in one ``translate`` of them joined by NUL, a common character no fold
    holds or yields), and the runs whose length changes are picked from running sums of the
    lengths. Only a run that changes length is recorded, as ``_apply`` would."""
    parts = tables.runs.split(text)  # common, run, common, run, ..., common
    if len(parts) == 1:
        return text, None
    runs = parts[1::2]
    source_lengths = list(map(len, parts))
    distinct = set(runs)
    if len(distinct) * 4 <= len(runs):
        folds = {run: run.translate(tables.table) for run in distinct}
        folded_runs = list(map(folds.__getitem__, runs))
    else:
        folded_runs = "\0".join(runs).translate(tables.table).split("\0")
    parts[1::2] = folded_runs
    folded = "".join(parts)
    if folded == text:
        return text, None
    run_sizes = source_lengths[1::2]
    sizes = list(map(len, folded_runs))
    changed = list(map(operator.ne, run_sizes, sizes))
    if not any(changed):
        return folded, None
    result_lengths = source_lengths.copy()
    result_lengths[1::2] = sizes
    source_ends = list(itertools.accumulate(source_lengths))
    result_ends = list(itertools.accumulate(result_lengths))
    edits = _Edits(
        list(itertools.compress(result_ends[0:-1:2], changed)),
        list(itertools.compress(source_ends[0:-1:2], changed)),
        list(itertools.compress(source_ends[1::2], changed)),
        list(itertools.compress(sizes, changed)),
    )
    return folded, edits


def _rewrite_words(text: str) -> tuple[str, _Edits | None]:
    """Steps 2 and 3: spaced letters joined, leet inside words read as letters."""
    runs = _spaced_runs(text)
    # One piece per run: a span inside it maps to the whole run, as written.
    pieces: list[tuple[int, int, str]] = []
    covered = 0
    for start, end in sorted(runs):
        if start >= covered:  # a run with mixed separators is found once per separator
            pieces.append((start, end, text[start:end:2]))
            covered = end
    edits = None
    if pieces:
        text, edits = _apply(text, pieces)
    sites = _leet_sites(text)
    if len(sites) > _DENSE_LEET:
        return _dense_leet(text), edits
    leet = _leet_pieces(text, sites)
    if leet:
        # Leet replaces one character by one: offsets stay, no step to record. A few words
        # (at most _DENSE_LEET) are spliced in.
        places = sorted((start + offset, letter) for start, letters in leet for offset, letter in letters)
        text = _apply(text, [(place, place + 1, letter) for place, letter in places])[0]
    return text, edits


def _spaced_runs(text: str) -> list[tuple[int, int]]:
    """The runs of spaced letters ("s e e d", "p.r.i.v.a.t.e", "助 记 词"), found from two
    spaced letters with each separator, each place read once; a run with mixed separators is
    found once per separator."""
    words = _word_patterns()
    runs: list[tuple[int, int]] = []
    for separator, pattern in words.spaced_hits:
        if separator not in text:
            continue
        done = 0
        search, spaced = pattern.search, words.spaced.match
        hit = search(text)
        while hit is not None:
            start = hit.start() - 1  # the letter before the first separator found, if any
            if start < 0 or not _single(text, start):
                start += 2  # the run starts after the separator
            while start - 2 >= done and text[start - 1] == separator and _single(text, start - 2):
                start -= 2
            run = spaced(text, start if start > done else done)  # start >= 0
            # Each place is read once: on from the run's end, the hit's last letter, or one on.
            last = hit.end() - 1
            end = done + 1 if done + 1 > last else last
            if run is not None:
                span = run.span()
                end = span[1] if span[1] > end else end
                if not (
                    span[1] - span[0] > 2 * _SPACED_MAX
                    or (run.group().isascii() and words.ascii_letter(text, span[0], span[1]) is None)
                ):
                    runs.append(span)  # not "1 2 3", "1.2.3" (numbers), nor "a.a.a..." (no word)
            done = end
            hit = search(text, done)
    return runs


def _single(text: str, i: int) -> bool:
    """Whether text[i] is a letter, digit or Chinese character standing alone before i + 1."""
    char = text[i]
    if char not in _ASCII_ALNUM and not "\u4e00" <= char <= "\u9fff":
        return False
    return i == 0 or text[i - 1] not in _ASCII_ALNUM


_ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_DENSE_LEET = 2000  # with more leet sites than this, whole tokens are found by one expression


def _leet_sites(text: str) -> list[re.Match[str]]:
    """The sites (a leet symbol next to a letter), by literal-led searches; only as far as
    one more than _DENSE_LEET: past it, whole tokens are read instead."""
    every = itertools.chain.from_iterable(
        pattern.finditer(text) for char, pattern in _word_patterns().leet_hits if char in text
    )
    return list(itertools.islice(every, _DENSE_LEET + 1))


def _dense_leet(text: str) -> str:
    """For a flood of leet words (more than _DENSE_LEET sites): the text with each token read
    as letters. The tokens are split out by one regular expression (in C, no Python work per
    token), each distinct token is read once, and the tokens are put back read, in C."""
    parts = _word_patterns().leet_split.split(text)  # between, token, between, ..., between
    tokens = parts[1::2]
    known: dict[str, str] = {}
    for written in set(tokens):
        chars = list(written)
        for offset, letter in _token_letters(written, False):
            chars[offset] = letter
        known[written] = "".join(chars)
    parts[1::2] = map(known.__getitem__, tokens)
    return "".join(parts)


def _leet_pieces(text: str, sites_found: list[re.Match[str]]) -> list[tuple[int, list[tuple[int, str]]]]:
    """(token start, [(offset, letter) ...]) for the words that hold leet characters, in text
    with at most _DENSE_LEET sites (``_dense_leet`` reads the others).

    A token is a whole run of letters, digits and leet symbols; one that holds a leet symbol
    next to a letter is read as letters unless longer than _TOKEN_MAX. The sites (a symbol next
    to a letter) are ``sites_found`` (``_leet_sites``), each read from where it stands."""
    words = _word_patterns()
    sites = sorted(m.start() for m in sites_found)
    if not sites:
        return []
    found: list[tuple[int, list[tuple[int, str]]]] = []
    known: dict[str, list[tuple[int, str]]] = {}  # a token written again is read once
    token_chars = words.token_chars
    done = -1  # the end of the last token read
    for site in sites:
        if site < done:
            continue
        # The token's start: back over letters, digits and leet symbols, as far as
        # _TOKEN_MAX + 1 (a plain loop: a regex searched up to here tries every start).
        start, low = site, site - _TOKEN_MAX - 1
        while start > low and start > 0 and text[start - 1] in token_chars:
            start -= 1
        end = words.token_end.match(text, site)
        stop = end.end() if end else site + 1
        done = stop
        written = text[start:stop]
        letters = known.get(written)
        if letters is None:
            letters = known[written] = _token_letters(written, start > 0 and text[start - 1] in token_chars)
        if letters:
            found.append((start, letters))
    return found


def _token_letters(written: str, runs_on: bool) -> list[tuple[int, str]]:
    """(offset, letter) for the leet characters of one token, none for numbers, hex strings,
    addresses and long identifiers."""
    words, table = _word_patterns(), _leet()
    token = written.lower()
    if (
        len(token) > _TOKEN_MAX
        or runs_on
        or token.startswith("0x")
        or (len(token) >= 8 and all(c in "0123456789abcdef" for c in token))
    ):
        return []
    found: list[tuple[int, str]] = []
    for piece in words.leet_inner.finditer(token):
        run = piece.group()
        letters = (
            "l" * len(run) if len(run) > 1 and set(run) == {"1"} else "".join(table.letters[c] for c in run)
        )
        found.extend((piece.start() + i, letter) for i, letter in enumerate(letters))
    if words.leet_lead.match(token):
        found.append((0, table.letters[token[0]]))
    if words.leet_trail.search(token):
        found.append((len(token) - 1, table.letters[token[-1]]))
    return found


@dataclass(frozen=True, slots=True)
class _Leet:
    letters: dict[str, str]
    leading: str
    trailing: str


@cache
def _leet() -> _Leet:
    data = tomllib.loads(resources.files("verifier.data").joinpath("leet.toml").read_text("utf-8"))
    letters = {str(k): str(v) for k, v in data["letters"].items()}
    leading = "".join(c for c in data["leading"]["chars"] if c in letters)
    trailing = "".join(c for c in data["trailing"]["chars"] if c in letters)
    return _Leet(letters, leading, trailing)


@dataclass(frozen=True, slots=True)
class _WordPatterns:
    spaced_hits: tuple[tuple[str, re.Pattern[str]], ...]  # per separator: two spaced letters
    spaced: re.Pattern[str]  # a whole run of spaced letters, from its first
    ascii_letter: Callable[[str, int, int], re.Match[str] | None]  # search for an ASCII letter
    leet_hits: tuple[tuple[str, re.Pattern[str]], ...]  # per leet character: next to a letter
    token_chars: frozenset[str]
    token_back: re.Pattern[str]  # the part of a token before a place (searched up to it)
    token_end: re.Pattern[str]
    leet_inner: re.Pattern[str]
    leet_lead: re.Pattern[str]
    leet_trail: re.Pattern[str]
    # A whole token with a leet symbol next to a letter, as a group: ``split`` keeps them.
    leet_split: re.Pattern[str]


@cache
def _word_patterns() -> _WordPatterns:
    # Every search here starts with one literal character, which the engine skips to fast:
    # a character class at the start would be tested at every position.
    leet = _leet()
    symbols = "".join(sorted(leet.letters))
    cls = "[" + re.escape(symbols) + "]"
    lead = "[" + re.escape(leet.leading) + "]"
    trail = "[" + re.escape(leet.trailing) + "]"
    single = r"[a-zA-Z0-9\u4e00-\u9fff]"
    spaced_hits = tuple(
        (sep, re.compile(rf"{re.escape(sep)}{single}{re.escape(sep)}{single}(?![a-zA-Z0-9])"))
        for sep in " .-*_·"
    )
    leet_hits = tuple(
        (char, re.compile(rf"{re.escape(char)}(?:(?<=[a-zA-Z].)|(?=[a-zA-Z]))")) for char in symbols
    )
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    chars = f"a-zA-Z0-9{re.escape(symbols)}"
    token = rf"(?<![{chars}])(?=[{chars}]*?(?:[a-zA-Z]{cls}|{cls}[a-zA-Z]))[{chars}]++"
    return _WordPatterns(
        spaced_hits,
        re.compile(rf"(?<![a-zA-Z0-9]){_SPACED}(?![a-zA-Z0-9])"),
        re.compile("[a-zA-Z]").search,
        leet_hits,
        frozenset(letters + symbols),
        re.compile(rf"(?:[a-zA-Z0-9]|{cls})+\Z"),
        re.compile(rf"(?:[a-zA-Z0-9]|{cls}){{1,{_TOKEN_MAX + 1}}}"),
        re.compile(rf"(?<=[a-z]){cls}++(?=[a-z])"),
        re.compile(rf"{lead}(?=[a-z]{{2}})"),
        re.compile(rf"(?<=[a-z]{{4}}){trail}\Z"),
        re.compile(f"({token})"),
    )


@dataclass(frozen=True, slots=True)
class _Tables:
    table: dict[int, str]  # str.translate table
    # Runs of characters outside the common ranges step 1 never changes (ASCII, Chinese
    # characters, CJK and general punctuation): a small class the engine tests fast, where a
    # class of every foldable character (thousands of ranges) would be slow.
    unusual: re.Pattern[str]
    runs: re.Pattern[str]  # ``unusual`` as a group: ``split`` keeps the runs


@cache
def _tables() -> _Tables:
    # Only characters that have a decomposition can change under NFKC; format characters and
    # marks are removed; confusables are folded. Big blocks that none of these touch
    # (Chinese characters, Hangul syllables, private use, surrogates) are skipped: building
    # the table costs a few milliseconds, not a noticeable start.
    confusable = _confusables()
    mapping: dict[int, str] = {}
    marks = {cp for lo, hi in _MARK_RANGES for cp in range(lo, hi)}
    skipped = ((0x3400, 0xA000), (0xAC00, 0xD7A4), (0xD800, 0xF900))
    code_points = [
        cp
        for lo, hi in ((0x80, 0x3400), (0xA000, 0xAC00), (0xD7A4, 0xD800), (0xF900, 0x10000), *_ASTRAL_RANGES)
        for cp in range(lo, hi)
    ]
    assert not any(lo <= cp < hi for lo, hi in skipped for cp in (code_points[0], code_points[-1]))
    category, decomposition, nfkc = unicodedata.category, unicodedata.decomposition, unicodedata.normalize
    for cp in code_points:
        char = chr(cp)
        if cp in marks or cp in _INVISIBLE_EXTRA or 0xFE00 <= cp <= 0xFE0F or category(char) == "Cf":
            mapping[cp] = ""
            continue
        folded = char
        if decomposition(char):
            folded = nfkc("NFKC", char)
            if not any(c.isalnum() for c in folded):
                folded = char  # punctuation and spaces: the rules read them as written
        if char in confusable or not folded.isascii():
            folded = "".join(confusable.get(c, c) for c in folded)
        if folded != char:
            mapping[cp] = folded
    for cp in (*range(0xE0000, 0xE0080), *range(0xE0100, 0xE01F0)):  # tags, variation selectors
        mapping[cp] = ""
    common = [cp for lo, hi in _COMMON_RANGES for cp in range(lo, hi) if cp not in mapping]
    unusual = "[^" + _char_class(dict.fromkeys(common, ""))[1:] + "+"
    return _Tables(mapping, re.compile(unusual), re.compile(f"({unusual})"))


def _confusables() -> dict[str, str]:
    """Single non-ASCII letters of other scripts -> the ASCII letters or digits they imitate."""
    text = resources.files("verifier.lookalike").joinpath("confusables.txt").read_text("utf-8")
    table: dict[str, str] = {}
    for line in text.splitlines():
        data = line.split("#", 1)[0].strip()
        if not data:
            continue
        source, _, target = data.partition(";")
        cp = int(source, 16)
        written = "".join(chr(int(part, 16)) for part in target.split())
        if cp < 0x80 or _is_cjk(cp) or not written.isalnum():
            continue  # ASCII ("1" -> "l") and Chinese ("〇") stay as written
        table[chr(cp)] = written.lower()
    return table


def _is_cjk(cp: int) -> bool:
    return 0x2E80 <= cp < 0xA000 or 0xF900 <= cp < 0xFB00 or 0xFF00 <= cp < 0xFFF0 or cp >= 0x20000


def _char_class(code_points: dict[int, str]) -> str:
    """A character class of the code points, as ranges."""
    ranges: list[tuple[int, int]] = []
    for cp in sorted(code_points):
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    parts = [
        re.escape(chr(lo)) if lo == hi else f"{re.escape(chr(lo))}-{re.escape(chr(hi))}" for lo, hi in ranges
    ]
    return "[" + "".join(parts) + "]" if parts else "(?!)"
