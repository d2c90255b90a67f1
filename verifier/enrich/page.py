"""Fetch one web page for ``verifier scan --online``, and nothing the user did not name.

Bounded in time, size and redirects, and never sent to a private, loopback, link-local or
otherwise non-public address: every host (the first and each redirect target) is resolved
once, every address must be public (``is_public_address``), and the request then connects to
that checked address (the host name goes in the Host header and in TLS SNI, so the certificate
is still verified for the name), so a DNS answer that changes between check and connect cannot
redirect it.

URLs, the one asked for and every redirect ``Location``, are read as a browser reads them
(the WHATWG URL Standard, ``verifier.channels.weburl``), so the host checked is the host a
browser would open.

Time is one budget for the whole operation (``Deadline``): name resolution, every connect,
TLS handshake, request, response headers and body, over every redirect. The client built here
gives the network layer (httpcore) a backend whose every socket wait is cut to what is left of
the budget, so a server that drips its headers one byte at a time cannot stretch it.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from verifier.channels.weburl import NotAWebURL, WebURL, join_web_url, parse_web_url, scheme_of
from verifier.errors import CodedError

if TYPE_CHECKING:
    import httpcore
    import httpx

TIMEOUT_SECONDS = 10.0
MAX_PAGE_BYTES = 4_000_000
MAX_REDIRECTS = 3
MAX_URL_CHARS = 2048
USER_AGENT = "verifier/0.1 (verifier scan --online)"

Resolver = Callable[[str, int], Sequence[str]]
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(CodedError):
    """The page could not or must not be fetched; ``code`` is one of ``fetch.*``."""


@dataclass(frozen=True, slots=True)
class Page:
    """A fetched page: where it was asked for, where it ended, and its text."""

    url: str
    final_url: str
    content_type: str
    text: str

    @property
    def is_html(self) -> bool:
        return "html" in self.content_type or self.text.lstrip()[:15].lower().startswith(
            ("<!doctype", "<html")
        )


# The address policy.

# IPv4 blocks that are not public destinations (IANA special-purpose registry, RFC 6890 and
# successors), whatever the running Python's ``is_global`` thinks of them.
_V4_NOT_PUBLIC = tuple(
    ipaddress.IPv4Network(block)
    for block in (
        "0.0.0.0/8",  # this network
        "10.0.0.0/8",  # private
        "100.64.0.0/10",  # shared address space (carrier-grade NAT)
        "127.0.0.0/8",  # loopback
        "169.254.0.0/16",  # link-local (cloud metadata)
        "172.16.0.0/12",  # private
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation
        "192.88.99.0/24",  # deprecated 6to4 relay anycast
        "192.168.0.0/16",  # private
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation
        "203.0.113.0/24",  # documentation
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, and the limited broadcast address
    )
)
_V6_GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")
_V6_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")  # IPv4-mapped: the kernel connects over IPv4
_V6_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # NAT64 well-known prefix (RFC 6052)
_V6_6TO4 = ipaddress.IPv6Network("2002::/16")  # 6to4 (RFC 3056): 2002:AABB:CCDD::/48
# Inside 2000::/3 but no public destination (or, for Teredo, one that cannot be judged).
_V6_NOT_PUBLIC = tuple(
    ipaddress.IPv6Network(block)
    for block in (
        "2001::/23",  # IETF protocol assignments: Teredo 2001::/32, benchmarking, ORCHID ...
        "2001:db8::/32",  # documentation
        "3fff::/20",  # documentation (RFC 9637)
    )
)


def _is_public_v4(address: ipaddress.IPv4Address) -> bool:
    return address.is_global and not any(address in block for block in _V4_NOT_PUBLIC)


def is_public_address(address: Address) -> bool:
    """Whether a connection to ``address`` goes to the public internet and only there.

    IPv4: outside every special-purpose block. IPv6: an IPv4-mapped address
    (``::ffff:a.b.c.d``), the NAT64 well-known prefix (``64:ff9b::a.b.c.d``) and 6to4
    (``2002:AABB:CCDD::``) are judged by the IPv4 address they carry, since that is where the
    packets end up; otherwise only global unicast (2000::/3) outside the special-purpose
    blocks. That refuses IPv4-compatible (``::a.b.c.d``) and SIIT (``::ffff:0:a.b.c.d``)
    forms, local-use NAT64 (64:ff9b:1::/48, a private translator), Teredo (2001::/32: the
    client address is obfuscated and the relay is anyone's), site-local fec0::/10,
    unique-local, link-local, multicast, documentation and unallocated space.
    """
    if isinstance(address, ipaddress.IPv4Address):
        return _is_public_v4(address)
    if address.scope_id is not None:
        return False
    if address in _V6_MAPPED or address in _V6_NAT64:
        return _is_public_v4(ipaddress.IPv4Address(int(address) & 0xFFFF_FFFF))
    if address in _V6_6TO4:
        return _is_public_v4(ipaddress.IPv4Address((int(address) >> 80) & 0xFFFF_FFFF))
    return (
        address in _V6_GLOBAL_UNICAST
        and address.is_global
        and not address.is_multicast
        and not any(address in block for block in _V6_NOT_PUBLIC)
    )


# The total deadline.


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


def deadline_client(deadline: Deadline) -> httpx.Client:
    """An httpx client for one operation that ends by ``deadline``: no proxies or settings from
    the environment, a new connection per request (a kept-alive TLS connection was verified for
    another name, and keeping one saves nothing), and redirects left to the caller: the
    ``Location`` header is taken out of the response before httpx would parse it with its own
    rules (which throw on what browsers accept) and kept in ``response.extensions``."""
    import httpcore  # noqa: PLC0415 (the network stack only when the user asked for it)
    import httpx  # noqa: PLC0415

    transport = httpx.HTTPTransport(trust_env=False)
    # httpx takes no network backend: its connection pool is replaced by one that has ours.
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=1,
        max_keepalive_connections=0,
        network_backend=_deadline_backend(deadline),
    )
    return httpx.Client(
        transport=transport,
        timeout=deadline.seconds,
        follow_redirects=False,
        trust_env=False,
        event_hooks={"response": [_hold_location]},
    )


_LOCATION = "verifier.location"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


def _hold_location(response: httpx.Response) -> None:
    """Move a response's ``Location`` values into its extensions (see ``deadline_client``)."""
    locations = response.headers.get_list("location")
    if locations:
        del response.headers["location"]
        response.extensions[_LOCATION] = locations


def _location(response: httpx.Response) -> list[str]:
    """The ``Location`` values of a response, held back or not."""
    held: list[str] | None = response.extensions.get(_LOCATION)
    return held if held is not None else response.headers.get_list("location")


# Where a request may go.


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, by the system resolver."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise FetchError("fetch.cannot_resolve", host=host, reason=exc.strerror or str(exc)) from None
    return [str(info[4][0]) for info in infos]


def _resolve_by(resolve: Resolver, host: str, port: int, deadline: Deadline, url: str) -> list[str]:
    """``resolve(host, port)`` if it answers by ``deadline`` (the system resolver cannot be
    interrupted: a late answer is left to a daemon thread and dropped); else fetch.too_slow."""
    answer: list[Sequence[str]] = []
    failure: list[BaseException] = []
    done = threading.Event()

    def run() -> None:
        try:
            answer.append(resolve(host, port))
        except BaseException as exc:  # handed to the caller's thread
            failure.append(exc)
        finally:
            done.set()

    threading.Thread(target=run, name=f"resolve {host}", daemon=True).start()
    if not done.wait(max(deadline.remaining(), 0.0)):
        raise FetchError("fetch.too_slow", url=url)
    if failure:
        raise failure[0]
    return list(answer[0])


def public_address(
    host: str, port: int, resolve: Resolver, deadline: Deadline | None = None, url: str = ""
) -> str:
    """The address to connect to for ``host`` (a URL's host name, or an IP address without
    brackets); FetchError unless every address it resolves to is public (``is_public_address``).

    With a ``deadline``, a resolver that has not answered by then is fetch.too_slow (for ``url``).
    """
    try:
        literal: Address | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [str(literal)]
    elif deadline is None:
        addresses = list(resolve(host, port))
    else:
        addresses = _resolve_by(resolve, host, port, deadline, url or host)
    if not addresses:
        raise FetchError("fetch.no_address", host=host)
    for text in addresses:
        try:
            address = ipaddress.ip_address(text)
        except ValueError:
            address = None  # a scoped (``%eth0``) or malformed answer: never public
        if address is None or not is_public_address(address):
            raise FetchError("fetch.non_public", host=host, address=text)
    return addresses[0]


def _target(url: str) -> WebURL:
    """An http(s) URL a user may ask for, parsed as a browser does; FetchError otherwise."""
    if len(url) > MAX_URL_CHARS:
        raise FetchError("fetch.url_too_long")
    if scheme_of(url) not in ("http", "https"):
        raise FetchError("fetch.not_http")
    try:
        target = parse_web_url(url)
    except NotAWebURL:
        raise FetchError("fetch.invalid_url", url=repr(url[:200])) from None
    if len(target.href) > MAX_URL_CHARS:
        raise FetchError("fetch.url_too_long")
    if target.userinfo is not None:
        raise FetchError("fetch.userinfo")
    return target


def pinned_request(url: str | WebURL, address: str) -> tuple[str, dict[str, str], dict[str, Any]]:
    """The URL rewritten to connect to ``address``, with the Host header and SNI of the name."""
    target = url if isinstance(url, WebURL) else parse_web_url(url)
    shown = f"[{address}]" if ":" in address else address
    port = "" if target.port is None else f":{target.port}"
    extensions: dict[str, Any] = {"sni_hostname": target.hostname} if target.scheme == "https" else {}
    pinned = f"{target.scheme}://{shown}{port}{target.path}{target.query}"
    return pinned, {"Host": target.host + port}, extensions


def fetch_page(
    url: str,
    *,
    client: Any = None,
    resolve: Resolver = system_resolver,
    max_bytes: int = MAX_PAGE_BYTES,
    timeout: float = TIMEOUT_SECONDS,
) -> Page:
    """GET one page: http(s) only, public addresses only, at most ``MAX_REDIRECTS`` redirects
    (each checked like the first), ``max_bytes`` of body and ``timeout`` seconds in all.

    ``client`` (tests, mocks) replaces the client built here; the budget then still bounds
    each request as a whole and each step between reads, but only the client built here cuts
    a single slow read short.

    Raises FetchError with a plain message for anything refused or failed.
    """
    import httpx  # noqa: PLC0415 (the network stack only when the user asked for it)

    deadline = Deadline(timeout)
    current = _target(url.strip())
    own = client is None
    session = client or deadline_client(deadline)
    try:
        for _ in range(MAX_REDIRECTS + 1):
            address = public_address(
                current.hostname, current.effective_port, resolve, deadline, current.href
            )
            pinned, headers, extensions = pinned_request(current, address)
            headers["User-Agent"] = USER_AGENT
            headers["Accept-Encoding"] = ACCEPT_ENCODING
            extensions["timeout"] = deadline.timeouts()
            if deadline.passed():
                raise FetchError("fetch.too_slow", url=current.href)
            request = session.build_request("GET", pinned, headers=headers, extensions=extensions)
            response = session.send(request, stream=True)
            try:
                locations = _location(response)
                if response.status_code in REDIRECT_STATUSES and locations:
                    current = _redirect(current, locations)
                    continue
                if response.status_code != 200:
                    raise FetchError("fetch.http_status", url=current.href, status=response.status_code)
                body = read_bounded(response, max_bytes, deadline.at, current.href)
                content_type = response.headers.get("content-type", "").lower()
                encoding = response.charset_encoding or "utf-8"
                try:
                    text = body.decode(encoding, errors="replace")
                except LookupError:
                    text = body.decode("utf-8", errors="replace")
                return Page(url, current.href, content_type, text)
            finally:
                response.close()
        raise FetchError("fetch.too_many_redirects", limit=MAX_REDIRECTS, url=url)
    except httpx.TimeoutException:
        raise FetchError("fetch.too_slow", url=current.href) from None
    except httpx.HTTPError as exc:
        raise FetchError("fetch.failed", url=current.href, reason=str(exc)) from None
    except httpx.InvalidURL:  # a caller's client parsing a Location its own way
        raise FetchError("fetch.invalid_url", url=repr(current.href[:200])) from None
    finally:
        if own:
            session.close()


def _redirect(base: WebURL, locations: list[str]) -> WebURL:
    """Where a redirect goes: its ``Location`` resolved against ``base`` as a browser does
    (differing ``Location`` headers are refused, as Chromium does)."""
    location = locations[0]
    if any(other != location for other in locations[1:]):
        raise FetchError("fetch.invalid_url", url=repr(", ".join(locations)[:200]))
    try:
        href = join_web_url(base.href, location)
    except NotAWebURL:
        raise FetchError("fetch.invalid_url", url=repr(location[:200])) from None
    return _target(href)


ACCEPT_ENCODING = "gzip, deflate"  # what read_bounded decodes, and so all a fetcher asks for


def read_bounded(response: Any, max_bytes: int, deadline: float, url: str) -> bytes:
    """The body of a streamed response, decoded (``Content-Encoding`` gzip or deflate, never
    more than ``max_bytes`` + 1 bytes of output held, so a compression bomb stays small);
    FetchError past ``max_bytes``, past the ``deadline`` (a ``time.monotonic()`` instant) or
    for another content encoding."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError("fetch.too_large", url=url, limit=f"{max_bytes:,}")
    if time.monotonic() > deadline:
        raise FetchError("fetch.too_slow", url=url)
    if response.is_stream_consumed:  # a response built in memory (mocks): httpx decoded it
        decoder = _BoundedDecoder("identity", max_bytes, url)
        decoder.feed(response.content)
        return decoder.finish()
    decoder = _BoundedDecoder(response.headers.get("content-encoding", ""), max_bytes, url)
    for chunk in response.iter_raw():
        decoder.feed(chunk)
        if time.monotonic() > deadline:
            raise FetchError("fetch.too_slow", url=url)
    return decoder.finish()


class _BoundedDecoder:
    """Decodes a body as it arrives and refuses it once it decodes to more than ``max_bytes``."""

    def __init__(self, encoding: str, max_bytes: int, url: str) -> None:
        self.max_bytes = max_bytes
        self.url = url
        self.body = bytearray()
        self.raw_deflate = False
        name = encoding.strip().lower()
        if name in ("", "identity"):
            self.inflater: Any = None
        elif name in ("gzip", "x-gzip"):
            self.inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif name == "deflate":  # zlib-wrapped as the RFC says, or raw as some servers send it
            self.inflater = zlib.decompressobj(zlib.MAX_WBITS)
        else:
            raise FetchError("fetch.failed", url=url, reason=f"unsupported content encoding {name[:40]!r}")
        self.started = False

    def _keep(self, data: bytes) -> None:
        self.body += data
        if len(self.body) > self.max_bytes:
            raise FetchError("fetch.too_large", url=self.url, limit=f"{self.max_bytes:,}")

    def feed(self, data: bytes) -> None:
        if self.inflater is None:
            self._keep(data)
            return
        try:
            while data and not self.inflater.eof:
                piece = self.inflater.decompress(data, self.max_bytes + 1 - len(self.body))
                self.started = self.started or bool(piece)
                self._keep(piece)
                data = self.inflater.unconsumed_tail
        except zlib.error as exc:
            if self.started or self.raw_deflate or self.inflater.eof:
                raise FetchError("fetch.failed", url=self.url, reason=f"bad compressed body: {exc}") from None
            self.raw_deflate = True  # a first chunk without the zlib header: raw deflate
            self.inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            self.feed(data)

    def finish(self) -> bytes:
        if self.inflater is not None:
            try:
                self._keep(self.inflater.flush())
            except zlib.error as exc:
                raise FetchError("fetch.failed", url=self.url, reason=f"bad compressed body: {exc}") from None
        return bytes(self.body)
