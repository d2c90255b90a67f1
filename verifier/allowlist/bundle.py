"""The compiled bundle, built from the TOML sources: canonical JSON of
``{"signed": ..., "signatures": [...]}`` (the format itself is ``bundleformat``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from verifier.allowlist.bundleformat import BUNDLE_TYPE, DENYLIST_TARGET, SPEC_VERSION, canonical_bytes
from verifier.allowlist.source import Sources, read_sources

FEEDS_DIR = "feeds"  # allowlists/feeds/<feed>.txt, written by ``verifier denylist import``

__all__ = [
    "FEEDS_DIR",
    "Release",
    "build_bundle",
    "build_release",
    "signed_payload",
    "write_bundle",
]


def signed_payload(sources: Sources) -> dict[str, Any]:
    """The ``signed`` part of a bundle compiled from normalized sources."""
    return {
        "_type": BUNDLE_TYPE,
        "spec_version": SPEC_VERSION,
        "version": sources.version,
        "expires": sources.expires,
        "brands": sources.brands,
        "denylist": sources.denylist,
    }


@dataclass(frozen=True)
class Release:
    """An unsigned bundle and the target files its signed part names (file name -> bytes)."""

    bundle: dict[str, Any]
    targets: dict[str, bytes] = field(default_factory=dict)


def build_release(source_root: Path) -> Release:
    """Compile ``allowlists/`` into an unsigned bundle and its target files; raises SourceError
    on bad sources.

    The feed source files (``allowlists/feeds/*.txt``) become one target file,
    ``denylist-hosts.txt``; the signed part names its length, SHA-256 and, per feed, the number
    of hosts, the snapshot and the licence (``signed.targets``). Without feed files there is no
    target and no ``targets`` key, so older bundles build byte for byte as before.
    """
    sources = read_sources(source_root)
    signed = signed_payload(sources)
    targets: dict[str, bytes] = {}
    if (source_root / FEEDS_DIR).is_dir():
        from verifier.allowlist.feeds import feed_target  # noqa: PLC0415 (only builds read feeds)

        built = feed_target(source_root / FEEDS_DIR, sources)
        if built is not None:
            data, meta = built
            targets[DENYLIST_TARGET] = data
            signed["targets"] = {DENYLIST_TARGET: meta}
    return Release({"signed": signed, "signatures": []}, targets)


def build_bundle(source_root: Path) -> dict[str, Any]:
    """Compile ``allowlists/`` into an unsigned bundle; raises SourceError on bad sources."""
    return build_release(source_root).bundle


def write_bundle(bundle: dict[str, Any], path: Path) -> None:
    """Write a bundle as canonical JSON plus a final newline, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(canonical_bytes(bundle) + b"\n")
    tmp.replace(path)
