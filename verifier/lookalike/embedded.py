"""A brand's name inside a longer host name, as real phishing writes it.

Real phishing hosts rarely are a brand plus one of a few keywords: they glue the brand to
anything (``web3ledgerconnectvault.com``, ``mmetamaskuxwalti.gitbook.io``), split it with hyphens
(``meta-mask-official.com``, ``im-token.cc``), misspell it inside other letters
(``community-metamesk.com``, ``metamskiwallat.gitbook.io``) and put it in a subdomain of a free
hosting platform or of an unrelated site (``metamask-support.ddnss.eu``). This finder reads every
label of the host with hyphens and underscores removed ("pieces" are the parts between them):

- a distinctive brand name (not an ordinary word, at least ``MIN_STRONG`` letters: metamask,
  binance, coinbase, trezor ...) anywhere, as written or in look-alike letters;
- a short or dictionary-word brand name (ledger, okx, phantom, trust) with crypto context
  (``crypto_context`` in words.toml) elsewhere in the host; those in ``standalone_names`` also as
  a whole piece ("nl-ledger.com", "x-phantom.com") unless a word of ``other_settings`` puts it in
  another trade ("ledger-accounting.org"), those in ``edge_names`` also at the start of
  a piece ("okxmint.com", "news-okxcn.com"; not "bookx.com");
- a misspelt brand name (one edit; two from ``TWO_EDITS_FROM`` letters) inside a longer label,
  on a hosting platform (hosting.toml), with crypto context, or as a whole piece of its own
  ("air-binanze.sbs"), unless the letters are an ordinary word (``ordinary_words``: finance).

It runs after the other techniques, so it only decides for hosts none of them named. ``Rules``
holds the choices the cross-validated benchmark varies.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from verifier.lookalike.skeleton import skeleton
from verifier.lookalike.words import crypto_context, only_keywords, trie_pattern, word_list

MIN_STRONG = 6  # letters a brand name needs to count anywhere on its own
TWO_EDITS_FROM = 10  # a misspelling this long may be two edits away
MIN_SEED = 3
MIN_HALF = 4


@cache
def hosting_platforms() -> frozenset[str]:
    """Domains of platforms where anyone can make a subdomain (hosting.toml)."""
    data = tomllib.loads(resources.files("verifier.lookalike").joinpath("hosting.toml").read_text("utf-8"))
    return frozenset(str(p).casefold() for p in data["platforms"])


@dataclass(frozen=True, slots=True)
class Rules:
    """The choices of this finder (the defaults are the shipped ones)."""

    standalone: frozenset[str] = field(default_factory=lambda: word_list("standalone_names"))
    edge: frozenset[str] = field(default_factory=lambda: word_list("edge_names"))
    misspelt_common: bool = True  # misspelt short brand names (phantom, ledger) with context
    misspelt_piece: bool = True  # a misspelt distinctive name as a whole piece counts alone
    context: frozenset[str] = field(default_factory=crypto_context)


@dataclass(frozen=True, slots=True)
class Hit:
    """Where a brand name was found: its token, the letters as written, which label."""

    token: str
    written: str
    label_index: int  # index into the host's labels (subdomains first, the registrable label last)
    misspelt: bool


_CUT = re.compile(r"[-_0-9]")


@dataclass(frozen=True, slots=True)
class _Label:
    shown: str  # as displayed, lowercase
    flat: str  # without separators
    positions: list[int] | None  # for each character of flat, its index in shown (None: the same)
    cuts: frozenset[int]  # piece boundaries in flat (0, the end, where separators or digits were)
    skeleton: str  # skeleton(flat)

    @classmethod
    def of(cls, shown: str) -> _Label:
        if _CUT.search(shown) is None:  # most labels: no separator, no digit
            return cls(shown, shown, None, frozenset((0, len(shown))), skeleton(shown))
        kept = [(i, ch) for i, ch in enumerate(shown) if ch not in "-_"]
        flat = "".join(ch for _, ch in kept)
        cuts = {0, len(flat)}
        for k in range(1, len(kept)):
            (i, a), (j, b) = kept[k - 1], kept[k]
            if j != i + 1 or a.isdigit() != b.isdigit():
                cuts.add(k)
        return cls(shown, flat, [i for i, _ in kept], frozenset(cuts), skeleton(flat))

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Where flat[start:end] is in shown."""
        if self.positions is None:
            return start, end
        return self.positions[start], self.positions[end - 1] + 1

    def whole_piece(self, start: int, end: int) -> bool:
        return start in self.cuts and end in self.cuts

    def at_start(self, start: int) -> bool:
        return start in self.cuts


