"""The allowlist: TOML sources, compiled bundle, signatures and the verified in-memory lists.

Checking needs the verified lists only; building a bundle from the moderators' TOML sources
(``build_bundle``, ``write_bundle``) is a moderator's task, so ``bundle`` (and the TOML reader
behind it) is imported on first use of those names, not by every ``verifier check``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from verifier.allowlist.bundleformat import canonical_bytes
from verifier.allowlist.model import Allowlist, Brand, Entry
from verifier.allowlist.store import default_allowlist, load_allowlist, state_dir
from verifier.allowlist.trust import Root, verify_bundle

if TYPE_CHECKING:
    from verifier.allowlist.bundle import build_bundle, write_bundle

__all__ = [
    "Allowlist",
    "Brand",
    "Entry",
    "Root",
    "build_bundle",
    "canonical_bytes",
    "default_allowlist",
    "load_allowlist",
    "state_dir",
    "verify_bundle",
    "write_bundle",
]

_BUILDING = frozenset({"build_bundle", "write_bundle"})


def __getattr__(name: str) -> Any:
    if name in _BUILDING:
        from verifier.allowlist import bundle  # noqa: PLC0415 (moderators' path only)

        return getattr(bundle, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
