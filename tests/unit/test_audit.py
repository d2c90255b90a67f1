"""``verifier allowlist audit``: stale and off-domain evidence offline; pages that no longer state
the value online, against a real HTTP server on 127.0.0.1 reached only through configuration."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from typer.testing import CliRunner

from verifier.allowlist.audit import (
    AuditEntry,
    AuditFinding,
    BrandSource,
    audit,
    offline_findings,
    online_findings,
    page_states,
    read_brands,
)
from verifier.cli import app
from verifier.online.config import OnlineConfig
from verifier.online.redirects import page_fetcher

TODAY = dt.date(2026, 12, 7)

ACME = """
id = "acme"
name = "Acme Wallet"
aliases = ["Acme"]
default_region = "US"
custody = "self"
phones = "none"
phones_evidence = "https://help.acmewallet.com/no-phone"
phones_checked = 2026-11-01

[[domains]]
value = "acmewallet.com"
subdomains = true
evidence = "{base}/official"
checked = 2026-11-01

[[emails]]
value = "help@acmewallet.com"
evidence = "{base}/contact"
checked = 2024-05-01

[[handles]]
platform = "github"
value = "AcmeHQ"
evidence = "https://github.com/AcmeHQ/acme-wallet"
checked = 2026-11-01

[[handles]]
platform = "x"
value = "AcmeWallet"
evidence = "https://blog.example.org/acme-accounts"
checked = 2026-11-01

