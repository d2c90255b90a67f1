"""``verifier watch`` against stub RFC 6962 logs on 127.0.0.1: alerts, dedup, restart, faults.

The logs are real HTTP servers (tests/watchlog.py) with entries made by cryptography's
certificate builder and tree heads signed by a throwaway log key.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from tests.watchlog import (
    Entry,
    Fault,
    Issuer,
    StubLog,
    log_list,
    make_cert,
    make_pair,
    precert_entry,
    serve,
    x509_entry,
)
from verifier.cli import app
from verifier.watch import (
    Alert,
    LogReport,
    Matcher,
    Politeness,
    Start,
    StateLocked,
    Watcher,
    WatchError,
    WatchState,
    Webhook,
    new_client,
    parse_log_list,
)

ISSUER = Issuer.make()
FAST = Politeness(rate=1000.0, timeout=5.0, retries=4, backoff=0.02, max_wait=2.0)
LOOKALIKES = {"tokenpocket-support.com", "xn--tokenpocet-cui.pro", "metamask-wallet-restore.com"}


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher()


def run(
    lists: bytes,
    directory: Path,
    matcher: Matcher,
    start: Start = Start.BEGINNING,
    politeness: Politeness = FAST,
    batch: int = 1024,
) -> tuple[list[Alert], list[LogReport]]:
    alerts: list[Alert] = []
    state = WatchState.load(directory)
    with state.locked():
        watcher = Watcher(
            [log for log in parse_log_list(lists).logs if log.followed],
            state,
            matcher,
            alerts.append,
            start=start,
            politeness=politeness,
            batch=batch,
        )
        try:
            reports = watcher.run_once()
        finally:
            watcher.close()
    return alerts, reports


def mixed_entries() -> list:  # type: ignore[type-arg]
    """Precert and final certificate of a lookalike, benign and official names, a wildcard, an
    IDN homoglyph inside a 100-name certificate."""
    pair = make_pair(ISSUER, ["tokenpocket-support.com", "help.tokenpocket.pro"], 1001)
    hundred = [f"shop{i}.example.net" for i in range(99)] + ["xn--tokenpocet-cui.pro"]
    return [
        precert_entry(pair, ISSUER),
        x509_entry(make_cert(ISSUER, ["example.com", "www.example.com"], 1002), ISSUER),
        x509_entry(
            make_cert(ISSUER, ["*.metamask-wallet-restore.com"], 1003, cn="metamask-wallet-restore.com"),
            ISSUER,
        ),
        x509_entry(
            make_cert(ISSUER, ["help.tokenpocket.pro", "tokenpocket.pro", "metamask.io"], 1004), ISSUER
        ),
        x509_entry(make_cert(ISSUER, hundred, 1005), ISSUER),
        x509_entry(pair.final, ISSUER),
    ]


def lookalike_entries(count: int, first_serial: int = 5000) -> list:  # type: ignore[type-arg]
    return [
        x509_entry(
            make_cert(ISSUER, [f"tokenpocket-support{i}.com", f"benign{i}.example"], first_serial + i), ISSUER
        )
        for i in range(count)
    ]


def test_alerts_for_lookalikes_only_once_per_certificate(tmp_path: Path, matcher: Matcher) -> None:
    log = StubLog("argon")
    log.add(*mixed_entries())
    with serve(log):
        alerts, reports = run(log_list([log]), tmp_path, matcher)
    assert [r.complete for r in reports] == [True]
    assert reports[0].entries == 6 and reports[0].names == 2 + 2 + 1 + 3 + 100 + 2
    assert sorted(a.name for a in alerts) == sorted(LOOKALIKES)  # the final cert adds nothing
    by_name = {a.name: a for a in alerts}
    first = by_name["tokenpocket-support.com"]
    assert (first.verdict, first.brand, first.matched, first.technique) == (
        "lookalike",
        "tokenpocket",
        "tokenpocket.pro",
        "combosquat",
    )
    assert (first.log, first.index, first.precert, first.issuer) == ("argon", 0, True, "CN=Stub CA")
    assert by_name["xn--tokenpocet-cui.pro"].technique == "homoglyph"
    assert by_name["xn--tokenpocet-cui.pro"].to_dict()["name_unicode"] == "tokenpocкet.pro"
    assert (
        "xn--tokenpocet-cui.pro (tokenpocкet.pro) imitates" in by_name["xn--tokenpocet-cui.pro"].text_line()
    )
    assert first.to_dict()["name_unicode"] == "tokenpocket-support.com"
    assert by_name["xn--tokenpocet-cui.pro"].index == 4
    assert set(first.to_dict()) >= {
        "name",
        "verdict",
        "brand",
        "matched",
        "technique",
        "log",
        "index",
        "cert_sha256",
        "not_before",
        "issuer",
    }


def test_restart_resumes_without_gaps_or_repeats(tmp_path: Path, matcher: Matcher) -> None:
    log = StubLog("resume", max_batch=7)
    log.add(*lookalike_entries(60))
    log.published = 20
    with serve(log):
        first, _ = run(log_list([log]), tmp_path, matcher)
        log.published = 45
        second, _ = run(log_list([log]), tmp_path, matcher)
        log.published = None
        third, reports = run(log_list([log]), tmp_path, matcher)
        fourth, _ = run(log_list([log]), tmp_path, matcher)
    indexes = [a.index for a in first + second + third]
    assert indexes == list(range(60)) and not fourth
    assert reports[0].first == 45 and reports[0].backlog == 0


def test_a_failed_poll_resumes_where_it_stopped(tmp_path: Path, matcher: Matcher) -> None:
    log = StubLog("flaky", max_batch=10)
    log.add(*lookalike_entries(50))

    def fail_later(stub: StubLog, path: str) -> None:
        if path == "ct/v1/get-entries" and stub.requests.count(path) == 3:
            stub.faults.extend(Fault("ct/v1/get-entries", 503) for _ in range(FAST.retries + 1))

    log.on_request = fail_later
    with serve(log):
        first, reports = run(log_list([log]), tmp_path, matcher)
        assert reports[0].error is not None and "503" in reports[0].error
        assert reports[0].next_index == 20 and reports[0].backlog == 30 and not reports[0].complete
        log.on_request = None
        second, reports = run(log_list([log]), tmp_path, matcher)
    assert reports[0].complete
    assert [a.index for a in first + second] == list(range(50))


def test_backlog_in_metrics(tmp_path: Path, matcher: Matcher) -> None:
    log = StubLog("metered", max_batch=10)
    log.add(*lookalike_entries(30))

    def stop_after_two(stub: StubLog, path: str) -> None:
        if path == "ct/v1/get-entries" and stub.requests.count(path) == 2:
            stub.faults.extend(Fault("ct/v1/get-entries", 500) for _ in range(FAST.retries + 1))

    log.on_request = stop_after_two
    state = WatchState.load(tmp_path)
    with serve(log), new_client() as client:
        document = json.loads(log_list([log]))
        document["operators"][0]["logs"][0]["description"] = 'odd "name"\n'  # escaped in metrics
        logs = parse_log_list(json.dumps(document).encode()).logs
        watcher = Watcher(
            logs, state, matcher, lambda _: None, client, start=Start.BEGINNING, politeness=FAST
        )
        watcher.run_once()
    text = watcher.metrics()
    label = 'log="odd \\"name\\"\\n"'
    assert f"verifier_watch_backlog_entries{{{label}}} 20" in text
    assert f"verifier_watch_tree_size{{{label}}} 30" in text
    assert f"verifier_watch_log_up{{{label}}} 0" in text
    assert f"verifier_watch_alerts_total{{{label}}} 10" in text
    assert f"verifier_watch_failed_polls_total{{{label}}} 1" in text


def test_rate_limits_errors_and_short_reads(tmp_path: Path, matcher: Matcher) -> None:
    log = StubLog("faulty", max_batch=3)
    log.add(*lookalike_entries(20))
    log.faults = [
        Fault("ct/v1/get-sth", 500),
        Fault("ct/v1/get-entries", 429, retry_after="1"),
        Fault("ct/v1/get-entries", 429),
        Fault("ct/v1/get-entries", 502),
        Fault("ct/v1/get-entries", 503, retry_after="Wed, 21 Oct 2015 07:28:00 GMT"),
    ]
    began = time.monotonic()
    with serve(log):
        alerts, reports = run(log_list([log]), tmp_path, matcher)
    assert time.monotonic() - began >= 1.0  # Retry-After: 1 was honoured
    assert reports[0].complete and [a.index for a in alerts] == list(range(20))
    assert not log.faults
    assert log.requests.count("ct/v1/get-entries") == 7 + 4  # 20 entries, 3 a read, 4 refused


def test_log_growing_mid_poll_is_followed(tmp_path: Path, matcher: Matcher) -> None:
    log = StubLog("growing", max_batch=5)
    log.add(*lookalike_entries(15))

    def grow(stub: StubLog, path: str) -> None:
        if path == "ct/v1/get-entries" and stub.requests.count(path) == 2:
            stub.entries.extend(lookalike_entries(12, first_serial=9000))

    log.on_request = grow
    with serve(log):
        alerts, reports = run(log_list([log]), tmp_path, matcher)
    assert reports[0].complete and reports[0].tree_size == 27
    assert [a.index for a in alerts] == list(range(27))


def test_forged_tree_head_is_refused(tmp_path: Path, matcher: Matcher) -> None:
    from cryptography.hazmat.primitives.asymmetric import ec

    log = StubLog("forged", signing_key=ec.generate_private_key(ec.SECP256R1()))
    log.add(*lookalike_entries(3))
    with serve(log):
        alerts, reports = run(log_list([log]), tmp_path, matcher)
    assert not alerts and reports[0].error is not None and "signature" in reports[0].error
    assert "ct/v1/get-entries" not in log.requests
    assert not WatchState.load(tmp_path).positions


def test_gone_shard_fails_alone_and_retired_ones_are_not_followed(tmp_path: Path, matcher: Matcher) -> None:
    good, gone, retired = StubLog("good"), StubLog("gone"), StubLog("retired")
    good.add(*lookalike_entries(2))
    with serve(good, retired):  # "gone" is in the list but not served: 404
        gone.port = good.port
        lists = log_list([good, gone, retired], retired="retired")
        alerts, reports = run(lists, tmp_path, matcher)
    assert [(r.log, r.complete) for r in reports] == [("good", True), ("gone", False)]
    assert "404" in (reports[1].error or "")
    assert "retired" not in retired.requests and len(alerts) == 2


def test_start_latest_skips_what_is_there(tmp_path: Path, matcher: Matcher) -> None:
    log = StubLog("latest")
    log.add(*lookalike_entries(5))
    with serve(log):
        alerts, reports = run(log_list([log]), tmp_path, matcher, start=Start.LATEST)
        log.add(*lookalike_entries(2, first_serial=7000))
        more, _ = run(log_list([log]), tmp_path, matcher, start=Start.LATEST)
    assert not alerts and reports[0].first == 5 and [a.index for a in more] == [5, 6]


def test_unreadable_entries_are_counted_and_passed_over(tmp_path: Path, matcher: Matcher) -> None:
    log = StubLog("garbage")
    log.add(*lookalike_entries(2))
    log.add(Entry(b"\x00\x01\x02", b"", None, []))
    log.add(*lookalike_entries(2, first_serial=6000))
    with serve(log):
        alerts, reports = run(log_list([log]), tmp_path, matcher)
    assert reports[0].complete and reports[0].unreadable == 1
    assert [a.index for a in alerts] == [0, 1, 3, 4]


def test_read_only_log_stops_at_its_final_size(tmp_path: Path, matcher: Matcher) -> None:
    log = StubLog("frozen", max_batch=4)
    log.add(*lookalike_entries(10))
    with serve(log):
        document = json.loads(log_list([log], frozen="readonly"))
        document["operators"][0]["logs"][0]["state"]["readonly"]["final_tree_head"] = {"tree_size": 6}
        alerts, reports = run(json.dumps(document).encode(), tmp_path, matcher)
    assert reports[0].complete and [a.index for a in alerts] == list(range(6))


def test_shrinking_log_is_refused(tmp_path: Path, matcher: Matcher) -> None:
    log = StubLog("shrinking")
    log.add(*lookalike_entries(8))
    with serve(log):
        run(log_list([log]), tmp_path, matcher)
        log.published = 5
        alerts, reports = run(log_list([log]), tmp_path, matcher)
    assert not alerts and "below" in (reports[0].error or "")
    assert (
        WatchState.load(tmp_path).positions[parse_log_list(log_list([log])).logs[0].log_id_b64].next_index
        == 8
    )


def test_follows_until_stopped(tmp_path: Path, matcher: Matcher) -> None:
    log = StubLog("live")
    log.add(*lookalike_entries(2))
    alerts: list[Alert] = []
    state = WatchState.load(tmp_path)
    with serve(log), new_client() as client:
        watcher = Watcher(
            parse_log_list(log_list([log])).logs, state, matcher, alerts.append, client, politeness=FAST
        )
        thread = threading.Thread(target=watcher.run_forever, args=(0.05,))
        thread.start()
        try:
            deadline = time.monotonic() + 10
            while not state.positions and time.monotonic() < deadline:
                time.sleep(0.02)
            log.add(*lookalike_entries(3, first_serial=8000))  # issued while it watches
            while len(alerts) < 3 and time.monotonic() < deadline:
                time.sleep(0.02)
        finally:
            watcher.stop.set()
            thread.join(10)
    assert not thread.is_alive()
    assert [a.index for a in alerts] == [2, 3, 4]  # --start latest: only what came after


def test_one_watcher_per_state_directory(tmp_path: Path) -> None:
    held = WatchState.load(tmp_path)
    with held.locked(), pytest.raises(StateLocked), WatchState.load(tmp_path).locked():
        pass


def test_damaged_state_is_refused(tmp_path: Path) -> None:
    (tmp_path / "positions.json").write_text('{"format": 1, "logs": {"x": {"next_index": -5}}}')
    with pytest.raises(WatchError, match="damaged"):
        WatchState.load(tmp_path)


def test_webhook_retries(matcher: Matcher) -> None:
    with serve() as server, new_client() as client:
        server.webhook_statuses = [500, 429]
        port = server.server_address[1]
        hook = Webhook(f"http://127.0.0.1:{port}/hook", client, backoff=0.01)
        alert = Alert("a.example", "lookalike", "b", "c", "d", "log", 1, "00", "t", "CN=x", False)
        hook(alert)
        hook(alert)
        hook.close(timeout=10)
        server.webhook_statuses = [400]
        refused = hook.deliver(alert)
    assert server.posted == [alert.to_dict()] * 2 and hook.sent == 2
    assert not refused and hook.failed == 1  # a 4xx is not retried


@pytest.mark.parametrize("url", ["http://example.com/hook", "ftp://127.0.0.1/", "hook"])
def test_webhook_urls_refused(url: str) -> None:
    with new_client() as client, pytest.raises(WatchError):
        Webhook(url, client)


@pytest.fixture
def cli() -> typer.Typer:
    return app  # the verifier command itself


def test_cli_contract(tmp_path: Path, cli: typer.Typer, isolated_state: Path) -> None:
    log = StubLog("cli")
    log.add(*mixed_entries())
    list_file = tmp_path / "log_list.json"
    with serve(log) as server:
        list_file.write_bytes(log_list([log]))
        args = ["watch", "--log-list", str(list_file), "--once", "--start", "beginning", "--json"]
        hook = f"http://127.0.0.1:{server.server_address[1]}/hook"
        result = CliRunner().invoke(cli, [*args, "--webhook", hook])
        again = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert {line["name"] for line in lines} == LOOKALIKES and server.posted == lines
    assert (isolated_state / "watch" / "positions.json").exists()
    assert again.exit_code == 0 and again.stdout == ""


def test_cli_text_and_failures(tmp_path: Path, cli: typer.Typer) -> None:
    log = StubLog("cli2")
    log.add(*mixed_entries())
    list_file = tmp_path / "log_list.json"
    with serve(log):
        missing = StubLog("missing", port=log.port)
        list_file.write_bytes(log_list([log, missing]))
        result = CliRunner().invoke(
            cli, ["watch", "--log-list", str(list_file), "--once", "--start", "beginning"]
        )
    assert result.exit_code == 1  # one log could not be read to its end
    assert (
        "LOOKALIKE tokenpocket-support.com imitates tokenpocket (tokenpocket.pro) [combosquat]"
        in result.stdout
    )
    assert "log missing" in result.stderr and "backlog" in result.stderr
    bad = CliRunner().invoke(cli, ["watch", "--log-list", str(tmp_path / "nope.json"), "--once"])
    assert bad.exit_code == 2 and "could not be read" in bad.stderr
    hook = CliRunner().invoke(
        cli, ["watch", "--log-list", str(list_file), "--once", "--webhook", "http://10.0.0.1/"]
    )
    assert hook.exit_code == 2
