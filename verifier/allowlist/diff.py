"""What changed between two bundles: the review a moderator does before signing.

Only the ``signed`` content is compared; signatures say who approved, not what changed.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from verifier.allowlist import strictjson
from verifier.allowlist.trust import MAX_BUNDLE_BYTES
from verifier.errors import BundleFormatError
from verifier.messages import Message, os_reason

_KINDS = {"domains": "domain", "emails": "email", "phones": "phone", "handles": "handle"}
_IDENTITY = frozenset({"kind", "value", "platform"})
_ORDER = {"domain": 0, "url": 0, "email": 1, "phone": 2, "handle": 3}


class Change(StrEnum):
    """How something differs from the old bundle; the value is its mark in ``render_diff``."""

    ADDED = "+"
    REMOVED = "-"
    CHANGED = "~"


@dataclass(frozen=True)
class FieldChange:
    """One field whose text differs: ``aliases``, ``evidence``, ``version``..."""

    name: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.name} {self.old} -> {self.new}"


@dataclass(frozen=True)
class EntryChange:
    """An official or denied channel added, removed or changed (``fields`` says how)."""

    change: Change
    kind: str  # domain, email, phone, handle (url for denylist entries)
    label: str  # tpwallet.io, telegram:@old_name
    evidence: str
    subdomains: bool = False
    claimed_brand: str = ""
    fields: tuple[FieldChange, ...] = ()

    def __str__(self) -> str:
        if self.change is Change.CHANGED:
            return f"~ {self.kind} {self.label}: {'; '.join(map(str, self.fields))}"
        text = f"{self.change} {self.kind} {self.label}"
        if self.change is Change.REMOVED:
            return text
        notes = ["subdomains"] if self.subdomains else []
        notes += [f"claimed {self.claimed_brand}"] if self.claimed_brand else []
        return f"{text}{''.join(f' ({n})' for n in notes)} evidence {self.evidence}"


@dataclass(frozen=True)
class BrandDiff:
    """A brand added, removed or changed: its own fields and its channels."""

    id: str
    name: str
    change: Change
    fields: tuple[FieldChange, ...]
    entries: tuple[EntryChange, ...]


SAMPLE = 5  # hosts shown per feed and direction


@dataclass(frozen=True)
class FeedChange:
    """One feed's hosts in the denylist target file, before and after: counts from the signed
    metadata, and (when both files were at hand) how many hosts were added and removed, with
    an evenly spread sample of each."""

    feed: str
    old_hosts: int
    new_hosts: int
    old_snapshot: str
    new_snapshot: str
    added: int | None = None
    removed: int | None = None
    sample_added: tuple[str, ...] = ()
    sample_removed: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        snapshot = (
            f"snapshot {self.new_snapshot}"
            if self.old_snapshot == self.new_snapshot
            else f"snapshot {self.old_snapshot or '-'} -> {self.new_snapshot or '-'}"
        )
        if self.added is None or self.removed is None:
            counts = "added and removed unknown: the hosts files are not beside both bundles"
        else:
            counts = f"{self.added:,} added, {self.removed:,} removed"
        out = [f"{self.feed}: {self.old_hosts:,} -> {self.new_hosts:,} hosts ({counts}; {snapshot})"]
        if self.sample_added:
            more = "" if (self.added or 0) <= len(self.sample_added) else ", ..."
            out.append(f"  + {', '.join(self.sample_added)}{more}")
        if self.sample_removed:
            more = "" if (self.removed or 0) <= len(self.sample_removed) else ", ..."
            out.append(f"  - {', '.join(self.sample_removed)}{more}")
        return out


@dataclass(frozen=True)
class BundleDiff:
    """Everything that differs between two bundles' signed content."""

    version: FieldChange
    expires: FieldChange
    other: tuple[FieldChange, ...]  # any other top-level field, such as spec_version
    brands: tuple[BrandDiff, ...]
    denylist: tuple[EntryChange, ...]
    feeds: tuple[FeedChange, ...] = ()
    targets_changed: bool = False  # the signed targets metadata differs (a digest, a length ...)

    @property
    def empty(self) -> bool:
        """True when the two bundles sign the same content."""
        same_release = self.version.old == self.version.new and self.expires.old == self.expires.new
        return same_release and not (self.other or self.brands or self.denylist or self.targets_changed)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def load_bundle_file(path: Path) -> dict[str, Any]:
    """Read a bundle (``{"signed": {...}, "signatures": [...]}``) from a JSON file.

    Does not verify signatures, but reads as strictly as verification does (``strictjson``).
    Raises BundleFormatError naming the file when it cannot be read, is not UTF-8 JSON, is
    refused by the strict reader (a ``document.*`` code: duplicate keys, floats, surrogates,
    deep nesting, huge integers) or has no ``signed`` object.
    """
    try:
        raw = path.read_bytes()
        if len(raw) > MAX_BUNDLE_BYTES:
            too_large = Message("document.too_large", {"limit": MAX_BUNDLE_BYTES})
            raise BundleFormatError("bundle.in_file", file=str(path), problem=too_large)
        document = strictjson.parse(raw.decode("utf-8"))
    except OSError as exc:
        raise BundleFormatError("diff.unreadable", path=str(path), reason=os_reason(exc)) from exc
    except UnicodeDecodeError as exc:
        raise BundleFormatError("diff.not_utf8", path=str(path)) from exc
    except json.JSONDecodeError as exc:
        raise BundleFormatError("diff.not_json", path=str(path), line=exc.lineno, reason=exc.msg) from exc
    except ValueError as exc:  # a number too long to convert (over 4,300 digits)
        raise BundleFormatError("diff.not_json", path=str(path), line=1, reason=str(exc)) from exc
    except BundleFormatError as exc:  # refused by the strict reader, or too large
        if exc.code == "bundle.in_file":
            raise
        raise BundleFormatError("bundle.in_file", file=str(path), problem=exc.problem) from exc
    if not isinstance(document, dict) or not isinstance(document.get("signed"), dict):
        raise BundleFormatError("diff.not_bundle", path=str(path))
    return document


