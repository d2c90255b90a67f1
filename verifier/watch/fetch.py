"""Polite HTTP for one log: a request rate limit, one total deadline and a size bound per
request, and retries with jittered exponential backoff on 429, 5xx and network errors that
honour ``Retry-After`` (seconds or an HTTP date).

The URLs come from the log list (configuration), so loopback is allowed here; nothing a user
types is fetched through this module.
"""

from __future__ import annotations

import email.utils
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from verifier.errors import FetchError
from verifier.net.body import read_bounded
from verifier.net.deadline import Deadline, deadline_client
from verifier.watch.errors import LogUnavailable

USER_AGENT = "verifier-watch/0.1 (+https://github.com/; CT monitor)"
# Data tiles come gzipped (static-ct-api: clients MUST accept gzip); the reader decodes gzip and deflate.
_HEADERS = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, identity"}
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
GONE_STATUSES = frozenset({404, 410})


@dataclass
class FetchStats:
    requests: int = 0
    retries: int = 0
    bytes: int = 0
    waited: float = 0.0


@dataclass
class Politeness:
    """Per-log limits. ``rate``: requests a second at most; ``timeout``: seconds for a whole
    request (connect, headers, body); ``retries``: attempts after the first; backoff doubles
    from ``backoff`` up to ``max_wait`` seconds, which also caps a ``Retry-After``."""

    rate: float = 4.0
    timeout: float = 30.0
    max_bytes: int = 32_000_000
    retries: int = 8
    backoff: float = 1.0
    max_wait: float = 300.0


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait, or None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


@dataclass
class LogFetcher:
    """GETs for one log. ``stop``, when set, cuts any wait short (the watcher is ending).

    Without a ``client``, the fetcher makes its own with verifier.net's total-deadline
    network backend: connect, every read and write of a request end by one instant, moved
    before each request, so a log that drips its answer byte by byte is cut off on time.
    A given client (tests) is bounded per read and between reads only."""

    log_name: str
    client: httpx.Client | None = None
    politeness: Politeness = field(default_factory=Politeness)
    stop: threading.Event = field(default_factory=threading.Event)
    rng: random.Random = field(default_factory=random.Random)
    clock: Callable[[], float] = time.monotonic
    stats: FetchStats = field(default_factory=FetchStats)
    _next_slot: float = 0.0

    def __post_init__(self) -> None:
        self._deadline = Deadline(self.politeness.timeout)
        self._own = self.client is None
        self._client = self.client if self.client is not None else deadline_client(self._deadline)

    def close(self) -> None:
        if self._own:
            self._client.close()

    def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self.stats.waited += seconds
            if self.stop.wait(seconds):
                raise LogUnavailable(f"{self.log_name}: stopped")

    def _throttle(self) -> None:
        now = self.clock()
        if now < self._next_slot:
            self._wait(self._next_slot - now)
        self._next_slot = max(now, self._next_slot) + 1.0 / self.politeness.rate

    def _backoff(self, attempt: int, asked: float | None) -> float:
        p = self.politeness
        if asked is not None:
            return float(min(asked, p.max_wait) + self.rng.uniform(0, p.backoff))
        cap = min(p.max_wait, p.backoff * 2.0**attempt)
        return cap / 2 + self.rng.uniform(0, cap / 2)  # "equal jitter": never a burst at once

    def pause(self) -> None:
        """Wait as after a failed request (a log that answered, but nothing usable)."""
        self._wait(self._backoff(1, None))

    def get(self, url: str, *, missing_ok: bool = False) -> bytes | None:
        """The body of a 200 answer. None for 404/410 when ``missing_ok``; LogUnavailable when
        the log refuses, is gone, or fails every retry."""
        p = self.politeness
        problem = ""
        for attempt in range(p.retries + 1):
            self._throttle()
            self.stats.requests += 1
            asked: float | None = None
            deadline = self._deadline.at = time.monotonic() + p.timeout
            try:
                with self._client.stream(
                    "GET", url, timeout=httpx.Timeout(p.timeout), headers=_HEADERS
                ) as response:
                    status = response.status_code
                    if status == 200:
                        body = read_bounded(response, p.max_bytes, deadline, url)
                        self.stats.bytes += len(body)
                        return body
                    if status in GONE_STATUSES:
                        if missing_ok:
                            return None
                        raise LogUnavailable(f"{self.log_name}: {url} answered {status} (retired or moved?)")
                    if status not in RETRY_STATUSES:
                        raise LogUnavailable(f"{self.log_name}: {url} answered {status}")
                    asked = retry_after(response.headers.get("retry-after"))
                    problem = f"HTTP {status}"
            except FetchError as exc:
                problem = str(exc)
            except httpx.HTTPError as exc:
                problem = f"{type(exc).__name__}: {exc}"
            if attempt < p.retries:
                self.stats.retries += 1
                self._wait(self._backoff(attempt, asked))
        raise LogUnavailable(f"{self.log_name}: {url} failed after {p.retries + 1} attempts ({problem})")


def new_client() -> httpx.Client:
    """A keep-alive client (webhooks; logs in tests): no proxy or settings from the
    environment, no redirects (a log list names the real URLs)."""
    return httpx.Client(
        trust_env=False,
        follow_redirects=False,
        headers={"Accept-Encoding": "gzip, identity"},
        limits=httpx.Limits(max_connections=32, max_keepalive_connections=16),
    )
