"""One log entry, as both log kinds deliver it: RFC 6962 §3.4 ``TimestampedEntry``.

struct {
    uint64 timestamp;
    LogEntryType entry_type;            /* x509_entry(0), precert_entry(1) */
    select(entry_type) {
        case x509_entry: ASN.1Cert;      /* opaque <1..2^24-1> */
        case precert_entry: PreCert;     /* opaque issuer_key_hash[32]; TBSCertificate <1..2^24-1> */
    } signed_entry;
    CtExtensions extensions;            /* opaque <0..2^16-1> */
} TimestampedEntry;
"""

from __future__ import annotations

from dataclasses import dataclass

from verifier.watch.errors import LogFormatError
from verifier.watch.tls import Reader

X509_ENTRY = 0
PRECERT_ENTRY = 1


@dataclass(frozen=True, slots=True)
class LogEntry:
    """``certificate`` is the DER certificate of an x509 entry, or the DER TBSCertificate the
    log signed for a pre-certificate (its issuer already the final issuer, poison removed);
    ``pre_certificate`` the pre-certificate as submitted, when the log serves it; ``problem``
    why an entry that a log served could not be read (its certificate is then empty);
    ``issuers`` the SHA-256 fingerprints of the submitted chain (tiled logs serve them);
    ``leaf_hash`` the Merkle leaf hash of the entry as served (None when not even that could
    be read)."""

    index: int
    timestamp: int
    precert: bool
    certificate: bytes
    pre_certificate: bytes | None = None
    problem: str | None = None
    issuers: tuple[bytes, ...] = ()
    leaf_hash: bytes | None = None


def read_timestamped_entry(reader: Reader, index: int) -> LogEntry:
    """The TimestampedEntry at the reader's position (the reader moves past it)."""
    timestamp = reader.uint(8)
    entry_type = reader.uint(2)
    if entry_type == X509_ENTRY:
        certificate = reader.vector(3)
        precert = False
    elif entry_type == PRECERT_ENTRY:
        reader.take(32)  # issuer_key_hash: the issuer is also named inside the TBS
        certificate = reader.vector(3)
        precert = True
    else:
        raise LogFormatError(f"entry {index}: unknown entry type {entry_type}")
    reader.vector(2)  # extensions
    if not certificate:
        raise LogFormatError(f"entry {index}: empty certificate")
    return LogEntry(index, timestamp, precert, certificate)
