"""Public phishing feeds, read in their upstream formats and written as compact source files.

A feed snapshot becomes ``allowlists/feeds/<feed>.txt``: a header naming the feed, its source,
snapshot and licence, then one host a line with the snapshot in which it was first listed. Hosts
are normalized as ``verifier check`` reads them (WHATWG URL, IDNA, no trailing dot), duplicates
removed, and dropped when they are official, when listing them would deny an official domain
(a parent or a child of one), or when the feed's own allow list names them. The list of feeds,
their licences and whether we may redistribute them is ``feeds.toml`` beside this module.
"""

from __future__ import annotations

import io
import json
import tarfile
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from verifier.allowlist.model import Allowlist
from verifier.channels import parse_url, registrable_domain
from verifier.channels.suffixes import suffix_rules
from verifier.errors import InvalidChannel
from verifier.model import ChannelKind

MAX_FEED_BYTES = 64 * 1024 * 1024  # the largest upstream document read (ScamSniffer's is about 20 MB)
HEADER_KEYS = ("feed", "source", "snapshot", "licence")


class FeedError(ValueError):
    """A feed document that is not in its upstream format, or an unknown feed."""


@dataclass(frozen=True, slots=True)
class Feed:
    """One upstream feed: where it lives, how to read it, and what its licence lets us do."""

    id: str
    title: str
    source: str
    format: str
    licence: str
    redistribute: bool
    decision: str


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What one upstream document lists: the hosts it denies and the hosts it allows."""

    deny: tuple[str, ...]
    allow: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Imported:
    """A feed snapshot after normalizing: the hosts kept (with the snapshot each was first
    listed in) and how many entries were dropped, by reason."""

    feed: Feed
    snapshot: str
    hosts: dict[str, str]
    dropped: Counter[str] = field(default_factory=Counter)

    def to_text(self) -> str:
        """The source file: header lines, then ``host first-listed`` a line, sorted."""
        header = {
            "feed": self.feed.id,
            "source": self.feed.source,
            "snapshot": self.snapshot,
            "licence": self.feed.licence,
        }
        lines = [f"# {key}: {header[key]}" for key in HEADER_KEYS]
        lines += [f"{host} {first}" for host, first in sorted(self.hosts.items())]
        return "\n".join(lines) + "\n"


@cache
def feeds() -> dict[str, Feed]:
    """Every known feed by id, from ``feeds.toml``."""
    raw = tomllib.loads(resources.files("verifier.allowlist").joinpath("feeds.toml").read_text("utf-8"))
    return {feed_id: Feed(id=feed_id, **spec) for feed_id, spec in raw.items()}


def feed(feed_id: str) -> Feed:
    """The feed named ``feed_id``; FeedError naming the known ones otherwise."""
    known = feeds()
    if feed_id not in known:
        raise FeedError(f"unknown feed {feed_id!r} (known: {', '.join(sorted(known))})")
    return known[feed_id]


def parse_snapshot(spec: Feed, data: bytes) -> Snapshot:
    """Read one upstream document in ``spec``'s format; FeedError when it is not that format."""
    if len(data) > MAX_FEED_BYTES:
        raise FeedError(f"the {spec.id} document is larger than {MAX_FEED_BYTES} bytes")
    if spec.format == "eth-phishing-detect":
        document = _json(_npm_member(data, "package/src/config.json") if data[:2] == b"\x1f\x8b" else data)
        return Snapshot(_strings(document, "blacklist"), _strings(document, "whitelist"))
    if spec.format == "polkadot-js":
        document = _json(data)
        return Snapshot(_strings(document, "deny"), _strings(document, "allow"))
    if spec.format == "scamsniffer":
        document = _json(data)
        if isinstance(document, dict):  # the daily archive: {"domains": [...], "address": [...]}
            return Snapshot(_strings(document, "domains"))
        return Snapshot(_strings({"domains": document}, "domains"))
    raise FeedError(f"feed {spec.id!r} has an unknown format {spec.format!r}")


def normalize_snapshot(
    spec: Feed,
    snapshot: Snapshot,
    snapshot_id: str,
    allowlist: Allowlist,
    previous: Mapping[str, str] | None = None,
) -> Imported:
    """The hosts of ``snapshot`` a client may deny, each with the snapshot it was first listed
    in (kept from ``previous``, the feed's current source file, for hosts listed before)."""
    dropped: Counter[str] = Counter()
    official = _official_domains(allowlist)
    official_and_parents = _with_parents(official)
    allowed_and_parents = _with_parents(filter(None, (_host(entry) for entry in snapshot.allow)))
    kept: dict[str, str] = {}
    for entry in snapshot.deny:
        host = _host(entry)
        if host is None:
            dropped["invalid"] += 1
        elif host in kept:
            dropped["duplicate"] += 1
        elif _is_suffix(host):
            dropped["shared suffix"] += 1  # pages.dev, github.io: denying it denies every site there
        elif _touches(host, official, official_and_parents):
            dropped["official"] += 1
        elif host in allowed_and_parents:
            dropped["allowed by the feed"] += 1
        else:
            kept[host] = (previous or {}).get(host, snapshot_id)
    return Imported(spec, snapshot_id, kept, dropped)


