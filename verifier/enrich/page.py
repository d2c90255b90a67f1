"""Fetch one web page for ``verifier scan --online``, and nothing the user did not name.

Bounded in time, size and redirects, and never sent to a private, loopback, link-local or
otherwise non-public address: every host (the first and each redirect target) is resolved
once, every address must be global, and the request then connects to that checked address
(the host name goes in the Host header and in TLS SNI, so the certificate is still verified
for the name), so a DNS answer that changes between check and connect cannot redirect it.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from verifier.errors import CodedError

TIMEOUT_SECONDS = 10.0
MAX_PAGE_BYTES = 4_000_000
MAX_REDIRECTS = 3
MAX_URL_CHARS = 2048
USER_AGENT = "verifier/0.1 (verifier scan --online)"

Resolver = Callable[[str, int], Sequence[str]]


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


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, by the system resolver."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise FetchError("fetch.cannot_resolve", host=host, reason=exc.strerror or str(exc)) from None
    return [str(info[4][0]) for info in infos]


def public_address(host: str, port: int, resolve: Resolver) -> str:
    """The address to connect to for ``host``; FetchError unless every address is public."""
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    addresses = [str(literal)] if literal else list(resolve(host, port))
    if not addresses:
        raise FetchError("fetch.no_address", host=host)
    for text in addresses:
        address = ipaddress.ip_address(text.split("%", 1)[0])
        if not address.is_global or address.is_multicast:
            raise FetchError("fetch.non_public", host=host, address=str(address))
    return addresses[0]


def _target(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an http(s) URL a user may ask for; FetchError otherwise."""
    if len(url) > MAX_URL_CHARS:
        raise FetchError("fetch.url_too_long")
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        raise FetchError("fetch.invalid_url", url=repr(url[:200])) from None
    if parts.scheme not in ("http", "https") or not host:
        raise FetchError("fetch.not_http")
    if parts.username is not None or parts.password is not None:
        raise FetchError("fetch.userinfo")
    return parts.scheme, host, port or (443 if parts.scheme == "https" else 80)


def pinned_request(url: str, address: str) -> tuple[str, dict[str, str], dict[str, Any]]:
    """The URL rewritten to connect to ``address``, with the Host header and SNI of the name."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    shown = f"[{address}]" if ":" in address else address
    netloc = shown if parts.port is None else f"{shown}:{parts.port}"
    host_header = host if parts.port is None else f"{host}:{parts.port}"
    extensions: dict[str, Any] = {"sni_hostname": host} if parts.scheme == "https" else {}
    return urlunsplit(parts._replace(netloc=netloc)), {"Host": host_header}, extensions


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

    Raises FetchError with a plain message for anything refused or failed.
    """
    import httpx  # noqa: PLC0415 (the network stack only when the user asked for it)

    own = client is None
    session = client or httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False)
    deadline = time.monotonic() + timeout
    current = url.strip()
    try:
        for _ in range(MAX_REDIRECTS + 1):
            _, host, port = _target(current)
            address = public_address(host, port, resolve)
            pinned, headers, extensions = pinned_request(current, address)
            headers["User-Agent"] = USER_AGENT
            request = session.build_request("GET", pinned, headers=headers, extensions=extensions)
            response = session.send(request, stream=True)
            try:
                if response.is_redirect:
                    location = response.headers.get("location", "")
                    current = urljoin(current, location)
                    continue
                if response.status_code != 200:
                    raise FetchError("fetch.http_status", url=current, status=response.status_code)
                body = read_bounded(response, max_bytes, deadline, current)
                content_type = response.headers.get("content-type", "").lower()
                encoding = response.charset_encoding or "utf-8"
                try:
                    text = body.decode(encoding, errors="replace")
                except LookupError:
                    text = body.decode("utf-8", errors="replace")
                return Page(url, current, content_type, text)
            finally:
                response.close()
        raise FetchError("fetch.too_many_redirects", limit=MAX_REDIRECTS, url=url)
    except httpx.HTTPError as exc:
        raise FetchError("fetch.failed", url=current, reason=str(exc)) from None
    finally:
        if own:
            session.close()


def read_bounded(response: Any, max_bytes: int, deadline: float, url: str) -> bytes:
    """The body of a streamed response; FetchError past ``max_bytes`` or the ``deadline``."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError("fetch.too_large", url=url, limit=f"{max_bytes:,}")
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > max_bytes:
            raise FetchError("fetch.too_large", url=url, limit=f"{max_bytes:,}")
        if time.monotonic() > deadline:
            raise FetchError("fetch.too_slow", url=url)
    return bytes(body)
