"""The root of trust and signature checks, in the spirit of TUF's root and targets roles.

Verification reads top-down like the specification: parse, check the shape, count
valid signatures by trusted keys against the threshold, then check expiry, then
check the version against the highest one this client accepted. Each failure is
its own exception under AllowlistError.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import Any, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from verifier.allowlist import strictjson
from verifier.allowlist.bundleformat import BUNDLE_TYPE, canonical_bytes
from verifier.allowlist.hostdeny import MAX_TARGET_BYTES
from verifier.errors import (
    BundleFormatError,
    ExpiredBundleError,
    RollbackError,
    RootRotationError,
    TamperedBundleError,
    UnknownKeyError,
    UnsignedBundleError,
)
from verifier.messages import Message

ROOT_TYPE = "verifier-root"
MAX_BUNDLE_BYTES = 8 * 1024 * 1024
# The release policy: a bundle expires between 180 and 400 days after it is signed. Signing
# comes before any verification, so an expiry more than MAX_LIFETIME after now breaks it.
MIN_LIFETIME = dt.timedelta(days=180)
MAX_LIFETIME = dt.timedelta(days=400)


# cryptography's serialization package (PEM, raw encodings) is imported by the functions that
# use it: verifying a bundle needs none of it, and it costs a CLI start more than the rest.


def key_id(public_key: Ed25519PublicKey) -> str:
    """The key id: SHA-256 of the raw 32-byte Ed25519 public key, hex."""
    return _raw_key_id(bytes.fromhex(public_key_hex(public_key)))


def _raw_key_id(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def public_key_hex(public_key: Ed25519PublicKey) -> str:
    from cryptography.hazmat.primitives import serialization  # noqa: PLC0415

    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def load_private_key(pem: bytes) -> Ed25519PrivateKey:
    """Load a PKCS#8 PEM Ed25519 private key; raise ValueError if it is anything else."""
    from cryptography.hazmat.primitives import serialization  # noqa: PLC0415

    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the key is not an Ed25519 private key")
    return key


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    """Load a PEM (SubjectPublicKeyInfo) Ed25519 public key; raise ValueError otherwise."""
    from cryptography.hazmat.primitives import serialization  # noqa: PLC0415

    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("the key is not an Ed25519 public key")
    return key


@dataclass(frozen=True)
class Root:
    """Trusted moderator keys (key id -> public key), the signing threshold and a version."""

    version: int
    threshold: int
    keys: dict[str, Ed25519PublicKey]
    document: dict[str, Any]

    @classmethod
    def from_json(cls, data: bytes) -> Root:
        """Parse a root document; raise BundleFormatError when malformed.

        The root's own signatures are checked by ``verify_root_update`` when a new
        root replaces a trusted one; the shipped root is trusted as installed.
        """
        document = _parse_envelope(data, ROOT_TYPE)
        signed = document["signed"]
        version, threshold, keys_raw = signed.get("version"), signed.get("threshold"), signed.get("keys")
        if not _positive_int(version) or not _positive_int(threshold) or not isinstance(keys_raw, dict):
            raise BundleFormatError("root.shape")
        keys: dict[str, Ed25519PublicKey] = {}
        for kid, spec in keys_raw.items():
            try:
                if spec["keytype"] != "ed25519" or spec["scheme"] != "ed25519":
                    raise BundleFormatError("root.key_not_ed25519", key=kid[:12])
                raw = bytes.fromhex(spec["keyval"]["public"])
                public = Ed25519PublicKey.from_public_bytes(raw)
            except (KeyError, TypeError, ValueError) as exc:
                raise BundleFormatError("root.key_malformed", key=str(kid)[:12]) from exc
            if _raw_key_id(raw) != kid:  # the key's raw bytes, as key_id(public) reads them back
                raise BundleFormatError("root.key_id_mismatch", key=kid[:12])
            keys[kid] = public
        if threshold > len(keys):
            raise BundleFormatError("root.threshold", threshold=threshold, count=len(keys))
        return cls(version, threshold, keys, document)