def read_source(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """A feed source file's header and its ``{host: first listed}``; FeedError if malformed."""
    header: dict[str, str] = {}
    hosts: dict[str, str] = {}
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if line.startswith("# "):
            key, _, value = line[2:].partition(": ")
            header[key] = value
        elif line.strip():
            host, _, first = line.partition(" ")
            if not host or not first or " " in first:
                raise FeedError(f"{path}:{number}: expected 'host first-listed', got {line[:80]!r}")
            hosts[host] = first
    missing = [key for key in HEADER_KEYS if key not in header]
    if missing:
        raise FeedError(f"{path}: header lacks {', '.join(missing)}")
    return header, hosts


def _json(data: bytes) -> Any:
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise FeedError(f"not JSON: {exc}") from None


def _npm_member(data: bytes, name: str) -> bytes:
    """One file of an npm package tarball (``npm pack``)."""
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            member = archive.extractfile(name)
            if member is None:
                raise FeedError(f"{name} is not a file in the package")
            return member.read(MAX_FEED_BYTES + 1)
    except (tarfile.TarError, KeyError, OSError, EOFError) as exc:
        raise FeedError(f"not an npm package with {name}: {exc}") from None


def _strings(document: Any, key: str) -> tuple[str, ...]:
    if not isinstance(document, dict) or not isinstance(document.get(key), list):
        raise FeedError(f"expected an object with a list {key!r}")
    return tuple(item for item in document[key] if isinstance(item, str))


def _host(entry: str) -> str | None:
    """A listed entry as the host ``verifier check`` would read it; None if it is none."""
    text = entry.strip().removeprefix("*.")
    try:
        channel = parse_url(text)
    except InvalidChannel:
        return None
    if channel.kind is not ChannelKind.URL or channel.host is None:
        return None
    return channel.host


def _is_suffix(host: str) -> bool:
    """Whether ``host`` is itself a suffix of the Public Suffix List (public or private)."""
    found = suffix_rules().suffix_at(host)
    return found is not None and found[0] == 0


def _official_domains(allowlist: Allowlist) -> frozenset[str]:
    """The registrable domains of every official website."""
    return frozenset(
        registrable_domain(entry.value) or entry.value
        for brand in allowlist.brands.values()
        for entry in brand.entries_of(ChannelKind.URL)
    )


def _with_parents(names: Iterable[str]) -> frozenset[str]:
    """Each name and every parent domain of it: the hosts whose denial would deny that name."""
    out: set[str] = set()
    for name in names:
        labels = name.split(".")
        out.update(".".join(labels[i:]) for i in range(len(labels)))
    return frozenset(out)


def _touches(host: str, official: frozenset[str], official_and_parents: frozenset[str]) -> bool:
    """Whether denying ``host`` (and everything under it) would deny an official site: ``host``
    is under an official registrable domain, is one, or is a parent of one."""
    return (registrable_domain(host) or host) in official or host in official_and_parents


def feed_target(folder: Path, sources: Any) -> tuple[bytes, dict[str, Any]] | None:
    """The denylist target file built from the feed source files in ``folder`` and its signed
    metadata (length, SHA-256, and per feed: hosts, snapshot, licence); None when there are none.

    ``sources`` are the brands being built (``verifier.allowlist.source.Sources``): a host that
    would deny an official site of theirs is left out, whatever the feed said when it was
    imported. A file of a feed we may not redistribute, or that is not a feed source file,
    raises SourceError naming it.
    """
    from verifier.allowlist.hostdeny import compose, sections, target_meta  # noqa: PLC0415
    from verifier.errors import SourceError  # noqa: PLC0415

    known = feeds()
    problems: list[str] = []
    read: dict[str, tuple[dict[str, str], dict[str, str]]] = {}
    for path in sorted(folder.glob("*.txt")):
        try:
            header, hosts = read_source(path)
        except (FeedError, OSError, UnicodeDecodeError) as exc:
            problems.append(f"{path}:1: {exc}")
            continue
        spec = known.get(path.stem)
        if spec is None or header.get("feed") != path.stem:
            problems.append(f"{path}:1: not the source file of a known feed ({', '.join(known)})")
        elif not spec.redistribute:
            problems.append(f"{path}:1: {spec.id} is {spec.licence} and not redistributed: {spec.decision}")
        else:
            read[path.stem] = (header, hosts)
    if problems:
        raise SourceError(problems)
    if not read:
        return None
    official = frozenset(
        registrable_domain(entry["value"]) or entry["value"]
        for brand in sources.brands.values()
        for entry in brand.get("domains", [])
    )
    official_and_parents = _with_parents(official)
    ordered = [feed_id for feed_id in known if feed_id in read]
    kept = [
        (
            feed_id,
            {h: f for h, f in read[feed_id][1].items() if not _touches(h, official, official_and_parents)},
        )
        for feed_id in ordered
    ]
    try:
        data = compose(kept)
    except ValueError as exc:
        raise SourceError([f"{folder}:1: {exc}"]) from None
    counts: Counter[str] = Counter()
    for (feed_id, _first), listed in sections(data).items():
        counts[feed_id] += len(listed)
    meta = target_meta(data)
    meta["feeds"] = {
        feed_id: {
            "hosts": counts[feed_id],
            "snapshot": read[feed_id][0]["snapshot"],
            "licence": read[feed_id][0]["licence"],
        }
        for feed_id in ordered
    }
    return data, meta
