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
