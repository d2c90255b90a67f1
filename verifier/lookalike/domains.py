"""Domain lookalikes: which official domain a host imitates, and by which technique.

Everything expensive is built once per allowlist (``DomainIndex``); one lookup then costs a
few dictionary probes plus edit-distance checks on a handful of candidates, independent of
the number of brands: fuzzy candidates come from a deletion index (SymSpell), brand tokens
from probing the label's substrings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from verifier.allowlist.model import Allowlist, Entry
from verifier.channels.domain import registrable_domain
from verifier.channels.punycode import decode as decode_punycode
from verifier.lookalike.embedded import EmbeddedIndex, Rules, _home_rest
from verifier.lookalike.skeleton import skeleton, skeleton_table
from verifier.lookalike.words import common_words, keywords, wallet_words, word_list
from verifier.model import ChannelKind
from verifier.speedups import maker, native

MIN_TOKEN = 3
COMMON_TYPOS_FROM = 6  # letters a dictionary-word official name needs for its typos to count anywhere
SCAN_LIMIT = 96  # official name forms scanned in C up to this many; the deletion index beyond


@dataclass(frozen=True, slots=True)
class Lookalike:
    """An official channel that a value imitates, and how."""

    entry: Entry
    technique: str
    detail: str = ""


@dataclass(slots=True)
class _Name:
    """The host being judged, split once: label as ASCII and as shown, suffix, subdomains."""

    label: str  # "xn--tokenpocet-cui"
    shown: str  # "tokenpocкet"
    suffix: str
    subs: list[str]
    registrable: str
    skeleton: str  # skeleton(shown), computed once for every finder: "tokenpocket"


@dataclass(frozen=True, slots=True)
class _Official:
    entry: Entry
    label: str  # registrable domain without its suffix: "tokenpocket"
    suffix: str  # "pro"
    registrable: str
    skeleton: str
    common: bool  # an ordinary word or short: stricter rules


# A finder's answer: the official domain, the technique and the detail.
_Found = tuple[_Official, str, str]


def max_typo_distance(length: int) -> int:
    """Edits allowed for a typo of a label this long: none below 5 letters, 1 up to 8, then 2."""
    if length < 5:
        return 0
    return 1 if length <= 8 else 2


def _deletes(text: str, depth: int) -> set[str]:
    """``text`` and every string made from it by deleting up to ``depth`` characters."""
    found = {text}
    frontier = {text}
    for _ in range(min(depth, len(text) - 1)):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


def _query_deletes(text: str, depth: int) -> Iterator[str]:
    """Like ``_deletes`` but generated directly (duplicates allowed): the per-query hot path."""
    yield text
    n = len(text)
    if depth < 1 or n < 2:
        return
    for i in range(n):
        yield text[:i] + text[i + 1 :]
    if depth < 2 or n < 3:
        return
    for i in range(n):
        head = text[:i]
        for j in range(i + 1, n):
            yield head + text[i + 1 : j] + text[j + 1 :]


def _split(host: str, registrable: str | None = None) -> tuple[str, str, list[str]] | None:
    registrable = registrable or registrable_domain(host)
    if registrable is None:
        return None
    label, _, suffix = registrable.partition(".")
    subdomain = host[: -len(registrable)].rstrip(".")
    return label, suffix, subdomain.split(".") if subdomain else []


@lru_cache(maxsize=1024)
def _unicode(label: str) -> str:
    # Labels were validated when the channel was parsed; only the punycode step is needed here.
    if not label.startswith("xn--"):
        return label
    try:
        return decode_punycode(label[4:])
    except UnicodeError:
        return label


def _first_of(heads: dict[str, list[str]]) -> re.Pattern[str] | None:
    """A pattern finding the first place any of ``heads`` occurs."""
    alternatives = "|".join(re.escape(head) for head in sorted(heads))
    return re.compile(alternatives) if alternatives else None


def _written_span(name: str, start: int, end: int) -> tuple[int, int] | None:
    """The characters of ``name`` whose skeletons make ``skeleton(name)[start:end]``, or None
    when that span begins or ends inside one character's skeleton ("m" is "rn")."""
    table = skeleton_table()
    position = 0
    first: int | None = None
    for i, char in enumerate(name):
        if position == start and first is None:
            first = i
        if position == end and first is not None:
            return first, i
        position += len(table[ord(char)])
    if position == end and first is not None:
        return first, len(name)
    return None


