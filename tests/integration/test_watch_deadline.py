"""One total deadline per log request: a log on 127.0.0.1 that drips its answer one byte every
0.1 s (each read alone well within any per-read timeout) is cut off when the request's time is
up, and the next request gets a full budget of its own."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from verifier.watch import LogUnavailable, Politeness
from verifier.watch.fetch import LogFetcher

BUDGET = 1.0
SLACK = 0.6


@pytest.fixture
def drip_server() -> Iterator[str]:
    stop = threading.Event()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)

    def answer(conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            body = b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + b"x" * 100000
            for byte in body:
                if stop.wait(0.1):
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=answer, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/log/ct/v1/get-sth"
    finally:
        stop.set()
        thread.join()
        listener.close()


def test_dripping_log_is_cut_off_at_the_deadline(drip_server: str) -> None:
    fetcher = LogFetcher("drip", politeness=Politeness(rate=100.0, timeout=BUDGET, retries=1, backoff=0.01))
    try:
        began = time.monotonic()
        with pytest.raises(LogUnavailable, match="2 attempts"):
            fetcher.get(drip_server)
        elapsed = time.monotonic() - began
    finally:
        fetcher.close()
    assert 2 * BUDGET - 0.1 <= elapsed <= 2 * (BUDGET + SLACK)  # two attempts, each its full budget
