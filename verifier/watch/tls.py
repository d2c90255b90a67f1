"""Reading RFC 6962's TLS presentation-language structures, and its ``digitally-signed`` type.

RFC 6962 §3 defines entries and signatures with RFC 5246 encodings: big-endian integers and
opaque vectors prefixed by their length in 1, 2 or 3 bytes.
"""

from __future__ import annotations

import struct

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from verifier.watch.errors import BadTreeHeadSignature, LogFormatError
from verifier.watch.loglist import LogKey

_SHA256 = 4
_RSA = 1
_ECDSA = 3


class Reader:
    """A cursor over bytes; every read past the end raises LogFormatError."""

    __slots__ = ("data", "pos")

    def __init__(self, data: bytes, pos: int = 0) -> None:
        self.data = data
        self.pos = pos

    def take(self, n: int) -> bytes:
        end = self.pos + n
        if end > len(self.data):
            raise LogFormatError(f"structure ends early ({len(self.data)} bytes, needed {end})")
        chunk = self.data[self.pos : end]
        self.pos = end
        return chunk

    def uint(self, n: int) -> int:
        return int.from_bytes(self.take(n), "big")

    def vector(self, length_bytes: int) -> bytes:
        return self.take(self.uint(length_bytes))

    @property
    def done(self) -> bool:
        return self.pos >= len(self.data)

    def end(self) -> None:
        if not self.done:
            raise LogFormatError(f"{len(self.data) - self.pos} bytes left over after a structure")


def tree_head_message(timestamp: int, tree_size: int, root_hash: bytes) -> bytes:
    """RFC 6962 §3.5 TreeHeadSignature: version v1, signature_type tree_hash, then the head."""
    return struct.pack(">BBQQ", 0, 1, timestamp, tree_size) + root_hash


def verify_digitally_signed(key: LogKey, signed: bytes, message: bytes) -> None:
    """Check an encoded ``digitally-signed`` struct (hash, signature algorithm, opaque
    signature<0..2^16-1>) over ``message`` with the log's key; SHA-256 with ECDSA or RSA
    PKCS#1 v1.5 as RFC 6962 §2.1.4 requires. Raises BadTreeHeadSignature."""
    reader = Reader(signed)
    try:
        hash_alg, sig_alg = reader.uint(1), reader.uint(1)
        signature = reader.vector(2)
        reader.end()
    except LogFormatError as exc:
        raise BadTreeHeadSignature(f"malformed signature: {exc}") from None
    if hash_alg != _SHA256:
        raise BadTreeHeadSignature(f"signature hash algorithm {hash_alg} is not SHA-256")
    try:
        if isinstance(key, ec.EllipticCurvePublicKey) and sig_alg == _ECDSA:
            key.verify(signature, message, ec.ECDSA(hashes.SHA256()))
        elif isinstance(key, rsa.RSAPublicKey) and sig_alg == _RSA:
            key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
        else:
            raise BadTreeHeadSignature(f"signature algorithm {sig_alg} does not match the log's key")
    except InvalidSignature:
        raise BadTreeHeadSignature("the signature does not verify with the log's key") from None
