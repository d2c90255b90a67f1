"""RFC 6962 logs: ``get-sth`` and ``get-entries`` (§4.3, §4.6) and their structures (§3.4, §3.5).

    struct {
        Version version;                    /* v1(0) */
        MerkleLeafType leaf_type;           /* timestamped_entry(0) */
        TimestampedEntry timestamped_entry;
    } MerkleTreeLeaf;

``extra_data`` is, for an x509 entry, the chain ``ASN.1Cert certificate_chain<0..2^24-1>``; for
a pre-certificate, ``PrecertChainEntry { ASN.1Cert pre_certificate; ASN.1Cert
precertificate_chain<0..2^24-1>; }``.
"""

from __future__ import annotations

import base64
import binascii
import json
import urllib.parse
from dataclasses import dataclass
from typing import Any

from verifier.watch.entries import LogEntry, read_timestamped_entry
from verifier.watch.errors import BadTreeHeadSignature, LogFormatError
from verifier.watch.loglist import LogSpec
from verifier.watch.merkle import leaf_hash
from verifier.watch.tls import Reader, tree_head_message, verify_digitally_signed

# Ask for at most this many entries a request; logs cap it lower (often 32 to 1,024).
MAX_BATCH = 1024


@dataclass(frozen=True, slots=True)
class TreeHead:
    """A verified signed tree head (also what a tiled log's checkpoint says)."""

    tree_size: int
    timestamp: int
    root_hash: bytes


def _b64(value: Any, what: str) -> bytes:
    if not isinstance(value, str):
        raise LogFormatError(f"{what} is not a base64 string")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise LogFormatError(f"{what} is not base64") from None


def _json_object(body: bytes, what: str) -> dict[str, Any]:
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise LogFormatError(f"{what} is not JSON") from None
    if not isinstance(value, dict):
        raise LogFormatError(f"{what} is not a JSON object")
    return value


def parse_sth(body: bytes, log: LogSpec) -> TreeHead:
    """The tree head of a ``get-sth`` response, verified with the log's key.
    Raises LogFormatError for a malformed answer, BadTreeHeadSignature for a bad signature."""
    sth = _json_object(body, "get-sth")
    size, timestamp = sth.get("tree_size"), sth.get("timestamp")
    if not isinstance(size, int) or not isinstance(timestamp, int) or size < 0 or timestamp < 0:
        raise LogFormatError("get-sth: tree_size and timestamp must be non-negative integers")
    if size >= 2**63 or timestamp >= 2**64:
        raise LogFormatError("get-sth: tree_size or timestamp out of range")
    root = _b64(sth.get("sha256_root_hash"), "get-sth sha256_root_hash")
    if len(root) != 32:
        raise LogFormatError("get-sth: the root hash is not 32 bytes")
    signature = _b64(sth.get("tree_head_signature"), "get-sth tree_head_signature")
    try:
        verify_digitally_signed(log.key, signature, tree_head_message(timestamp, size, root))
    except BadTreeHeadSignature as exc:
        raise BadTreeHeadSignature(f"{log.name}: get-sth: {exc}") from None
    return TreeHead(size, timestamp, root)


def parse_leaf(leaf_input: bytes, extra_data: bytes, index: int) -> LogEntry:
    """One ``get-entries`` item: the MerkleTreeLeaf, with the pre-certificate from extra_data."""
    reader = Reader(leaf_input)
    version, leaf_type = reader.uint(1), reader.uint(1)
    if version != 0 or leaf_type != 0:
        raise LogFormatError(f"entry {index}: leaf version {version} / type {leaf_type} unknown")
    entry = read_timestamped_entry(reader, index)
    reader.end()
    pre_certificate = (Reader(extra_data).vector(3) or None) if entry.precert and extra_data else None
    return LogEntry(
        entry.index,
        entry.timestamp,
        entry.precert,
        entry.certificate,
        pre_certificate,
        leaf_hash=leaf_hash(leaf_input),
    )


def parse_entries(body: bytes, start: int, asked: int) -> list[LogEntry]:
    """The entries of a ``get-entries`` response that began at ``start``; at most ``asked`` (a
    log may answer fewer, never more than we use). An entry that cannot be read is there with
    its ``problem``; LogFormatError for a response that is no entry list."""
    items = _json_object(body, "get-entries").get("entries")
    if not isinstance(items, list):
        raise LogFormatError("get-entries: no 'entries' array")
    out = []
    for offset, item in enumerate(items[:asked]):
        index = start + offset
        # One bad entry is counted and passed over: stopping there would stop the log for good.
        hashed: bytes | None = None
        try:
            if not isinstance(item, dict):
                raise LogFormatError(f"entry {index} is not an object")
            leaf = _b64(item.get("leaf_input"), f"entry {index} leaf_input")
            hashed = leaf_hash(leaf)
            extra = _b64(item.get("extra_data", ""), f"entry {index} extra_data")
            out.append(parse_leaf(leaf, extra, index))
        except LogFormatError as exc:
            out.append(LogEntry(index, 0, False, b"", problem=str(exc), leaf_hash=hashed))
    return out


def parse_audit_path(body: bytes, index: int) -> list[bytes]:
    """The ``audit_path`` of a ``get-proof-by-hash`` answer for leaf ``index``."""
    proof = _json_object(body, "get-proof-by-hash")
    path = proof.get("audit_path")
    if proof.get("leaf_index") != index or not isinstance(path, list) or len(path) > 64:
        raise LogFormatError(f"get-proof-by-hash: not a proof for leaf {index}")
    return [_b64(node, "get-proof-by-hash audit_path") for node in path]


def proof_url(log: LogSpec, hashed: bytes, tree_size: int) -> str:
    encoded = urllib.parse.quote(base64.b64encode(hashed).decode(), safe="")
    return f"{log.url}ct/v1/get-proof-by-hash?hash={encoded}&tree_size={tree_size}"


def sth_url(log: LogSpec) -> str:
    return log.url + "ct/v1/get-sth"


def entries_url(log: LogSpec, start: int, end: int) -> str:
    """``get-entries`` for ``start`` .. ``end`` inclusive, as RFC 6962 counts."""
    return f"{log.url}ct/v1/get-entries?start={start}&end={end}"
