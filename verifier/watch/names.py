"""The DNS names a logged certificate or pre-certificate is for, and what an alert says of it.

Names come from the subjectAltName dNSNames and the subject's commonName (still used as a name
by some issuers), lowercased, a trailing dot and a wildcard's ``*.`` removed; internationalized
names stay in their A-label (``xn--``) form, which the matcher reads as a browser would.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from dataclasses import dataclass
from functools import cached_property

from cryptography import x509
from cryptography.x509.oid import NameOID

from verifier.watch.entries import LogEntry
from verifier.watch.errors import LogFormatError

MAX_NAME_CHARS = 253
# An AlgorithmIdentifier and an empty BIT STRING: the wrapping that lets a bare TBSCertificate
# be read as a certificate (the signature is never checked here, only the TBS fields are read).
_EMPTY_BIT_STRING = b"\x03\x01\x00"


def _tlv(data: bytes, pos: int) -> tuple[int, int, int]:
    """(tag, start of content, end) of the DER element at ``pos``."""
    if pos + 2 > len(data):
        raise LogFormatError("DER ends early")
    tag, first = data[pos], data[pos + 1]
    pos += 2
    if first < 0x80:
        length = first
    else:
        count = first & 0x7F
        if count == 0 or count > 4 or pos + count > len(data):
            raise LogFormatError("DER length not supported")
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    if pos + length > len(data):
        raise LogFormatError("DER element longer than its data")
    return tag, pos, pos + length


def _der_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def certificate_of_tbs(tbs: bytes) -> bytes:
    """A DER Certificate around a TBSCertificate, with the TBS's own signature algorithm and an
    empty signature, so that an X.509 parser reads its fields."""
    tag, start, end = _tlv(tbs, 0)
    if tag != 0x30 or end != len(tbs):
        raise LogFormatError("TBSCertificate is not one DER SEQUENCE")
    pos = start
    tag, _, field_end = _tlv(tbs, pos)
    if tag == 0xA0:  # [0] version
        pos = field_end
    _, _, serial_end = _tlv(tbs, pos)
    _, _, algorithm_end = _tlv(tbs, serial_end)
    body = tbs + tbs[serial_end:algorithm_end] + _EMPTY_BIT_STRING
    return b"\x30" + _der_length(len(body)) + body


def clean_name(raw: str) -> str | None:
    """A DNS name as the matcher takes it, or None for what is no host name at all."""
    name = raw.strip().lower().rstrip(".")
    while name.startswith("*."):
        name = name[2:]
    if not name or len(name) > MAX_NAME_CHARS or "." not in name or " " in name or "*" in name:
        return None
    return name


@dataclass(frozen=True)
class LoggedCertificate:
    """A parsed entry. ``names`` are unique and in order; ``key`` is the same for a
    pre-certificate and its final certificate (issuer and serial), whatever log they are in."""

    entry: LogEntry
    certificate: x509.Certificate

    @classmethod
    def parse(cls, entry: LogEntry) -> LoggedCertificate:
        """Raises LogFormatError when the entry's certificate cannot be read."""
        if entry.problem is not None:
            raise LogFormatError(entry.problem)
        der = certificate_of_tbs(entry.certificate) if entry.precert else entry.certificate
        try:
            return cls(entry, x509.load_der_x509_certificate(der))
        except (ValueError, TypeError, x509.InvalidVersion) as exc:
            raise LogFormatError(f"entry {entry.index}: certificate unreadable: {exc}") from None

    @cached_property
    def names(self) -> tuple[str, ...]:
        found: dict[str, None] = {}
        cert = self.certificate
        try:
            san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
            raw = san.get_values_for_type(x509.DNSName)
        except (
            x509.ExtensionNotFound,
            x509.DuplicateExtension,
            x509.UnsupportedGeneralNameType,
            ValueError,
            TypeError,
        ):
            raw = []  # no readable subjectAltName: the commonName may still name the host
        with contextlib.suppress(ValueError, TypeError):
            raw += [str(a.value) for a in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
        for value in raw:
            name = clean_name(value)
            if name is not None:
                found[name] = None
        return tuple(found)

    @cached_property
    def key(self) -> str:
        cert = self.certificate
        serial = cert.serial_number
        serial_bytes = serial.to_bytes((serial.bit_length() + 8) // 8, "big", signed=True)
        try:
            material = cert.issuer.public_bytes() + b"\x00" + serial_bytes
        except (ValueError, TypeError):  # an issuer name cryptography will not read: this entry alone
            material = b"entry\x00" + self.entry.certificate
        return hashlib.sha256(material).hexdigest()

    @property
    def sha256(self) -> str:
        """The SHA-256 of the certificate as logged (the pre-certificate as submitted when the
        log serves it, as crt.sh shows it; else the TBS the log signed)."""
        entry = self.entry
        return hashlib.sha256(entry.pre_certificate or entry.certificate).hexdigest()

    @property
    def not_before(self) -> str:
        try:
            return self.certificate.not_valid_before_utc.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        except (ValueError, TypeError):
            return ""

    @property
    def issuer(self) -> str:
        try:
            return self.certificate.issuer.rfc4514_string()
        except (ValueError, TypeError):
            return ""
