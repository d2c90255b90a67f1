"""Read a whole message, ticket or page: channels, brand mentions and scam patterns."""

from verifier.scan.scanner import MAX_SCAN_CHARS, PatternFinding, ScanResult, ScanTooLarge, scan

__all__ = ["MAX_SCAN_CHARS", "PatternFinding", "ScanResult", "ScanTooLarge", "scan"]
