"""Hosts the public phishing feeds list, matched as a browser's destination is: the host itself
or any parent domain of it that a feed lists (``login.evil.com`` is denied when ``evil.com`` is).

The hosts travel as one target file beside the signed bundle (``denylist-hosts.txt``), verified by
its length and SHA-256 before it is used (``verify_target``), so a tampered or truncated file is
refused, never half used. The file is plain ASCII text, one host a line, grouped in sections by
the feed and the snapshot that first listed them::

    # verifier denylist hosts: one host a line, in sections '@ FEED FIRST-LISTED'
    @ eth-phishing-detect 2026-12-07
    evil.com
    metamask-restore.io

Cheap where it matters: a process keeps the verified bytes and answers its first few lookups by
searching them (a few milliseconds each, so a one-shot CLI check never builds an index); from the
``SCAN_LOOKUPS``-th lookup on, the hosts are a frozenset (one hash probe per label). The feed and
date a reason names are found in the text only on a hit.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from verifier.errors import BundleFormatError

HEADER = b"# verifier denylist hosts: one host a line, in sections '@ FEED FIRST-LISTED'\n"
SECTION = b"@ "
SCAN_LOOKUPS = 8  # lookups answered by searching the text before the set is built
MAX_TARGET_BYTES = 64 * 1024 * 1024
_HOST_RE = re.compile(r"[a-z0-9_](?:[a-z0-9_.-]{0,251}[a-z0-9_])?")
_WORD_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
_ORIGIN_CACHE = 256


@dataclass(frozen=True, slots=True)
class DeniedHost:
    """A feed entry that matched: the listed host (the value or a parent), its feed and first
    snapshot."""

    host: str
    feed: str
    first_listed: str


def compose(sources: Iterable[tuple[str, Mapping[str, str]]]) -> bytes:
    """The target file for ``(feed id, {host: first listed})`` pairs, in the order given (a host
    in several feeds keeps the first): deterministic, sections and hosts sorted.

    Raises ValueError for a host or a word that the format cannot hold.
    """
    origin: dict[str, tuple[str, str]] = {}
    for feed_id, listed in sources:
        for host, first in listed.items():
            origin.setdefault(host, (feed_id, first))
    groups: dict[tuple[str, str], list[str]] = {}
    for host, (feed_id, first) in origin.items():
        if not _HOST_RE.fullmatch(host) or "." not in host:
            raise ValueError(f"not a host name the denylist file can hold: {host[:80]!r}")
        if not _WORD_RE.fullmatch(feed_id) or not _WORD_RE.fullmatch(first):
            raise ValueError(f"feed {feed_id[:40]!r} or snapshot {first[:40]!r} is not one word")
        groups.setdefault((feed_id, first), []).append(host)
    out = [HEADER.decode("ascii").rstrip("\n")]
    for feed_id, first in sorted(groups):
        out.append(f"@ {feed_id} {first}")
        out.extend(sorted(groups[(feed_id, first)]))
    return ("\n".join(out) + "\n").encode("ascii")


def sections(data: bytes) -> dict[tuple[str, str], list[str]]:
    """Every ``(feed, first listed)`` section of a target file and its hosts (for builds and
    diffs, not for checks)."""
    out: dict[tuple[str, str], list[str]] = {}
    current: list[str] | None = None
    for line in data.decode("ascii").split("\n"):
        if line.startswith("@ "):
            feed_id, _, first = line[2:].partition(" ")
            current = out.setdefault((feed_id, first), [])
        elif line and not line.startswith("#") and current is not None:
            current.append(line)
    return out


def per_feed(data: bytes) -> dict[str, dict[str, str]]:
    """``{feed: {host: first listed}}`` of a target file."""
    out: dict[str, dict[str, str]] = {}
    for (feed_id, first), hosts in sections(data).items():
        listed = out.setdefault(feed_id, {})
        for host in hosts:
            listed[host] = first
    return out


class HostDenylist:
    """The hosts of a verified target file (see the module's docstring for the format)."""

    __slots__ = ("_hosts", "_lookups", "_origins", "data")

    def __init__(self, data: bytes) -> None:
        if not data.startswith(HEADER) or not data.endswith(b"\n") or not data.isascii():
            raise BundleFormatError("target.format")
        self.data = data
        self._hosts: frozenset[str] | None = None
        self._lookups = 0
        self._origins: dict[str, DeniedHost] = {}

    @classmethod
    def from_sources(cls, sources: Iterable[tuple[str, Mapping[str, str]]]) -> HostDenylist:
        """From ``(feed id, {host: first listed})`` pairs; a host in several feeds keeps the first."""
        return cls(compose(sources))

    def __len__(self) -> int:
        lines = self.data.count(b"\n")
        return lines - self.data.count(b"\n@ ") - self.data.count(b"\n#") - 1

    def __contains__(self, host: object) -> bool:
        return isinstance(host, str) and self.find(host) is not None

    def index(self) -> frozenset[str]:
        """The hosts as a set, built once (section and comment lines in it match no host)."""
        hosts = self._hosts
        if hosts is None:
            hosts = self._hosts = frozenset(self.data.decode("ascii").split("\n"))
        return hosts

    def listed(self, host: str) -> str | None:
        """The listed name that denies ``host`` (itself or its nearest listed parent with at
        least two labels: a feed never denies a whole top-level domain), or None."""
        hosts = self._hosts
        if hosts is None:
            self._lookups += 1
            if self._lookups <= SCAN_LOOKUPS:
                return self._scan(host)
            hosts = self.index()
        if host in hosts:
            return host
        at = host.find(".")
        while at != -1:
            parent = host[at + 1 :]
            at = host.find(".", at + 1)
            if at == -1:
                return None  # "com": never a whole top-level domain
            if parent in hosts:
                return parent
        return None

    def _scan(self, host: str) -> str | None:
        if not host or not host.isascii() or "\n" in host or " " in host:
            return None
        data = self.data
        candidate = host
        while True:
            if data.find(b"\n" + candidate.encode("ascii") + b"\n") != -1:
                return candidate
            at = candidate.find(".")
            if at == -1 or candidate.find(".", at + 1) == -1:
                return None
            candidate = candidate[at + 1 :]

    def find(self, host: str) -> DeniedHost | None:
        """The entry denying ``host`` (itself or its nearest listed parent), or None."""
        listed = self.listed(host)
        return None if listed is None else self.origin(listed)

    def origin(self, listed: str) -> DeniedHost:
        """The feed and first snapshot of a listed host, read from its section's line."""
        found = self._origins.get(listed)
        if found is None:
            data = self.data
            at = data.find(b"\n" + listed.encode("ascii") + b"\n")
            start = data.rfind(b"\n@ ", 0, at + 1)
            end = data.find(b"\n", start + 1)
            feed_id, _, first = data[start + 3 : end].decode("ascii").partition(" ")
            found = DeniedHost(listed, feed_id, first)
            if len(self._origins) >= _ORIGIN_CACHE:
                self._origins.clear()
            self._origins[listed] = found
        return found


def target_meta(data: bytes) -> dict[str, Any]:
    """What the signed metadata says of a target file: its length and SHA-256."""
    return {"length": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def verify_target(name: str, data: bytes, meta: Mapping[str, Any]) -> None:
    """Refuse ``data`` unless it has exactly the length and SHA-256 the signed metadata names
    (``BundleFormatError`` ``target.mismatch``): checked before a byte of it is parsed."""
    length, digest = meta.get("length"), meta.get("sha256")
    if len(data) != length or hashlib.sha256(data).hexdigest() != digest:
        raise BundleFormatError("target.mismatch", name=name)
