"""The public API: ``verifier.scan`` stays the function even after its subpackage is imported."""

from __future__ import annotations

import importlib

import verifier
from verifier.cli import MAX_SCAN_CHARS as CLI_MAX
from verifier.scan.scanner import MAX_SCAN_CHARS


def test_scan_is_the_function_after_submodule_imports() -> None:
    importlib.import_module("verifier.scan.rules")
    importlib.import_module("verifier.scan.extract")
    assert callable(verifier.scan)
    assert verifier.scan("send me your seed phrase").risk == "high"


def test_everything_in_all_is_exported() -> None:
    for name in verifier.__all__:
        assert hasattr(verifier, name), name


def test_cli_and_library_share_the_scan_limit() -> None:
    assert CLI_MAX == MAX_SCAN_CHARS


def _fresh(code: str) -> str:
    """What ``code`` prints in a fresh interpreter (the import order there is the test's)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_importing_verifier_leaves_the_scanner_for_later() -> None:
    """``import verifier`` (and so ``verifier check`` on the command line) does not load the scan
    rules; the first use of a scan name does."""
    code = (
        "import sys, verifier\n"
        "print('verifier.scan' in sys.modules)\n"
        "print(verifier.scan('send me your seed phrase').risk, 'verifier.scan.scanner' in sys.modules)\n"
    )
    assert _fresh(code).split() == ["False", "high", "True"]


def test_scan_is_the_function_whichever_import_comes_first() -> None:
    """The subpackage imported before the function was ever looked up, by each way of importing
    it: ``verifier.scan`` and ``from verifier import scan`` still give the function."""
    for first in (
        "import verifier.scan",
        "import verifier.scan.extract",
        "from verifier.scan import rules",
        "from verifier.scan.scanner import ScanResult",
    ):
        code = (
            f"{first}\n"
            "import verifier, types\n"
            "from verifier import scan, ScanResult, ScanTooLarge, PatternFinding\n"
            "assert scan is verifier.scan and not isinstance(verifier.scan, types.ModuleType)\n"
            "assert ScanResult.__module__ == 'verifier.scan.scanner'\n"
            "assert issubclass(ScanTooLarge, Exception) and PatternFinding.__name__ == 'PatternFinding'\n"
            "missing = sorted(set(verifier.__all__) - set(dir(verifier)))\n"
            "print(verifier.scan('send me your seed phrase').risk, missing)\n"
        )
        assert _fresh(code) == "high []", first


def test_an_unknown_name_is_an_attribute_error() -> None:
    import pytest

    with pytest.raises(AttributeError, match="no_such_name"):
        verifier.no_such_name  # type: ignore[attr-defined]  # noqa: B018
    assert "scan" in dir(verifier) and "check" in dir(verifier)
