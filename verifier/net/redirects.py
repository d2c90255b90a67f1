"""The URLs a GET may go to, read as a browser reads them, and the one loop that follows
redirects: every hop's host is checked like the first and the connection pinned to the checked
address (the host name goes in the Host header and in TLS SNI, so the certificate is still
verified for the name).

URLs, the one asked for and every redirect ``Location``, are parsed by the WHATWG URL Standard
(``verifier.channels.weburl``), so the host checked is the host a browser would open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from verifier.channels.weburl import NotAWebURL, WebURL, join_web_url, parse_web_url, scheme_of
from verifier.errors import FetchError
from verifier.net.body import ACCEPT_ENCODING
from verifier.net.deadline import Deadline, deadline_client, locations_of

if TYPE_CHECKING:
    import httpx

MAX_URL_CHARS = 2048
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

# What a walk does with each answer: given the hop's URL, its response (open, streamed) and,
# for a redirect, its ``Location`` values, the next URL to request, or None to stop.
Answer = Callable[[WebURL, "httpx.Response", "list[str] | None"], "WebURL | None"]


def web_target(url: str) -> WebURL:
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


def next_target(base: WebURL, locations: list[str]) -> WebURL:
    """Where a redirect goes: its ``Location`` resolved against ``base`` as a browser does
    (differing ``Location`` headers are refused, as Chromium does), checked as ``web_target``."""
    location = locations[0]
    if any(other != location for other in locations[1:]):
        raise FetchError("fetch.invalid_url", url=repr(", ".join(locations)[:200]))
    try:
        href = join_web_url(base.href, location)
    except NotAWebURL:
        raise FetchError("fetch.invalid_url", url=repr(location[:200])) from None
    return web_target(href)


def pinned_request(url: str | WebURL, address: str) -> tuple[str, dict[str, str], dict[str, Any]]:
    """The URL rewritten to connect to ``address``, with the Host header and SNI of the name."""
    target = url if isinstance(url, WebURL) else parse_web_url(url)
    shown = f"[{address}]" if ":" in address else address
    port = "" if target.port is None else f":{target.port}"
    extensions: dict[str, Any] = {"sni_hostname": target.hostname} if target.scheme == "https" else {}
    pinned = f"{target.scheme}://{shown}{port}{target.path}{target.query}"
    return pinned, {"Host": target.host + port}, extensions


def open_get(
    session: Any, target: WebURL, address: str | None, deadline: Deadline, user_agent: str | None = None
) -> httpx.Response:
    """A streamed GET of ``target`` connecting to ``address`` (checked by the caller; None: by
    name, for a loopback URL of configuration), each phase bounded by ``deadline``."""
    headers: dict[str, str]
    extensions: dict[str, Any]
    if address is None:
        url, headers, extensions = target.href, {}, {}
    else:
        url, headers, extensions = pinned_request(target, address)
    if user_agent is not None:
        headers["User-Agent"] = user_agent
    headers["Accept-Encoding"] = ACCEPT_ENCODING
    extensions["timeout"] = deadline.timeouts()
    request = session.build_request("GET", url, headers=headers, extensions=extensions)
    response: httpx.Response = session.send(request, stream=True)
    return response


class RedirectWalk:
    """One GET that may follow redirects, each hop checked like the first.

    ``address(url)`` gives the checked address to connect to for a hop (``public_address``, or
    configuration). ``client`` (tests, mocks) replaces the client built here on the first
    request (``make_client(deadline)``; one whose every wait is cut to the deadline). A URL for
    which ``stop_at(url)`` is true ends the walk, after the first hop, without a request.
    ``current`` is the URL of the last hop requested (or stopped at), also when ``run`` raised.
    """

    def __init__(
        self,
        start: WebURL,
        deadline: Deadline,
        *,
        address: Callable[[WebURL], str],
        user_agent: str,
        max_redirects: int,
        client: Any = None,
        make_client: Callable[[Deadline], Any] = deadline_client,
        stop_at: Callable[[str], bool] | None = None,
    ) -> None:
        self.current = start
        self.deadline = deadline
        self.address = address
        self.user_agent = user_agent
        self.max_redirects = max_redirects
        self.client = client
        self.make_client = make_client
        self.stop_at = stop_at

    def run(self, answer: Answer, name: str) -> bool:
        """Request hops until ``answer`` returns None (False) or ``stop_at`` stops the walk
        (True); fetch.too_many_redirects (naming ``name``) after ``max_redirects`` redirects.

        FetchError for a refused hop, httpx's errors as they come.
        """
        session = self.client
        target: WebURL | None = self.current
        try:
            for hop in range(self.max_redirects + 1):
                assert target is not None
                self.current = target
                if hop and self.stop_at is not None and self.stop_at(target.href):
                    return True
                address = self.address(target)
                if session is None:  # built once an address passes (an SSL context costs ms)
                    session = self.make_client(self.deadline)
                if self.deadline.passed():
                    raise FetchError("fetch.too_slow", url=target.href)
                response = open_get(session, target, address, self.deadline, self.user_agent)
                try:
                    locations = locations_of(response)
                    redirected = response.status_code in REDIRECT_STATUSES and locations
                    target = answer(target, response, locations if redirected else None)
                finally:
                    response.close()
                if target is None:
                    return False
            raise FetchError("fetch.too_many_redirects", limit=self.max_redirects, url=name)
        finally:
            if self.client is None and session is not None:
                session.close()
