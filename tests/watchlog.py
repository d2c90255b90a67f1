"""Stub Certificate Transparency logs on 127.0.0.1 for the ``verifier watch`` tests.

One ``StubLog`` holds entries built with ``cryptography``'s certificate builder and serves
them both ways: RFC 6962 (``/ct/v1/get-sth``, ``/ct/v1/get-entries``) and static-ct-api
(``/checkpoint``, ``/tile/data/...``, ``/issuer/...``), with tree heads signed by a throwaway
log key. Faults are injected per request: an HTTP status with or without ``Retry-After``,
short reads, growth after a number of requests, a key the list does not name, partial tiles
that are gone.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import struct
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID, ObjectIdentifier

SCT_LIST_OID = ObjectIdentifier("1.3.6.1.4.1.11129.2.4.2")
NOT_BEFORE = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
LogPrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


@dataclass
class Issuer:
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate

    @classmethod
    def make(cls, name: str = "Stub CA") -> Issuer:
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(1)
            .not_valid_before(NOT_BEFORE)
            .not_valid_after(NOT_BEFORE + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256())
        )
        return cls(key, cert)

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)

    @property
    def key_hash(self) -> bytes:
        spki = self.key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return hashlib.sha256(spki).digest()


_SUBJECT_KEY = ec.generate_private_key(ec.SECP256R1())


def _builder(issuer: Issuer, names: Sequence[str], serial: int, cn: str | None) -> x509.CertificateBuilder:
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)] if cn else [])
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.cert.subject)
        .public_key(_SUBJECT_KEY.public_key())
        .serial_number(serial)
        .not_valid_before(NOT_BEFORE)
        .not_valid_after(NOT_BEFORE + dt.timedelta(days=90))
    )
    if names:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False
        )
    return builder


@dataclass
class Pair:
    """A pre-certificate, the TBS a log puts in its leaf for it, and the final certificate."""

    precert: x509.Certificate
    leaf_tbs: bytes
    final: x509.Certificate


def make_cert(issuer: Issuer, names: Sequence[str], serial: int, cn: str | None = None) -> x509.Certificate:
    return _builder(issuer, names, serial, cn).sign(issuer.key, hashes.SHA256())


def make_pair(issuer: Issuer, names: Sequence[str], serial: int, cn: str | None = None) -> Pair:
    precert = (
        _builder(issuer, names, serial, cn)
        .add_extension(x509.PrecertPoison(), critical=True)
        .sign(issuer.key, hashes.SHA256())
    )
    # The log's TBS for a pre-certificate: the same fields without the poison extension.
    leaf_tbs = _builder(issuer, names, serial, cn).sign(issuer.key, hashes.SHA256()).tbs_certificate_bytes
    final = (
        _builder(issuer, names, serial, cn)
        .add_extension(x509.UnrecognizedExtension(SCT_LIST_OID, b"\x04\x02\x00\x00"), critical=False)
        .sign(issuer.key, hashes.SHA256())
    )
    return Pair(precert, leaf_tbs, final)


def _u24(data: bytes) -> bytes:
    return len(data).to_bytes(3, "big") + data


def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


@dataclass
class Entry:
    timestamped: bytes  # TimestampedEntry without its extensions
    extra_data: bytes
    pre_certificate: bytes | None
    chain: list[bytes]

    def leaf(self) -> bytes:
        return b"\x00\x00" + self.timestamped + b"\x00\x00"

    def tiled_leaf(self, index: int) -> bytes:
        """The MerkleTreeLeaf a tiled log hashes: its extensions hold the leaf_index."""
        extension = b"\x00" + b"\x00\x05" + index.to_bytes(5, "big")  # leaf_index
        return b"\x00\x00" + self.timestamped + len(extension).to_bytes(2, "big") + extension

    def tile_leaf(self, index: int) -> bytes:
        out = self.tiled_leaf(index)[2:]
        if self.pre_certificate is not None:
            out += _u24(self.pre_certificate)
        fingerprints = b"".join(hashlib.sha256(c).digest() for c in self.chain)
        return out + len(fingerprints).to_bytes(2, "big") + fingerprints


def x509_entry(cert: x509.Certificate, issuer: Issuer, timestamp: int = 1_765_000_000_000) -> Entry:
    body = struct.pack(">QH", timestamp, 0) + _u24(_der(cert))
    return Entry(body, _u24(_u24(issuer.der)), None, [issuer.der])


def precert_entry(pair: Pair, issuer: Issuer, timestamp: int = 1_765_000_000_000) -> Entry:
    body = struct.pack(">QH", timestamp, 1) + issuer.key_hash + _u24(pair.leaf_tbs)
    pre = _der(pair.precert)
    return Entry(body, _u24(pre) + _u24(_u24(issuer.der)), pre, [issuer.der])


def merkle_root(leaves: Sequence[bytes]) -> bytes:
    """RFC 6962 §2.1 Merkle Tree Hash."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return hashlib.sha256(b"\x01" + merkle_root(leaves[:k]) + merkle_root(leaves[k:])).digest()


