"""The signed bundle's format: its type tag, spec version, target file name and canonical JSON.

Shared by what builds a bundle from the TOML sources (``bundle``) and what verifies one
(``trust``, ``store``, ``update``), so verifying a bundle needs nothing of the source reader.
"""

from __future__ import annotations

import json
from typing import Any

BUNDLE_TYPE = "verifier-allowlist"
SPEC_VERSION = "1"
DENYLIST_TARGET = "denylist-hosts.txt"  # the feed hosts, beside the bundle (``hostdeny``)


def canonical_bytes(value: Any) -> bytes:
    """Canonical JSON: sorted keys, no insignificant whitespace, UTF-8.

    For the values bundles hold (strings, integers, booleans, null, lists,
    objects) this is the RFC 8785 serialization; floats are refused because
    their canonical form is the one place the two would differ.
    """
    _refuse_floats(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _refuse_floats(value: Any) -> None:
    if isinstance(value, float):
        raise ValueError("floats are not allowed in canonical bundle JSON")
    if isinstance(value, dict):
        for item in value.values():
            _refuse_floats(item)
    elif isinstance(value, list):
        for item in value:
            _refuse_floats(item)
