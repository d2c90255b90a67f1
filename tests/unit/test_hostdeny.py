"""Feed hosts matched as the browser's destination, and target files checked before use."""

from __future__ import annotations

import pytest

from verifier.allowlist.hostdeny import DeniedHost, HostDenylist, target_meta, verify_target
from verifier.errors import BundleFormatError
from verifier.messages import text

DENY = HostDenylist.from_sources(
    [
        ("polkadot-js", {"evil.com": "2026-02-01", "phish.pages.dev": "2026-02-01"}),
        ("eth-phishing-detect", {"evil.com": "2025-01-01", "metamask-restore.io": "2025-06-30"}),
    ]
)


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("evil.com", DeniedHost("evil.com", "polkadot-js", "2026-02-01")),  # the first feed keeps it
        ("login.evil.com", DeniedHost("evil.com", "polkadot-js", "2026-02-01")),
        ("a.b.c.evil.com", DeniedHost("evil.com", "polkadot-js", "2026-02-01")),
        ("x.phish.pages.dev", DeniedHost("phish.pages.dev", "polkadot-js", "2026-02-01")),
        ("metamask-restore.io", DeniedHost("metamask-restore.io", "eth-phishing-detect", "2025-06-30")),
        ("notevil.com", None),  # a longer label is another site
        ("evil.com.example", None),  # the listed name as a subdomain of another site
        ("pages.dev", None),  # the platform itself is not listed
        ("other.pages.dev", None),
        ("com", None),
    ],
)
def test_a_host_is_denied_when_it_or_a_parent_is_listed(host: str, expected: DeniedHost | None) -> None:
    assert DENY.find(host) == expected
    assert (host in DENY) is (expected is not None)


def test_a_feed_listing_a_top_level_domain_denies_no_site_under_it() -> None:
    deny = HostDenylist({"com": ("x", "1")})
    assert deny.find("evil.com") is None


def test_a_target_file_is_used_only_with_the_signed_length_and_digest() -> None:
    data = b"evil.com 2026-02-01\n"
    meta = target_meta(data)
    verify_target("denylist-hosts.txt", data, meta)
    for changed in (data + b"x", data[:-1], data.replace(b"evil", b"good")):
        with pytest.raises(BundleFormatError) as raised:
            verify_target("denylist-hosts.txt", changed, meta)
        assert raised.value.code == "target.mismatch"
    assert "denylist-hosts.txt" in text("target.mismatch", "zh", name="denylist-hosts.txt")
