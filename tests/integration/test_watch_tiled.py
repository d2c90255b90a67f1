"""``verifier watch`` against stub static-ct-api (tiled) logs on 127.0.0.1, and one certificate
seen in a tiled and an RFC 6962 log."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from tests.integration.test_watch_rfc6962 import FAST, ISSUER, lookalike_entries, run
from tests.watchlog import Fault, StubLog, log_list, make_pair, precert_entry, serve, x509_entry
from verifier.watch import LogFormatError, Matcher, Start, Watcher, WatchError, WatchState, parse_log_list
from verifier.watch.tiled import data_tile_url, parse_data_tile, verify_issuer


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher()


def test_full_and_partial_tiles(tmp_path: Path, matcher: Matcher) -> None:
    log = StubLog("sunlight")
    log.add(*lookalike_entries(600))
    with serve(log):
        alerts, reports = run(log_list(tiled=[log]), tmp_path, matcher)
    assert reports[0].complete and reports[0].entries == 600
    assert [a.index for a in alerts] == list(range(600))
    tiles = [p for p in log.requests if p.startswith("tile/")]
    assert tiles == ["tile/data/000", "tile/data/001", "tile/data/002.p/88"]


def test_resume_inside_a_tile_and_partial_tile_gone(tmp_path: Path, matcher: Matcher) -> None:
    log = StubLog("static")
    log.add(*lookalike_entries(512))
    log.published = 300
    with serve(log):
        first, _ = run(log_list(tiled=[log]), tmp_path, matcher)
        log.published = 400
        log.drop_partial_tiles = True  # the full tile 001 exists now; the partial ones are gone
        second, reports = run(log_list(tiled=[log]), tmp_path, matcher)
    assert [a.index for a in first + second] == list(range(400))
    assert reports[0].first == 300 and reports[0].complete
    assert log.requests[-3:] == ["tile/data/001.p/144", "tile/data/001", "checkpoint"]


def test_forged_checkpoint_is_refused(tmp_path: Path, matcher: Matcher) -> None:
    log = StubLog("forged-tiles", signing_key=ec.generate_private_key(ec.SECP256R1()))
    log.add(*lookalike_entries(3))
    with serve(log):
        alerts, reports = run(log_list(tiled=[log]), tmp_path, matcher)
    assert not alerts and "signature" in (reports[0].error or "")
    assert not any(p.startswith("tile/") for p in log.requests)


def test_tile_faults_are_retried(tmp_path: Path, matcher: Matcher) -> None:
    log = StubLog("busy-tiles")
    log.add(*lookalike_entries(260))
    log.faults = [
        Fault("checkpoint", 503),
        Fault("tile/data/000", 429, retry_after="1"),
        Fault("tile/data/001", 500),
    ]
    began = time.monotonic()
    with serve(log):
        alerts, reports = run(log_list(tiled=[log]), tmp_path, matcher)
    assert time.monotonic() - began >= 1.0
    assert reports[0].complete and len(alerts) == 260 and not log.faults


def test_one_alert_for_a_certificate_in_two_logs(tmp_path: Path, matcher: Matcher) -> None:
    pair = make_pair(ISSUER, ["tokenpocket-support.com", "metamask-wallet-restore.com"], 4242)
    classic, tiled = StubLog("classic"), StubLog("tiles")
    classic.add(precert_entry(pair, ISSUER), x509_entry(pair.final, ISSUER))
    tiled.add(x509_entry(pair.final, ISSUER), precert_entry(pair, ISSUER))
    with serve(classic, tiled):
        alerts, reports = run(log_list([classic], [tiled]), tmp_path, matcher)
        again, _ = run(log_list([classic], [tiled]), tmp_path, matcher, start=Start.BEGINNING)
    assert all(r.complete for r in reports) and sum(r.names for r in reports) == 8
    assert sorted(a.name for a in alerts) == ["metamask-wallet-restore.com", "tokenpocket-support.com"]
    assert not again
    assert len(WatchState.load(tmp_path).alerted) == 2


def test_rate_limit_spaces_requests(tmp_path: Path, matcher: Matcher) -> None:
    log = StubLog("slow-please")
    log.add(*lookalike_entries(3 * 256))
    began = time.monotonic()
    with serve(log):
        _, reports = run(log_list(tiled=[log]), tmp_path, matcher, politeness=FAST.__class__(rate=4.0))
    # checkpoint, three tiles, checkpoint again: 5 requests at 4 a second take at least one second
    assert reports[0].complete and time.monotonic() - began >= 1.0


def test_issuers_fetched_and_checked(matcher: Matcher, tmp_path: Path) -> None:
    log = StubLog("issuing")
    log.add(*lookalike_entries(2))
    with serve(log):
        spec = parse_log_list(log_list(tiled=[log])).logs[0]
        watcher = Watcher([spec], WatchState.load(tmp_path), matcher, lambda _: None, politeness=FAST)
        try:
            body = watcher.reader(spec).fetcher.get(data_tile_url(spec, 0, 2))
            assert body is not None
            fingerprint = parse_data_tile(body, 0, 2)[0].issuers[0]
            assert watcher.reader(spec).issuer(fingerprint) == ISSUER.der
            assert watcher.reader(spec).issuer(fingerprint) == ISSUER.der  # kept: asked once
            assert log.requests.count(f"issuer/{fingerprint.hex()}") == 1
            with pytest.raises(WatchError):
                watcher.reader(spec).issuer(bytes(32))  # not served: 404
        finally:
            watcher.close()
    with pytest.raises(LogFormatError):
        verify_issuer(ISSUER.der + b"x", fingerprint)


@pytest.mark.parametrize("tiled", [False, True], ids=["rfc6962", "tiled"])
def test_entries_are_checked_against_the_signed_tree_head(
    tmp_path: Path, matcher: Matcher, tiled: bool
) -> None:
    log = StubLog("merkle")
    log.add(*lookalike_entries(300))
    lists = (lambda: log_list(tiled=[log])) if tiled else (lambda: log_list([log]))
    with serve(log):
        _, reports = run(lists(), tmp_path, matcher, start=Start.LATEST)  # frontier from proof or tiles
        assert reports[0].verified and reports[0].first == 300
        log.add(*lookalike_entries(40, first_serial=7000))
        alerts, reports = run(lists(), tmp_path, matcher)
        assert reports[0].verified and len(alerts) == 40
        log.add(*lookalike_entries(20, first_serial=8000))
        log.forged = {350: lookalike_entries(1, first_serial=9000)[0]}  # not the entry the head signs
        held, reports = run(lists(), tmp_path, matcher)
        assert not held  # no alert for entries the head does not commit to
        assert "do not hash to the signed tree head" in (reports[0].error or "")
        assert not reports[0].verified and reports[0].next_index == 340  # back to the last checked point
        log.forged = {}
        alerts, reports = run(lists(), tmp_path, matcher)
    assert reports[0].verified and reports[0].complete and [a.index for a in alerts] == list(range(340, 360))
    assert alerts[10].name == "tokenpocket-support10.com"  # the real entry 350, not the forged one


@pytest.mark.parametrize("tiled", [False, True], ids=["rfc6962", "tiled"])
def test_a_rewritten_history_is_refused(tmp_path: Path, matcher: Matcher, tiled: bool) -> None:
    log = StubLog("rewriter")
    log.add(*lookalike_entries(30))
    lists = (lambda: log_list(tiled=[log])) if tiled else (lambda: log_list([log]))
    with serve(log):
        _, reports = run(lists(), tmp_path, matcher)
        assert reports[0].verified
        log.entries[5] = lookalike_entries(1, first_serial=9500)[0]  # the new tree does not extend the old
        log.add(*lookalike_entries(4, first_serial=9600))
        alerts, reports = run(lists(), tmp_path, matcher)
    assert not alerts and "do not hash to the signed tree head" in (reports[0].error or "")
    assert reports[0].next_index == 30