def diff_bundles(
    old: dict[str, Any],
    new: dict[str, Any],
    *,
    old_hosts: bytes | None = None,
    new_hosts: bytes | None = None,
) -> BundleDiff:
    """Compare the ``signed`` content of two bundle documents.

    Brands and channels are matched by id and by kind, platform and value; anything else
    about them that differs is a change. ``old_hosts`` and ``new_hosts`` are the denylist
    target files the bundles name (already checked against them), for the per-feed hosts added
    and removed; without them the feeds are compared by their signed counts. Raises
    BundleFormatError on a malformed bundle.
    """
    try:
        diff = _diff(old["signed"], new["signed"])
        feeds = _feed_changes(old["signed"], new["signed"], old_hosts, new_hosts)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise BundleFormatError("bundle.content_malformed", detail=repr(exc)) from exc
    changed = old["signed"].get("targets") != new["signed"].get("targets")
    return dataclasses.replace(diff, feeds=feeds, targets_changed=changed)


def _feeds_meta(signed: dict[str, Any]) -> dict[str, Any]:
    from verifier.allowlist.bundleformat import DENYLIST_TARGET  # noqa: PLC0415

    meta = signed.get("targets", {}).get(DENYLIST_TARGET, {})
    feeds = meta.get("feeds", {}) if isinstance(meta, dict) else {}
    return feeds if isinstance(feeds, dict) else {}


