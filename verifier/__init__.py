"""verifier: is this phone number, link, email or handle really a wallet's official support?

The public API lives here; everything else may move::

    import verifier
    result = verifier.check("tokenpocket.pro")
    result.verdict is verifier.Verdict.OFFICIAL
"""

from verifier.allowlist import Allowlist, Brand, Entry, load_allowlist
from verifier.channels import parse_channel
from verifier.checker import check
from verifier.errors import (
    AllowlistError,
    BundleFormatError,
    ExpiredBundleError,
    InvalidChannel,
    RollbackError,
    RootRotationError,
    SourceError,
    TamperedBundleError,
    UnknownBrand,
    UnknownKeyError,
    UnsignedBundleError,
    VerifierError,
)
from verifier.model import (
    AllowlistState,
    Channel,
    ChannelKind,
    CheckResult,
    OnlineCheckResult,
    Reason,
    Verdict,
)

# Imported last and eagerly: the subpackage verifier.scan and the function verifier.scan share
# a name, and this binding must come after the subpackage import to keep the function.
from verifier.scan.scanner import PatternFinding, ScanResult, ScanTooLarge, scan

__version__ = "0.1.0"

__all__ = [
    "Allowlist",
    "AllowlistError",
    "AllowlistState",
    "Brand",
    "BundleFormatError",
    "Channel",
    "ChannelKind",
    "CheckResult",
    "Entry",
    "ExpiredBundleError",
    "InvalidChannel",
    "OnlineCheckResult",
    "PatternFinding",
    "Reason",
    "RollbackError",
    "RootRotationError",
    "ScanResult",
    "ScanTooLarge",
    "SourceError",
    "TamperedBundleError",
    "UnknownBrand",
    "UnknownKeyError",
    "UnsignedBundleError",
    "Verdict",
    "VerifierError",
    "check",
    "load_allowlist",
    "parse_channel",
    "scan",
]
