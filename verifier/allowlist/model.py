"""The allowlist in memory: brands, their official entries, and indexes built once."""

from __future__ import annotations

import datetime as dt
import math
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from verifier.allowlist.hostdeny import HostDenylist
from verifier.errors import BundleFormatError, UnknownBrand
from verifier.messages import Lang, Message, normalize_lang, text
from verifier.model import AllowlistState, Channel, ChannelKind
from verifier.speedups import maker

_SECTIONS = {
    "domains": ChannelKind.URL,
    "emails": ChannelKind.EMAIL,
    "phones": ChannelKind.PHONE,
    "handles": ChannelKind.HANDLE,
}


# AllowlistState(version, expires, verified): plain values, so acyclic (verifier.speedups.maker);
# results that hold it can then be left out of the garbage collector's work too.
_new_state = maker(AllowlistState, acyclic=True)


@dataclass(frozen=True, slots=True)
class Entry:
    """One official (or denied) channel: normalized value, display form and evidence."""

    brand: str
    kind: ChannelKind
    value: str
    display: str
    evidence: str
    checked: str
    platform: str | None = None
    subdomains: bool = False

    @property
    def label(self) -> str:
        """How the entry is named in results: ``tokenpocket.pro``, ``telegram:@tokenPocket_en``."""
        if self.kind is ChannelKind.HANDLE:
            return f"{self.platform}:@{self.display}"
        return self.display


@dataclass(frozen=True, slots=True)
class Brand:
    """A wallet brand with its official entries and whether it says it has no phone support."""

    id: str
    name: str
    aliases: tuple[str, ...]
    default_region: str
    custody: str
    entries: tuple[Entry, ...]
    no_phone_support: dict[str, str] | None
    unrelated: tuple[str, ...] = ()

    def entries_of(self, kind: ChannelKind) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.kind is kind)


# What an allowlist keeps in ``derived`` that depends on its content only, so it outlives the
# moment the allowlist expires; everything else there is dropped then and computed again.
_CONTENT_DERIVED = frozenset({"lookalike", "lookalike.host_finder", "brand_mentions"})
_EXPIRY_LOCK = threading.Lock()