def _home_rest(rest: str) -> bool:
    """What may stand beside a brand's own short name on its own domain ending: keywords of at
    least three letters ("app-token.im", not "en" + "ledger.com")."""
    return sum(ch.isalpha() for ch in rest) >= MIN_SEED and only_keywords(rest)


def _halves(token: str) -> list[str]:
    """The head and tail of ``token`` a misspelling is found from: halves, at least
    ``MIN_HALF`` letters each (overlapping in short names: a three-letter piece such as "nce" or
    "ger" is in too many ordinary names to look further at each)."""
    size = max(MIN_HALF, (len(token) + 1) // 2)
    return [token[:size], token[-max(MIN_HALF, len(token) - size) :]]


class EmbeddedIndex:
    """Brand names to look for inside host labels, built once per allowlist."""

    def __init__(
        self,
        tokens: Iterable[str],
        common: Iterable[str],
        keywords: Iterable[str],
        labels: Iterable[str] = (),
        rules: Rules | None = None,
        homes: dict[str, frozenset[str]] | None = None,
    ) -> None:
        """``tokens``: brand tokens; ``common``: those that are ordinary words or short;
        ``keywords``: words that are never a brand's name on their own (web3 ...); ``labels``:
        the official domains' labels (a bare misspelling of one is the typo finder's)."""
        self.labels = frozenset(labels)
        # A short brand name that is an official domain's own name, and that domain's ending:
        # on the same ending, ordinary keywords beside it are enough ("app-token.im").
        self.homes: dict[str, frozenset[str]] = dict(homes or {})
        from rapidfuzz.distance import OSA  # noqa: PLC0415

        self._distance = OSA.distance
        self.rules = rules if rules is not None else Rules()
        common_set, keyword_set = set(common), set(keywords)
        self.keywords = frozenset(keyword_set)
        self.strong: list[tuple[str, str]] = []  # (skeleton, token), longest first
        self.short: list[tuple[str, str]] = []
        for token in sorted(set(tokens), key=lambda t: (-len(t), t)):
            if len(token) < MIN_SEED or (token in keyword_set and token not in self.homes):
                continue
            if token in common_set or len(token) < MIN_STRONG:
                self.short.append((skeleton(token), token))
            else:
                self.strong.append((skeleton(token), token))
        strong = [token for _, token in self.strong]
        candidates = [t for t in strong if len(t) >= MIN_STRONG]
        if self.rules.misspelt_common:
            candidates += [t for _, t in self.short if len(t) >= MIN_STRONG]
        names = strong + candidates
        # (token, edits, halves): misspellings of the shortest forms only ("binanceweb3wallet"
        # holds "binance", "ledgerlive" holds "ledger"), with half of the name intact (with one
        # edit one half always is; two edits are allowed in names of TWO_EDITS_FROM letters).
        self.fuzzy: list[tuple[str, int, list[str]]] = []
        for token in candidates:
            if any(t != token and t in token for t in names):
                continue
            edits = 2 if len(token) >= TWO_EDITS_FROM else 1
            self.fuzzy.append((token, edits, _halves(token)))
        # Where each half may start a window: half -> [(fuzzy number, its offset in the name)].
        self.halves: dict[str, list[tuple[int, int]]] = {}
        for number, (token, _, halves) in enumerate(self.fuzzy):
            for half, offset in zip(halves, (0, len(token) - len(halves[-1])), strict=True):
                self.halves.setdefault(half, []).append((number, offset))
        self.half_heads: dict[str, list[str]] = {}
        for half in self.halves:
            self.half_heads.setdefault(half[:MIN_SEED], []).append(half)
        self.ordinary = word_list("ordinary_words")
        self.strong_of: dict[str, str] = {}
        for token_skel, token in self.strong:
            self.strong_of.setdefault(token_skel, token)
        self.strong_pattern = trie_pattern(self.strong_of)  # the leftmost, the longest there
        self.short_names = frozenset(t for _, t in self.short)
        self.other_settings = word_list("other_settings")
        # The gate: a host none of whose labels holds one of these (as skeletons, separators
        # kept) has no brand name inside; most hosts stop here. The C version tests the same.
        seeds = {s for s, _ in self.strong} | {s for s, _ in self.short}
        seeds |= {skeleton(part) for _, _, parts in self.fuzzy for part in parts}
        self.seeds = sorted(s for s in seeds if len(s) >= MIN_SEED)
        self.seed_heads: dict[str, tuple[str, ...]] = {}
        for seed in sorted(self.seeds, key=lambda s: (-len(s), s)):
            head = seed[:MIN_SEED]
            self.seed_heads[head] = (*self.seed_heads.get(head, ()), seed)
        self.gate = trie_pattern(self.seeds)
        context = trie_pattern(self.rules.context)
        other = trie_pattern(self.other_settings)
        self.context = context if context is not None else re.compile("(?!)")
        self.other_pattern = other if other is not None else re.compile("(?!)")
        self.platforms = hosting_platforms()

    def proof_tables(self) -> tuple[object, ...] | None:
        """What ``find`` reads, as tables for the C version, which proves with them that ``find``
        finds nothing in most hosts (verifier/_speedups.c, ``embedded_hit``): the skeletons
        of the strong names; the short names as (skeleton, flags: 1 standalone, 2 edge, 4 a
        keyword, frozenset of home suffixes); the fuzzy names as (token, edits, flags: 1 an
        official domain's name, 2 distinctive); their halves as (half, fuzzy number, offset in
        the name); the context words; the other-trade words; the ordinary words; the hosting
        platforms; ``Rules.misspelt_piece``. None when a name or half is not ASCII of at least
        ``MIN_SEED`` letters or a word not ASCII, which the C version does not read (it then asks
        ``find`` about every host past the gate)."""
        rules = self.rules
        strong = tuple(sorted(self.strong_of.items()))
        short = tuple(
            (
                skel,
                (token in rules.standalone) | (token in rules.edge) << 1 | (token in self.keywords) << 2,
                frozenset(self.homes.get(token, ())),
                token,
            )
            for skel, token in self.short
        )
        fuzzy = tuple(
            (token, edits, (token in self.labels) | (token not in self.short_names) << 1)
            for token, edits, _ in self.fuzzy
        )
        halves = tuple(
            (half, number, offset) for half, places in self.halves.items() for number, offset in places
        )
        pieces = [*(s for s, _ in strong), *(s for s, _, _, _ in short), *(h for h, _, _ in halves)]
        if not all(p.isascii() and len(p) >= MIN_SEED and "\0" not in p for p in pieces):
            return None
        words = [*rules.context, *self.other_settings]
        if not all(w.isascii() and w and "\0" not in w for w in words):
            return None
        if not all(t.isascii() and len(t) <= 255 for t, _, _ in fuzzy):
            return None
        return (
            strong,
            short,
            fuzzy,
            halves,
            tuple(sorted(rules.context)),
            tuple(sorted(self.other_settings)),
            frozenset(self.ordinary),
            frozenset(self.platforms),
            rules.misspelt_piece,
        )

    def on_platform(self, suffix: str, registrable: str) -> bool:
        return suffix in self.platforms or registrable in self.platforms

    def _has_context(self, texts: list[str], skip: tuple[int, int, int]) -> bool:
        """Whether crypto context words occur in the host's labels outside ``skip``
        (label index, start, end in the label as shown)."""
        for i, text in enumerate(texts):
            rest = text[: skip[1]] + "." + text[skip[2] :] if skip[0] == i else text
            if self.context.search(rest):
                return True
        return False

    def find(self, shown: list[str], platform: bool, suffix: str = "", gated: bool = False) -> Hit | None:
        """The first brand name in ``shown``, the host's labels as displayed (subdomains first,
        the registrable label last, without the public suffix ``suffix``)."""
        gate = self.gate
        if gate is None:
            return None
        # Only labels holding a seed are read; the others only give context. ``gated``: the one
        # label was checked already (by the C version, with the same seeds).
        if gated and len(shown) == 1:
            labels = {0: _Label.of(shown[0].casefold())}
        else:
            labels = {i: _Label.of(s.casefold()) for i, s in enumerate(shown) if gate.search(skeleton(s))}
        if not labels:
            return None
        texts = [s.casefold() for s in shown]
        last = len(shown) - 1
        order = [i for i in (last, *range(last)) if i in labels]  # the registrable label first
        strong = self.strong_pattern
        for i in order:
            label = labels[i]
            match = strong.search(label.skeleton) if strong is not None else None
            if match is not None:  # the leftmost, the longest there
                token = self.strong_of[match.group()]
                return Hit(token, self._written(label, match.start(), len(match.group())), i, False)
        rules = self.rules
        # a word putting a dictionary-word brand name in another trade ("ledger-accounting.org")
        elsewhere = any(self.other_pattern.search(text) for text in texts)
        for i in order:
            label = labels[i]
            for token_skel, token in self.short:
                at = label.skeleton.find(token_skel)
                while at >= 0:
                    span = self._flat_span(label, at, len(token_skel))
                    if span is not None:
                        start, end = span
                        bare = len(shown) == 1 and (start, end) == (0, len(label.flat))
                        a, b = label.span(start, end)
                        written = label.shown[a:b]
                        if not bare and (
                            (token in rules.standalone and label.whole_piece(start, end) and not elsewhere)
                            or (
                                suffix in self.homes.get(token, ())
                                and _home_rest(label.shown[:a] + "-" + label.shown[b:])
                            )
                            or (token in rules.edge and label.at_start(start))
                            or (token not in self.keywords and self._has_context(texts, (i, a, b)))
                        ):
                            return Hit(token, written, i, False)
                    at = label.skeleton.find(token_skel, at + 1)
        for i in order:
            label = labels[i]
            found = self._misspelt(label.flat)
            if found is None:
                continue
            token, start, end = found
            bare = len(shown) == 1 and (start, end) == (0, len(label.flat))
            if bare and token in self.labels:
                continue  # a bare misspelling of an official domain's name: the typo finder's
            if label.flat[start:end] in self.ordinary:
                continue
            span = label.span(start, end)
            distinctive = token not in self.short_names
            if (
                platform
                or bare
                or (rules.misspelt_piece and distinctive and label.whole_piece(start, end))
                or self._has_context(texts, (i, *span))
            ):
                return Hit(token, label.shown[span[0] : span[1]], i, True)
        return None

    def _misspelt(self, flat: str) -> tuple[str, int, int] | None:
        """A window of ``flat`` within the allowed edits of a brand name: (token, start, end).
        Only windows around an intact half of the name are tried."""
        n = len(flat)
        origins: dict[int, set[int]] = {}
        heads = self.half_heads
        for at in range(n - MIN_SEED + 1):
            for half in heads.get(flat[at : at + MIN_SEED], ()):
                if flat.startswith(half, at):
                    for number, offset in self.halves[half]:
                        origins.setdefault(number, set()).add(at - offset)
        found: tuple[int, int, int, str] | None = None  # (edits, start, -length, token)
        for number in sorted(origins):
            token, edits, _ = self.fuzzy[number]
            m = len(token)
            starts = {s for o in origins[number] for s in range(o - edits, o + edits + 1) if s >= 0}
            for start in sorted(starts):
                for length in range(m - edits, m + edits + 1):
                    end = start + length
                    if end > n:
                        break
                    d = self._distance(flat[start:end], token, score_cutoff=edits + 1)
                    # the nearest window, then the leftmost, then the longest (a whole word)
                    if 0 < d <= edits and (found is None or (d, start, -length) < found[:3]):
                        found = (d, start, -length, token)
        if found is not None:
            return found[3], found[1], found[1] - found[2]
        return None

    @staticmethod
    def _flat_span(label: _Label, at: int, length: int) -> tuple[int, int] | None:
        """The characters of ``label.flat`` whose skeleton is ``label.skeleton[at:at+length]``."""
        from verifier.lookalike.domains import _written_span  # noqa: PLC0415

        span = _written_span(label.flat, at, at + length)
        if span is None or span[1] <= span[0]:
            return None
        return span

    @classmethod
    def _written(cls, label: _Label, at: int, length: int) -> str:
        span = cls._flat_span(label, at, length)
        if span is None:
            return label.flat
        return label.shown[slice(*label.span(*span))]