def leaf_hashes(leaves: Sequence[bytes]) -> list[bytes]:
    return [hashlib.sha256(b"\x00" + leaf).digest() for leaf in leaves]


def subtree_root(hashes: Sequence[bytes]) -> bytes:
    """MTH over leaf hashes."""
    if len(hashes) == 1:
        return hashes[0]
    k = 1 << ((len(hashes) - 1).bit_length() - 1)
    return hashlib.sha256(b"\x01" + subtree_root(hashes[:k]) + subtree_root(hashes[k:])).digest()


def audit_path(m: int, hashes: Sequence[bytes]) -> list[bytes]:
    """RFC 6962 §2.1.1 PATH(m, D[n]), leaf side first."""
    if len(hashes) == 1:
        return []
    k = 1 << ((len(hashes) - 1).bit_length() - 1)
    if m < k:
        return [*audit_path(m, hashes[:k]), subtree_root(hashes[k:])]
    return [*audit_path(m - k, hashes[k:]), subtree_root(hashes[:k])]


def digitally_signed(key: LogPrivateKey, message: bytes) -> bytes:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        signature, algorithm = key.sign(message, ec.ECDSA(hashes.SHA256())), 3
    else:
        from cryptography.hazmat.primitives.asymmetric import padding

        signature, algorithm = key.sign(message, padding.PKCS1v15(), hashes.SHA256()), 1
    return bytes([4, algorithm]) + len(signature).to_bytes(2, "big") + signature


