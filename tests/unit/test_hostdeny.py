"""Feed hosts matched as the browser's destination, and target files checked before use."""

from __future__ import annotations

import random

import pytest

from verifier.allowlist.hostdeny import (
    HEADER,
    INDEX_AFTER,
    DeniedHost,
    HostDenylist,
    compose,
    sections,
    target_meta,
    verify_target,
)
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
    with pytest.raises(ValueError, match="not a host name"):
        compose([("x", {"com": "1"})])
    deny = HostDenylist(HEADER + b"@00 x 1\ncom 00\n")  # written by hand: still no whole TLD
    for _ in range(INDEX_AFTER + 2):  # by searching the text, then by the set
        assert deny.find("evil.com") is None


def test_searching_the_text_and_the_set_agree() -> None:
    hosts = ["evil.com", "login.evil.com", "notevil.com", "x.phish.pages.dev", "com", "a.b", "b", ""]
    scanned = [DENY.find(h) for h in hosts]  # a fresh list searches its text (binary search)
    fresh = HostDenylist(DENY.data)
    fresh.index()
    assert [fresh.find(h) for h in hosts] == scanned
    assert len(DENY) == 3  # evil.com once


def test_the_file_is_deterministic_and_grouped_by_feed_and_snapshot() -> None:
    data = DENY.data
    assert data == compose(
        [
            ("polkadot-js", {"phish.pages.dev": "2026-02-01", "evil.com": "2026-02-01"}),
            ("eth-phishing-detect", {"metamask-restore.io": "2025-06-30", "evil.com": "2025-01-01"}),
        ]
    )
    assert data.splitlines()[1:] == [
        b"@00 eth-phishing-detect 2025-06-30",
        b"@01 polkadot-js 2026-02-01",
        b"evil.com 01",
        b"metamask-restore.io 00",
        b"phish.pages.dev 01",
    ]
    assert sections(data)[("polkadot-js", "2026-02-01")] == ["evil.com", "phish.pages.dev"]


@pytest.mark.parametrize(
    "bad",
    [b"evil.com 00\n", HEADER + b"@00 x 1\nevil.com 00", HEADER + "é.com 00\n".encode(), HEADER + b"@0 x\n"],
)
def test_a_file_not_in_the_format_is_refused(bad: bytes) -> None:
    with pytest.raises(BundleFormatError) as raised:
        HostDenylist(bad)
    assert raised.value.code == "target.format"


def test_a_target_file_is_used_only_with_the_signed_length_and_digest() -> None:
    data = b"evil.com 2026-02-01\n"
    meta = target_meta(data)
    verify_target("denylist-hosts.txt", data, meta)
    for changed in (data + b"x", data[:-1], data.replace(b"evil", b"good")):
        with pytest.raises(BundleFormatError) as raised:
            verify_target("denylist-hosts.txt", changed, meta)
        assert raised.value.code == "target.mismatch"
    assert "denylist-hosts.txt" in text("target.mismatch", "zh", name="denylist-hosts.txt")


def test_binary_search_and_hash_index_agree_on_many_hosts() -> None:
    rng = random.Random(15)
    words = ["".join(rng.choices("abcdefghij0-", k=rng.randint(1, 8))).strip("-") or "a" for _ in range(3000)]
    listed = {f"{w}.{rng.choice(['com', 'io', 'co.uk'])}": f"2026-0{rng.randint(1, 9)}-01" for w in words}
    deny = HostDenylist.from_sources([("eth-phishing-detect", listed)])
    probes = [*listed, *(f"x.{h}" for h in list(listed)[:500]), *(f"{h}x" for h in list(listed)[:500])]
    probes += ["co.uk", "com", "a", "zzz.zzz", "-.com", "0.com"]
    searched = [deny.find(p) for p in probes]
    deny.index()
    assert [deny.find(p) for p in probes] == searched
    assert [deny.denies(p) for p in probes] == [found is not None for found in searched]
    for host, first in listed.items():
        assert deny.find(host) == DeniedHost(host, "eth-phishing-detect", first)
    assert len(deny) == len(listed)


@pytest.mark.parametrize("sample_bytes", [1, 13, 64, 2048])
def test_the_sampled_search_finds_every_line_and_nothing_else(
    sample_bytes: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the index built, exact lookups bisect sampled lines and search between two of them:
    every host is found at its own line (the first, the last, those on a sample and those between),
    and no prefix, suffix or neighbour of one is taken for it."""
    from verifier.allowlist import hostdeny

    monkeypatch.setattr(hostdeny, "SAMPLE_BYTES", sample_bytes)
    rng = random.Random(4)
    words = ["".join(rng.choices("abcxyz0-", k=rng.randint(1, 9))).strip("-") or "a" for _ in range(800)]
    listed = {f"{w}.{rng.choice(['com', 'io'])}": "1" for w in words}
    listed |= {"a.com": "1", "zzzzzz.io": "1", "ab.com": "1", "abc.com": "1", "b.ab.com": "2"}
    deny = HostDenylist.from_sources([("eth-phishing-detect", listed)])
    near = [h[:-1] for h in listed] + [h + "x" for h in listed] + ["x" + h for h in listed]
    probes = [*listed, *near, "0.com", "~.io", "a", "", "é.com", "a com", "a.com\n"]
    searched = [deny._line(p) for p in probes]  # binary search of the text, before the index
    deny.index()
    assert deny._sample is not None and deny.hashes is not None
    assert [deny._line(p) for p in probes] == searched
    for host, at in zip(probes, searched, strict=True):
        if host in listed:
            assert deny.data[at:].startswith(host.encode() + b" ") and deny.data[at - 1 : at] == b"\n"
        else:
            assert at == -1


def test_a_listed_host_is_looked_up_once_for_the_verdict() -> None:
    """``lists_host`` finds the entry and the verdict asks again: the second answer is the first."""
    deny = HostDenylist(DENY.data)
    deny.index()
    first = deny.find("login.evil.com")
    assert first == DeniedHost("evil.com", "polkadot-js", "2026-02-01")
    assert deny.find("login.evil.com") is first
    assert deny.find("notevil.com") is None and deny.find("evil.com") == first
    assert deny.find("") is None and deny.find("login.evil.com") == first


def test_an_empty_file_denies_nothing() -> None:
    deny = HostDenylist(HEADER)
    assert len(deny) == 0 and deny.find("evil.com") is None
    deny.index()
    assert deny.find("evil.com") is None and not deny.denies("a.evil.com")


def test_allowlist_lists_host_walks_zones_and_feed_parents_in_one_pass() -> None:
    """``Allowlist.lists_host`` probes a host's parents in the zones and the feed's hashes at once:
    it answers as the feed's own ``denies`` and the zones do, before and after the index."""
    from verifier.allowlist.model import Allowlist

    allowlist = Allowlist.empty()
    allowlist._zones = {"zone.org": []}
    allowlist.feed_hosts = HostDenylist(DENY.data)
    hosts = ["evil.com", "a.b.evil.com", "x.phish.pages.dev", "pages.dev", "a.zone.org", "zone.org", "c.d"]
    expected = [True, True, True, False, True, False, False]
    assert [allowlist.lists_host(h) for h in hosts] == expected
    allowlist.feed_hosts.index()
    assert [allowlist.lists_host(h) for h in hosts] == expected
    assert [allowlist.lists_host(h, denylists=False) for h in hosts] == [
        False,
        False,
        False,
        False,
        True,
        False,
        False,
    ]
