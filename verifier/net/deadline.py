"""One total time budget for a whole network operation, and the HTTP client that keeps it.

Name resolution, every connect, TLS handshake, request, response headers and body, over every
redirect, share one ``Deadline``. The client built here gives the network layer (httpcore) a
backend whose every socket wait is cut to what is left of the budget, so a server that drips
its headers one byte at a time cannot stretch it.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpcore
    import httpx


class Deadline:
    """The instant by which a whole network operation must be over."""

    __slots__ = ("at", "seconds")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def passed(self) -> bool:
        return self.remaining() <= 0

    def cut(self, timeout: float | None, error: type[Exception]) -> float:
        """``timeout`` cut to what is left; ``error`` (an httpcore timeout) when nothing is."""
        left = self.remaining()
        if left <= 0:
            raise error("the total time limit has passed")
        return left if timeout is None else min(timeout, left)

    def timeouts(self) -> dict[str, float]:
        """httpx's per-request ``timeout`` extension, each phase bounded by what is left."""
        left = max(self.remaining(), 0.001)
        return {"connect": left, "read": left, "write": left, "pool": left}


def _deadline_backend(deadline: Deadline) -> httpcore.NetworkBackend:
    """An httpcore network backend whose every wait (connect, TLS, read, write) ends by
    ``deadline``: each call gets at most the time left, and none starts once it has passed."""
    import httpcore  # noqa: PLC0415 (the network stack only when the user asked for it)

    class Stream(httpcore.NetworkStream):
        def __init__(self, inner: httpcore.NetworkStream) -> None:
            self._inner = inner

        def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            return self._inner.read(max_bytes, deadline.cut(timeout, httpcore.ReadTimeout))

        def write(self, buffer: bytes, timeout: float | None = None) -> None:
            # A request is a few hundred bytes: it fits the socket buffer in one send.
            self._inner.write(buffer, deadline.cut(timeout, httpcore.WriteTimeout))

        def close(self) -> None:
            self._inner.close()

        def start_tls(
            self,
            ssl_context: ssl.SSLContext,
            server_hostname: str | None = None,
            timeout: float | None = None,
        ) -> httpcore.NetworkStream:
            # The handshake's timeout is one total for all of it (CPython's _ssl keeps a deadline).
            left = deadline.cut(timeout, httpcore.ConnectTimeout)
            return Stream(self._inner.start_tls(ssl_context, server_hostname, left))

        def get_extra_info(self, info: str) -> Any:
            return self._inner.get_extra_info(info)

    class Backend(httpcore.NetworkBackend):
        def __init__(self) -> None:
            self._inner = httpcore.SyncBackend()

        def connect_tcp(
            self,
            host: str,
            port: int,
            timeout: float | None = None,
            local_address: str | None = None,
            socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
        ) -> httpcore.NetworkStream:
            left = deadline.cut(timeout, httpcore.ConnectTimeout)
            return Stream(self._inner.connect_tcp(host, port, left, local_address, socket_options))

        def connect_unix_socket(
            self,
            path: str,
            timeout: float | None = None,
            socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
        ) -> httpcore.NetworkStream:
            raise httpcore.ConnectError("no unix sockets here")

        def sleep(self, seconds: float) -> None:
            time.sleep(max(0.0, min(seconds, deadline.remaining())))

    return Backend()


def deadline_client(deadline: Deadline, ssl_context: ssl.SSLContext | None = None) -> httpx.Client:
    """An httpx client for one operation that ends by ``deadline``: no proxies or settings from
    the environment, a new connection per request (a kept-alive TLS connection was verified for
    another name, and keeping one saves nothing), and redirects left to the caller: the
    ``Location`` header is taken out of the response before httpx would parse it with its own
    rules (which throw on what browsers accept) and kept in ``response.extensions``.

    ``ssl_context`` (a verifying context kept by the caller) saves loading the CA bundle again.
    """
    import httpcore  # noqa: PLC0415 (the network stack only when the user asked for it)
    import httpx  # noqa: PLC0415

    verify: ssl.SSLContext | bool = ssl_context if ssl_context is not None else True
    transport = httpx.HTTPTransport(verify=verify, trust_env=False)
    # httpx takes no network backend: its connection pool is replaced by one that has ours.
    transport._pool = httpcore.ConnectionPool(
        ssl_context=ssl_context or httpx.create_ssl_context(trust_env=False),
        max_connections=1,
        max_keepalive_connections=0,
        network_backend=_deadline_backend(deadline),
    )
    return httpx.Client(
        transport=transport,
        verify=verify,
        timeout=deadline.seconds,
        follow_redirects=False,
        trust_env=False,
        event_hooks={"response": [_hold_location]},
    )


_LOCATION = "verifier.location"


def _hold_location(response: httpx.Response) -> None:
    """Move a response's ``Location`` values into its extensions (see ``deadline_client``)."""
    locations = response.headers.get_list("location")
    if locations:
        del response.headers["location"]
        response.extensions[_LOCATION] = locations


def locations_of(response: httpx.Response) -> list[str]:
    """The ``Location`` values of a response, held back or not."""
    held: list[str] | None = response.extensions.get(_LOCATION)
    return held if held is not None else response.headers.get_list("location")
