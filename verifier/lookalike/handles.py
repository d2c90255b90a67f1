"""Handle lookalikes: ``@TokenPocket_Support``, ``Token_Pocket``, ``T0kenPocket`` on a platform."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from verifier.allowlist.model import Allowlist, Brand, Entry
from verifier.lookalike.domains import Lookalike, max_typo_distance
from verifier.lookalike.skeleton import skeleton
from verifier.lookalike.words import common_words, wallet_words
from verifier.model import Channel, ChannelKind

_SEPARATORS = str.maketrans("", "", "_.-")


def _plain(name: str) -> str:
    """``name`` casefolded, without separators or spaces: ``Trust Wallet`` -> ``trustwallet``."""
    return "".join(ch for ch in name.casefold() if ch.isalnum())


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
        # The brand's own name written out, per brand: its id, name, ASCII aliases, and the name
        # without "Wallet" where that is its domain's name ("okx" for OKX Wallet's okx.com).
        self.names: dict[str, str] = {}
        for brand in allowlist.brands.values():
            labels = {e.value.split(".")[0] for e in brand.entries_of(ChannelKind.URL)}
            forms = [brand.id, brand.name, *(a for a in brand.aliases if a.isascii())]
            for form in forms:
                plain = _plain(form)
                if len(plain) >= 3:
                    self.names.setdefault(plain, brand.id)
            short = _plain(brand.name).removesuffix("wallet")
            if short in labels:
                self.names.setdefault(short, brand.id)

    def _representative(self, brand_id: str, platform: str | None) -> Entry | None:
        # What a brand-name imitation is compared with: the brand's handle on that platform,
        # else its first handle, else its first domain; without a platform, the brand itself
        # (its first domain), never the account of some platform the name was not given for.
        brand: Brand = self.brands[brand_id]
        handles = brand.entries_of(ChannelKind.HANDLE)
        domains = list(brand.entries_of(ChannelKind.URL))
        if platform is None:
            chosen = domains or list(handles)
        else:
            chosen = [e for e in handles if e.platform == platform] or list(handles) or domains
        return chosen[0] if chosen else None

    def same_name(self, channel: Channel) -> Brand | None:
        """The brand whose own name ``channel`` is, exactly, on a platform where that brand
        lists no account (``x.com/TrustWallet``, ``t.me/metamask``); else None."""
        written = channel.written or channel.name or ""
        if channel.platform is None or not written:
            return None
        brand_id = self.names.get(_plain(written))
        if brand_id is None:
            return None
        brand = self.brands[brand_id]
        if any(e.platform == channel.platform for e in brand.entries_of(ChannelKind.HANDLE)):
            return None
        return brand

    def find(self, channel: Channel) -> Lookalike | None:
        """The official handle or brand a handle imitates, or None."""
        written = channel.written or channel.name or ""
        if not written:
            return None
        name = collapse(written)
        platform = channel.platform
        for official in self.by_collapsed.get(name, []):
            if platform in (None, official.entry.platform) and written.casefold() != official.entry.value:
                technique = "homoglyph" if skeleton(written) != written.casefold() else "handle-variant"
                entry = self._compared(official.entry, platform)
                if entry is not None:
                    return Lookalike(entry, technique, f"{written!r} looks like {official.entry.display!r}")
        for official in self.by_platform.get(platform, []):
            limit = max_typo_distance(len(official.collapsed))
            if 0 < self._osa(name, official.collapsed, score_cutoff=limit + 1) <= limit:
                entry = self._compared(official.entry, platform)
                if entry is not None:
                    detail = f"{written!r} is a misspelling of {official.entry.display!r}"
                    return Lookalike(entry, "typo", detail)
        return self._brand_name(channel, name, written)

    def _compared(self, entry: Entry, platform: str | None) -> Entry | None:
        """The entry a look-alike of the handle ``entry`` is reported against: itself when the
        platform was given, else the brand (a name without a platform imitates the brand, not
        the account it has on one platform)."""
        return entry if platform is not None else self._representative(entry.brand, None)

    def brand_tokens(self, name: str) -> Iterator[tuple[str, list[Entry]]]:
        """Brand names inside a collapsed ``name``, longest first at each place, with their
        entries; an ordinary-word brand name only beside scam keywords with crypto context."""
        for start in range(len(name)):
            for end in range(len(name), start + 2, -1):
                token = name[start:end]
                entries = self.tokens.get(token)
                rest = name[:start] + "-" + name[end:]
                if entries and (token not in self.common_tokens or (rest != "-" and wallet_words(rest))):
                    yield token, entries

    def _brand_name(self, channel: Channel, name: str, written: str) -> Lookalike | None:
        for token, entries in self.brand_tokens(name):
            entry = self._representative(entries[0].brand, channel.platform)
            if entry is not None:
                shown = _as_written(written, name, token)
                return Lookalike(entry, "handle-variant", f"brand name {shown!r} in {written!r}")
        return None


def _as_written(written: str, name: str, token: str) -> str:
    """The letters of ``written`` that ``token`` (found in its collapsed form ``name``) stands
    for: "MetaMask" rather than the skeleton "rnetarnask"."""
    from verifier.lookalike.domains import _written_span  # noqa: PLC0415

    stripped = written.translate(_SEPARATORS)
    at = name.find(token)
    span = _written_span(stripped, at, at + len(token)) if at >= 0 else None
    return stripped[span[0] : span[1]] if span is not None else written
