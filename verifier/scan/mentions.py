"""Which brands a text names: every brand name and alias, found in one Aho-Corasick pass."""

from __future__ import annotations

from collections import Counter

from ahocorasick_rs import AhoCorasick

from verifier.allowlist.model import Allowlist


class BrandMentions:
    """Every brand name and alias of an allowlist, as searched in lowercased text.

    ASCII names count only as whole words ("okx" is not in "bookx"); each name's occurrences
    are counted from left to right without overlapping one another.
    """

    def __init__(self, allowlist: Allowlist) -> None:
        self.names: list[tuple[str, str]] = []  # (lowercase form as searched, brand id)
        seen: set[str] = set()
        for brand in allowlist.brands.values():
            for name in (brand.name, brand.id, *brand.aliases):
                if len(_key(name)) < 3 and _key(name).isascii():
                    continue
                spaced = " ".join(name.lower().split())
                # "Trust Wallet" is also written "TrustWallet".
                for form in {spaced, spaced.replace(" ", "")}:
                    if form not in seen:
                        seen.add(form)
                        self.names.append((form, brand.id))
        self._automaton = AhoCorasick([form for form, _ in self.names]) if self.names else None

    def find(self, body: str) -> Counter[str]:
        """How many times each brand is named in ``body``, brands in the order of their names."""
        found: Counter[str] = Counter()
        if self._automaton is None:
            return found
        lowered = body.lower()
        counts = [0] * len(self.names)
        resume = [0] * len(self.names)  # where the next occurrence of each name may start
        for index, start, end in self._automaton.find_matches_as_indexes(lowered, overlapping=True):
            if start < resume[index]:
                continue
            resume[index] = end
            if not self.names[index][0].isascii() or (
                (start == 0 or not lowered[start - 1].isalnum() or not lowered[start - 1].isascii())
                and (end == len(lowered) or not lowered[end].isalnum() or not lowered[end].isascii())
            ):
                counts[index] += 1
        for (_, brand_id), count in zip(self.names, counts, strict=True):
            if count:
                found[brand_id] += count
        return found


def _key(name: str) -> str:
    return "".join(name.casefold().split())


def brand_mentions(allowlist: Allowlist) -> BrandMentions:
    """The mention index of ``allowlist``, built once and kept with it."""
    index = allowlist.derived.get("brand_mentions")
    if not isinstance(index, BrandMentions):
        index = BrandMentions(allowlist)
        allowlist.derived["brand_mentions"] = index
    return index