def _one_bit_apart(a: str, b: str) -> bool:
    if len(a) != len(b):
        return False
    diffs = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    return len(diffs) == 1 and bin(ord(diffs[0][0]) ^ ord(diffs[0][1])).count("1") == 1


class DomainIndex:
    """Official domains of every brand, indexed for lookalike search."""

    def __init__(self, allowlist: Allowlist, rules: Rules | None = None) -> None:
        # rapidfuzz loads with the first index rather than with verifier: a process that never
        # compares names (official hosts, phone numbers only) does not pay for importing it.
        from rapidfuzz import process  # noqa: PLC0415
        from rapidfuzz.distance import OSA  # noqa: PLC0415

        self._extract = process.extract
        self._osa = OSA.distance
        self.officials: list[_Official] = []
        self.by_label: dict[str, list[_Official]] = {}
        self.by_registrable: dict[str, list[_Official]] = {}
        self.by_skeleton: dict[str, list[_Official]] = {}
        self.by_delete: dict[str, set[int]] = {}
        self.tokens: dict[str, list[_Official]] = {}
        self.token_heads: dict[str, list[str]] = {}
        # Brand tokens by skeleton ("rnetarnask" -> ["metamask"]), and those by their first letters.
        self.skeleton_tokens: dict[str, list[str]] = {}
        self.skeleton_token_heads: dict[str, list[str]] = {}
        self.forms: list[str] = []
        self.form_owner: list[int] = []
        self.common_tokens: set[str] = set()
        self.official_hosts: set[str] = set()
        self.unrelated: dict[str, set[str]] = {}
        common = common_words()
        for brand in allowlist.brands.values():
            self.unrelated[brand.id] = set(brand.unrelated)
            brand_domains = [e for e in brand.entries if e.kind is ChannelKind.URL]
            for entry in brand_domains:
                self.official_hosts.add(entry.value)
                parts = _split(entry.value)
                if parts is None:
                    continue
                label, suffix, _ = parts
                official = _Official(
                    entry,
                    label,
                    suffix,
                    f"{label}.{suffix}",
                    skeleton(label),
                    label in common or len(label) < 5,
                )
                index = len(self.officials)
                self.officials.append(official)
                self.by_label.setdefault(label, []).append(official)
                self.by_registrable.setdefault(official.registrable, []).append(official)
                self.by_skeleton.setdefault(official.skeleton, []).append(official)
                # A non-ASCII name is judged by the tolerance of the (longer) skeleton: store
                # deletions that deep for both forms, or the index misses what a scan finds.
                depth = max_typo_distance(max(len(label), len(official.skeleton)))
                for form in {official.skeleton, label}:
                    self.forms.append(form)
                    self.form_owner.append(index)
                    for variant in _deletes(form, depth):
                        self.by_delete.setdefault(variant, set()).add(index)
                for token in self._brand_tokens(brand.id, brand.name, brand.aliases, label):
                    self.tokens.setdefault(token, []).append(official)
                    if token in common or len(token) < 5:
                        self.common_tokens.add(token)

        for token in sorted(self.tokens, key=len, reverse=True):
            self.token_heads.setdefault(token[:MIN_TOKEN], []).append(token)
            self.skeleton_tokens.setdefault(skeleton(token), []).append(token)
        for token_skeleton in sorted(self.skeleton_tokens, key=len, reverse=True):
            if len(token_skeleton) >= MIN_TOKEN:
                self.skeleton_token_heads.setdefault(token_skeleton[:MIN_TOKEN], []).append(token_skeleton)
        # Finds the first place a brand token may start in one C-level pass; most names have none.
        self.head_pattern = _first_of(self.token_heads)
        self.number = {id(official): i for i, official in enumerate(self.officials)}
        self.ordinary_words = word_list("ordinary_words")
        self.compound_words = word_list("compound_words")
        self.brand_names = {
            brand.id: self._brand_tokens(brand.id, brand.name, (), "") for brand in allowlist.brands.values()
        }
        homes = {
            label: frozenset(o.suffix for o in officials)
            for label, officials in self.by_label.items()
            if label in self.common_tokens
        }
        self.embedded = EmbeddedIndex(
            self.tokens, self.common_tokens, keywords(), self.by_label, rules, homes
        )
        self.skeleton_head_pattern = _first_of(self.skeleton_token_heads)
        self._native = self._native_matcher()
        # DomainMatcher.find: ``find`` in C for a host whose registrable and Unicode forms are known.
        self.native_find: Callable[[str, str, str], Lookalike | None] | None = (
            self._native.find if self._native is not None else None
        )

    def _native_matcher(self) -> Any:
        """The C version of ``find`` over the same tables (verifier/_speedups.c), or None."""
        if native is None:
            return None
        number = {id(official): i for i, official in enumerate(self.officials)}

        def numbers(table: dict[str, list[_Official]]) -> dict[str, tuple[int, ...]]:
            return {key: tuple(number[id(o)] for o in officials) for key, officials in table.items()}

        return native.DomainMatcher(
            index=self,
            officials=tuple(
                (
                    o.entry,
                    o.label,
                    o.suffix,
                    o.registrable,
                    o.skeleton,
                    o.common,
                    self.unrelated[o.entry.brand],
                )
                for o in self.officials
            ),
            forms=tuple(zip(self.forms, self.form_owner, strict=True)),
            scan=len(self.forms) <= SCAN_LIMIT,
            official_hosts=self.official_hosts,
            by_label=numbers(self.by_label),
            by_skeleton=numbers(self.by_skeleton),
            tokens=numbers(self.tokens),
            common_tokens=self.common_tokens,
            token_heads={head: tuple(tokens) for head, tokens in self.token_heads.items()},
            by_delete=self.by_delete,
            skeleton_tokens={key: tuple(tokens) for key, tokens in self.skeleton_tokens.items()},
            skeleton_token_heads={head: tuple(keys) for head, keys in self.skeleton_token_heads.items()},
            seed_heads=dict(self.embedded.seed_heads),
            embedded=self._native_embedded(),
            skeletons=skeleton_table(),
            only_keywords=wallet_words,
            lookalike=maker(Lookalike),
        )

    def _native_embedded(self) -> tuple[object, ...] | None:
        """What the C version needs to run the embedded finder (``EmbeddedIndex.proof_tables``,
        ``_home_rest``) and ``_subdomain`` (``by_registrable`` as official numbers); None when the
        tables hold anything it cannot read (then it asks Python past the gate, and leaves hosts
        with subdomains to Python)."""
        tables = self.embedded.proof_tables()
        if tables is None:
            return None
        number = {id(official): i for i, official in enumerate(self.officials)}
        registrables = {
            key: tuple(number[id(o)] for o in officials) for key, officials in self.by_registrable.items()
        }
        return (*tables, _home_rest, registrables)

    @staticmethod
    def _brand_tokens(brand_id: str, name: str, aliases: Iterable[str], label: str) -> set[str]:
        raw = [brand_id, name, label, *aliases]
        tokens = {"".join(ch for ch in r.casefold() if ch.isascii() and ch.isalnum()) for r in raw}
        return {t for t in tokens if len(t) >= MIN_TOKEN}

    def _allowed(self, official: _Official, registrable: str) -> bool:
        return registrable not in self.unrelated.get(official.entry.brand, ())

    def _vetoed(self, number: int, technique: str, label: str) -> bool:
        """Whether a typo, bitsquat or tld-swap of official number ``number`` found for the
        registrable label ``label`` is rather an ordinary word or name: an ordinary word
        ("tresor"); a compound brand name with one part swapped for another word ("metatask",
        "metamusk", "bitnet"); a dictionary-word name with a letter added or dropped at an end
        ("ledgerx"); a dictionary word of a brand's domain that is not the brand's name on
        another ending ("token.ro" for imToken's token.im). The C version asks this too."""
        if technique not in ("typo", "bitsquat", "tld-swap"):
            return False
        official = self.officials[number]
        name = official.label
        if technique == "tld-swap":
            return official.common and name not in self.brand_names[official.entry.brand]
        if label in self.ordinary_words:
            return True
        if official.common:
            long, short = (label, name) if len(label) > len(name) else (name, label)
            extra = (
                long[len(short) :]
                if long.startswith(short)
                else long[: -len(short)]
                if long.endswith(short)
                else ""
            )
            if extra.isalpha():
                return True  # a letter added or dropped at an end makes another word; a digit does not
        words = self.compound_words
        for k in range(2, len(name) - 1):
            left, right = name[:k], name[k:]
            if label.startswith(left) and right in words and label[k:] in words and label[k:] != right:
                return True
            cut = len(label) - len(right)
            if label.endswith(right) and left in words and label[:cut] in words and label[:cut] != left:
                return True
        return False

    def find(
        self, host: str, registrable: str | None = None, host_unicode: str | None = None
    ) -> Lookalike | None:
        """The official domain ``host`` imitates, or None.

        ``host`` is the ASCII (IDNA) form; pass its ``registrable`` domain when it is
        already known (a parsed Channel has it) to skip the Public Suffix List lookup,
        and ``host_unicode`` to skip decoding punycode again.
        """
        if self._native is not None and registrable is not None and host_unicode is not None:
            found: Lookalike | None = self._native.find(host, registrable, host_unicode)
            return found
        return self.find_python(host, registrable, host_unicode)

    def find_python(
        self, host: str, registrable: str | None = None, host_unicode: str | None = None
    ) -> Lookalike | None:
        """``find`` in Python: the definition the C version follows, and its fallback."""
        if host in self.official_hosts:
            return None
        parts = _split(host, registrable)
        if parts is None:
            return None
        label, suffix, sub_labels = parts
        registrable = f"{label}.{suffix}"
        shown = label
        if label.startswith("xn--"):
            unicode_labels = (host_unicode or "").split(".")
            same_shape = len(unicode_labels) == len(sub_labels) + 1 + suffix.count(".") + 1
            shown = unicode_labels[len(sub_labels)] if same_shape else _unicode(label)
        name = _Name(label, shown, suffix, sub_labels, registrable, skeleton(shown))
        for finder in _FINDERS:
            found = finder(self, name)
            if (
                found is not None
                and self._allowed(found[0], registrable)
                and not self._vetoed(self.number[id(found[0])], found[1], label)
            ):
                return Lookalike(found[0].entry, found[1], found[2])
        return None

    def _exact_label(self, n: _Name) -> _Found | None:
        for official in self.by_label.get(n.label, []):
            if official.suffix != n.suffix:
                return (
                    official,
                    "tld-swap",
                    f"same name {n.label!r} on .{n.suffix} instead of .{official.suffix}",
                )
        return None

    def _subdomain(self, n: _Name) -> _Found | None:
        subs, reg = n.subs, n.registrable
        if not subs:
            return None
        for start in range(len(subs) - 1):
            for end in range(start + 2, len(subs) + 1):
                for official in self.by_registrable.get(".".join(subs[start:end]), []):
                    return official, "subdomain", f"{official.registrable} used as a subdomain of {reg}"
        for sub in subs:
            for official in self.tokens.get(sub, []):
                if sub not in self.common_tokens or wallet_words(n.label):
                    return official, "subdomain", f"brand name {sub!r} used as a subdomain of {reg}"
        glued = "".join(subs) + n.label
        for official in self.by_label.get(glued, []):
            return official, "subdomain", f"{official.label!r} split across subdomain labels"
        return None

    def _skeleton(self, n: _Name) -> _Found | None:
        shown = n.shown
        for official in self.by_skeleton.get(n.skeleton, []):
            if shown != official.label:
                return official, "homoglyph", f"{shown!r} looks like {official.label!r}"
        return None

    def _combosquat(self, n: _Name) -> _Found | None:
        name = n.skeleton if not n.shown.isascii() else n.shown
        return (
            self._tokens_in(name, n)
            or self._lookalike_tokens_in(name, n)
            or self._combo_typo(name, None if name is n.shown else n.shown)
        )

    def _combosquat_shown(self, shown: str, name_skeleton: str) -> _Found | None:
        """``_combosquat`` for a label with look-alike letters (the C version asks it)."""
        return self._combosquat(_Name("", shown, "", [], "", name_skeleton))

    @staticmethod
    def _as_shown(n: _Name, name: str, start: int, end: int) -> tuple[str, str]:
        """``name[start:end]`` and the rest around it as the host shows them: ``name`` may be
        the skeleton of a label with look-alike letters, which no reason should show."""
        span = (start, end) if name is n.shown else _written_span(n.shown, start, end)
        if span is None:
            return name[start:end], (name[:start] + "-" + name[end:]).strip("-")
        a, b = span
        return n.shown[a:b], (n.shown[:a] + "-" + n.shown[b:]).strip("-")

    def _tokens_in(self, name: str, n: _Name) -> _Found | None:
        """A brand token as written inside the name, with keywords or a suffix around it."""
        first = self.head_pattern.search(name) if self.head_pattern is not None else None
        if first is None:
            return None
        for start in range(first.start(), len(name) - MIN_TOKEN + 1):
            for token in self.token_heads.get(name[start : start + MIN_TOKEN], ()):
                if not name.startswith(token, start):
                    continue
                end = start + len(token)
                for official in self.tokens[token]:
                    rest = name[:start] + "-" + name[end:]
                    # An ordinary word needs scam words beside it: "trust.org" is not Trust Wallet.
                    if token in self.common_tokens and (rest == "-" or not wallet_words(rest)):
                        continue
                    if rest.strip("-") == official.suffix.replace(".", ""):
                        return official, "combosquat", f"{official.registrable} written as one name"
                    shown, around = self._as_shown(n, name, start, end)
                    return official, "combosquat", f"brand name {shown!r} with {around!r}"
        return None

    def _lookalike_tokens_in(self, name: str, n: _Name) -> _Found | None:
        """A brand token written with look-alike letters inside the name ("t0kenpocketkefu",
        "rnetarnaskhelp"): found by skeleton, the rest around it judged as written."""
        skel = n.skeleton if name is n.shown else skeleton(name)
        first = self.skeleton_head_pattern.search(skel) if self.skeleton_head_pattern is not None else None
        if first is None:
            return None
        for start in range(first.start(), len(skel) - MIN_TOKEN + 1):
            for token_skeleton in self.skeleton_token_heads.get(skel[start : start + MIN_TOKEN], ()):
                if not skel.startswith(token_skeleton, start):
                    continue
                span = _written_span(name, start, start + len(token_skeleton))
                if span is None:
                    continue  # the match starts or ends inside one letter's skeleton
                written = name[span[0] : span[1]]
                rest = name[: span[0]] + "-" + name[span[1] :]
                for token in self.skeleton_tokens[token_skeleton]:
                    if written == token:
                        continue  # the brand as written: _tokens_in judged it
                    for official in self.tokens[token]:
                        if token in self.common_tokens and (rest == "-" or not wallet_words(rest)):
                            continue
                        shown, around = self._as_shown(n, name, *span)
                        detail = f"{shown!r} looks like brand name {token!r}, with {around!r}"
                        return official, "combosquat", detail
        return None

    def _combo_typo(self, name: str, shown: str | None = None) -> _Found | None:
        # A misspelt brand plus keywords: "metamsk-support", "tokenpockct-kefu". ``name`` may be
        # the skeleton of ``shown`` (look-alike letters); reasons show the pieces of ``shown``.
        if "-" not in name and "_" not in name:
            return None  # one piece: nothing to be keywords
        pieces = [p for p in name.replace("_", "-").split("-") if p]
        if len(pieces) < 2:
            return None
        written = [p for p in (shown or name).replace("_", "-").split("-") if p]
        if len(written) != len(pieces):
            written = pieces
        for index, piece in enumerate(pieces):
            rest = "-".join(p for p in pieces if p is not piece)
            if len(piece) < 5 or not wallet_words(rest):
                continue
            for official, _ in self._near(piece):
                if not official.common:
                    others = "-".join(p for k, p in enumerate(written) if k != index)
                    return official, "combosquat", f"misspelt brand {written[index]!r} with {others!r}"
        return None

    def _near(self, text: str, text_skeleton: str | None = None) -> Iterator[tuple[_Official, int]]:
        """Officials within their typo tolerance of ``text``, with the distance.

        Compared as written and as skeletons ("tokenm" is one edit from "token" as written,
        "tokcnpocket" one from its skeleton); the smaller distance counts. Short lists are
        scanned in C by rapidfuzz; long ones go through the deletion index, whose cost does
        not grow with the number of brands.
        """
        written = text.casefold()
        skeletal = skeleton(text) if text_skeleton is None else text_skeleton
        # A fixed order (as written, then the skeleton) so the first official found is always the same.
        forms = (written,) if skeletal == written else (written, skeletal)
        best: dict[int, int] = {}
        if len(self.forms) <= SCAN_LIMIT:
            for form in forms:
                for _, distance, position in self._extract(
                    form, self.forms, scorer=self._osa, score_cutoff=2, limit=None
                ):
                    owner = self.form_owner[position]
                    best[owner] = min(distance, best.get(owner, 99))
        else:
            for form in forms:
                for variant in _query_deletes(form, max_typo_distance(len(form) + 2)):
                    for owner in self.by_delete.get(variant, ()):
                        if owner not in best:
                            best[owner] = self._distance(forms, self.officials[owner])
        # Nearest first, then allowlist order: the scan and the index name the same official.
        for owner, distance in sorted(best.items(), key=lambda item: (item[1], item[0])):
            official = self.officials[owner]
            # An ASCII name gets the tolerance of the official name as written; only look-alike
            # letters earn that of its longer skeleton ("metamask" -> "rnetarnask").
            basis = official.label if text.isascii() else official.skeleton
            if 0 < distance <= max_typo_distance(len(basis)):
                yield official, distance

    def _distance(self, forms: tuple[str, ...], official: _Official) -> int:
        return min(
            self._osa(f, o, score_cutoff=3) for f in forms for o in (official.label, official.skeleton)
        )

    def _fuzzy_of(self, label: str, shown: str, name_skeleton: str, suffix: str) -> _Found | None:
        """``_fuzzy`` for a host without subdomains (the C version's fallback)."""
        return self._fuzzy(_Name(label, shown, suffix, [], f"{label}.{suffix}", name_skeleton))

    def _fuzzy(self, n: _Name) -> _Found | None:
        shown, label = n.shown, n.label
        for official, distance in self._near(shown, n.skeleton):
            # a dictionary word's typos on another ending only from COMMON_TYPOS_FROM letters
            # (ledger, phantom; not token or okx); _vetoed then keeps ordinary words out
            if official.common and n.suffix != official.suffix and len(official.label) < COMMON_TYPOS_FROM:
                continue
            if not shown.isascii():
                return official, "homoglyph", f"{shown!r} imitates {official.label!r} with look-alike letters"
            if _one_bit_apart(label, official.label):
                return official, "bitsquat", f"{label!r} is {official.label!r} with one bit flipped"
            return official, "typo", f"{label!r} is {distance} edit(s) from {official.label!r}"
        return None

    def _embedded_of(
        self, label: str, shown: str, name_skeleton: str, suffix: str, subs: tuple[str, ...] = ()
    ) -> _Found | None:
        """``_embedded`` for a host of ``subs`` (subdomain labels, ASCII) and a registrable label
        (the C version calls it when it cannot prove that nothing is there)."""
        n = _Name(label, shown, suffix, list(subs), f"{label}.{suffix}", name_skeleton)
        return self._embedded(n, gated=not subs)

    def _embedded(self, n: _Name, gated: bool = False) -> _Found | None:
        """A brand's name inside a longer label, glued, split or misspelt (see ``embedded``)."""
        if n.registrable in self.by_registrable:
            return None  # a brand's own registrable domain (a shared one): not an imitation
        shown = [_unicode(s) for s in n.subs] + [n.shown]
        platform = self.embedded.on_platform(n.suffix, n.registrable)
        hit = self.embedded.find(shown, platform, n.suffix, gated)
        if hit is None:
            return None
        official = self.tokens[hit.token][0]
        where = shown[hit.label_index]
        what = (
            f"{hit.written!r} is a misspelling of {hit.token!r}"
            if hit.misspelt
            else f"brand name {hit.written!r}"
        )
        if platform:
            host = n.registrable if n.registrable in self.embedded.platforms else n.suffix
            return official, "hosting", f"{what} in {where!r}, a site anyone can make on {host}"
        if hit.label_index < len(n.subs):
            return official, "embedded", f"{what} in {where!r}, a subdomain of {n.registrable}"
        return official, "combosquat", f"{what} inside {where!r}"


# The techniques in the order they are tried: the first that finds an official domain names it.
_FINDERS = (
    DomainIndex._exact_label,
    DomainIndex._subdomain,
    DomainIndex._skeleton,
    DomainIndex._combosquat,
    DomainIndex._fuzzy,
    DomainIndex._embedded,
)
