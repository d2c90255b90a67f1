"""Hosts the public phishing feeds list, matched as a browser's destination is: the host itself
or any parent domain of it that a feed lists (``login.evil.com`` is denied when ``evil.com`` is).

The hosts travel as one target file beside the signed bundle (``denylist-hosts.txt``), verified by
its length and SHA-256 before it is used (``verify_target``), so a tampered or truncated file is
refused, never half used. The file is ASCII text: a header line, one ``@CC FEED FIRST-LISTED``
line per origin (the feed and the snapshot that first listed a host, ``CC`` a two-character
code), then one ``HOST CC`` line per host, sorted by host::

    # verifier denylist hosts: '@CC FEED FIRST-LISTED' lines, then 'HOST CC' lines sorted by host
    @00 eth-phishing-detect 2026-12-07
    @01 polkadot-js 2026-12-02
    evil.com 01
    metamask-restore.io 00

Cheap where it matters: a process keeps the verified bytes and answers lookups by binary search
in them (tens of microseconds, no index: a one-shot CLI check pays nothing to build one); from the
``INDEX_AFTER``-th lookup on, a frozenset of the hosts' hashes answers the
misses with one probe per label (``Allowlist.lists_host`` makes them in its own walk of the
parents), and a hit is confirmed by an exact search that bisects a sample of the lines (one every
``SAMPLE_BYTES`` bytes) and reads the text between two of them (which also finds its origin). The
answer for the last host asked is kept: a check asks twice of a listed host.
"""

from __future__ import annotations

import hashlib
import operator
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from verifier.errors import BundleFormatError

HEADER = b"# verifier denylist hosts: '@CC FEED FIRST-LISTED' lines, then 'HOST CC' lines sorted by host\n"
INDEX_AFTER = 1000  # lookups answered by the exact search alone before the hash set is built
SAMPLE_BYTES = 2048  # bytes of text between two sampled lines of the exact search
MAX_TARGET_BYTES = 64 * 1024 * 1024
_CODES = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_HOST_RE = re.compile(r"[a-z0-9_](?:[a-z0-9_.-]{0,251}[a-z0-9_])?")
_WORD_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
_ORIGIN_RE = re.compile(rb"@([0-9a-zA-Z]{2}) (\S+) (\S+)")
_HOST_PART = operator.itemgetter(slice(None, -3))  # "evil.com 01" -> "evil.com", in C
# CPython hashes an ASCII str and the same bytes alike; the index keeps hashes only when so.
_HASHES_AGREE = hash("probe.example") == hash(b"probe.example") and hash("a") == hash(b"a")


@dataclass(frozen=True, slots=True)
class DeniedHost:
    """A feed entry that matched: the listed host (the value or a parent), its feed and first
    snapshot."""

    host: str
    feed: str
    first_listed: str


