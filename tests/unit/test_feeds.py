"""Phishing feeds in their upstream formats (fixtures cut from real snapshots) -> source files."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

from verifier.allowlist.feeds import (
    FeedError,
    Imported,
    feed,
    feeds,
    normalize_snapshot,
    parse_snapshot,
    read_source,
)
from verifier.allowlist.store import default_allowlist

FIXTURES = Path(__file__).parent.parent / "data" / "feeds"
ETH = FIXTURES / "eth-phishing-detect-config.json"  # 35 real blacklist entries + planted cases
POLKADOT = FIXTURES / "polkadot-js-all.json"  # the real allow list, 30 real deny entries + planted
SCAMSNIFFER = FIXTURES / "scamsniffer-domains.json"  # 30 real entries of the 2026-08-15 archive


def imported(feed_id: str, path: Path, previous: dict[str, str] | None = None) -> Imported:
    spec = feed(feed_id)
    return normalize_snapshot(
        spec, parse_snapshot(spec, path.read_bytes()), "2026-12-07", default_allowlist(), previous
    )


def test_every_feed_names_its_licence_and_a_decision() -> None:
    assert set(feeds()) == {"eth-phishing-detect", "polkadot-js", "scamsniffer"}
    for spec in feeds().values():
        assert spec.licence and spec.decision and spec.source.startswith("https://")
    assert feeds()["scamsniffer"].redistribute is False  # GPL-3.0 data stays out of the shipped bundle


def test_eth_phishing_detect_drops_official_allowed_duplicate_and_invalid_entries() -> None:
    result = imported("eth-phishing-detect", ETH)
    config = json.loads(ETH.read_text())
    assert result.dropped == {
        "official": 2,  # tokenpocket.pro and help.tokenpocket.pro
        "shared suffix": 1,  # *.pages.dev would deny every pages.dev site
        "duplicate": 1,
        "invalid": 1,
        "allowed by the feed": 1,  # an entry of its own whitelist
    }
    assert len(result.hosts) == len(config["blacklist"]) - 6
    assert "tokenpocket.pro" not in result.hosts and "pages.dev" not in result.hosts
    assert config["blacklist"][0] in result.hosts


def test_the_npm_package_tarball_is_read_like_its_config() -> None:
    data = ETH.read_bytes()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        info = tarfile.TarInfo("package/src/config.json")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    spec = feed("eth-phishing-detect")
    assert parse_snapshot(spec, buffer.getvalue()) == parse_snapshot(spec, data)


def test_polkadot_keeps_a_site_on_a_platform_but_never_the_platform_or_an_official_parent() -> None:
    result = imported("polkadot-js", POLKADOT)
    assert "evil-support.pages.dev" in result.hosts
    assert "pages.dev" not in result.hosts  # on its allow list, and a shared suffix
    assert "bitget.com" not in result.hosts  # a parent of the official web3.bitget.com
    assert result.dropped["official"] == 1


def test_scamsniffer_entries_are_normalized_as_check_reads_them() -> None:
    result = imported("scamsniffer", SCAMSNIFFER)
    assert "metamask-restore.example.com" in result.hosts  # from a URL with a path
    assert "www.evil-wallet.com" in result.hosts  # case and trailing dot
    assert len(result.hosts) == 32


def test_a_host_listed_before_keeps_its_first_snapshot() -> None:
    first = imported("scamsniffer", SCAMSNIFFER, previous={"claim.cryptoclaim1.lol": "2026-08-15"})
    assert first.hosts["claim.cryptoclaim1.lol"] == "2026-08-15"
    assert first.hosts["buemux.com"] == "2026-12-07"


def test_the_source_file_round_trips(tmp_path: Path) -> None:
    result = imported("polkadot-js", POLKADOT)
    path = tmp_path / "polkadot-js.txt"
    path.write_text(result.to_text())
    header, hosts = read_source(path)
    assert header["feed"] == "polkadot-js" and header["licence"] == "Apache-2.0"
    assert hosts == result.hosts
    assert path.read_text().splitlines()[4:] == sorted(path.read_text().splitlines()[4:])


@pytest.mark.parametrize(
    ("feed_id", "data", "message"),
    [
        ("polkadot-js", b"not json", "not JSON"),
        ("polkadot-js", b'{"allow": []}', "'deny'"),
        ("eth-phishing-detect", b"[1, 2]", "'blacklist'"),
        ("eth-phishing-detect", b"\x1f\x8b broken gzip", "npm package"),
        ("scamsniffer", b'{"address": []}', "'domains'"),
        ("scamsniffer", b"[" * 200_000, "not JSON"),
    ],
)
def test_a_document_in_another_shape_is_a_clear_error(feed_id: str, data: bytes, message: str) -> None:
    with pytest.raises(FeedError, match=message):
        parse_snapshot(feed(feed_id), data)


def test_an_unknown_feed_names_the_known_ones() -> None:
    with pytest.raises(FeedError, match="eth-phishing-detect, polkadot-js, scamsniffer"):
        feed("phishtank")


def test_a_malformed_source_file_says_where(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("# feed: x\n# source: s\n# snapshot: 1\n# licence: l\nevil.com\n")
    with pytest.raises(FeedError, match=r"x.txt:5"):
        read_source(path)
    path.write_text("evil.com 2026-01-01\n")
    with pytest.raises(FeedError, match="header lacks"):
        read_source(path)
