"""Handle lookalikes: ``@TokenPocket_Support``, ``Token_Pocket``, ``T0kenPocket`` on a platform."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from verifier.allowlist.model import Allowlist, Brand, Entry
from verifier.lookalike.domains import Lookalike, max_typo_distance
from verifier.lookalike.skeleton import skeleton
from verifier.lookalike.words import common_words, only_keywords
from verifier.model import Channel, ChannelKind

_SEPARATORS = str.maketrans("", "", "_.-")


def collapse(name: str) -> str:
    """A handle's skeleton without separators: ``Token_P0cket`` -> ``tokenpocket``."""
    return skeleton(name.translate(_SEPARATORS))


@dataclass(frozen=True, slots=True)
class _Official:
    entry: Entry
    collapsed: str


class HandleIndex:
    """Official handles and brand tokens, indexed by collapsed form."""

    def __init__(self, allowlist: Allowlist, tokens: dict[str, list[Entry]], common_tokens: set[str]) -> None:
        from rapidfuzz.distance import OSA  # noqa: PLC0415 (loaded with the index, as in domains.py)

        self._osa = OSA.distance
        self.by_collapsed: dict[str, list[_Official]] = {}
        self.by_platform: dict[str | None, list[_Official]] = {None: []}
        self.brands = allowlist.brands
        for brand in allowlist.brands.values():
            for entry in brand.entries_of(ChannelKind.HANDLE):
                official = _Official(entry, collapse(entry.display))
                self.by_platform.setdefault(entry.platform, []).append(official)
                self.by_platform[None].append(official)
                self.by_collapsed.setdefault(official.collapsed, []).append(official)
        self.tokens = {collapse(token): entries for token, entries in tokens.items()}
        self.common_tokens = {collapse(t) for t in common_tokens | set(common_words())}

    def _representative(self, brand_id: str, platform: str | None) -> Entry | None:
        # What a brand-name imitation is compared with: the brand's handle on that platform,
        # else its first handle, else its first domain.
        brand: Brand = self.brands[brand_id]
        handles = brand.entries_of(ChannelKind.HANDLE)
        same = [e for e in handles if e.platform == platform]
        chosen = same or list(handles) or list(brand.entries_of(ChannelKind.URL))
        return chosen[0] if chosen else None

    def find(self, channel: Channel) -> Lookalike | None:
        """The official handle or brand a handle imitates, or None."""
        written = channel.written or channel.name or ""
        if not written:
            return None
        name = collapse(written)
        for official in self.by_collapsed.get(name, []):
            if (
                channel.platform in (None, official.entry.platform)
                and written.casefold() != official.entry.value
            ):
                technique = "homoglyph" if skeleton(written) != written.casefold() else "handle-variant"
                return Lookalike(
                    official.entry, technique, f"{written!r} looks like {official.entry.display!r}"
                )
        for official in self.by_platform.get(channel.platform, []):
            limit = max_typo_distance(len(official.collapsed))
            if 0 < self._osa(name, official.collapsed, score_cutoff=limit + 1) <= limit:
                return Lookalike(
                    official.entry, "typo", f"{written!r} is a misspelling of {official.entry.display!r}"
                )
        return self._brand_name(channel, name, written)

    def brand_tokens(self, name: str) -> Iterator[tuple[str, list[Entry]]]:
        """Brand names inside a collapsed ``name``, longest first at each place, with their
        entries; an ordinary-word brand name only when the rest is scam keywords."""
        for start in range(len(name)):
            for end in range(len(name), start + 2, -1):
                token = name[start:end]
                entries = self.tokens.get(token)
                if entries and (
                    token not in self.common_tokens or only_keywords(name[:start] + "-" + name[end:])
                ):
                    yield token, entries

    def _brand_name(self, channel: Channel, name: str, written: str) -> Lookalike | None:
        for token, entries in self.brand_tokens(name):
            entry = self._representative(entries[0].brand, channel.platform)
            if entry is not None:
                return Lookalike(entry, "handle-variant", f"brand name {token!r} in {written!r}")
        return None
