"""CoalescingTransport on a real socket pair: writes held for one loop iteration, nothing lost."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable
from typing import Any

import uvicorn
from uvicorn.server import ServerState

from verifier.service.server.coalesce import CoalescingHttpToolsProtocol, CoalescingTransport


def _with_transport(body: Callable[[CoalescingTransport, socket.socket], Awaitable[None]]) -> None:
    async def main() -> None:
        ours, peer = socket.socketpair()
        peer.setblocking(False)
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_connection(asyncio.Protocol, sock=ours)
        try:
            await body(CoalescingTransport(transport, loop), peer)
        finally:
            transport.abort()
            peer.close()

    asyncio.run(main())


def _pending(peer: socket.socket) -> bytes:
    try:
        return peer.recv(65536)
    except BlockingIOError:
        return b""


async def _read_to_eof(peer: socket.socket) -> bytes:
    loop = asyncio.get_running_loop()
    chunks = []
    while chunk := await loop.sock_recv(peer, 65536):
        chunks.append(chunk)
    return b"".join(chunks)


def test_writes_of_one_iteration_reach_the_socket_together_at_its_end() -> None:
    async def body(held: CoalescingTransport, peer: socket.socket) -> None:
        held.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n")
        held.write(memoryview(b"{}"))
        assert _pending(peer) == b""  # nothing written yet
        assert held.get_write_buffer_size() == 40
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        assert _pending(peer) == b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}"
        assert held.get_write_buffer_size() == 0

    _with_transport(body)


def test_close_writes_what_is_held_first_and_order_is_kept() -> None:
    async def body(held: CoalescingTransport, peer: socket.socket) -> None:
        held.writelines([b"one ", b"two "])
        held.write(b"three")
        held.close()
        assert await _read_to_eof(peer) == b"one two three"
        assert held.is_closing()  # delegated to the real transport

    _with_transport(body)


def test_abort_drops_what_is_held() -> None:
    async def body(held: CoalescingTransport, peer: socket.socket) -> None:
        held.write(b"never sent")
        held.abort()
        await asyncio.sleep(0)
        assert await _read_to_eof(peer) == b""

    _with_transport(body)


def test_separate_iterations_are_separate_writes() -> None:
    async def body(held: CoalescingTransport, peer: socket.socket) -> None:
        held.write(b"first")
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        assert _pending(peer) == b"first"
        held.write(b"second")
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        assert _pending(peer) == b"second"

    _with_transport(body)


def test_an_answer_written_as_the_client_half_closes_is_not_lost() -> None:
    """The client sends its request and shuts its side; the transport closes itself at that EOF."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
        await send({"type": "http.response.body", "body": b"{}"})

    async def main() -> None:
        ours, peer = socket.socketpair()
        peer.setblocking(False)
        loop = asyncio.get_running_loop()
        config = uvicorn.Config(app, lifespan="off", log_level="warning")
        config.load()
        protocol = CoalescingHttpToolsProtocol(config, ServerState(), {}, _loop=loop)
        transport, _ = await loop.create_connection(lambda: protocol, sock=ours)
        try:
            peer.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            peer.shutdown(socket.SHUT_WR)  # request and end of input arrive together
            answer = await asyncio.wait_for(_read_to_eof(peer), 10)
        finally:
            transport.abort()
            peer.close()
        assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
        assert answer.endswith(b"\r\n\r\n{}")

    asyncio.run(main())
