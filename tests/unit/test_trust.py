"""Signature, expiry, rollback and root-rotation checks with throwaway Ed25519 keys."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.conftest import NOW, SignFn
from verifier.allowlist.bundleformat import canonical_bytes
from verifier.allowlist.store import highest_seen, load_allowlist, verify_bytes
from verifier.allowlist.trust import (
    Root,
    key_id,
    root_document,
    sign_document,
    verify_bundle,
    verify_root_update,
)
from verifier.errors import (
    BundleFormatError,
    ExpiredBundleError,
    RollbackError,
    RootRotationError,
    TamperedBundleError,
    UnknownKeyError,
    UnsignedBundleError,
)


def test_two_of_three_signatures_verify(sign_bundle: SignFn, test_root: Root) -> None:
    verified = verify_bundle(sign_bundle(0, 2), test_root, now=NOW)
    assert verified.version == 5
    assert len(verified.signed_by) == 2


def test_one_signature_is_refused(sign_bundle: SignFn, test_root: Root) -> None:
    with pytest.raises(UnsignedBundleError, match=r"1 valid signature.*2 required"):
        verify_bundle(sign_bundle(1), test_root, now=NOW)


def test_duplicate_signatures_by_one_key_count_once(sign_bundle: SignFn, test_root: Root) -> None:
    document = json.loads(sign_bundle(0))
    document["signatures"] = document["signatures"] * 2
    with pytest.raises(UnsignedBundleError, match="1 valid signature"):
        verify_bundle(canonical_bytes(document), test_root, now=NOW)


def test_signatures_by_unknown_keys_do_not_count(sign_bundle: SignFn, test_root: Root) -> None:
    document = json.loads(sign_bundle(0))
    stranger = Ed25519PrivateKey.generate()
    document = sign_document(document, stranger)
    with pytest.raises(UnknownKeyError, match=key_id(stranger.public_key())[:12]):
        verify_bundle(canonical_bytes(document), test_root, now=NOW)


@pytest.mark.parametrize("edit", ["version", "brand_value", "add_key"])
def test_content_changed_after_signing_is_tampered(sign_bundle: SignFn, test_root: Root, edit: str) -> None:
    document = json.loads(sign_bundle(0, 1))
    if edit == "version":
        document["signed"]["version"] = 6
    elif edit == "brand_value":
        document["signed"]["brands"]["acme"]["domains"][0]["value"] = "evil.com"
    else:
        document["signed"]["extra"] = "x"
    with pytest.raises(TamperedBundleError, match="changed after signing"):
        verify_bundle(canonical_bytes(document), test_root, now=NOW)


def test_every_single_byte_flip_in_a_signed_bundle_is_refused(sign_bundle: SignFn, test_root: Root) -> None:
    data = bytearray(sign_bundle(0, 1))
    step = max(1, len(data) // 300)  # a spread of ~300 positions over the whole file
    for position in range(0, len(data), step):
        tampered = bytearray(data)
        tampered[position] ^= 0x01
        with pytest.raises((BundleFormatError, UnsignedBundleError)):
            verify_bundle(bytes(tampered), test_root, now=NOW)


def test_expired_bundle_is_refused(sign_bundle: SignFn, test_root: Root) -> None:
    data = sign_bundle(0, 1, expires="2026-01-01T00:00:00Z")
    with pytest.raises(ExpiredBundleError, match="expired at 2026-01-01T00:00:00Z"):
        verify_bundle(data, test_root, now=NOW)


def test_older_version_than_accepted_is_refused(sign_bundle: SignFn, test_root: Root) -> None:
    with pytest.raises(RollbackError, match="version 5 is older than version 7"):
        verify_bundle(sign_bundle(0, 1), test_root, now=NOW, highest_seen=7)


def test_accepted_version_is_remembered_and_older_refused(
    sign_bundle: SignFn, test_root: Root, isolated_state: Path
) -> None:
    verify_bytes(sign_bundle(0, 1, version=9), root=test_root, directory=isolated_state, now=NOW)
    assert highest_seen(isolated_state) == 9
    with pytest.raises(RollbackError):
        verify_bytes(sign_bundle(0, 1, version=8), root=test_root, directory=isolated_state, now=NOW)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not json",
        b"[]",
        b'{"signed": {}}',
        b'{"signed": [], "signatures": []}',
        b'{"signed": {"_type": "other"}, "signatures": []}',
        b"\xff\xfe",
        b"[" * 100000,
    ],
)
def test_malformed_files_raise_format_error(data: bytes, test_root: Root) -> None:
    with pytest.raises(BundleFormatError):
        verify_bundle(data, test_root, now=NOW)


def test_bad_expires_is_a_format_error(sign_bundle: SignFn, test_root: Root) -> None:
    with pytest.raises(BundleFormatError, match="expires"):
        verify_bundle(sign_bundle(0, 1, expires="next year"), test_root, now=NOW)


def test_failed_verification_loads_fail_closed(sign_bundle: SignFn, test_root: Root, tmp_path: Path) -> None:
    path = tmp_path / "bundle.json"
    path.write_bytes(sign_bundle(0))
    allowlist = load_allowlist(path, root=test_root, now=NOW)
    assert allowlist.verified is False
    assert "1 valid signature" in (allowlist.problem or "")
    assert "acme" in allowlist.brands  # still indexed for lookalike checks


def test_missing_file_loads_fail_closed(tmp_path: Path) -> None:
    allowlist = load_allowlist(tmp_path / "absent.json")
    assert allowlist.verified is False
    assert allowlist.brands == {}


def _rotated_root(
    old_keys: list[Ed25519PrivateKey],
    new_keys: list[Ed25519PrivateKey],
    version: int,
    signers: list[Ed25519PrivateKey],
) -> bytes:
    document = root_document([k.public_key() for k in new_keys], threshold=2, version=version)
    for key in signers:
        document = sign_document(document, key)
    return canonical_bytes(document)


def test_root_rotation_needs_old_and_new_thresholds(
    moderator_keys: list[Ed25519PrivateKey], test_root: Root
) -> None:
    newcomer = Ed25519PrivateKey.generate()
    new_keys = [moderator_keys[0], moderator_keys[1], newcomer]
    data = _rotated_root(moderator_keys, new_keys, 2, [moderator_keys[0], moderator_keys[1]])
    rotated = verify_root_update(test_root, data)
    assert key_id(newcomer.public_key()) in rotated.keys
    assert key_id(moderator_keys[2].public_key()) not in rotated.keys


def test_root_rotation_signed_only_by_new_keys_is_refused(
    moderator_keys: list[Ed25519PrivateKey], test_root: Root
) -> None:
    new_keys = [Ed25519PrivateKey.generate() for _ in range(3)]
    data = _rotated_root(moderator_keys, new_keys, 2, new_keys)
    with pytest.raises(UnknownKeyError, match="previous keys"):
        verify_root_update(test_root, data)


def test_root_rotation_must_increase_version_by_one(
    moderator_keys: list[Ed25519PrivateKey], test_root: Root
) -> None:
    data = _rotated_root(moderator_keys, moderator_keys, 3, moderator_keys)
    with pytest.raises(RootRotationError, match="must be 2"):
        verify_root_update(test_root, data)


def test_bundle_signed_by_rotated_in_key_verifies_only_under_new_root(
    moderator_keys: list[Ed25519PrivateKey], test_root: Root, sign_bundle: SignFn
) -> None:
    newcomer = Ed25519PrivateKey.generate()
    new_keys = [moderator_keys[0], newcomer, Ed25519PrivateKey.generate()]
    rotated = verify_root_update(
        test_root,
        _rotated_root(moderator_keys, new_keys, 2, [moderator_keys[0], moderator_keys[1], newcomer]),
    )
    document = sign_document(json.loads(sign_bundle(0)), newcomer)
    data = canonical_bytes(document)
    assert verify_bundle(data, rotated, now=NOW).version == 5
    with pytest.raises(UnknownKeyError):
        verify_bundle(data, test_root, now=NOW)


def test_expiry_boundary_is_exclusive(sign_bundle: SignFn, test_root: Root) -> None:
    data = sign_bundle(0, 1, expires="2026-11-23T00:00:00Z")
    with pytest.raises(ExpiredBundleError):
        verify_bundle(data, test_root, now=NOW)
    assert verify_bundle(data, test_root, now=NOW - dt.timedelta(seconds=1)).version == 5