def _spread(hosts: set[str]) -> tuple[str, ...]:
    ordered = sorted(hosts)
    step = max(1, len(ordered) // SAMPLE)
    return tuple(ordered[::step][:SAMPLE])


def _feed_changes(
    old: dict[str, Any], new: dict[str, Any], old_hosts: bytes | None, new_hosts: bytes | None
) -> tuple[FeedChange, ...]:
    from verifier.allowlist.hostdeny import per_feed  # noqa: PLC0415

    old_meta, new_meta = _feeds_meta(old), _feeds_meta(new)
    both = old_hosts is not None and new_hosts is not None
    old_listed = per_feed(old_hosts) if both and old_hosts else {}
    new_listed = per_feed(new_hosts) if both and new_hosts else {}
    out = []
    for feed in sorted(old_meta.keys() | new_meta.keys() | old_listed.keys() | new_listed.keys()):
        before, after = old_meta.get(feed, {}), new_meta.get(feed, {})
        change = FeedChange(
            feed,
            int(before.get("hosts", 0)),
            int(after.get("hosts", 0)),
            str(before.get("snapshot", "")),
            str(after.get("snapshot", "")),
        )
        if both:
            was, now = set(old_listed.get(feed, ())), set(new_listed.get(feed, ()))
            added, removed = now - was, was - now
            change = dataclasses.replace(
                change,
                added=len(added),
                removed=len(removed),
                sample_added=_spread(added),
                sample_removed=_spread(removed),
            )
        if before != after or change.added or change.removed:
            out.append(change)
    return tuple(out)


def _diff(old: dict[str, Any], new: dict[str, Any]) -> BundleDiff:
    ids = sorted(old["brands"].keys() | new["brands"].keys())
    brands = [_brand_diff(i, old["brands"].get(i), new["brands"].get(i)) for i in ids]
    return BundleDiff(
        version=FieldChange("version", _text(old.get("version")), _text(new.get("version"))),
        expires=FieldChange("expires", _text(old.get("expires")), _text(new.get("expires"))),
        other=_fields(old, new, skip={"version", "expires", "brands", "denylist", "targets"}),
        brands=tuple(brand for brand in brands if brand is not None),
        denylist=_entry_changes(
            [(str(d["kind"]), d) for d in old.get("denylist", [])],
            [(str(d["kind"]), d) for d in new.get("denylist", [])],
        ),
    )


def _brand_diff(brand_id: str, old: dict[str, Any] | None, new: dict[str, Any] | None) -> BrandDiff | None:
    if old is not None and new is not None:
        change = Change.CHANGED
    else:
        change = Change.ADDED if new is not None else Change.REMOVED
    old, new = old or {}, new or {}
    fields = _fields(old, new, skip=_KINDS.keys())
    entries = _entry_changes(
        [(_KINDS[k], e) for k in _KINDS for e in old.get(k, [])],
        [(_KINDS[k], e) for k in _KINDS for e in new.get(k, [])],
    )
    if change is Change.CHANGED and not (fields or entries):
        return None
    name = str(new.get("name") or old.get("name") or brand_id)
    return BrandDiff(brand_id, name, change, fields, entries)


def _fields(old: dict[str, Any], new: dict[str, Any], skip: Collection[str]) -> tuple[FieldChange, ...]:
    texts = [(name, _text(old.get(name)), _text(new.get(name))) for name in sorted(old.keys() | new.keys())]
    return tuple(FieldChange(*text) for text in texts if text[0] not in skip and text[1] != text[2])


def _text(value: Any) -> str:
    """One line for a field value: lists joined, no_phone_support spelled out."""
    if value is None or value in ("", []):
        return "(none)"
    if isinstance(value, list):
        return ", ".join(_text(item) for item in value)
    if isinstance(value, dict):
        return " ".join(f"{key} {_text(item)}" for key, item in sorted(value.items()))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _label(kind: str, entry: dict[str, Any]) -> str:
    if kind == "handle":
        return f"{entry['platform']}:@{entry['value']}"
    return str(entry["value"])


def _entry_changes(
    old: list[tuple[str, dict[str, Any]]], new: list[tuple[str, dict[str, Any]]]
) -> tuple[EntryChange, ...]:
    before = {(kind, _label(kind, e)): e for kind, e in old}
    after = {(kind, _label(kind, e)): e for kind, e in new}
    changes = []
    for key in before.keys() | after.keys():
        kind, label = key
        if key not in before or key not in after:
            entry = after.get(key) or before[key]
            change = Change.ADDED if key in after else Change.REMOVED
            fields: tuple[FieldChange, ...] = ()
        else:
            entry, change = after[key], Change.CHANGED
            fields = _fields(before[key], entry, skip=_IDENTITY)
            if not fields:
                continue
        changes.append(
            EntryChange(
                change,
                kind,
                label,
                evidence=str(entry.get("evidence", "")),
                subdomains=bool(entry.get("subdomains", False)),
                claimed_brand=str(entry.get("claimed_brand", "")),
                fields=fields,
            )
        )
    marks = list(Change)
    return tuple(sorted(changes, key=lambda c: (marks.index(c.change), _ORDER.get(c.kind, 9), c.label)))


def render_diff(diff: BundleDiff) -> str:
    """The diff as text for a reviewer: one line per change, ``no changes`` if none."""
    if diff.empty:
        return "no changes"
    version = diff.version
    release = [str(version) if version.old != version.new else f"version {version.new} (unchanged)"]
    if diff.expires.old != diff.expires.new:
        release.append(str(diff.expires))
    lines = [", ".join([*release, *map(str, diff.other)])]
    for brand in diff.brands:
        status = {Change.ADDED: " [new brand]", Change.REMOVED: " [removed brand]"}.get(brand.change, "")
        lines.append(f"{brand.id} ({brand.name}){status}")
        if brand.change is Change.ADDED:
            lines += [f"  {field.name}: {field.new}" for field in brand.fields]
        elif brand.change is Change.CHANGED:
            lines += [f"  ~ {field.name}: {field.old} -> {field.new}" for field in brand.fields]
        lines += [f"  {entry}" for entry in brand.entries]
    if diff.denylist:
        lines.append("denylist")
        lines += [f"  {entry}" for entry in diff.denylist]
    if diff.feeds or diff.targets_changed:
        lines.append("feeds (denylist-hosts.txt)")
        lines += [f"  {line}" for feed in diff.feeds for line in feed.lines()]
        if not diff.feeds:
            lines.append("  the hosts file changed, no feed's hosts did")
    return "\n".join(lines)
