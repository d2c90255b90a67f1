"""One total deadline per check: resolvers and an RDAP server that never answer (real sockets on
127.0.0.1 that read and stay silent) cost the check its deadline, not more, and say so."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import pytest

import verifier
from verifier.online import OnlineConfig, clear_cache


@pytest.fixture
def silent() -> Iterator[tuple[int, int]]:
    """(UDP port that reads queries and never answers, TCP port that accepts and never answers)."""
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.bind(("127.0.0.1", 0))
    tcp.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def swallow() -> None:
        udp.settimeout(0.1)
        tcp.settimeout(0.1)
        while not stop.is_set():
            with contextlib.suppress(OSError):
                udp.recvfrom(4096)
            with contextlib.suppress(OSError):
                held.append(tcp.accept()[0])

    thread = threading.Thread(target=swallow, daemon=True)
    thread.start()
    clear_cache()
    try:
        yield udp.getsockname()[1], tcp.getsockname()[1]
    finally:
        stop.set()
        thread.join(2)
        for sock in (udp, tcp, *held):
            sock.close()
        clear_cache()


def test_silent_servers_cost_the_deadline_and_no_more(silent: tuple[int, int]) -> None:
    dns_port, rdap_port = silent
    config = OnlineConfig(
        nameservers=(("127.0.0.1", dns_port),), rdap_url=f"http://127.0.0.1:{rdap_port}", deadline=1.5
    )
    started = time.monotonic()
    result = verifier.check("slow-wallet.test", online=config)
    took = time.monotonic() - started
    assert took < 2.5, took
    evidence = result.to_dict()["evidence"]
    assert evidence["dns"]["error"] == "timeout" and evidence["dns"].get("resolves") is None
    assert evidence["rdap"]["error"] == "timeout"
    codes = [r.code for r in result.reasons]
    assert "online.dns.error" in codes or "online.timeout" in codes
    assert "online.dns.nxdomain" not in codes  # a silent resolver is not a missing name
    assert result.verdict is verifier.Verdict.UNKNOWN


def test_the_deadline_is_per_check_in_a_batch(silent: tuple[int, int]) -> None:
    dns_port, rdap_port = silent
    config = OnlineConfig(
        nameservers=(("127.0.0.1", dns_port),), rdap_url=f"http://127.0.0.1:{rdap_port}", deadline=1.0
    )
    from concurrent.futures import ThreadPoolExecutor

    started = time.monotonic()
    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(lambda i: verifier.check(f"s{i}.test", online=config), range(16)))
    assert time.monotonic() - started < 3.0  # side by side, not 16 deadlines one after another
    assert all(r.to_dict()["evidence"]["rdap"]["error"] == "timeout" for r in results)
