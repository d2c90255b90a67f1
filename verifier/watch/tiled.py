"""static-ct-api logs (https://c2sp.org/static-ct-api): the ``/checkpoint``, data tiles at
``/tile/data/<N>[.p/<W>]`` and issuers at ``/issuer/<sha256 hex>``.

The checkpoint is a signed note (https://c2sp.org/signed-note) whose body is origin, tree size
and root hash; the log signs it with its RFC 6962 key as an ``RFC6962NoteSignature``: a uint64
timestamp then the TreeHeadSignature ``digitally-signed`` value, under the key ID
``SHA-256(origin || 0x0A || 0x05 || LogID)[:4]``.

    struct {
        TimestampedEntry timestamped_entry;
        select (entry_type) {
            case x509_entry: Empty;
            case precert_entry: ASN.1Cert pre_certificate;
        };
        Fingerprint certificate_chain<0..2^16-1>;   /* opaque Fingerprint[32] */
    } TileLeaf;
"""

from __future__ import annotations

import base64
import binascii
import hashlib

from verifier.watch.entries import LogEntry, read_timestamped_entry
from verifier.watch.errors import BadTreeHeadSignature, LogFormatError
from verifier.watch.loglist import LogSpec
from verifier.watch.merkle import leaf_hash
from verifier.watch.rfc6962 import TreeHead
from verifier.watch.tls import Reader, tree_head_message, verify_digitally_signed

TILE_WIDTH = 256
_SIGNATURE_PREFIX = "\u2014 "  # "— ", an em dash and a space, starts every note signature line
_RFC6962_NOTE_TYPE = b"\x05"
MAX_CHECKPOINT_BYTES = 1_000_000


def note_key_id(origin: str, log_id: bytes) -> bytes:
    return hashlib.sha256(origin.encode() + b"\n" + _RFC6962_NOTE_TYPE + log_id).digest()[:4]


def parse_checkpoint(body: bytes, log: LogSpec) -> TreeHead:
    """The tree head of a checkpoint, verified with the log's key: origin line equal to the
    log's, no extension lines, and one signature line by the log that verifies. Signatures by
    other keys (witnesses) are ignored. Raises LogFormatError or BadTreeHeadSignature."""
    if len(body) > MAX_CHECKPOINT_BYTES:
        raise LogFormatError("checkpoint too large")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise LogFormatError("checkpoint is not UTF-8") from None
    note, sep, signatures = text.partition("\n\n")
    if not sep or not signatures.endswith("\n"):
        raise LogFormatError("checkpoint is not a signed note (no blank line or final newline)")
    lines = note.split("\n")
    if len(lines) != 3:
        raise LogFormatError("checkpoint body must be exactly origin, size and root hash")
    origin, size_text, root_text = lines
    if origin != log.origin:
        raise LogFormatError(f"checkpoint origin {origin[:200]!r} is not the log's {log.origin!r}")
    if not size_text.isascii() or not size_text.isdigit() or (size_text != "0" and size_text[0] == "0"):
        raise LogFormatError("checkpoint tree size is not a decimal number")
    size = int(size_text)
    try:
        root = base64.b64decode(root_text, validate=True)
    except (binascii.Error, ValueError):
        raise LogFormatError("checkpoint root hash is not base64") from None
    if len(root) != 32 or size >= 2**63:
        raise LogFormatError("checkpoint root hash is not 32 bytes, or the size is out of range")
    wanted = note_key_id(origin, log.log_id)
    for line in signatures[:-1].split("\n"):
        if not line.startswith(_SIGNATURE_PREFIX):
            raise LogFormatError("checkpoint signature line does not start with an em dash")
        name, _, encoded = line[len(_SIGNATURE_PREFIX) :].partition(" ")
        try:
            blob = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise LogFormatError("checkpoint signature is not base64") from None
        if name != origin or blob[:4] != wanted:
            continue  # another key (a witness, or an Ed25519 key of the log): not ours to check
        reader = Reader(blob, 4)
        try:
            timestamp = reader.uint(8)
        except LogFormatError:
            raise BadTreeHeadSignature(f"{log.name}: checkpoint signature too short") from None
        try:
            verify_digitally_signed(log.key, blob[12:], tree_head_message(timestamp, size, root))
        except BadTreeHeadSignature as exc:
            raise BadTreeHeadSignature(f"{log.name}: checkpoint: {exc}") from None
        return TreeHead(size, timestamp, root)
    raise BadTreeHeadSignature(f"{log.name}: checkpoint has no signature by the log's key")


def tile_index_path(n: int) -> str:
    """``<N>`` as static-ct-api writes it: 3-digit elements, all but the last with an ``x``
    (1234067 -> ``x001/x234/067``)."""
    digits = f"{n:d}"
    digits = digits.zfill((len(digits) + 2) // 3 * 3)
    parts = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    return "/".join([*("x" + p for p in parts[:-1]), parts[-1]])


def data_tile_url(log: LogSpec, n: int, width: int = TILE_WIDTH) -> str:
    suffix = "" if width == TILE_WIDTH else f".p/{width}"
    return f"{log.url}tile/data/{tile_index_path(n)}{suffix}"


def hash_tile_url(log: LogSpec, level: int, n: int, width: int = TILE_WIDTH) -> str:
    suffix = "" if width == TILE_WIDTH else f".p/{width}"
    return f"{log.url}tile/{level}/{tile_index_path(n)}{suffix}"


def issuer_url(log: LogSpec, fingerprint: bytes) -> str:
    return f"{log.url}issuer/{fingerprint.hex()}"


def parse_data_tile(body: bytes, tile: int, width: int) -> list[LogEntry]:
    """The ``width`` entries of data tile ``tile``. Raises LogFormatError if the bytes hold
    fewer or more entries than that."""
    reader = Reader(body)
    out: list[LogEntry] = []
    first = tile * TILE_WIDTH
    while not reader.done:
        if len(out) == width:
            raise LogFormatError(f"data tile {tile}: more than {width} entries")
        began = reader.pos
        entry = read_timestamped_entry(reader, first + len(out))
        hashed = leaf_hash(b"\x00\x00" + body[began : reader.pos])  # MerkleTreeLeaf v1, timestamped_entry
        pre_certificate = reader.vector(3) if entry.precert else None
        chain = reader.vector(2)
        if len(chain) % 32:
            raise LogFormatError(f"entry {entry.index}: chain fingerprints not a multiple of 32 bytes")
        issuers = tuple(chain[i : i + 32] for i in range(0, len(chain), 32))
        out.append(
            LogEntry(
                entry.index,
                entry.timestamp,
                entry.precert,
                entry.certificate,
                pre_certificate,
                None,
                issuers,
                hashed,
            )
        )
    if len(out) != width:
        raise LogFormatError(f"data tile {tile}: {len(out)} entries, expected {width}")
    return out


def verify_issuer(body: bytes, fingerprint: bytes) -> bytes:
    """An issuer served at ``/issuer/<fingerprint>``, checked to hash to it."""
    if hashlib.sha256(body).digest() != fingerprint:
        raise LogFormatError(f"issuer {fingerprint.hex()} does not hash to its name")
    return body
