"""One total deadline per network operation: connect, TLS, headers, body and every redirect.

Real servers on 127.0.0.1 (plain sockets, one thread per connection) misbehave on purpose:
they drip the response headers or the body one byte every 0.2 s, answer each hop of a
redirect chain slowly, accept a connection and never say anything (also to a TLS
ClientHello), or never complete the TCP handshake (a full accept queue); a resolver that
never answers stands in for a hung DNS. A per-read timeout
never fires against them; the total deadline must. ``fetch_page`` refuses loopback, so, as in
``test_pinned_tls``, the resolver answers a public address and only httpcore's TCP connect is
routed from that address to the local server. ``update.fetch`` takes loopback http as it is.

Each case runs with a 1.5 s budget and must fail with ``fetch.too_slow`` within it plus a
small slack, and not before it.
"""

from __future__ import annotations

import functools
import gzip
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpcore
import pytest
from typer.testing import CliRunner

from verifier.allowlist.update import UpdateError
from verifier.allowlist.update import fetch as fetch_update
from verifier.cli import app
from verifier.net.page import TIMEOUT_SECONDS, FetchError, fetch_page

PUBLIC = "93.184.216.34"
BUDGET = 1.5
SLACK = 0.5
DRIP = 0.2

Behaviour = Callable[[socket.socket, bytes, threading.Event], None]


def _read_request(conn: socket.socket) -> bytes:
    data = b""
    conn.settimeout(5)
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def _drip(conn: socket.socket, data: bytes, stop: threading.Event) -> None:
    for byte in data:
        if stop.wait(DRIP):
            return
        conn.sendall(bytes([byte]))


def drip_headers(conn: socket.socket, request: bytes, stop: threading.Event) -> None:
    """Headers one byte every 0.2 s, and they never end."""
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    _drip(conn, b"X-Padding: " + b"a" * 10_000, stop)