def _code(index: int) -> str:
    return _CODES[index // len(_CODES)] + _CODES[index % len(_CODES)]


def compose(sources: Iterable[tuple[str, Mapping[str, str]]]) -> bytes:
    """The target file for ``(feed id, {host: first listed})`` pairs, in the order given (a host
    in several feeds keeps the first): deterministic, origins and hosts sorted.

    Raises ValueError for a host or a word that the format cannot hold.
    """
    origin: dict[str, tuple[str, str]] = {}
    for feed_id, listed in sources:
        for host, first in listed.items():
            origin.setdefault(host, (feed_id, first))
    origins = sorted(set(origin.values()))
    if len(origins) > len(_CODES) ** 2:
        raise ValueError(f"more than {len(_CODES) ** 2} (feed, snapshot) origins")
    for feed_id, first in origins:
        if not _WORD_RE.fullmatch(feed_id) or not _WORD_RE.fullmatch(first):
            raise ValueError(f"feed {feed_id[:40]!r} or snapshot {first[:40]!r} is not one word")
    codes = {pair: _code(i) for i, pair in enumerate(origins)}
    out = [HEADER.decode("ascii").rstrip("\n")]
    out += [f"@{codes[pair]} {pair[0]} {pair[1]}" for pair in origins]
    for host in sorted(origin):
        if not _HOST_RE.fullmatch(host) or "." not in host:
            raise ValueError(f"not a host name the denylist file can hold: {host[:80]!r}")
        out.append(f"{host} {codes[origin[host]]}")
    return ("\n".join(out) + "\n").encode("ascii")


def sections(data: bytes) -> dict[tuple[str, str], list[str]]:
    """Every ``(feed, first listed)`` origin of a target file and its hosts, sorted (for builds
    and diffs, not for checks)."""
    origins: dict[str, tuple[str, str]] = {}
    out: dict[tuple[str, str], list[str]] = {}
    for line in data.decode("ascii").split("\n"):
        if line.startswith("@"):
            code, feed_id, first = line[1:].split(" ", 2)
            origins[code] = (feed_id, first)
            out.setdefault((feed_id, first), [])
        elif line and not line.startswith("#"):
            host, _, code = line.partition(" ")
            out[origins[code]].append(host)
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
    """The hosts of a verified target file (see the module's docstring for the format).

    ``hashes``: None until the index is built (``index``), then the set that answers the misses
    (``hash(candidate) in hashes``), for a caller that walks a host's parents itself
    (``Allowlist.lists_host``); a hit is confirmed by ``find``.
    """

    __slots__ = ("_body", "_hosts", "_last", "_lookups", "_origins", "_sample", "data", "hashes")

    def __init__(self, data: bytes) -> None:
        if not data.startswith(HEADER) or not data.endswith(b"\n") or not data.isascii():
            raise BundleFormatError("target.format")
        self.data = data
        self._origins: dict[bytes, tuple[str, str]] = {}
        at = len(HEADER)
        while data.startswith(b"@", at):
            end = data.index(b"\n", at)
            found = _ORIGIN_RE.fullmatch(data, at, end)
            if found is None:
                raise BundleFormatError("target.format")
            self._origins[found[1]] = (found[2].decode("ascii"), found[3].decode("ascii"))
            at = end + 1
        self._body = at  # where the sorted 'HOST CC' lines begin
        self._sample: tuple[list[bytes], list[int]] | None = None
        self._hosts: frozenset[int] | frozenset[bytes] | None = None
        self.hashes: frozenset[int] | None = None
        self._last: tuple[str, DeniedHost | None] = ("", None)
        self._lookups = 0

    @classmethod
    def from_sources(cls, sources: Iterable[tuple[str, Mapping[str, str]]]) -> HostDenylist:
        """From ``(feed id, {host: first listed})`` pairs; a host in several feeds keeps the first."""
        return cls(compose(sources))

    def __len__(self) -> int:
        return self.data.count(b"\n", self._body)

    def __contains__(self, host: object) -> bool:
        return isinstance(host, str) and self.find(host) is not None

    def index(self) -> frozenset[int] | frozenset[bytes]:
        """The hosts as a set, built once: of their hashes where ``hash(str)`` equals ``hash(bytes)``
        for ASCII (CPython), so no object is kept per host but an int; a hash that matches is
        confirmed by the exact search. Header lines in it match no host. (Keeping only 30 bits
        of each hash would save 6 MB at 400,000 hosts but cost 15% more time to build.)"""
        hosts = self._hosts
        if hosts is None:
            lines = self.data[self._body : -1].split(b"\n")
            if _HASHES_AGREE:
                hosts = frozenset(map(hash, map(_HOST_PART, lines)))
            else:  # pragma: no cover - another Python's hashing
                hosts = frozenset(map(_HOST_PART, lines))
            del lines
            self._samples()
            self._hosts = hosts
            if _HASHES_AGREE:
                self.hashes = hosts  # type: ignore[assignment]
        return hosts

    def _samples(self) -> tuple[list[bytes], list[int]]:
        """The line start after every ``SAMPLE_BYTES``-th byte of the hosts' text and the host
        there, sorted as the lines are (built once, with the index: a few ms for 400,000 hosts)."""
        sample = self._sample
        if sample is None:
            data, end = self.data, len(self.data)
            starts = [self._body] if self._body < end else []
            for offset in range(self._body + SAMPLE_BYTES, end, SAMPLE_BYTES):
                start = data.find(b"\n", offset - 1) + 1  # the first line start at or after offset
                if start < end and start != starts[-1]:
                    starts.append(start)
            sample = self._sample = ([data[s : data.find(b" ", s)] for s in starts], starts)
        return sample

    def _line(self, host: str) -> int:
        """Where the line of exactly ``host`` starts, -1 when it is not there: with the index
        built, a bisection of the sampled lines (in C) and one search of the text between two
        of them; before, a binary search of the text (no table to build for a one-shot check)."""
        if not host or not host.isascii() or " " in host or "\n" in host:
            return -1
        key = host.encode("ascii")
        data = self.data
        sample = self._sample
        if sample is not None:
            keys, starts = sample
            at = bisect_right(keys, key) - 1
            if at < 0:
                return -1
            start = starts[at]
            if keys[at] == key:
                return start
            end = starts[at + 1] if at + 1 < len(starts) else len(data)
            found = data.find(b"\n" + key + b" ", start, end)  # a whole line's host, no other
            return -1 if found == -1 else found + 1
        lo, hi = self._body, len(data)  # both are line starts (or the end)
        while lo < hi:
            mid = (lo + hi) // 2
            start = data.rfind(b"\n", lo - 1, mid) + 1
            end = data.find(b" ", start)
            here = data[start:end]
            if here == key:
                return start
            if here < key:
                lo = data.find(b"\n", end) + 1
            else:
                hi = start
        return -1

    def find(self, host: str) -> DeniedHost | None:
        """The entry denying ``host`` (itself or its nearest listed parent), or None."""
        last = self._last  # a check asks twice of a listed host: lists_host, then the verdict
        if last[0] == host:
            return last[1]
        hosts = self._hosts
        if hosts is None:
            self._lookups += 1
            if self._lookups > INDEX_AFTER:
                hosts = self.index()
        data = self.data
        found = None
        for candidate in _candidates(host):
            if hosts is not None:
                key: object = hash(candidate) if _HASHES_AGREE else candidate.encode("ascii", "replace")
                if key not in hosts:
                    continue
            start = self._line(candidate)
            if start != -1:
                end = data.index(b"\n", start)
                feed_id, first = self._origins[data[end - 2 : end]]
                found = DeniedHost(candidate, feed_id, first)
                break
        self._last = (host, found)  # one tuple: a thread reading it sees a host and its answer
        return found

    def denies(self, host: str) -> bool:
        """Whether ``find`` gives an entry for ``host``: the hot path's question, answered by hash
        probes alone when the index is built and nothing matches (the usual case)."""
        hashes = self.hashes
        if hashes is None or hash(host) in hashes:
            return self.find(host) is not None
        # Each parent with at least two labels (host[at + 1 :] for a dot at ``at`` before the
        # last), as ``_candidates`` gives them; none for a host of two labels.
        last = host.rfind(".")
        at = host.find(".")
        while at < last:
            if hash(host[at + 1 :]) in hashes:
                return self.find(host) is not None
            at = host.find(".", at + 1)
        return False

    def listed(self, host: str) -> str | None:
        """The listed name that denies ``host``, or None."""
        found = self.find(host)
        return None if found is None else found.host


def _candidates(host: str) -> Iterator[str]:
    """``host`` and each parent of it with at least two labels (never a bare TLD)."""
    yield host
    at = host.find(".")
    while at != -1:
        parent = host[at + 1 :]
        at = host.find(".", at + 1)
        if at == -1:
            return
        yield parent


def target_meta(data: bytes) -> dict[str, Any]:
    """What the signed metadata says of a target file: its length and SHA-256."""
    return {"length": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def verify_target(name: str, data: bytes, meta: Mapping[str, Any]) -> None:
    """Refuse ``data`` unless it has exactly the length and SHA-256 the signed metadata names
    (``BundleFormatError`` ``target.mismatch``): checked before a byte of it is parsed."""
    length, digest = meta.get("length"), meta.get("sha256")
    if len(data) != length or hashlib.sha256(data).hexdigest() != digest:
        raise BundleFormatError("target.mismatch", name=name)
