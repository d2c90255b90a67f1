"""verifier: is this phone number, link, email or handle really a wallet's official support?

The public API lives here; everything else may move::

    import verifier
    result = verifier.check("tokenpocket.pro")
    result.verdict is verifier.Verdict.OFFICIAL
"""

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

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

# The scanner's names are imported on first use (PEP 562): its rules and lexicon cost a fresh
# ``verifier check`` (CLI) about a quarter of its start-up, and a check does not need them.
_LAZY = {
    "PatternFinding": "verifier.scan.scanner",
    "ScanResult": "verifier.scan.scanner",
    "ScanTooLarge": "verifier.scan.scanner",
    "scan": "verifier.scan.scanner",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'verifier' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


class _Package(types.ModuleType):
    """This package's module: ``verifier.scan`` stays the function ``scan``.

    The subpackage ``verifier.scan`` and the function share a name, and importing a subpackage
    binds it on its parent: whoever imports ``verifier.scan.*`` first (``__getattr__`` above,
    or any other code) would replace the function with the module. That binding is left out,
    so ``verifier.scan`` is found by ``__getattr__`` (the function), as it was when the
    function was bound last at import time. The subpackage itself is in ``sys.modules``.
    """

    def __setattr__(self, name: str, value: object) -> None:
        if name == "scan" and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

if TYPE_CHECKING:
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