def drip_body(conn: socket.socket, request: bytes, stop: threading.Event) -> None:
    """Complete headers at once, then the body one byte every 0.2 s."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 10000\r\n\r\n")
    _drip(conn, b"<html>" + b"a" * 9994, stop)


def slow_redirects(conn: socket.socket, request: bytes, stop: threading.Event) -> None:
    """``/hop/N`` answers after 0.6 s with a redirect to ``/hop/N+1``; ``/hop/3`` is the page.

    Every hop is well within a per-request timeout; four of them are not within the budget.
    """
    path = request.split(b" ", 2)[1].decode()
    hop = int(path.rsplit("/", 1)[1])
    if stop.wait(0.6):
        return
    if hop < 3:
        conn.sendall(f"HTTP/1.1 302 Found\r\nLocation: /hop/{hop + 1}\r\nContent-Length: 0\r\n\r\n".encode())
    else:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\ndone")


def silent(conn: socket.socket, request: bytes, stop: threading.Event) -> None:
    """Accept and never answer."""
    stop.wait(60)


@dataclass
class SlowServer:
    """A TCP server on 127.0.0.1 that runs ``behaviour`` for every connection."""

    behaviour: Behaviour
    read_request: bool = True
    port: int = 0
    requests: list[bytes] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def serve(self, listener: socket.socket) -> None:
        threads: list[threading.Thread] = []
        listener.settimeout(0.05)
        while not self.stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            thread = threading.Thread(target=self._handle, args=(conn,), daemon=True)
            thread.start()
            threads.append(thread)
        for thread in threads:
            thread.join(5)

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            try:
                request = _read_request(conn) if self.read_request else b""
                self.requests.append(request)
                self.behaviour(conn, request, self.stop)
                self.stop.wait(60)  # keep the connection open: the client must give up on its own
            except OSError:
                pass  # the client hung up: that is what a deadline does


@contextmanager
def serving(behaviour: Behaviour, *, read_request: bool = True) -> Iterator[SlowServer]:
    server = SlowServer(behaviour, read_request)
    listener = socket.create_server(("127.0.0.1", 0))
    server.port = listener.getsockname()[1]
    thread = threading.Thread(target=server.serve, args=(listener,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stop.set()
        thread.join(10)
        listener.close()


@contextmanager
def syn_dropped() -> Iterator[int]:
    """A port on 127.0.0.1 whose connects never complete: a listener that never accepts, its
    accept queue (backlog 0) filled by one connection, so the kernel drops further SYNs."""
    with socket.create_server(("127.0.0.1", 0), backlog=0) as listener:
        port = listener.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            with socket.socket() as probe:  # the queue is full: a connect now times out
                probe.settimeout(0.3)
                with pytest.raises(TimeoutError):
                    probe.connect(("127.0.0.1", port))
            yield port


@pytest.fixture
def routed(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Route httpcore's TCP connects to PUBLIC onto 127.0.0.1; refuse every other address."""
    seen: list[tuple[str, int]] = []
    connect_tcp = httpcore.SyncBackend.connect_tcp

    def route(
        backend: httpcore.SyncBackend,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        seen.append((host, port))
        if host != PUBLIC:
            raise httpcore.ConnectError(f"test network: no route to {host}")
        return connect_tcp(backend, "127.0.0.1", port, timeout, local_address, socket_options)

    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", route)
    return seen


def public(host: str, port: int) -> Sequence[str]:
    return [PUBLIC]


@contextmanager
def within_budget(budget: float = BUDGET, slack: float = SLACK) -> Iterator[list[float]]:
    """Times the block; it must take at least ``budget`` minus a hair and at most budget + slack."""
    elapsed: list[float] = []
    start = time.monotonic()
    try:
        yield elapsed
    finally:
        elapsed.append(time.monotonic() - start)
        print(f"[deadline] {elapsed[0]:.3f} s for a {budget} s budget")  # shown with pytest -s
    assert budget - 0.05 <= elapsed[0] <= budget + slack, f"took {elapsed[0]:.2f} s for a {budget} s budget"


def _page_too_slow(url: str, budget: float = BUDGET) -> None:
    with within_budget(budget), pytest.raises(FetchError) as raised:
        fetch_page(url, resolve=public, timeout=budget)
    assert raised.value.code == "fetch.too_slow", raised.value


def _update_too_slow(url: str, budget: float = BUDGET) -> None:
    with within_budget(budget), pytest.raises(UpdateError) as raised:
        fetch_update(url, resolve=public, timeout=budget)
    assert raised.value.code == "fetch.too_slow", raised.value


# The page fetcher (scan --online).


def test_page_headers_dripped_one_byte_at_a_time(routed: list[tuple[str, int]]) -> None:
    with serving(drip_headers) as server:
        _page_too_slow(f"http://scam.test:{server.port}/kefu")
    assert routed == [(PUBLIC, server.port)]
    assert len(server.requests) == 1


def test_page_body_dripped_one_byte_at_a_time(routed: list[tuple[str, int]]) -> None:
    with serving(drip_body) as server:
        _page_too_slow(f"http://scam.test:{server.port}/kefu")


def test_page_slow_redirect_chain_shares_one_budget(routed: list[tuple[str, int]]) -> None:
    with serving(slow_redirects) as server:
        _page_too_slow(f"http://scam.test:{server.port}/hop/0")
    assert [r.split(b" ", 2)[1] for r in server.requests] == [b"/hop/0", b"/hop/1", b"/hop/2"]


def test_page_server_that_accepts_and_never_answers(routed: list[tuple[str, int]]) -> None:
    with serving(silent) as server:
        _page_too_slow(f"http://scam.test:{server.port}/kefu")


def test_page_tls_handshake_never_answered(routed: list[tuple[str, int]]) -> None:
    with serving(silent, read_request=False) as server:
        _page_too_slow(f"https://scam.test:{server.port}/kefu")


def test_page_connect_that_never_completes(routed: list[tuple[str, int]]) -> None:
    with syn_dropped() as port:
        _page_too_slow(f"http://scam.test:{port}/kefu")
    assert routed == [(PUBLIC, port)]


def test_page_resolver_that_never_answers() -> None:
    release = threading.Event()

    def hanging(host: str, port: int) -> Sequence[str]:
        release.wait(30)
        return [PUBLIC]

    try:
        with within_budget(), pytest.raises(FetchError) as raised:
            fetch_page("http://scam.test/kefu", resolve=hanging, timeout=BUDGET)
        assert raised.value.code == "fetch.too_slow"
    finally:
        release.set()


def test_page_slow_redirects_within_the_budget_are_followed(routed: list[tuple[str, int]]) -> None:
    with serving(slow_redirects) as server:
        page = fetch_page(f"http://scam.test:{server.port}/hop/0", resolve=public, timeout=4.0)
    assert (page.text, page.final_url) == ("done", f"http://scam.test:{server.port}/hop/3")


# The bundle fetcher (verifier update): loopback http as it is, https through the routed connect.


@pytest.mark.parametrize("behaviour", [drip_headers, drip_body, silent], ids=lambda b: b.__name__)
def test_update_over_loopback_http(behaviour: Behaviour) -> None:
    with serving(behaviour) as server:
        _update_too_slow(f"http://127.0.0.1:{server.port}/v6.json")


def test_update_connect_that_never_completes() -> None:
    with syn_dropped() as port:
        _update_too_slow(f"http://127.0.0.1:{port}/v6.json")


def test_update_tls_handshake_never_answered(routed: list[tuple[str, int]]) -> None:
    with serving(silent, read_request=False) as server:
        _update_too_slow(f"https://mirror.test:{server.port}/v6.json")
    assert routed == [(PUBLIC, server.port)]


def test_update_resolver_that_never_answers() -> None:
    release = threading.Event()

    def hanging(host: str, port: int) -> Sequence[str]:
        release.wait(30)
        return [PUBLIC]

    try:
        with within_budget(), pytest.raises(UpdateError) as raised:
            fetch_update("https://mirror.test/v6.json", resolve=hanging, timeout=BUDGET)
        assert raised.value.code == "fetch.too_slow"
    finally:
        release.set()


# Bounded in size as well: a compressed body is decoded as it arrives, never past the limit.


@functools.cache
def bomb() -> bytes:
    """200 MB of zeros as gzip: about 200 kB on the wire."""
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = b"\0" * 1_000_000
    return b"".join(packer.compress(block) for _ in range(200)) + packer.flush()


def _compressed(body: bytes, encoding: str) -> Behaviour:
    def send(conn: socket.socket, request: bytes, stop: threading.Event) -> None:
        head = f"HTTP/1.1 200 OK\r\nContent-Encoding: {encoding}\r\nContent-Length: {len(body)}\r\n\r\n"
        conn.sendall(head.encode() + body)

    return send


@contextmanager
def peak_memory(limit: int) -> Iterator[None]:
    tracemalloc.start()
    try:
        yield
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < limit, f"peak {peak:,} bytes"


def test_a_compression_bomb_is_refused_at_the_limit_without_being_inflated() -> None:
    with (
        serving(_compressed(bomb(), "gzip")) as server,
        peak_memory(8_000_000),
        pytest.raises(UpdateError) as raised,
    ):
        fetch_update(f"http://127.0.0.1:{server.port}/v6.json", max_bytes=1_000_000, timeout=10)
    assert raised.value.code == "fetch.too_large"
    assert b"gzip, deflate" in server.requests[0]


def test_a_compression_bomb_page_is_refused(routed: list[tuple[str, int]]) -> None:
    with (
        serving(_compressed(bomb(), "gzip")) as server,
        peak_memory(8_000_000),
        pytest.raises(FetchError) as raised,
    ):
        fetch_page(f"http://scam.test:{server.port}/", resolve=public, max_bytes=1_000_000, timeout=10)
    assert raised.value.code == "fetch.too_large"


@pytest.mark.parametrize(
    ("encoding", "body"),
    [
        ("gzip", gzip.compress(b"<html>hello</html>")),
        ("x-gzip", gzip.compress(b"<html>hello</html>")),
        ("deflate", zlib.compress(b"<html>hello</html>")),
        ("deflate", zlib.compress(b"<html>hello</html>")[2:-4]),  # raw deflate, as some servers send
        ("identity", b"<html>hello</html>"),
    ],
)
def test_compressed_pages_are_decoded(routed: list[tuple[str, int]], encoding: str, body: bytes) -> None:
    with serving(_compressed(body, encoding)) as server:
        page = fetch_page(f"http://scam.test:{server.port}/", resolve=public, timeout=5)
    assert page.text == "<html>hello</html>"


@pytest.mark.parametrize(("encoding", "body"), [("br", b"\x0b\x02\x80hi\x03"), ("gzip", b"not gzip at all")])
def test_unknown_or_broken_encodings_are_refused(
    routed: list[tuple[str, int]], encoding: str, body: bytes
) -> None:
    with serving(_compressed(body, encoding)) as server, pytest.raises(FetchError) as raised:
        fetch_page(f"http://scam.test:{server.port}/", resolve=public, timeout=5)
    assert raised.value.code == "fetch.failed"


# The commands as a user runs them, with their own 10 s limit (the slack covers the command's
# own start: imports and argument handling before the fetch starts its clock).


def test_cli_scan_online_ends_at_its_time_limit(routed: list[tuple[str, int]]) -> None:
    with serving(drip_headers) as server, within_budget(TIMEOUT_SECONDS, slack=1.5):
        result = CliRunner().invoke(app, ["scan", f"http://{PUBLIC}:{server.port}/kefu", "--online"])
    assert result.exit_code == 2
    assert "took longer than the time limit" in result.stderr


def test_cli_update_ends_at_its_time_limit() -> None:
    with serving(drip_headers) as server, within_budget(TIMEOUT_SECONDS, slack=1.5):
        result = CliRunner().invoke(app, ["update", "--url", f"http://127.0.0.1:{server.port}/v6.json"])
    assert result.exit_code == 1
    assert "took longer than the time limit" in result.stderr
