"""A brand's name inside a longer host name, as real phishing writes it.

Real phishing hosts rarely are a brand plus one of a few keywords: they glue the brand to
anything (``web3ledgerconnectvault.com``, ``mmetamaskuxwalti.gitbook.io``), split it with hyphens
(``meta-mask-official.com``, ``im-token.cc``), misspell it inside other letters
(``community-metamesk.com``, ``metamskiwallat.gitbook.io``) and put it in a subdomain of a free
hosting platform or of an unrelated site (``metamask-support.ddnss.eu``). This finder looks at
every label of the host with hyphens and underscores removed:

- a distinctive brand name (not an ordinary word, at least ``MIN_STRONG`` letters: metamask,
  binance, coinbase, trezor ...) anywhere in it, as written or in look-alike letters;
- the same names misspelt (one edit; two from ``TWO_EDITS_FROM`` letters) inside a longer label,
  when the rest of the host carries crypto context (``crypto_context`` in words.toml) or the host
  is on a hosting platform (hosting.toml);
- a short or dictionary-word brand name (ledger, okx, phantom, trust) anywhere in it, only with
  crypto context elsewhere in the host.

It runs after the other techniques, so it only decides for hosts none of them named.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from verifier.lookalike.skeleton import skeleton
from verifier.lookalike.words import crypto_context

MIN_STRONG = 6  # letters a brand name needs to count anywhere on its own
TWO_EDITS_FROM = 10  # a misspelling this long may be two edits away
MIN_CONTEXT_TOKEN = 3


@cache
def hosting_platforms() -> frozenset[str]:
    """Domains of platforms where anyone can make a subdomain (hosting.toml)."""
    data = tomllib.loads(resources.files("verifier.lookalike").joinpath("hosting.toml").read_text("utf-8"))
    return frozenset(str(p).casefold() for p in data["platforms"])


@dataclass(frozen=True, slots=True)
class Hit:
    """Where a brand name was found: its token, the letters as written, which label."""

    token: str
    written: str
    label_index: int  # index into the host's labels (subdomains first, the registrable label last)
    misspelt: bool
    contextual: bool  # a short brand name, found thanks to crypto context


def _flat(label: str) -> tuple[str, list[int]]:
    """``label`` without separators, and for each kept character its index in ``label``."""
    kept = [(i, ch) for i, ch in enumerate(label) if ch not in "-_"]
    return "".join(ch for _, ch in kept), [i for i, _ in kept]


def _osa(a: str, b: str) -> int:
    """Optimal string alignment distance (adjacent transpositions count as one edit)."""
    la, lb = len(a), len(b)
    prev2: list[int] = []
    prev = list(range(lb + 1))
    for i in range(1, la + 1):
        cur = [i] + [0] * lb
        for j in range(1, lb + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, prev2[j - 2] + 1)
            cur[j] = value
        prev2, prev = prev, cur
    return prev[lb]


class EmbeddedIndex:
    """Brand names to look for inside host labels, built once per allowlist."""

    def __init__(self, tokens: dict[str, list[str]], common: Iterable[str], keywords: Iterable[str]) -> None:
        """``tokens``: brand token -> brand ids; ``common``: tokens that are ordinary words or
        short; ``keywords``: words that are never a brand's name on their own (web3 ...)."""
        common_set, keyword_set = set(common), set(keywords)
        self.strong: list[tuple[str, str]] = []  # (skeleton, token), longest first
        self.short: list[tuple[str, str]] = []
        self.fuzzy: list[tuple[str, int, tuple[str, str]]] = []  # (token, max edits, halves)
        for token in sorted(tokens, key=lambda t: (-len(t), t)):
            if token in keyword_set:
                continue
            if token in common_set or len(token) < MIN_STRONG:
                if len(token) >= MIN_CONTEXT_TOKEN and token not in keyword_set:
                    self.short.append((skeleton(token), token))
                continue
            self.strong.append((skeleton(token), token))
        strong = [token for _, token in self.strong]
        for token in strong:
            # Misspellings of the shortest forms only: "binanceweb3wallet" holds "binance".
            if len(token) > MIN_STRONG and not any(t != token and t in token for t in strong):
                edits = 2 if len(token) >= TWO_EDITS_FROM else 1
                half = len(token) // 2
                self.fuzzy.append((token, edits, (token[:half], token[half:])))
        # The gate: a host none of whose labels holds one of these (as skeletons) has no brand
        # name inside; most hosts stop here. The C version tests the same strings.
        seeds = {s for s, _ in self.strong} | {s for s, _ in self.short}
        seeds |= {skeleton(half) for _, _, halves in self.fuzzy for half in halves}
        self.seeds = sorted(s for s in seeds if len(s) >= MIN_CONTEXT_TOKEN)
        self.seed_heads: dict[str, tuple[str, ...]] = {}
        for seed in sorted(self.seeds, key=lambda s: (-len(s), s)):
            self.seed_heads[seed[:MIN_CONTEXT_TOKEN]] = (
                *self.seed_heads.get(seed[:MIN_CONTEXT_TOKEN], ()),
                seed,
            )
        self.gate = re.compile("|".join(re.escape(s) for s in self.seeds)) if self.seeds else None
        self.context = sorted(crypto_context(), key=len, reverse=True)
        from rapidfuzz.distance import OSA  # noqa: PLC0415

        self._distance = OSA.distance
        self.platforms = hosting_platforms()

    def on_platform(self, suffix: str, registrable: str) -> bool:
        return suffix in self.platforms or registrable in self.platforms

    def has_context(self, labels: list[str], skip: tuple[int, int, int] | None) -> bool:
        """Whether crypto context words occur in the host's labels outside ``skip``
        (label index, start, end of the brand name found)."""
        for i, label in enumerate(labels):
            text = label
            if skip is not None and skip[0] == i:
                text = label[: skip[1]] + "." + label[skip[2] :]
            if any(word in text for word in self.context):
                return True
        return False

    def find(self, labels: list[str], shown: list[str], platform: bool) -> Hit | None:
        """The first brand name in ``labels`` (ASCII, lowercase; subdomains first, the
        registrable label last), ``shown`` being the same labels as displayed (Unicode)."""
        gate = self.gate
        if gate is None or not any(gate.search(skeleton(label)) for label in shown):
            return None
        flats = [_flat(label) for label in shown]
        order = [len(labels) - 1, *range(len(labels) - 1)]  # the registrable label first
        for i in order:
            flat, _ = flats[i]
            skel = skeleton(flat)
            for token_skel, token in self.strong:
                at = skel.find(token_skel)
                if at >= 0:
                    return Hit(
                        token, self._written(shown[i], flats[i], skel, at, len(token_skel)), i, False, False
                    )
        for i in order:
            flat, _ = flats[i]
            skel = skeleton(flat)
            for token_skel, token in self.short:
                at = skel.find(token_skel)
                if at < 0:
                    continue
                written = self._written(shown[i], flats[i], skel, at, len(token_skel))
                span = self._span(shown[i], flats[i], skel, at, len(token_skel))
                if span is not None and self.has_context([s.casefold() for s in shown], (i, *span)):
                    return Hit(token, written, i, False, True)
        for i in order:
            flat, _ = flats[i]
            found = self._misspelt(flat.casefold())
            if found is None:
                continue
            token, start, end = found
            whole = start == 0 and end == len(flat)
            if whole and i == len(labels) - 1 and not platform:
                continue  # a bare misspelt name: the typo finder's to judge
            positions = flats[i][1]
            span = (positions[start], positions[end - 1] + 1)
            if platform or self.has_context([s.casefold() for s in shown], (i, *span)):
                return Hit(token, shown[i][span[0] : span[1]], i, True, False)
        return None

    def _misspelt(self, flat: str) -> tuple[str, int, int] | None:
        """A window of ``flat`` within the allowed edits of a distinctive brand name:
        (token, start, end). Only windows where half of the name is intact are tried (with one
        edit one half is; with two, a longer name's halves are checked the same way)."""
        n = len(flat)
        for token, edits, (head, tail) in self.fuzzy:
            m = len(token)
            if n < m - edits:
                continue
            starts: set[int] = set()
            at = flat.find(head)
            while at >= 0:
                starts.update(range(max(0, at - edits), at + 1))
                at = flat.find(head, at + 1)
            at = flat.find(tail)
            while at >= 0:
                end = at + len(tail)
                starts.update(range(max(0, end - m - edits), max(0, end - m + edits) + 1))
                at = flat.find(tail, at + 1)
            best: tuple[int, int, int] | None = None
            for start in sorted(starts):
                for length in range(m - edits, m + edits + 1):
                    end = start + length
                    if end > n:
                        break
                    d = self._distance(flat[start:end], token, score_cutoff=edits + 1)
                    if 0 < d <= edits and (best is None or d < best[0]):
                        best = (d, start, end)
            if best is not None:
                return token, best[1], best[2]
        return None

    @staticmethod
    def _span(
        label: str, flat: tuple[str, list[int]], skel: str, at: int, length: int
    ) -> tuple[int, int] | None:
        """Where in ``label`` (as shown) the skeleton match ``skel[at:at+length]`` was written."""
        from verifier.lookalike.domains import _written_span  # noqa: PLC0415

        text, positions = flat
        span = _written_span(text, at, at + length)
        if span is None or span[1] <= span[0]:
            return None
        return positions[span[0]], positions[span[1] - 1] + 1

    @classmethod
    def _written(cls, label: str, flat: tuple[str, list[int]], skel: str, at: int, length: int) -> str:
        span = cls._span(label, flat, skel, at, length)
        return label[span[0] : span[1]] if span is not None else flat[0]