@dataclass
class Allowlist:
    """Brands, denylist and lookup indexes. Build with ``Allowlist.from_signed``.

    ``verified`` is False when the bundle failed verification, and becomes False by itself at
    the instant of ``expires`` (however long the process has held it): ``problem`` then says
    why in English, ``problems`` holds the same as messages (one per bundle tried, or
    ``bundle.expired``) and ``problem_text(lang)`` says it in ``en`` or ``zh``. Callers must
    not report anything as official.
    """

    version: int | None
    expires: str | None
    _verified: bool
    brands: dict[str, Brand]
    denylist: tuple[Entry, ...] = ()
    problem: str | None = None
    problems: tuple[Message, ...] = ()
    _exact: dict[tuple[ChannelKind, str], list[Entry]] = field(default_factory=dict, repr=False)
    _zones: dict[str, list[Entry]] = field(default_factory=dict, repr=False)
    _handle_names: dict[str, list[Entry]] = field(default_factory=dict, repr=False)
    _denied: dict[tuple[ChannelKind, str], Entry] = field(default_factory=dict, repr=False)
    _aliases: dict[str, str] = field(default_factory=dict, repr=False)
    # Hosts with an entry in _exact or _denied: one string probe for the hot path (lists_host);
    # _official_hosts those of _exact alone, for a check that leaves the denylists out.
    _listed_hosts: set[str] = field(default_factory=set, repr=False)
    _official_hosts: set[str] = field(default_factory=set, repr=False)
    derived: dict[str, object] = field(default_factory=dict, repr=False, compare=False)
    _state: AllowlistState | None = field(default=None, repr=False, compare=False)
    # When ``expires`` comes, as a Unix time (shifted when verified "as of" another time).
    _deadline: float = field(default=math.inf, repr=False, compare=False)
    # Set by verification: the hosts of the feeds' target file (verified by length and SHA-256)
    # and the bundle's own bytes, as a service offers them to replicas.
    feed_hosts: HostDenylist | None = field(default=None, repr=False, compare=False)
    bundle_bytes: bytes | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.problems and self.problem is None:
            self.problem = self.problem_text("en")
        self.expire_at(None)

    @property
    def verified(self) -> bool:
        """Whether results may be official: the bundle verified and ``expires`` has not come.

        Read at every answer (one clock read): a process holding the allowlist stops getting
        ``official`` at the instant of ``expires``. The wall clock, as verification uses: a
        machine that slept past ``expires`` wakes up expired.
        """
        if self._verified:
            if time.time() < self._deadline:
                return True
            self._expire()
        return False

    def days_left(self, now: float | None = None) -> int | None:
        """Whole days until ``expires`` (negative once past); None without an expiry."""
        if self.expires is None or self._deadline in (math.inf, -math.inf):
            return None
        return math.floor((self._deadline - (time.time() if now is None else now)) / 86400)

    def expire_at(self, now: dt.datetime | None) -> None:
        """Make ``verified`` turn False when ``expires`` comes, as seen from ``now`` (default:
        the real time; a given ``now`` shifts the deadline by its distance from the real time,
        for tests and lists verified "as of" a time). An ``expires`` that does not parse is
        already past; an allowlist without one (built by hand, never by verification) does
        not expire."""
        if self.expires is None:
            self._deadline = math.inf
            return
        try:
            deadline = dt.datetime.strptime(self.expires, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
        except (TypeError, ValueError):
            self._deadline = -math.inf
            return
        shift = 0.0 if now is None else time.time() - now.timestamp()
        self._deadline = deadline.timestamp() + shift

    def _expire(self) -> None:
        """Turn into an unverified allowlist saying ``bundle.expired``, once; whoever sees
        ``verified`` False after this also sees the problem."""
        with _EXPIRY_LOCK:
            if not self._verified:
                return
            self.problems = (Message("bundle.expired", {"version": self.version, "expires": self.expires}),)
            self.derived = {k: v for k, v in self.derived.items() if k in _CONTENT_DERIVED}
            self.problem = self.problem_text("en")
            self._verified = False

    @classmethod
    def from_signed(
        cls,
        signed: dict[str, Any],
        *,
        verified: bool,
        problem: str | None = None,
        problems: tuple[Message, ...] = (),
        now: dt.datetime | None = None,
    ) -> Allowlist:
        """Index the ``signed`` part of a bundle; raise BundleFormatError on a bad shape.

        An unverified bundle says why with ``problems`` (or, in English only, ``problem``).
        A verified one stops being verified when its ``expires`` comes (as seen from ``now``,
        default the real time: see ``expire_at``).
        """
        try:
            check_content(signed)
            brands = {bid: _brand(bid, spec) for bid, spec in sorted(signed["brands"].items())}
            denylist = tuple(
                _entry(str(d.get("claimed_brand", "")), _kind(d["kind"]), d)
                for d in signed.get("denylist", [])
            )
            allowlist = cls(
                signed.get("version"), signed.get("expires"), verified, brands, denylist, problem, problems
            )
            allowlist._index()
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise BundleFormatError("bundle.content_malformed", detail=repr(exc)) from exc
        if now is not None:
            allowlist.expire_at(now)
        return allowlist

    @classmethod
    def empty(cls, problem: str | None = None, *, problems: tuple[Message, ...] = ()) -> Allowlist:
        """An unverified allowlist with no brands, used when nothing could be loaded."""
        return cls(None, None, False, {}, (), problem, problems)

    def problem_text(self, lang: str) -> str | None:
        """Why the bundle did not verify, in ``lang`` (``en`` or ``zh``); None when it verified.

        An allowlist given only an English ``problem`` gives that in every language.
        """
        if not self.problems:
            return self.problem
        lang_code = normalize_lang(lang)
        key = f"problem.{lang_code}"
        said = self.derived.get(key)
        if not isinstance(said, str):
            separator = text("bundle.separator", lang_code)
            said = self.derived[key] = separator.join(p.text(lang_code) for p in self.problems)
        return said

    def _index(self) -> None:
        for brand in self.brands.values():
            for entry in brand.entries:
                self._exact.setdefault((entry.kind, _key(entry)), []).append(entry)
                if entry.kind is ChannelKind.URL and entry.subdomains:
                    self._zones.setdefault(entry.value, []).append(entry)
                if entry.kind is ChannelKind.HANDLE:
                    self._handle_names.setdefault(entry.value, []).append(entry)
            for name in (brand.id, brand.name, *brand.aliases):
                self._aliases.setdefault(name.casefold().replace(" ", ""), brand.id)
        for entry in self.denylist:
            self._denied[(entry.kind, _key(entry))] = entry
        self._official_hosts = {value for kind, value in self._exact if kind is ChannelKind.URL}
        self._listed_hosts = self._official_hosts | {
            value for kind, value in self._denied if kind is ChannelKind.URL
        }

    @property
    def state(self) -> AllowlistState:
        """Version, expiry and verification as results report them (one shared frozen value)."""
        state = self._state
        if (
            state is None
            or state.version != self.version
            or state.expires != self.expires
            or state.verified != self.verified
        ):
            state = self._state = _new_state(self.version, self.expires, self.verified)
        return state

    def brand(self, name: str) -> Brand:
        """The brand with this id, name or alias (case and spaces ignored); else UnknownBrand."""
        brand_id = self._aliases.get(name.strip().casefold().replace(" ", ""))
        if brand_id is None:
            known = tuple(sorted(self.brands))
            raise UnknownBrand(unknown_brand_message(name, known, "en"), name, known)
        return self.brands[brand_id]

    def find(self, channel: Channel) -> list[Entry]:
        """Official entries this channel is exactly (or, for hosts, a permitted subdomain of)."""
        kind = channel.kind
        if kind is ChannelKind.URL:
            found = self._exact.get((kind, channel.normalized))
            if found:
                return list(found)
            if not channel.host or channel.host.count(".") < 2:
                return []  # no parent domain below the registrable one: nothing else to look up
        elif kind is ChannelKind.HANDLE and channel.platform is None:
            return list(self._handle_names.get(channel.name or "", []))
        found = list(self._exact.get((kind, _channel_key(channel)), []))
        if kind is ChannelKind.URL and channel.host and not found:
            labels = channel.host.split(".")
            for i in range(1, len(labels) - 1):
                found.extend(self._zones.get(".".join(labels[i:]), []))
        return found

    def official_domain_of(self, host: str) -> list[Entry]:
        """Domain entries whose host or zone contains ``host`` (for emails on a brand domain)."""
        labels = host.split(".")
        out: list[Entry] = []
        for i in range(len(labels) - 1):
            parent = ".".join(labels[i:])
            out.extend(e for e in self._exact.get((ChannelKind.URL, parent), []) if i == 0 or e.subdomains)
        return out

    def lists_host(self, host: str, denylists: bool = True) -> bool:
        """Whether the denylist, the feed hosts or the allowlist has an entry for the url ``host``:
        ``find_denied``, ``feed_hosts.find`` or ``find`` would give something for its Channel (one
        probe each, for the hot path). ``denylists=False``: the allowlist alone (``find``), for a
        check with ``use_denylist=False``, which consults neither denylist."""
        hashes, feed = None, self.feed_hosts
        if denylists:
            if host in self._listed_hosts:
                return True
            if feed is not None:  # a host a public phishing feed lists, or a parent of it
                hashes = feed.hashes
                if hashes is None:  # no index yet: the feed walks the parents itself
                    if feed.denies(host):
                        return True
                elif hash(host) in hashes and feed.find(host) is not None:
                    return True
        elif host in self._official_hosts:
            return True
        zones = self._zones
        if not zones and hashes is None:
            return False
        # Each parent with at least two labels (host[at + 1 :] for a dot at ``at`` before the last),
        # probed in the zones and, with the feed's index, in its hashes: one walk for both.
        last = host.rfind(".")
        at = host.find(".")
        while at < last:
            parent = host[at + 1 :]
            if parent in zones:
                return True
            if hashes is not None and hash(parent) in hashes and feed.find(host) is not None:  # type: ignore[union-attr]
                return True
            at = host.find(".", at + 1)
        return False

    def find_denied(self, channel: Channel) -> Entry | None:
        """The denylist entry for this channel, if it is a reported fake."""
        kind = channel.kind
        return self._denied.get(
            (kind, channel.normalized if kind is ChannelKind.URL else _channel_key(channel))
        )


def unknown_brand_message(name: str, known: tuple[str, ...], lang: Lang) -> str:
    """What UnknownBrand says, in ``lang``: the name as given and the brand ids there are."""
    return text(
        "brand.unknown", lang, name=repr(name), known=", ".join(known) or text("brand.none_known", lang)
    )


MAX_TEXT = 2048  # the longest string a bundle field may hold (evidence URLs are the longest)
_ENTRY_TEXT = ("value", "display", "evidence", "checked", "platform", "claimed_brand", "kind")
_BRAND_TEXT = ("name", "default_region", "custody")
_BRAND_LISTS = ("aliases", "unrelated")


def check_content(signed: Any) -> None:
    """Check the type of every field the indexes and results read; raise ValueError naming the
    first that is wrong. A bundle that did not verify is still indexed (for lookalike checks), so
    its content is hostile until shown otherwise: strings are strings, lists are lists of
    objects or strings, flags are booleans, and no text is longer than MAX_TEXT."""
    if not isinstance(signed, dict) or not isinstance(signed.get("brands"), dict):
        raise ValueError("brands: not an object")
    for bid, spec in signed["brands"].items():
        _check_text(bid, f"brands.{bid!a}")
        if not isinstance(spec, dict):
            raise ValueError(f"brands.{bid!a}: not an object")
        if "name" not in spec:
            raise KeyError("name")
        for name in _BRAND_TEXT:
            if name in spec:
                _check_text(spec[name], f"brands.{bid!a}.{name}")
        for name in _BRAND_LISTS:
            for i, item in enumerate(_list(spec.get(name, []), f"brands.{bid!a}.{name}")):
                _check_text(item, f"brands.{bid!a}.{name}[{i}]")
        no_phone = spec.get("no_phone_support")
        if no_phone is not None:
            if not isinstance(no_phone, dict):
                raise ValueError(f"brands.{bid!a}.no_phone_support: not an object")
            for key, value in no_phone.items():
                _check_text(value, f"brands.{bid!a}.no_phone_support.{key!a}")
        for section in _SECTIONS:
            for i, item in enumerate(_list(spec.get(section, []), f"brands.{bid!a}.{section}")):
                _check_entry(item, f"brands.{bid!a}.{section}[{i}]")
    for i, item in enumerate(_list(signed.get("denylist", []), "denylist")):
        _check_entry(item, f"denylist[{i}]")
        _kind(item.get("kind"))


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError(f"{where}: not a list")
    return value


def _check_text(value: Any, where: str) -> None:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
        raise ValueError(f"{where}: not a text of 1 to {MAX_TEXT} characters")


def _check_entry(item: Any, where: str) -> None:
    if not isinstance(item, dict):
        raise ValueError(f"{where}: not an object")
    if "value" not in item:
        raise KeyError("value")
    for name in _ENTRY_TEXT:
        if item.get(name) is not None and not (
            name in ("evidence", "checked", "claimed_brand") and item[name] == ""
        ):
            _check_text(item[name], f"{where}.{name}")
    if not isinstance(item.get("subdomains", False), bool):
        raise ValueError(f"{where}.subdomains: not true or false")


def _kind(section_or_kind: str) -> ChannelKind:
    return _SECTIONS.get(section_or_kind) or ChannelKind(section_or_kind)


def _key(entry: Entry) -> str:
    return f"{entry.platform}:{entry.value}" if entry.kind is ChannelKind.HANDLE else entry.value


def _channel_key(channel: Channel) -> str:
    if channel.kind is ChannelKind.EMAIL:
        return channel.normalized.casefold()
    if channel.kind is ChannelKind.HANDLE:
        return f"{channel.platform}:{channel.name}"
    return channel.normalized


def _entry(brand: str, kind: ChannelKind, spec: dict[str, Any]) -> Entry:
    return Entry(
        brand=brand,
        kind=kind,
        value=str(spec["value"]),
        display=str(spec.get("display", spec["value"])),
        evidence=str(spec.get("evidence", "")),
        checked=str(spec.get("checked", "")),
        platform=spec.get("platform"),
        subdomains=bool(spec.get("subdomains", False)),
    )


def _brand(brand_id: str, spec: dict[str, Any]) -> Brand:
    entries = tuple(
        _entry(brand_id, kind, item) for section, kind in _SECTIONS.items() for item in spec.get(section, [])
    )
    return Brand(
        id=brand_id,
        name=str(spec["name"]),
        aliases=tuple(spec.get("aliases", [])),
        default_region=str(spec.get("default_region", "US")),
        custody=str(spec.get("custody", "self")),
        entries=entries,
        no_phone_support=spec.get("no_phone_support"),
        unrelated=tuple(spec.get("unrelated", [])),
    )