def root_document(public_keys: list[Ed25519PublicKey], threshold: int, version: int) -> dict[str, Any]:
    """An unsigned root document for the given moderator keys."""
    keys = {
        key_id(k): {"keytype": "ed25519", "scheme": "ed25519", "keyval": {"public": public_key_hex(k)}}
        for k in public_keys
    }
    signed = {
        "_type": ROOT_TYPE,
        "spec_version": "1",
        "version": version,
        "threshold": threshold,
        "keys": keys,
    }
    return {"signed": signed, "signatures": []}


def sign_document(document: dict[str, Any], private_key: Ed25519PrivateKey) -> dict[str, Any]:
    """Return ``document`` with this key's signature added (replacing an older one by it)."""
    kid = key_id(private_key.public_key())
    sig = private_key.sign(canonical_bytes(document["signed"])).hex()
    others = [s for s in document.get("signatures", []) if s.get("keyid") != kid]
    signatures = sorted([*others, {"keyid": kid, "sig": sig}], key=lambda s: str(s.get("keyid")))
    return {"signed": document["signed"], "signatures": signatures}


def _positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _parse_envelope(data: bytes, expected_type: str) -> dict[str, Any]:
    if len(data) > MAX_BUNDLE_BYTES:
        raise BundleFormatError("document.too_large", limit=MAX_BUNDLE_BYTES)
    document = strictjson.loads(data)  # no duplicate keys, floats, surrogates, deep nesting
    if not isinstance(document, dict) or set(document) != {"signed", "signatures"}:
        raise BundleFormatError("document.not_envelope")
    if not isinstance(document["signed"], dict) or not isinstance(document["signatures"], list):
        raise BundleFormatError("document.envelope_types")
    if document["signed"].get("_type") != expected_type:
        raise BundleFormatError("document.wrong_type", expected=repr(expected_type))
    for entry in document["signatures"]:
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("keyid"), str)
            or not isinstance(entry.get("sig"), str)
        ):
            raise BundleFormatError("document.signature_entry")
    return document


Signed = Literal["bundle", "root_by_previous", "root_by_own"]


def check_signatures(
    document: dict[str, Any], keys: dict[str, Ed25519PublicKey], threshold: int, what: Signed = "bundle"
) -> set[str]:
    """Return the trusted key ids with a valid signature; raise if fewer than ``threshold``.

    A key counts once however many signatures it made. ``what`` names the document in the
    message (the bundle, or a new root checked by the previous or by its own keys). Raises
    TamperedBundleError when a trusted key's signature does not match, UnknownKeyError when
    the missing signatures are by untrusted keys, UnsignedBundleError otherwise.
    """
    payload = canonical_bytes(document["signed"])
    valid: set[str] = set()
    bad: set[str] = set()
    unknown: set[str] = set()
    for entry in document["signatures"]:
        kid = entry["keyid"]
        public = keys.get(kid)
        if public is None:
            unknown.add(kid)
            continue
        try:
            public.verify(bytes.fromhex(entry["sig"]), payload)
            valid.add(kid)
        except (InvalidSignature, ValueError):
            bad.add(kid)
    if len(valid) >= threshold:
        return valid
    counts: dict[str, object] = {
        "what": Message(f"signatures.of.{what}"),
        "valid": len(valid),
        "threshold": threshold,
    }
    if bad - valid:
        raise TamperedBundleError("signatures.tampered", **counts, bad=len(bad - valid))
    if unknown:
        short = ", ".join(sorted(k[:12] for k in unknown))
        raise UnknownKeyError("signatures.unknown_keys", **counts, keys=short)
    raise UnsignedBundleError("signatures.too_few", **counts)


@dataclass(frozen=True)
class VerifiedBundle:
    """A bundle whose signatures, expiry and version all passed."""

    version: int
    expires: str
    signed: dict[str, Any]
    signed_by: frozenset[str]


def parse_expires(value: Any) -> dt.datetime:
    """Parse ``YYYY-MM-DDTHH:MM:SSZ``; raise BundleFormatError otherwise."""
    if not isinstance(value, str):
        raise BundleFormatError("bundle.expires_type")
    try:
        return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    except ValueError as exc:
        raise BundleFormatError("bundle.expires_format", value=repr(value)) from exc