[[handles]]
platform = "youtube"
value = "AcmeVideos"
evidence = "https://www.youtube.com/c/AcmeVideos"
checked = 2026-11-01
"""


def _write(root: Path, base: str) -> Path:
    (root / "brands").mkdir(parents=True)
    (root / "brands" / "acme.toml").write_text(ACME.format(base=base), "utf-8")
    return root


def _only(brands: list[BrandSource], host: str) -> list[BrandSource]:
    """The brands with only the entries whose evidence is on ``host``."""
    return [replace(b, entries=tuple(e for e in b.entries if host in e.evidence)) for b in brands]


def _codes(findings: list[AuditFinding]) -> list[tuple[str, str]]:
    return [(f.code, f.entry) for f in findings]


def test_offline_stale_and_not_own(tmp_path: Path) -> None:
    root = _write(tmp_path / "allowlists", "https://support.acmewallet.com/articles")
    findings = offline_findings(read_brands(root), today=TODAY)
    assert _codes(findings) == [
        ("stale", "help@acmewallet.com"),
        ("not_own", "x:@AcmeWallet"),
    ]
    lines = (root / "brands" / "acme.toml").read_text("utf-8").splitlines()
    stale = findings[0]
    assert stale.line == lines.index('value = "help@acmewallet.com"') + 1
    assert "checked 2024-05-01" in stale.message
    x_line = lines.index('value = "AcmeWallet"') + 1
    assert str(findings[1]).startswith(f"{root}/brands/acme.toml:{x_line}: [not_own] acme x:@AcmeWallet: ")


def test_own_domains_and_accounts_count_as_the_brand_s_own(tmp_path: Path) -> None:
    # a subdomain of an official domain, the brand's github organisation and youtube channel
    root = _write(tmp_path / "allowlists", "https://www.acmewallet.com/support")
    found = offline_findings(read_brands(root), today=TODAY, max_age_days=10_000)
    assert _codes(found) == [("not_own", "x:@AcmeWallet")]


def test_a_lookalike_of_the_brand_s_domain_is_not_its_own(tmp_path: Path) -> None:
    root = _write(tmp_path / "allowlists", "https://acmewallet.com.evil.example/page")
    codes = _codes(offline_findings(read_brands(root), today=TODAY, max_age_days=10_000))
    assert ("not_own", "acmewallet.com") in codes and ("not_own", "help@acmewallet.com") in codes


def test_max_age_is_a_parameter(tmp_path: Path) -> None:
    root = _write(tmp_path / "allowlists", "https://acmewallet.com/a")
    codes = [f.code for f in offline_findings(read_brands(root), today=TODAY, max_age_days=20)]
    assert codes.count("stale") == 6  # every entry, the phones statement included


def test_page_states_the_value() -> None:
    def entry(kind: str, value: str) -> AuditEntry:
        return AuditEntry("f", 1, "acme", kind, "x" if kind == "handle" else "", value, "u", TODAY)

    page = (
        "<p>Write to <a href='mailto:help@acmewallet.com'>us</a>, follow @AcmeWallet, "
        "call +1 (800) 555-0100</p>"
    )
    assert page_states(entry("email", "help@acmewallet.com"), page) is True
    assert page_states(entry("handle", "acmewallet"), page) is True
    assert page_states(entry("phone", "+18005550100"), page) is True
    assert page_states(entry("domain", "acme.io"), page) is False
    assert page_states(entry("email", "a@b.c"), "[email&#160;protected]") is False
    assert page_states(entry("phones", "none"), page) is None


class _Pages(BaseHTTPRequestHandler):
    pages: ClassVar[dict[str, str]] = {
        "/official": "<html><body>Our only site is acmewallet.com.</body></html>",
        "/contact": "<html><body>Contact: [email&#160;protected]</body></html>",
        "/moved": "",
    }

    def do_GET(self) -> None:
        if self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/official")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = self.pages.get(self.path)
        if body is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[int]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.server_address[1]
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_online_against_a_real_server_pinned_by_configuration(tmp_path: Path, server: int) -> None:
    root = _write(tmp_path / "allowlists", f"http://evidence.test:{server}")
    fetch = page_fetcher(OnlineConfig(pinned_hosts={"evidence.test": "127.0.0.1"}, deadline=10))
    # only the two entries on the test host: the others are on hosts no test may reach
    found = online_findings(_only(read_brands(root), "evidence.test"), fetch, deadline=30, per_page=5)
    assert _codes(found) == [("value_missing", "help@acmewallet.com")]
    assert "no longer contains 'help@acmewallet.com'" in found[0].message


def test_online_follows_a_redirect_and_reports_a_missing_page(tmp_path: Path, server: int) -> None:
    root = _write(tmp_path / "allowlists", f"http://evidence.test:{server}")
    text = (root / "brands" / "acme.toml").read_text("utf-8")
    text = text.replace(f":{server}/official", f":{server}/moved")
    text = text.replace(f":{server}/contact", f":{server}/gone")
    (root / "brands" / "acme.toml").write_text(text, "utf-8")
    brands = _only(read_brands(root), "evidence.test")
    fetch = page_fetcher(OnlineConfig(pinned_hosts={"evidence.test": "127.0.0.1"}, deadline=10))
    found = online_findings(brands, fetch, deadline=30, per_page=5)
    assert _codes(found) == [("fetch_failed", "help@acmewallet.com")]
    assert "404" in found[0].message


def test_loopback_evidence_is_refused_without_configuration(tmp_path: Path, server: int) -> None:
    # the evidence URL itself names 127.0.0.1: the public-address-only fetcher does not go there
    root = _write(tmp_path / "allowlists", f"http://127.0.0.1:{server}")
    brands = _only(read_brands(root), "127.0.0.1")
    found = online_findings(brands, page_fetcher(OnlineConfig(deadline=5)), deadline=10, per_page=2)
    assert {f.code for f in found} == {"fetch_failed"}
    assert len(found) == 2


def test_the_overall_deadline_bounds_the_audit(tmp_path: Path) -> None:
    root = _write(tmp_path / "allowlists", "https://acmewallet.com/a")
    now = [0.0]

    def slow(url: str, seconds: float) -> tuple[str | None, str | None]:
        assert seconds <= 5
        now[0] += 5
        return "acmewallet.com help@acmewallet.com", None

    found = online_findings(read_brands(root), slow, deadline=12, per_page=5, clock=lambda: now[0])
    codes = [f.code for f in found]
    # three distinct pages fit in 12 s (0, 5, 10); the rest are reported, not fetched
    assert "not_checked" in codes and "fetch_failed" not in codes


def test_a_fetcher_that_raises_is_a_finding(tmp_path: Path) -> None:
    root = _write(tmp_path / "allowlists", "https://acmewallet.com/a")

    def broken(url: str, seconds: float) -> tuple[str | None, str | None]:
        raise OSError("network unreachable")

    found = audit(root, today=TODAY, max_age_days=10_000, fetch=broken)
    assert {f.code for f in found} == {"fetch_failed", "not_own"}


def test_cli_audit_offline(tmp_path: Path) -> None:
    root = _write(tmp_path / "allowlists", "https://support.acmewallet.com/articles")
    result = CliRunner().invoke(app, ["allowlist", "audit", "--sources", str(root)])
    assert result.exit_code == 1
    assert "[stale] acme help@acmewallet.com" in result.stdout
    assert "[not_own] acme x:@AcmeWallet" in result.stdout
    result = CliRunner().invoke(app, ["allowlist", "audit", "--sources", str(root), "--json"])
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert {r["code"] for r in rows} <= {"stale", "not_own"} and all(r["brand"] == "acme" for r in rows)


def test_cli_audit_clean(tmp_path: Path) -> None:
    root = _write(tmp_path / "allowlists", "https://support.acmewallet.com/articles")
    text = (root / "brands" / "acme.toml").read_text("utf-8")
    text = text.replace("2024-05-01", "2026-11-01").replace(
        "https://blog.example.org/acme-accounts", "https://x.com/AcmeWallet"
    )
    (root / "brands" / "acme.toml").write_text(text, "utf-8")
    result = CliRunner().invoke(app, ["allowlist", "audit", "--sources", str(root), "--max-age-days", "3650"])
    assert result.exit_code == 0, result.stdout
    assert "every entry's evidence is recent" in result.stdout


def test_the_repository_audit_names_only_known_cases() -> None:
    # Slush's only evidence is Mysten Labs' SDK docs (the company behind it, not slush.app).
    found = audit(Path("allowlists"), today=TODAY)
    assert _codes(found) == [("not_own", "slush.app")]
