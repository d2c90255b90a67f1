"""Lookalike detection: which official channel a value imitates, and by which technique.

``find_lookalike(allowlist, channel)`` is the entry point; its indexes are built once
per allowlist and kept on it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from verifier.allowlist.model import Allowlist, Entry
from verifier.channels.email import is_free_mail
from verifier.lookalike.domains import DomainIndex, Lookalike, max_typo_distance
from verifier.lookalike.handles import HandleIndex, collapse
from verifier.lookalike.skeleton import skeleton
from verifier.model import Channel, ChannelKind

__all__ = [
    "HOST_FINDER",
    "HostFinder",
    "Lookalike",
    "LookalikeIndex",
    "find_lookalike",
    "host_finder",
    "index_for",
    "max_typo_distance",
    "skeleton",
]


@dataclass
class LookalikeIndex:
    """Every index lookalike search needs, built from one allowlist."""

    domains: DomainIndex
    handles: HandleIndex

    @classmethod
    def build(cls, allowlist: Allowlist) -> LookalikeIndex:
        domains = DomainIndex(allowlist)
        tokens = {t: [o.entry for o in officials] for t, officials in domains.tokens.items()}
        return cls(domains, HandleIndex(allowlist, tokens, domains.common_tokens))

    def find(self, channel: Channel) -> Lookalike | None:
        """The official channel ``channel`` imitates, or None (also None for official ones)."""
        if channel.kind is ChannelKind.URL:
            if not channel.userinfo and channel.host and channel.registrable_domain is not None:
                return self.domains.find(channel.host, channel.registrable_domain, channel.host_unicode)
            return self._url(channel)
        if channel.kind is ChannelKind.EMAIL:
            return self._email(channel)
        if channel.kind is ChannelKind.HANDLE:
            return self.handles.find(channel)
        return None

    def _url(self, channel: Channel) -> Lookalike | None:
        if channel.userinfo:
            found = self._in_userinfo(channel.userinfo)
            if found is not None:
                return found
        if not channel.host or channel.registrable_domain is None:
            return None
        return self.domains.find(channel.host, channel.registrable_domain, channel.host_unicode)

    def _in_userinfo(self, userinfo: str) -> Lookalike | None:
        text = userinfo.casefold()
        for officials in self.domains.by_registrable.values():
            for official in officials:
                if official.registrable in text:
                    return Lookalike(
                        official.entry, "userinfo", f"{official.registrable!r} placed before '@'"
                    )
        return None

    def _email(self, channel: Channel) -> Lookalike | None:
        host, registrable = channel.host or "", channel.registrable_domain
        if registrable in self.domains.by_registrable:
            return None  # an address on a brand's own domain imitates nothing, listed or not
        if registrable and not is_free_mail(registrable):
            found = self.domains.find(host, registrable)
            if found is not None:
                return found
        local = collapse(channel.local_part or "")
        for token, entries in self.handles.brand_tokens(local):
            entry = self._brand_email(entries[0].brand) or entries[0]
            technique = "freemail-brand" if registrable and is_free_mail(registrable) else "local-part"
            return Lookalike(entry, technique, f"brand name {token!r} in the address")
        return None

    def _brand_email(self, brand_id: str) -> Entry | None:
        brand = self.handles.brands[brand_id]
        emails = brand.entries_of(ChannelKind.EMAIL)
        return emails[0] if emails else None


def index_for(allowlist: Allowlist) -> LookalikeIndex:
    """The lookalike index of ``allowlist``, built on first use and kept on it."""
    index = allowlist.derived.get("lookalike")
    if not isinstance(index, LookalikeIndex):
        index = LookalikeIndex.build(allowlist)
        allowlist.derived["lookalike"] = index
    return index


# Where host_finder keeps its answer in ``Allowlist.derived`` (a hot path reads it directly).
HOST_FINDER = "lookalike.host_finder"
HostFinder = Callable[[str, str, str], Lookalike | None]


def host_finder(allowlist: Allowlist) -> HostFinder:
    """``find(host, registrable, host_unicode)`` for a parsed url without userinfo: the official
    domain it imitates, or None. The C version when the extension is built. Kept on the
    allowlist as ``derived[HOST_FINDER]``."""
    domains = index_for(allowlist).domains
    native: HostFinder | None = domains.native_find
    finder = native if native is not None else domains.find
    allowlist.derived[HOST_FINDER] = finder
    return finder


def find_lookalike(allowlist: Allowlist, channel: Channel) -> Lookalike | None:
    """The official channel of any brand that ``channel`` imitates, or None."""
    return index_for(allowlist).find(channel)
