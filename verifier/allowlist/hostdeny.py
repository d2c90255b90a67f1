"""Hosts the public phishing feeds list, matched as a browser's destination is: the host itself
or any parent domain of it that a feed lists (``login.evil.com`` is denied when ``evil.com`` is).

Built from the feed source files (``verifier.allowlist.feeds``); each match names the feed and the
snapshot in which the host was first listed, for the reason a user reads. The large host file
travels beside the signed bundle and is verified by its length and SHA-256 before it is read
(``verify_target``), so a tampered or truncated file is refused, never half used.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from verifier.errors import BundleFormatError


@dataclass(frozen=True, slots=True)
class DeniedHost:
    """A feed entry that matched: the listed host (the value or a parent), its feed and first
    snapshot."""

    host: str
    feed: str
    first_listed: str


class HostDenylist:
    """Feed hosts: one dict probe per label of the host checked (the host, then each parent with
    at least two labels, never a bare TLD)."""

    __slots__ = ("_hosts", "_origins")

    def __init__(self, hosts: Mapping[str, tuple[str, str]]) -> None:
        # (feed, first listed) pairs are few: each host keeps the index of a shared pair.
        origins: dict[tuple[str, str], int] = {}
        self._hosts = {host: origins.setdefault(origin, len(origins)) for host, origin in hosts.items()}
        self._origins = tuple(origins)

    @classmethod
    def from_sources(cls, sources: Iterable[tuple[str, Mapping[str, str]]]) -> HostDenylist:
        """From ``(feed id, {host: first listed})`` pairs; a host in several feeds keeps the first."""
        hosts: dict[str, tuple[str, str]] = {}
        for feed_id, listed in sources:
            for host, first in listed.items():
                hosts.setdefault(host, (feed_id, first))
        return cls(hosts)

    def __len__(self) -> int:
        return len(self._hosts)

    def __contains__(self, host: object) -> bool:
        return isinstance(host, str) and self.find(host) is not None

    def find(self, host: str) -> DeniedHost | None:
        """The entry denying ``host`` (itself or its nearest listed parent), or None."""
        hosts = self._hosts
        index = hosts.get(host)
        at = host.find(".")
        while index is None and at != -1:
            parent = host[at + 1 :]
            at = host.find(".", at + 1)
            if at == -1:
                break  # "com": a feed never denies a whole top-level domain
            index = hosts.get(parent)
        if index is None:
            return None
        listed = host if host in hosts else _listed_parent(host, hosts)
        feed, first = self._origins[index]
        return DeniedHost(listed, feed, first)


def _listed_parent(host: str, hosts: Mapping[str, int]) -> str:
    labels = host.split(".")
    return next(".".join(labels[i:]) for i in range(1, len(labels)) if ".".join(labels[i:]) in hosts)


def target_meta(data: bytes) -> dict[str, Any]:
    """What the signed metadata says of a target file: its length and SHA-256."""
    return {"length": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def verify_target(name: str, data: bytes, meta: Mapping[str, Any]) -> None:
    """Refuse ``data`` unless it has exactly the length and SHA-256 the signed metadata names
    (``BundleFormatError`` ``target.mismatch``): checked before a byte of it is parsed."""
    length, digest = meta.get("length"), meta.get("sha256")
    if len(data) != length or hashlib.sha256(data).hexdigest() != digest:
        raise BundleFormatError("target.mismatch", name=name)
