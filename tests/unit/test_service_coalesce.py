"""CoalescingTransport on a real socket pair: writes held for one loop iteration, nothing lost."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable

from verifier.service.coalesce import CoalescingTransport


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