def parse_bundle(data: bytes) -> dict[str, Any]:
    """Parse bundle bytes and check the envelope and signed shape; raise BundleFormatError."""
    document = _parse_envelope(data, BUNDLE_TYPE)
    signed = document["signed"]
    if not _positive_int(signed.get("version")):
        raise BundleFormatError("bundle.version")
    parse_expires(signed.get("expires"))
    if not isinstance(signed.get("brands"), dict) or not isinstance(signed.get("denylist", []), list):
        raise BundleFormatError("bundle.brands_type")
    check_targets(signed.get("targets", {}))
    return document


_TARGET_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
MAX_TARGETS = 8


def check_targets(targets: Any) -> None:
    """The signed ``targets``: ``{file name: {"length", "sha256", ...}}``, a plain file name (no
    path), a length within MAX_TARGET_BYTES and a hex SHA-256; else BundleFormatError."""
    if not isinstance(targets, dict) or len(targets) > MAX_TARGETS:
        raise BundleFormatError("bundle.targets", name="targets")
    for name, meta in targets.items():
        if not _TARGET_NAME.fullmatch(name) or ".." in name or not isinstance(meta, dict):
            raise BundleFormatError("bundle.targets", name=repr(name[:64]))
        length, digest = meta.get("length"), meta.get("sha256")
        if (
            not isinstance(length, int)
            or isinstance(length, bool)
            or not 0 <= length <= MAX_TARGET_BYTES
            or not isinstance(digest, str)
            or not _SHA256.fullmatch(digest)
        ):
            raise BundleFormatError("bundle.targets", name=repr(name))


def policy_problem(expires: str, signing: dt.datetime) -> str | None:
    """Why a bundle expiring at ``expires`` and signed at ``signing`` breaks the release policy
    (it expires between MIN_LIFETIME and MAX_LIFETIME after signing), in English ending with
    its code in brackets; None when it keeps it."""
    left = parse_expires(expires) - signing
    if MIN_LIFETIME <= left <= MAX_LIFETIME:
        return None
    code = "bundle.expires_beyond_policy" if left > MAX_LIFETIME else "bundle.expires_too_soon"
    return (
        f"expires {expires}, {left.days} days after {signing:%Y-%m-%d}: the release policy is between "
        f"{MIN_LIFETIME.days} and {MAX_LIFETIME.days} days after signing [{code}]"
    )


def verify_bundle(
    data: bytes, root: Root, *, now: dt.datetime | None = None, highest_seen: int = 0
) -> VerifiedBundle:
    """Verify bundle bytes against ``root``: shape, signatures, expiry, then rollback.

    Raises BundleFormatError, TamperedBundleError, UnknownKeyError, UnsignedBundleError,
    ExpiredBundleError (expired, or expiring later than the release policy allows: more than
    MAX_LIFETIME from now) or RollbackError, in that order of checking.
    """
    document = parse_bundle(data)
    signed_by = check_signatures(document, root.keys, root.threshold)
    signed = document["signed"]
    expires = parse_expires(signed["expires"])
    now = now or dt.datetime.now(dt.UTC)
    if now >= expires:
        raise ExpiredBundleError("bundle.expired", version=signed["version"], expires=signed["expires"])
    if expires - now > MAX_LIFETIME:
        raise ExpiredBundleError(
            "bundle.expires_beyond_policy",
            version=signed["version"],
            expires=signed["expires"],
            days=MAX_LIFETIME.days,
        )
    if signed["version"] < highest_seen:
        raise RollbackError("bundle.rollback", version=signed["version"], highest=highest_seen)
    return VerifiedBundle(signed["version"], signed["expires"], signed, frozenset(signed_by))


def verify_root_update(trusted: Root, data: bytes) -> Root:
    """Accept a new root only if signed by a threshold of the old keys and of its own.

    Its version must be exactly one more than the trusted root's. Raises
    RootRotationError (or a signature error) otherwise.
    """
    new = Root.from_json(data)
    if new.version != trusted.version + 1:
        raise RootRotationError("root.version_step", version=new.version, expected=trusted.version + 1)
    check_signatures(new.document, trusted.keys, trusted.threshold, "root_by_previous")
    check_signatures(new.document, new.keys, new.threshold, "root_by_own")
    return new
