"""The feed hosts as a signed target file: built beside the bundle, verified by length and SHA-256
before use, and matched by checks (known_scam naming the feed and its snapshot)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.conftest import NOW, TEST_SOURCES
from verifier import check
from verifier.allowlist.bundle import build_release, write_bundle
from verifier.allowlist.bundleformat import DENYLIST_TARGET, canonical_bytes
from verifier.allowlist.store import load_allowlist
from verifier.allowlist.trust import Root, sign_document
from verifier.errors import SourceError

ETH = """# feed: eth-phishing-detect
# source: https://registry.npmjs.org/eth-phishing-detect/latest
# snapshot: 2026-12-01
# licence: DBAD-1.1
acme-wallet-restore.com 2026-11-20
evil-feed.com 2026-12-01
shop.acmewallet.com 2026-12-01
"""
POLKADOT = """# feed: polkadot-js
# source: https://polkadot.js.org/phishing/all.json
# snapshot: 2026-12-02
# licence: Apache-2.0
evil-feed.com 2026-12-02
polka-phish.io 2026-12-02
"""


def sources_with_feeds(tmp_path: Path, **files: str) -> Path:
    sources = tmp_path / "allowlists"
    shutil.copytree(TEST_SOURCES, sources)
    (sources / "feeds").mkdir()
    for name, content in (files or {"eth-phishing-detect": ETH, "polkadot-js": POLKADOT}).items():
        (sources / "feeds" / f"{name}.txt").write_text(content, "utf-8")
    return sources


def signed_release(tmp_path: Path, keys: list[Ed25519PrivateKey], **overrides: Any) -> Path:
    """Build from sources with two feeds, sign with two throwaway keys, write bundle + target."""
    release = build_release(sources_with_feeds(tmp_path))
    document = {"signed": {**release.bundle["signed"], **overrides}, "signatures": []}
    for key in keys[:2]:
        document = sign_document(document, key)
    out = tmp_path / "out" / "allowlist.json"
    write_bundle(document, out)
    for name, data in release.targets.items():
        (out.parent / name).write_bytes(data)
    return out


def signed_release_with(tmp_path: Path, keys: list[Ed25519PrivateKey], eth: str) -> Path:
    """As ``signed_release``, with ``eth`` as the eth-phishing-detect feed file."""
    feeds = {"eth-phishing-detect": eth, "polkadot-js": POLKADOT}
    release = build_release(sources_with_feeds(tmp_path, **feeds))
    document = {"signed": release.bundle["signed"], "signatures": []}
    for key in keys[:2]:
        document = sign_document(document, key)
    out = tmp_path / "out" / "allowlist.json"
    write_bundle(document, out)
    for name, data in release.targets.items():
        (out.parent / name).write_bytes(data)
    return out


def test_the_build_names_the_target_by_length_digest_and_feeds(tmp_path: Path) -> None:
    release = build_release(sources_with_feeds(tmp_path))
    meta = release.bundle["signed"]["targets"][DENYLIST_TARGET]
    data = release.targets[DENYLIST_TARGET]
    assert meta["length"] == len(data)
    assert meta["feeds"] == {
        # evil-feed.com is counted once, for the first feed; shop.acmewallet.com is official's
        "eth-phishing-detect": {"hosts": 2, "snapshot": "2026-12-01", "licence": "DBAD-1.1"},
        "polkadot-js": {"hosts": 1, "snapshot": "2026-12-02", "licence": "Apache-2.0"},
    }
    assert b"shop.acmewallet.com" not in data
    assert canonical_bytes(build_release(sources_with_feeds(tmp_path / "again")).bundle) == canonical_bytes(
        release.bundle
    )


def test_without_feed_files_the_bundle_has_no_targets() -> None:
    release = build_release(TEST_SOURCES)
    assert "targets" not in release.bundle["signed"] and release.targets == {}


def test_a_feed_we_may_not_redistribute_is_refused_in_the_sources(tmp_path: Path) -> None:
    scam = "# feed: scamsniffer\n# source: x\n# snapshot: 2026-12-01\n# licence: GPL-3.0\nevil.com 1\n"
    with pytest.raises(SourceError) as raised:
        build_release(sources_with_feeds(tmp_path, scamsniffer=scam))
    assert "GPL-3.0" in raised.value.problems[0]


def test_a_listed_host_or_subdomain_is_known_scam_naming_feed_and_snapshot(
    tmp_path: Path, moderator_keys: list[Ed25519PrivateKey], test_root: Root
) -> None:
    allowlist = load_allowlist(signed_release(tmp_path, moderator_keys), root=test_root, now=NOW)
    assert allowlist.verified and allowlist.feed_hosts is not None
    result = check("https://login.evil-feed.com/wallet", allowlist=allowlist)
    assert result.verdict.value == "known_scam"
    assert [r.code for r in result.reasons] == ["known_scam.feed"]
    assert "eth-phishing-detect" in result.reasons[0].message
    assert "2026-12-01" in result.reasons[0].message and "evil-feed.com" in result.reasons[0].message
    zh = check("login.evil-feed.com", allowlist=allowlist, lang="zh")
    assert "钓鱼" in zh.reasons[0].message and "eth-phishing-detect" in zh.reasons[0].message
    assert check("polka-phish.io", allowlist=allowlist).reasons[0].message.count("polkadot-js") == 1
    # known_scam outranks lookalike; use_denylist=False judges by resemblance alone
    assert check("acme-wallet-restore.com", allowlist=allowlist).verdict.value == "known_scam"
    alone = check("acme-wallet-restore.com", allowlist=allowlist, use_denylist=False)
    assert alone.verdict.value == "lookalike"
    assert check("evil-feed.com", allowlist=allowlist, use_denylist=False).verdict.value == "unknown"
    # the official site and a name that only ends the same way are untouched
    assert check("shop.acmewallet.com", allowlist=allowlist).verdict.value == "official"
    assert check("notevil-feed.com", allowlist=allowlist).verdict.value != "known_scam"


def test_checks_give_the_same_answers_once_the_set_is_built(
    tmp_path: Path, moderator_keys: list[Ed25519PrivateKey], test_root: Root
) -> None:
    allowlist = load_allowlist(signed_release(tmp_path, moderator_keys), root=test_root, now=NOW)
    hosts = ["a.evil-feed.com", "polka-phish.io", "example.org", "evil-feed.com.example.org"]
    first = [check(h, allowlist=allowlist).verdict.value for h in hosts]
    assert allowlist.feed_hosts is not None
    allowlist.feed_hosts.index()  # as after INDEX_AFTER lookups
    assert [check(h, allowlist=allowlist).verdict.value for h in hosts] == first
    assert first == ["known_scam", "known_scam", "unknown", "unknown"]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda data: data.replace(b"polka-phish.io", b"polka-phish.in"), "target.mismatch"),
        (lambda data: data + b"extra.com\n", "target.mismatch"),  # wrong length
        (lambda data: data[:-10], "target.mismatch"),
        (None, "target.missing"),
    ],
)
def test_a_changed_or_missing_target_fails_closed(
    tmp_path: Path, moderator_keys: list[Ed25519PrivateKey], test_root: Root, change: Any, code: str
) -> None:
    bundle = signed_release(tmp_path, moderator_keys)
    target = bundle.parent / DENYLIST_TARGET
    if change is None:
        target.unlink()
    else:
        target.write_bytes(change(target.read_bytes()))
    allowlist = load_allowlist(bundle, root=test_root, now=NOW)
    assert not allowlist.verified and allowlist.feed_hosts is None
    (problem,) = allowlist.problems
    assert problem.code == "bundle.in_file" and problem.params["problem"].code == code  # type: ignore[union-attr]
    assert check("tokenpocket.pro", allowlist=allowlist).allowlist.verified is False


@pytest.mark.parametrize(
    "targets",
    [
        {"../x.txt": {"length": 1, "sha256": "0" * 64}},
        {"a.txt": {"length": -1, "sha256": "0" * 64}},
        {"a.txt": {"length": 1, "sha256": "xyz"}},
        {"a.txt": {"length": True, "sha256": "0" * 64}},
        ["a.txt"],
    ],
)
def test_malformed_targets_metadata_is_refused(
    tmp_path: Path, moderator_keys: list[Ed25519PrivateKey], test_root: Root, targets: Any
) -> None:
    allowlist = load_allowlist(
        signed_release(tmp_path, moderator_keys, targets=targets), root=test_root, now=NOW
    )
    assert not allowlist.verified
    assert "targets" in (allowlist.problem or "")


def test_the_shipped_feed_hosts_outrank_lookalike_and_are_verified() -> None:
    from verifier.allowlist.store import default_allowlist

    allowlist = default_allowlist()
    assert allowlist.verified and allowlist.feed_hosts is not None and len(allowlist.feed_hosts) > 10_000
    listed = check("metamsk.io")  # eth-phishing-detect lists it; it also resembles metamask.io
    assert listed.verdict.value == "known_scam" and "eth-phishing-detect" in listed.reasons[0].message
    assert check("metamsk.io", use_denylist=False).verdict.value == "lookalike"


def test_allowlist_diff_shows_per_feed_counts_added_removed_and_a_sample(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from verifier.cli import app

    def release(where: Path, eth: str) -> Path:
        built = build_release(
            sources_with_feeds(where, **{"eth-phishing-detect": eth, "polkadot-js": POLKADOT})
        )
        out = where / "out" / "allowlist.json"
        write_bundle(built.bundle, out)
        for name, data in built.targets.items():
            (out.parent / name).write_bytes(data)
        return out

    refreshed = ETH.replace("2026-12-01\n", "2026-12-09\n", 1).replace(
        "acme-wallet-restore.com 2026-11-20\n", ""
    ) + "".join(f"new-phish-{i}.com 2026-12-09\n" for i in range(12))
    refreshed = refreshed.replace("# snapshot: 2026-12-01", "# snapshot: 2026-12-09")
    old, new = release(tmp_path / "a", ETH), release(tmp_path / "b", refreshed)
    result = CliRunner().invoke(app, ["allowlist", "diff", str(old), str(new)])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "feeds (denylist-hosts.txt)" in lines
    assert (
        "  eth-phishing-detect: 2 -> 13 hosts (12 added, 1 removed; snapshot 2026-12-01 -> 2026-12-09)"
        in lines
    )
    added = next(line for line in lines if line.startswith("    + "))
    assert added.count("new-phish-") == 5 and added.endswith(", ...")
    assert "    - acme-wallet-restore.com" in lines
    assert not any("polkadot-js" in line for line in lines)  # unchanged feeds are not listed
    (new.parent / DENYLIST_TARGET).unlink()
    counts_only = CliRunner().invoke(app, ["allowlist", "diff", str(old), str(new)])
    assert "added and removed unknown" in counts_only.stdout
    (new.parent / DENYLIST_TARGET).write_bytes(b"tampered")
    tampered = CliRunner().invoke(app, ["allowlist", "diff", str(old), str(new)])
    assert tampered.exit_code == 3 and DENYLIST_TARGET in tampered.stderr


def test_use_denylist_false_looks_up_no_feed_host_and_answers_as_the_full_judge(
    tmp_path: Path, moderator_keys: list[Ed25519PrivateKey], test_root: Root, monkeypatch: pytest.MonkeyPatch
) -> None:
    from verifier.allowlist.hostdeny import HostDenylist
    from verifier.channels import parse_channel
    from verifier.checker import _Judge

    allowlist = load_allowlist(signed_release(tmp_path, moderator_keys), root=test_root, now=NOW)
    hosts = [
        "acme-wallet-restore.com",
        "a.evil-feed.com",
        "evil-feed.com",
        "shop.acmewallet.com",
        "example.org",
    ]
    full = [_Judge(allowlist, parse_channel(h), None, "en", False).result() for h in hosts]

    def refuse(*_: object) -> None:
        raise AssertionError("the feed hosts were consulted")

    monkeypatch.setattr(HostDenylist, "denies", refuse)
    monkeypatch.setattr(HostDenylist, "find", refuse)
    fast = [check(h, allowlist=allowlist, use_denylist=False) for h in hosts]
    assert [r.to_dict() for r in fast] == [r.to_dict() for r in full]
    assert [r.verdict.value for r in fast] == ["lookalike", "unknown", "unknown", "official", "unknown"]


def test_a_feed_listed_host_gets_the_full_judges_answer_from_the_quick_path(
    tmp_path: Path, moderator_keys: list[Ed25519PrivateKey], test_root: Root
) -> None:
    """``check`` answers a bare host that a feed lists without the full judge (``_feed_listed``):
    the same object as ``_Judge`` gives, in both languages, before and after the hash set is
    built; a host the reported-fakes denylist names keeps that entry's answer."""
    from verifier.channels import native_host, parse_channel
    from verifier.checker import _Judge, _judge_host

    eth = ETH + "acme-wallet-help.com 2026-12-01\nsub.polka-phish.io 2026-12-01\n"
    allowlist = load_allowlist(signed_release_with(tmp_path, moderator_keys, eth), root=test_root, now=NOW)
    assert allowlist.verified and allowlist.feed_hosts is not None
    hosts = [
        "evil-feed.com",
        "login.evil-feed.com",
        "xn--80ak6aa92e.evil-feed.com",  # an IDN label: the note's reason follows the feed's
        "a.b.sub.polka-phish.io",
        "acme-wallet-restore.com",  # listed, and a lookalike: known_scam
        "acme-wallet-help.com",  # in denylist.toml too: that entry's reason
        "shop.acmewallet.com",
        "example.org",
    ]
    for built in (False, True):
        if built:
            allowlist.feed_hosts.index()
        for lang in ("en", "zh"):
            quick = [check(h, allowlist=allowlist, lang=lang).to_dict() for h in hosts]
            full = [_Judge(allowlist, parse_channel(h), None, lang).result().to_dict() for h in hosts]
            assert quick == full
            assert [q["verdict"] for q in quick] == [*["known_scam"] * 6, "official", "unknown"]
            assert [q["reasons"][0]["code"] for q in quick[:6]] == [
                *["known_scam.feed"] * 5,
                "known_scam.listed",
            ]
            assert [r["code"] for r in quick[2]["reasons"]] == ["known_scam.feed", "url.idn"]
            if native_host is not None:  # bare hosts parsed in C take the quick path
                quicker = [_judge_host(allowlist, native_host(h), lang) for h in hosts[:6]]  # type: ignore[arg-type]
                assert [q is not None for q in quicker] == [*[True] * 5, False]


