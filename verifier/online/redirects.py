"""Where a link really goes: its redirect chain, followed with verifier's pinned fetcher.

Each hop is a GET that connects only to a public address of the hop's host, checked before the
connection and pinned for it (``verifier.net``: ``public_address`` and ``RedirectWalk``, the
one redirect loop, with its deadline-bound client as ``hop_client``), so no link, and no
redirect a link's server sends, can make verifier request a private, loopback or link-local
address. The only exception is configuration: ``OnlineConfig.pinned_hosts`` (names the
operator, or a test, fixed to an address).

The final answer's body (HTML or text, at most ``MAX_PAGE_BYTES``) is kept for ``page.py``.
"""

from __future__ import annotations

import html
import re
import ssl
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from verifier.channels.weburl import WebURL
from verifier.errors import FetchError
from verifier.net.addresses import Resolver, public_address, system_resolver
from verifier.net.body import decode_text, read_bounded
from verifier.net.deadline import Deadline, deadline_client
from verifier.net.redirects import RedirectWalk, next_target, web_target
from verifier.online.config import OnlineConfig

MAX_HOPS = 6  # redirects followed (shorteners nest: t.co -> bit.ly -> ...)
MAX_PAGE_BYTES = 1_000_000
USER_AGENT = "Mozilla/5.0 (compatible; verifier/0.1; +verifier check --online)"
_TEXT_TYPES = ("text/html", "application/xhtml", "text/plain")


@dataclass(slots=True)
class Followed:
    """A followed link: the URLs visited with their status, and the last answer's page."""

    chain: list[dict[str, Any]] = field(default_factory=list)
    final_url: str | None = None
    final_host: str | None = None
    status: int | None = None
    content_type: str = ""
    text: str | None = None
    error: str | None = None
    error_code: str | None = None
    said: dict[str, str] = field(default_factory=dict)  # the error in each language, for reasons

    def evidence(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "chain": [hop["url"] for hop in self.chain],
            "statuses": [hop["status"] for hop in self.chain],
            "final_url": self.final_url,
            "final_host": self.final_host,
            "redirected": len(self.chain) > 1,
        }
        if self.error:
            out["error"] = self.error
            out["error_code"] = self.error_code
        return out


_ssl_lock = threading.Lock()
_ssl_contexts: list[ssl.SSLContext] = []


def _ssl_context() -> ssl.SSLContext:
    """One verifying SSL context for the process: building one loads the CA bundle, which took
    80 ms here, twice per ``deadline_client`` (its transport's and its pool's)."""
    import httpx  # noqa: PLC0415

    with _ssl_lock:
        if not _ssl_contexts:
            _ssl_contexts.append(httpx.create_ssl_context(trust_env=False))
        return _ssl_contexts[0]


def hop_client(deadline: Deadline) -> Any:
    """``verifier.net.deadline_client`` (every wait cut to the deadline, no environment proxies,
    no kept-alive connection, ``Location`` held back for the caller) sharing one SSL context,
    so that following a link costs no certificate loading."""
    return deadline_client(deadline, _ssl_context())


class Bounded:
    """A resolver that ends by the check's deadline itself, so that ``public_address`` need not
    run it in a thread of its own (as it must the system resolver, which cannot be cut short)."""

    def __init__(self, resolve: Resolver) -> None:
        self.resolve = resolve

    def __call__(self, host: str, port: int) -> Sequence[str]:
        return self.resolve(host, port)


def dns_resolver(config: OnlineConfig, deadline: Deadline | None = None) -> Resolver:
    """The addresses of a host by ``config``'s nameservers, asked by ``deadline`` (``Bounded``);
    the system's resolver when none are set."""
    if not config.nameservers:
        return system_resolver
    from verifier.online.dns import make_resolver  # noqa: PLC0415

    resolver = make_resolver(config)

    def resolve(host: str, port: int) -> list[str]:
        import dns.exception  # noqa: PLC0415

        addresses: list[str] = []
        for rdtype in ("A", "AAAA"):
            left = 5.0 if deadline is None else deadline.remaining()
            if left <= 0:
                raise FetchError("fetch.too_slow", url=host)
            try:
                answer = resolver.resolve(host, rdtype, lifetime=left, raise_on_no_answer=False, search=False)
            except dns.exception.DNSException as exc:
                if rdtype == "A":
                    raise FetchError("fetch.cannot_resolve", host=host, reason=type(exc).__name__) from None
                continue
            if answer.rrset is not None:
                addresses += [rdata.to_text() for rdata in answer.rrset]
        return addresses

    return resolve if deadline is None else Bounded(resolve)


def _address(target: WebURL, config: OnlineConfig, resolve: Resolver, deadline: Deadline) -> str:
    pinned = config.pinned_hosts.get(target.hostname.lower())
    if pinned is not None:  # configuration, not the link: allowed whatever the address
        return pinned
    by = None if isinstance(resolve, Bounded) else deadline
    return public_address(target.hostname, target.effective_port, resolve, by, target.href)


def start_url(value: str) -> str:
    """The URL a browser opens for ``value`` (a link, or a bare host: https)."""
    text = value.strip()
    lowered = text.lower()
    if lowered.startswith(("http://", "https://")):
        return text
    if "://" in text[:12]:
        return text  # another scheme: web_target refuses it with fetch.not_http
    return "https://" + text.lstrip("/")


