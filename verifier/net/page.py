"""Fetch one web page for ``verifier scan --online``, and nothing the user did not name.

Bounded in time, size and redirects, and never sent to a private, loopback, link-local or
otherwise non-public address: the fetching itself, and its checks, are the rest of
``verifier.net`` (``public_address``, ``RedirectWalk``, ``read_bounded``); this module sets the
bounds of ``scan --online`` and makes a ``Page`` of the answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from verifier.channels.weburl import WebURL
from verifier.errors import FetchError
from verifier.net.addresses import Resolver, public_address, system_resolver
from verifier.net.body import decode_text, read_bounded
from verifier.net.deadline import Deadline
from verifier.net.redirects import RedirectWalk, next_target, web_target

TIMEOUT_SECONDS = 10.0
MAX_PAGE_BYTES = 4_000_000
MAX_REDIRECTS = 3
USER_AGENT = "verifier/0.1 (verifier scan --online)"


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
    walk = RedirectWalk(
        web_target(url.strip()),
        deadline,
        address=lambda target: public_address(
            target.hostname, target.effective_port, resolve, deadline, target.href
        ),
        user_agent=USER_AGENT,
        max_redirects=MAX_REDIRECTS,
        client=client,
    )
    pages: list[Page] = []

    def answer(current: WebURL, response: httpx.Response, locations: list[str] | None) -> WebURL | None:
        if locations is not None:
            return next_target(current, locations)
        if response.status_code != 200:
            raise FetchError("fetch.http_status", url=current.href, status=response.status_code)
        body = read_bounded(response, max_bytes, deadline.at, current.href)
        content_type = response.headers.get("content-type", "").lower()
        pages.append(Page(url, current.href, content_type, decode_text(body, response)))
        return None

    try:
        walk.run(answer, url)
    except httpx.TimeoutException:
        raise FetchError("fetch.too_slow", url=walk.current.href) from None
    except httpx.HTTPError as exc:
        raise FetchError("fetch.failed", url=walk.current.href, reason=str(exc)) from None
    except httpx.InvalidURL:  # a caller's client parsing a Location its own way
        raise FetchError("fetch.invalid_url", url=repr(walk.current.href[:200])) from None
    return pages[0]


__all__ = ["TIMEOUT_SECONDS", "FetchError", "Page", "fetch_page"]
