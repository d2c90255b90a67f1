"""What an operator sees of the service: one access-log line a request and Prometheus metrics.

``Observer`` holds the metrics of one process: requests and latency per endpoint, the verdicts
and risks answered, and, read from the allowlist in use at each scrape, its version, whether it
verified and the seconds left before it expires. ``ObserveRequests`` (pure ASGI, outermost in
the FastAPI application) times every request the application answers; the ``/v1/check`` hot
path in front of it calls ``Observer.check_answered`` itself, with children of the metrics
looked up once, so a check costs about two microseconds more.

The access log is the logger ``verifier.access`` at INFO: one JSON object a line with ``time``
(UTC, ISO 8601), ``method``, ``path`` (never the query), ``status``, ``duration_ms`` and, when
there is one, ``verdict`` (a check; a batch gives ``verdicts`` counts) or ``risk`` (scan,
intake). Nothing is formatted when that logger is off.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from json.encoder import encode_basestring as quoted
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, values
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from verifier.allowlist.model import Allowlist
from verifier.service.limits import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger("verifier.access")

# Seconds; a check answers in tens of microseconds, a long scan in up to seconds.
LATENCY_BUCKETS = (0.0002, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0)
ENDPOINTS = frozenset(
    {
        "/v1/check",
        "/v1/check/batch",
        "/v1/scan",
        "/v1/intake",
        "/v1/allowlist",
        "/healthz",
        "/metrics",
        "/openapi.json",
        "/docs",
        "/",
        "/widget.js",
    }
)
PREFIXES = ("/static/", "/docs/assets/")


def endpoint_of(path: str) -> str:
    """The metrics label of a request path: the route, ``/static/{name}``-style for files, and
    ``other`` for anything else (a label per unknown path would let clients grow the metrics)."""
    if path in ENDPOINTS:
        return path
    for prefix in PREFIXES:
        if path.startswith(prefix):
            return prefix + "{name}"
    return "other"


class AllowlistCollector(Collector):
    """Gauges of the allowlist in use, read when scraped: version, verified, seconds to expiry."""

    def __init__(self, current: Callable[[], Allowlist], clock: Callable[[], float] = time.time) -> None:
        self.current = current
        self.clock = clock

    def collect(self) -> Iterator[Metric]:
        allowlist = self.current()
        state = allowlist.state  # read once: expiry can come between two reads
        version = GaugeMetricFamily("verifier_allowlist_version", "Version of the allowlist in use.")
        version.add_metric([], float(state.version or 0))
        verified = GaugeMetricFamily(
            "verifier_allowlist_verified", "1 when the allowlist in use verified and has not expired."
        )
        verified.add_metric([], 1.0 if state.verified else 0.0)
        yield version
        yield verified
        if state.expires:
            try:
                expires = dt.datetime.strptime(state.expires, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
            except ValueError:
                return
            left = GaugeMetricFamily(
                "verifier_allowlist_expiry_seconds",
                "Seconds until the allowlist in use expires (negative once it has).",
            )
            left.add_metric([], expires.timestamp() - self.clock())
            yield left
            days = GaugeMetricFamily(
                "verifier_allowlist_expiry_days",
                "Whole days until the allowlist in use expires (negative once it has).",
            )
            days.add_metric([], float((expires.timestamp() - self.clock()) // 86400))
            yield days
        hosts = GaugeMetricFamily(
            "verifier_denylist_hosts", "Hosts in the public feeds' signed denylist file in use."
        )
        hosts.add_metric([], float(len(allowlist.feed_hosts) if allowlist.feed_hosts is not None else 0))
        yield hosts


class Observer:
    """The metrics of this process and the access log."""

    def __init__(self, current: Callable[[], Allowlist]) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "verifier_http_requests",
            "HTTP requests answered, by endpoint, method and status.",
            ["endpoint", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "verifier_http_request_duration_seconds",
            "Time from a request's arrival to its answer, by endpoint.",
            ["endpoint", "method"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.verdicts = Counter(
            "verifier_verdicts",
            "Verdicts answered (check and batch), by verdict.",
            ["verdict"],
            registry=self.registry,
        )
        self.risks = Counter(
            "verifier_risks",
            "Risks answered (scan and intake), by endpoint and risk.",
            ["endpoint", "risk"],
            registry=self.registry,
        )
        self.allowlist_collector = AllowlistCollector(current)
        self.registry.register(self.allowlist_collector)
        # Under ``verifier serve --workers N`` the values live in files of a directory shared by
        # the workers (prometheus-client's multiprocess mode, chosen when it is first imported).
        self.multiprocess = values.ValueClass is not values.MutexValue
        # The hot path's children, looked up once: labels() costs more than the increment.
        self._check_latency = self.latency.labels("/v1/check", "POST")
        self._check_requests: dict[int, Any] = {}
        self._verdict_children: dict[str, Any] = {}

    def page(self) -> bytes:
        """The Prometheus text of ``GET /metrics``: every worker's counts summed when there are
        several, and the allowlist in use."""
        if not self.multiprocess:
            return bytes(generate_latest(self.registry))
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        registry.register(self.allowlist_collector)
        return bytes(generate_latest(registry))

    def check_answered(self, status: int, verdict: str | None, started: float) -> None:
        """Count one ``POST /v1/check`` answered by the hot path (``started``: perf_counter)."""
        duration = time.perf_counter() - started
        child = self._check_requests.get(status)
        if child is None:
            child = self._check_requests[status] = self.requests.labels("/v1/check", "POST", str(status))
        child.inc()
        self._check_latency.observe(duration)
        if verdict is not None:
            verdict_child = self._verdict_children.get(verdict)
            if verdict_child is None:
                verdict_child = self._verdict_children[verdict] = self.verdicts.labels(verdict)
            verdict_child.inc()
        if access_log.isEnabledFor(logging.INFO):
            log_request("POST", "/v1/check", status, duration, {"verdict": verdict} if verdict else None)

    def answered(self, method: str, path: str, status: int, duration: float, outcome: dict[str, Any]) -> None:
        """Count one request the application answered; ``outcome`` is what its route noted."""
        endpoint = endpoint_of(path)
        self.requests.labels(endpoint, method, str(status)).inc()
        self.latency.labels(endpoint, method).observe(duration)
        verdict = outcome.get("verdict")
        if verdict:
            self.verdicts.labels(verdict).inc()
        for name, count in (outcome.get("verdicts") or {}).items():
            self.verdicts.labels(name).inc(count)
        risk = outcome.get("risk")
        if risk:
            self.risks.labels(endpoint, risk).inc()
        if access_log.isEnabledFor(logging.INFO):
            log_request(method, path, status, duration, outcome)


def log_request(method: str, path: str, status: int, duration: float, outcome: dict[str, Any] | None) -> None:
    """Write the access-log line of one request."""
    access_log.info(access_line(method, path, status, duration, outcome))


def access_line(method: str, path: str, status: int, duration: float, outcome: dict[str, Any] | None) -> str:
    """One request as a JSON object on one line (built by hand: json.dumps of the dict costs 4 µs)."""
    line = (
        f'{{"time":"{_now()}","method":{quoted(method)},"path":{quoted(path)},'
        f'"status":{status},"duration_ms":{duration * 1000:.3f}'
    )
    for name, value in (outcome or {}).items():
        if value is not None:
            line += f",{quoted(name)}:{json.dumps(value, ensure_ascii=False, separators=(',', ':'))}"
    return line + "}"


_second: list[Any] = [-1, ""]  # the last whole second formatted, and its text


def _now() -> str:
    """UTC now as ISO 8601 to the millisecond, the seconds part formatted once a second."""
    now = time.time()
    second = int(now)
    if second != _second[0]:
        _second[:] = [second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))]
    return f"{_second[1]}.{int((now - second) * 1000):03d}Z"


def enable_access_log(stream: Any = None) -> None:
    """Write the access log to ``stream`` (default stderr), one line a request; idempotent."""
    if any(getattr(h, "verifier_access", False) for h in access_log.handlers):
        return
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.verifier_access = True  # type: ignore[attr-defined]
    access_log.addHandler(handler)
    access_log.setLevel(logging.INFO)
    access_log.propagate = False


MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"


@contextmanager
def shared_metrics(workers: int) -> Iterator[None]:
    """Let ``workers`` processes started inside keep their metrics in one fresh directory (removed
    afterwards), so that any of them answers ``/metrics`` with the sum of all; nothing for one
    worker, or when the operator set ``$PROMETHEUS_MULTIPROC_DIR`` (theirs to clean)."""
    if workers < 2 or os.environ.get(MULTIPROCESS_ENV):
        yield
        return
    folder = tempfile.mkdtemp(prefix="verifier-metrics-")
    os.environ[MULTIPROCESS_ENV] = folder
    try:
        yield
    finally:
        os.environ.pop(MULTIPROCESS_ENV, None)
        shutil.rmtree(folder, ignore_errors=True)


OUTCOME_KEY = "verifier.outcome"  # where a route notes its verdict or risk, in the ASGI scope


def note(scope: Scope, **outcome: Any) -> None:
    """Note what a request's answer said (verdict, verdicts, risk) for its log line and metrics."""
    scope[OUTCOME_KEY] = outcome


def risk_of(body: bytes) -> str | None:
    """The risk of a scan or intake answer: its first key (``{"risk":"high",...``), else None."""
    prefix = b'{"risk":"'
    if not body.startswith(prefix):
        return None
    end = body.find(b'"', len(prefix))
    return body[len(prefix) : end].decode("ascii", "replace") if end > 0 else None


class ObserveRequests:
    """Time and count every request ``app`` answers (pure ASGI: no task or copy per request)."""

    def __init__(self, app: ASGIApp, observer: Observer) -> None:
        self.app = app
        self.observer = observer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # if the application fails before it answers

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            duration = time.perf_counter() - started
            self.observer.answered(
                scope["method"], scope["path"], status, duration, scope.get(OUTCOME_KEY) or {}
            )