_META = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_REFRESH = re.compile(r"""http-equiv\s*=\s*["']?refresh""", re.IGNORECASE)
_CONTENT = re.compile(r"""content\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_TARGET = re.compile(
    r"""^\s*(\d+(?:\.\d*)?)\s*[;,]?\s*(?:url\s*=\s*)?["']?([^"']*)["']?\s*$""", re.IGNORECASE
)
MAX_REFRESH_SECONDS = 5  # a refresh later than this is a page, not a redirect


def meta_refresh(page: str) -> str | None:
    """Where ``<meta http-equiv="refresh" content="0; url=...">`` in the head of ``page`` sends a
    browser within ``MAX_REFRESH_SECONDS``, as written (relative or not); None when nowhere."""
    for tag in _META.findall(page[:100_000]):
        if not _REFRESH.search(tag):
            continue
        content = _CONTENT.search(tag)
        if content is None:
            continue
        match = _TARGET.match(html.unescape(next(g for g in content.groups() if g is not None)))
        if match and match.group(2).strip() and float(match.group(1)) <= MAX_REFRESH_SECONDS:
            return match.group(2).strip()
    return None


def followable(value: str) -> str | None:
    """None when ``value`` is a link the follower takes, else the refusal's code
    (``fetch.not_http``, ``fetch.userinfo`` ...)."""
    try:
        web_target(start_url(value))
    except FetchError as exc:
        return exc.code
    return None


def follow(
    value: str,
    config: OnlineConfig,
    deadline: Deadline,
    *,
    resolve: Resolver | None = None,
    client: Any = None,
    read_page: bool = True,
    stop_at: Callable[[str], bool] | None = None,
) -> Followed:
    """Follow ``value``'s redirects (at most ``MAX_HOPS``) by ``deadline``; keep the last page.

    A redirect to a URL for which ``stop_at(url)`` is true (an official site) ends the chain
    there without a request: where it leads is known, and it needs no visit. A hop that fails is
    still the chain's last URL (its status null), with ``error``."""
    import httpx  # noqa: PLC0415 (the network stack only with --online)

    out = Followed()
    resolve = resolve or dns_resolver(config, deadline)
    try:
        start = web_target(start_url(value))
    except FetchError as exc:
        out.error, out.error_code = str(exc), exc.code
        out.said = {lang: exc.text(lang) for lang in ("en", "zh")}
        return out
    walk = RedirectWalk(
        start,
        deadline,
        address=lambda target: _address(target, config, resolve, deadline),
        user_agent=USER_AGENT,
        max_redirects=MAX_HOPS,
        client=client,
        make_client=hop_client,
        stop_at=stop_at,
    )

    def answer(current: WebURL, response: httpx.Response, locations: list[str] | None) -> WebURL | None:
        out.chain.append({"url": current.href, "status": response.status_code})
        out.status = response.status_code
        if locations is not None:
            return next_target(current, locations)
        out.content_type = response.headers.get("content-type", "").lower()
        if (
            read_page
            and response.status_code == 200
            and (not out.content_type or out.content_type.startswith(_TEXT_TYPES))
        ):
            body = read_bounded(response, MAX_PAGE_BYTES, deadline.at, current.href)
            out.text = decode_text(body, response)
            refresh = meta_refresh(out.text) if "html" in out.content_type or not out.content_type else None
            if refresh is not None:  # a page that sends the browser on at once is a redirect
                following = next_target(current, [refresh])
                out.text = None
                return following
        return None

    try:
        if walk.run(answer, value[:200]):
            out.chain.append({"url": walk.current.href, "status": None})  # stopped: known, not visited
    except FetchError as exc:
        out.error, out.error_code = str(exc), exc.code
        out.said = {lang: exc.text(lang) for lang in ("en", "zh")}
    except httpx.TimeoutException:
        out.error, out.error_code = "timeout", "fetch.too_slow"
    except httpx.HTTPError as exc:
        out.error, out.error_code = f"{type(exc).__name__}: {exc}"[:200], "fetch.failed"
    out.final_url, out.final_host = walk.current.href, walk.current.hostname
    if out.error is None:
        return out
    last = out.chain[-1]["url"] if out.chain else None
    if out.error_code != "fetch.too_many_redirects" and last != out.final_url:
        out.chain.append({"url": out.final_url, "status": None})  # the hop that failed ends the chain
    return out


def page_fetcher(config: OnlineConfig | None = None) -> Callable[[str, float], tuple[str | None, str | None]]:
    """A fetcher for ``verifier.allowlist.audit.online_findings``: ``fetch(url, seconds)`` gives
    (the page's text, None) or (None, why not), following ``url``'s redirects (``follow``) and
    reading at most ``MAX_PAGE_BYTES``. ``config`` may pin names to addresses (tests on
    127.0.0.1); default ``OnlineConfig.from_env()``."""
    settings = config if config is not None else OnlineConfig.from_env()

    def fetch(url: str, seconds: float) -> tuple[str | None, str | None]:
        followed = follow(url, settings, Deadline(seconds), read_page=True)
        if followed.error:
            return None, followed.error
        if followed.status != 200:
            return None, f"HTTP status {followed.status} at {followed.final_url}"
        if followed.text is None:
            kind = followed.content_type or "no content type"
            return None, f"no text page at {followed.final_url} ({kind})"
        return followed.text, None

    return fetch