def test_an_address_at_a_feed_listed_site_is_known_scam(
    tmp_path: Path, moderator_keys: list[Ed25519PrivateKey], test_root: Root
) -> None:
    """An email address whose domain a feed lists (itself or a parent) is known_scam: the
    reason names the domain, the feed and its snapshot; the free-mail providers, the brands'
    own domains and use_denylist=False are left as they were."""
    allowlist = load_allowlist(signed_release(tmp_path, moderator_keys), root=test_root, now=NOW)
    for value in ("support@evil-feed.com", "Help@Login.Evil-Feed.com", "mailto:desk@polka-phish.io"):
        result = check(value, allowlist=allowlist)
        assert (result.kind.value if result.kind else None, result.verdict.value) == ("email", "known_scam")
        assert [r.code for r in result.reasons] == ["known_scam.feed"]
        message = result.reasons[0].message
        assert (
            message.startswith(result.normalized.rpartition("@")[2])
            and " is a known phishing site" in message
        )
        zh = check(value, allowlist=allowlist, lang="zh").reasons[0].message
        assert "钓鱼" in zh
    assert "eth-phishing-detect" in check("support@evil-feed.com", allowlist=allowlist).reasons[0].message
    # known_scam outranks the lookalike an address there would otherwise be
    assert check("help@acme-wallet-restore.com", allowlist=allowlist).verdict.value == "known_scam"
    alone = check("help@acme-wallet-restore.com", allowlist=allowlist, use_denylist=False)
    assert alone.verdict.value == "lookalike"
    assert check("support@evil-feed.com", allowlist=allowlist, use_denylist=False).verdict.value == "unknown"
    # a name that only ends the same way, a brand's own domain: untouched
    assert check("support@notevil-feed.com", allowlist=allowlist).verdict.value != "known_scam"
    assert check("help@acmewallet.com", allowlist=allowlist).verdict.value != "known_scam"


def test_an_address_at_a_free_mail_provider_is_never_known_scam_by_a_feed(
    tmp_path: Path, moderator_keys: list[Ed25519PrivateKey], test_root: Root
) -> None:
    """A feed that lists a free-mail provider's domain (a feed's mistake) turns no address there
    into known_scam; the site itself, as a url, is what the feed says."""
    eth = ETH + "gmail.com 2026-12-01\n"
    allowlist = load_allowlist(signed_release_with(tmp_path, moderator_keys, eth), root=test_root, now=NOW)
    assert allowlist.verified and allowlist.feed_hosts is not None and "gmail.com" in allowlist.feed_hosts
    assert check("acme.support@gmail.com", allowlist=allowlist).verdict.value != "known_scam"
    assert check("gmail.com", allowlist=allowlist).verdict.value == "known_scam"
