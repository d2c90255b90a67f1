"""The shipped bundle: built from allowlists/, deterministic, signed by two moderators."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from verifier.allowlist.bundle import build_bundle
from verifier.allowlist.bundleformat import canonical_bytes
from verifier.allowlist.store import shipped_root
from verifier.allowlist.trust import parse_expires, verify_bundle

SHIPPED = Path("verifier/data/allowlist.json")
SOURCES = Path("allowlists")


def test_sources_compile_to_the_shipped_signed_content() -> None:
    shipped = json.loads(SHIPPED.read_text("utf-8"))
    assert canonical_bytes(build_bundle(SOURCES)["signed"]) == canonical_bytes(shipped["signed"])


def test_build_is_byte_for_byte_deterministic() -> None:
    assert canonical_bytes(build_bundle(SOURCES)) == canonical_bytes(build_bundle(SOURCES))


def test_shipped_bundle_is_canonical_json() -> None:
    raw = SHIPPED.read_bytes()
    assert raw == canonical_bytes(json.loads(raw)) + b"\n"


def test_shipped_bundle_verifies_with_two_signatures_and_long_expiry() -> None:
    verified = verify_bundle(SHIPPED.read_bytes(), shipped_root())
    assert len(verified.signed_by) >= 2
    assert parse_expires(verified.expires) - dt.datetime.now(dt.UTC) > dt.timedelta(days=30)


def test_shipped_root_matches_the_source_root() -> None:
    assert Path("verifier/data/root.json").read_bytes() == (SOURCES / "root.json").read_bytes()
    root = shipped_root()
    assert (root.threshold, len(root.keys)) == (2, 3)


def test_every_entry_has_https_evidence_and_a_date() -> None:
    brands = json.loads(SHIPPED.read_text("utf-8"))["signed"]["brands"]
    for brand in brands.values():
        for section in ("domains", "emails", "phones", "handles"):
            for entry in brand[section]:
                assert entry["evidence"].startswith("https://"), entry
                dt.date.fromisoformat(entry["checked"])


def test_no_private_key_in_repository() -> None:
    for path in Path(".").rglob("*"):
        if (
            ".venv" in path.parts
            or ".git" in path.parts
            or not path.is_file()
            or path.stat().st_size > 2_000_000
        ):
            continue
        assert b"PRIVATE KEY" not in path.read_bytes() or path.suffix == ".py", path
