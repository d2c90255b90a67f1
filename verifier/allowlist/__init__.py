"""The allowlist: TOML sources, compiled bundle, signatures and the verified in-memory lists."""

from verifier.allowlist.bundle import build_bundle, canonical_bytes, write_bundle
from verifier.allowlist.model import Allowlist, Brand, Entry
from verifier.allowlist.store import default_allowlist, load_allowlist, state_dir
from verifier.allowlist.trust import Root, verify_bundle

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