def spki(key: LogPrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


@dataclass
class Fault:
    """Answer the next request whose path starts with ``path`` with ``status``."""

    path: str
    status: int
    retry_after: str | None = None


@dataclass
class StubLog:
    name: str
    key: LogPrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    entries: list[Entry] = field(default_factory=list)
    max_batch: int = 1000  # get-entries answers at most this many (short reads below the ask)
    faults: list[Fault] = field(default_factory=list)
    signing_key: LogPrivateKey | None = None  # sign heads with another key (a forged head)
    drop_partial_tiles: bool = False
    forged: dict[int, Entry] = field(default_factory=dict)  # served in place of what the head signs
    published: int | None = None  # the size the tree head shows (None: every entry)
    on_request: Callable[[StubLog, str], None] | None = None
    requests: list[str] = field(default_factory=list)
    port: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def prefix(self) -> str:
        return f"http://127.0.0.1:{self.port}/{self.name}/"

    @property
    def origin(self) -> str:
        return f"127.0.0.1:{self.port}/{self.name}"

    def size(self) -> int:
        return len(self.entries) if self.published is None else self.published

    def add(self, *entries: Entry) -> None:
        with self.lock:
            self.entries.extend(entries)

    def leaves(self, tiled: bool, size: int | None = None) -> list[bytes]:
        entries = self.entries[: self.size() if size is None else size]
        return [e.tiled_leaf(i) if tiled else e.leaf() for i, e in enumerate(entries)]

    def _head(self, tiled: bool = False) -> tuple[int, int, bytes, bytes]:
        size = self.size()
        root = merkle_root(self.leaves(tiled))
        timestamp = int(time.time() * 1000)
        message = struct.pack(">BBQQ", 0, 1, timestamp, size) + root
        return size, timestamp, root, digitally_signed(self.signing_key or self.key, message)

    def sth(self) -> bytes:
        size, timestamp, root, signature = self._head()
        return json.dumps(
            {
                "tree_size": size,
                "timestamp": timestamp,
                "sha256_root_hash": base64.b64encode(root).decode(),
                "tree_head_signature": base64.b64encode(signature).decode(),
            }
        ).encode()

    def checkpoint(self) -> bytes:
        size, timestamp, root, signature = self._head(tiled=True)
        log_id = hashlib.sha256(spki(self.key)).digest()
        key_id = hashlib.sha256(self.origin.encode() + b"\n\x05" + log_id).digest()[:4]
        blob = base64.b64encode(key_id + timestamp.to_bytes(8, "big") + signature).decode()
        witness = base64.b64encode(b"\x01\x02\x03\x04" + b"\x00" * 64).decode()
        return (
            f"{self.origin}\n{size}\n{base64.b64encode(root).decode()}\n\n"
            f"\u2014 witness.example {witness}\n\u2014 {self.origin} {blob}\n"
        ).encode()

    def get_entries(self, query: dict[str, list[str]]) -> bytes:
        start, end = int(query["start"][0]), int(query["end"][0])
        end = min(end, len(self.entries) - 1, start + self.max_batch - 1)
        items = [
            {
                "leaf_input": base64.b64encode(e.leaf()).decode(),
                "extra_data": base64.b64encode(e.extra_data).decode(),
            }
            for e in (self.forged.get(i, self.entries[i]) for i in range(start, end + 1))
        ]
        return json.dumps({"entries": items}).encode()

    def proof(self, query: dict[str, list[str]]) -> tuple[int, dict[str, str], bytes]:
        wanted = base64.b64decode(query["hash"][0])
        size = int(query["tree_size"][0])
        hashes = leaf_hashes(self.leaves(False, size))
        if wanted not in hashes or size > self.size():
            return 400, {}, b"no such leaf"
        index = hashes.index(wanted)
        path = [base64.b64encode(h).decode() for h in audit_path(index, hashes)]
        return 200, {}, json.dumps({"leaf_index": index, "audit_path": path}).encode()

    def hash_tile(self, level: int, path: str) -> bytes | None:
        rest, _, width_text = path.partition(".p/")
        n = int("".join(p.removeprefix("x") for p in rest.split("/")))
        width = int(width_text) if width_text else 256
        if width_text and self.drop_partial_tiles:
            return None
        span = 256**level
        hashes = leaf_hashes(self.leaves(True, len(self.entries)))
        first = n * 256
        if (first + width) * span > len(hashes):
            return None
        return b"".join(
            subtree_root(hashes[(first + i) * span : (first + i + 1) * span]) for i in range(width)
        )

    def data_tile(self, path: str) -> bytes | None:
        rest, _, width_text = path.partition(".p/")
        elements = rest.split("/")
        n = int("".join(p.removeprefix("x") for p in elements))
        width = int(width_text) if width_text else 256
        if width_text and self.drop_partial_tiles:
            return None
        first = n * 256
        if first + width > len(self.entries):
            return None
        served = [self.forged.get(first + i, self.entries[first + i]) for i in range(width)]
        return b"".join(entry.tile_leaf(first + i) for i, entry in enumerate(served))

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, dict[str, str], bytes]:
        with self.lock:
            self.requests.append(path)
        if self.on_request is not None:
            self.on_request(self, path)
        with self.lock:
            for fault in self.faults:
                if path.startswith(fault.path):
                    self.faults.remove(fault)
                    headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                    return fault.status, headers, b"fault"
            if path == "ct/v1/get-sth":
                return 200, {}, self.sth()
            if path == "ct/v1/get-entries":
                return 200, {}, self.get_entries(query)
            if path == "checkpoint":
                return 200, {}, self.checkpoint()
            if path == "ct/v1/get-proof-by-hash":
                return self.proof(query)
            if path.startswith("tile/data/"):
                body = self.data_tile(path.removeprefix("tile/data/"))
                return (404, {}, b"") if body is None else (200, {}, body)
            if path.startswith("tile/"):
                level, _, rest = path.removeprefix("tile/").partition("/")
                body = self.hash_tile(int(level), rest)
                return (404, {}, b"") if body is None else (200, {}, body)
            if path.startswith("issuer/"):
                for entry in self.entries:
                    for cert in entry.chain:
                        if hashlib.sha256(cert).hexdigest() == path.removeprefix("issuer/"):
                            return 200, {}, cert
            return 404, {}, b"not found"

    def list_entry(self, tiled: bool = False, state: str = "usable") -> dict[str, Any]:
        der = spki(self.key)
        entry: dict[str, Any] = {
            "description": self.name,
            "log_id": base64.b64encode(hashlib.sha256(der).digest()).decode(),
            "key": base64.b64encode(der).decode(),
            "mmd": 60,
            "state": {state: {"timestamp": "2026-01-01T00:00:00Z"}},
        }
        if tiled:
            entry["submission_url"] = self.prefix
            entry["monitoring_url"] = self.prefix
        else:
            entry["url"] = self.prefix
        return entry


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        name, _, rest = parts.path.lstrip("/").partition("/")
        log = self.server.logs.get(name)
        status, headers, body = (404, {}, b"") if log is None else log.answer(rest, parse_qs(parts.query))
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:  # the webhook receiver
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        status = self.server.webhook_statuses.pop(0) if self.server.webhook_statuses else 200
        if status == 200:
            self.server.posted.append(json.loads(body))
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    logs: dict[str, StubLog]
    posted: list[dict[str, Any]]
    webhook_statuses: list[int]


@contextmanager
def serve(*logs: StubLog) -> Iterator[_Server]:
    """The logs on one HTTP server on 127.0.0.1 (``/<log name>/...``); ports filled in."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.logs = {log.name: log for log in logs}
    server.posted = []
    server.webhook_statuses = []
    for log in logs:
        log.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def log_list(rfc6962: Sequence[StubLog] = (), tiled: Sequence[StubLog] = (), **states: str) -> bytes:
    """A v3 log list naming the logs (``states``: a log's name -> its state)."""
    return json.dumps(
        {
            "version": "test",
            "log_list_timestamp": "2026-12-07T00:00:00Z",
            "operators": [
                {
                    "name": "Stub Operator",
                    "email": ["ct@example.test"],
                    "logs": [log.list_entry(False, states.get(log.name, "usable")) for log in rfc6962],
                    "tiled_logs": [log.list_entry(True, states.get(log.name, "usable")) for log in tiled],
                }
            ],
        }
    ).encode()
