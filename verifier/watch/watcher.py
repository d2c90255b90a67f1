"""Follow every log of a list from its saved position to its current size, every name of
every entry through the matcher, one alert per name and certificate."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum

import httpx

from verifier.channels import native_host
from verifier.watch import rfc6962
from verifier.watch.alerts import Alert
from verifier.watch.entries import LogEntry
from verifier.watch.errors import LogFormatError, LogUnavailable, TreeShrank, WatchError
from verifier.watch.fetch import LogFetcher, Politeness
from verifier.watch.loglist import LogSpec
from verifier.watch.matcher import Matcher
from verifier.watch.merkle import Frontier
from verifier.watch.names import LoggedCertificate
from verifier.watch.reader import LogReader
from verifier.watch.rfc6962 import TreeHead
from verifier.watch.state import LogPosition, WatchState

# Rounds of "fetch the head again, read what was added" in one poll of a growing log.
_GROWTH_ROUNDS = 3
_SAVE_EVERY = 2.0


def _shown(name: str) -> str:
    """The name in Unicode, as a browser shows an IDN; the name itself when it is not one."""
    channel = native_host(name) if native_host is not None and "xn--" in name else None
    return channel.host_unicode if channel is not None and channel.host_unicode else name


class Start(StrEnum):
    BEGINNING = "beginning"
    LATEST = "latest"


@dataclass
class LogReport:
    """How one poll of one log went. ``backlog``: entries the verified head has that are not
    read yet; ``error``: why the log stopped early (None when read to its end)."""

    log: str
    url: str
    first: int = 0
    next_index: int = 0
    tree_size: int = 0
    entries: int = 0
    names: int = 0
    alerts: int = 0
    unreadable: int = 0
    error: str | None = None
    verified: bool = False  # the entries read hash to the verified tree head's root
    unverified: str | None = None  # why they could not be checked

    @property
    def backlog(self) -> int:
        return max(0, self.tree_size - self.next_index)

    @property
    def complete(self) -> bool:
        return self.error is None and self.backlog == 0

    def line(self) -> str:
        status = "ok" if self.complete else f"incomplete: {self.error or 'backlog'}"
        if self.complete:
            status += (
                ", entries match the signed tree head"
                if self.verified
                else (f", entries not checked against the tree head ({self.unverified or 'not at its size'})")
            )
        return (
            f"log {self.log}: read {self.first}..{self.next_index} of {self.tree_size}, "
            f"backlog {self.backlog}, {self.entries} entries, {self.names} names, {self.alerts} alerts, "
            f"{self.unreadable} unreadable; {status}"
        )


@dataclass
class Watcher:
    """``poll(log)`` reads one log to its end; ``run_once()`` all of them (in threads: the
    network waits overlap, matching and state updates are serialized)."""

    logs: Sequence[LogSpec]
    state: WatchState
    matcher: Matcher
    emit: Callable[[Alert], None]
    client: httpx.Client | None = None  # None: each log gets a total-deadline client of its own
    start: Start = Start.LATEST
    politeness: Politeness = field(default_factory=Politeness)
    batch: int = rfc6962.MAX_BATCH
    workers: int = 8
    stop: threading.Event = field(default_factory=threading.Event)
    progress: Callable[[LogReport], None] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _readers: dict[bytes, LogReader] = field(default_factory=dict)
    _held: set[str] = field(default_factory=set)  # keys of alerts found, not yet given
    # The last report of each log and counts since start, by log name (for /metrics).
    reports: dict[str, LogReport] = field(default_factory=dict)
    totals: dict[str, dict[str, int]] = field(default_factory=dict)
    _saved_at: float = 0.0

    def reader(self, log: LogSpec) -> LogReader:
        found = self._readers.get(log.log_id)
        if found is None:
            fetcher = LogFetcher(log.name, self.client, self.politeness, self.stop)
            found = self._readers[log.log_id] = LogReader(log, fetcher, self.batch)
        return found

    def close(self) -> None:
        """Close the connections of every log."""
        for reader in self._readers.values():
            reader.close()

    def _alerts_of(self, log: LogSpec, entries: list[LogEntry], report: LogReport) -> list[tuple[str, Alert]]:
        """The new alerts of ``entries`` with their keys, held (not yet remembered as given)."""
        out: list[tuple[str, Alert]] = []
        for entry in entries:
            try:
                cert = LoggedCertificate.parse(entry)
                names = cert.names
            except (LogFormatError, ValueError):
                report.unreadable += 1
                continue
            report.entries += 1
            report.names += len(names)
            for name in names:
                found = self.matcher.match(name)
                if found is None:
                    continue
                key = f"{name}|{cert.key}"
                if key in self._held or self.state.alerted_before(key):
                    continue
                self._held.add(key)
                alert = Alert(
                    name,
                    found.verdict.value,
                    found.brand,
                    found.matched,
                    found.technique,
                    log.name,
                    entry.index,
                    cert.sha256,
                    cert.not_before,
                    cert.issuer,
                    entry.precert,
                    _shown(name),
                )
                out.append((key, alert))
        return out

    def _release(self, pending: list[tuple[str, Alert]], report: LogReport) -> None:
        """Give the held alerts and remember them as given (under the lock)."""
        for key, alert in pending:
            report.alerts += 1
            self.emit(alert)
            self.state.first_alert(key)
            self._held.discard(key)
        pending.clear()

    def _drop(self, pending: list[tuple[str, Alert]]) -> None:
        for key, _ in pending:
            self._held.discard(key)
        pending.clear()

    def _save(self, force: bool) -> None:
        now = time.monotonic()
        if force or now - self._saved_at >= _SAVE_EVERY:
            self.state.save()
            self._saved_at = now

    def _position(self, log: LogSpec, head: TreeHead) -> LogPosition:
        with self._lock:
            position = self.state.positions.get(log.log_id_b64)
            if position is None:
                first = 0 if self.start is Start.BEGINNING else head.tree_size
                position = LogPosition(first, head.tree_size)
                self.state.positions[log.log_id_b64] = position
                self._save(True)
            if head.tree_size < position.tree_size:
                raise TreeShrank(
                    f"{log.name}: tree size {head.tree_size} below {position.tree_size} seen before"
                )
            position.tree_size = head.tree_size
        return position

    def poll(self, log: LogSpec) -> LogReport:
        """Read ``log`` from its saved position (or ``start`` for a new log) to its size,
        following growth during the poll. Errors end the poll and are in the report.

        When the Merkle frontier at the position is known (kept in the state, or rebuilt from
        an audit path or the hash tiles), the entries read are hashed into it and their alerts
        are held until the root matches the verified tree head: entries a log serves that its
        signed head does not commit to give no alert, and the position goes back to the last
        point that matched. A poll that stops early for another reason gives the held alerts
        and keeps its progress (checked with the rest at the end of the next poll). The saved
        position only moves past entries whose alerts went out."""
        report = LogReport(log.name, log.url)
        pending: list[tuple[str, Alert]] = []  # alerts held for the root check
        position: LogPosition | None = None
        checked: tuple[int, list[bytes] | None] = (0, None)  # the last point known good
        mismatch = False
        next_index = 0
        frontier: Frontier | None = None
        try:
            head = self.reader(log).tree_head()
            position = self._position(log, head)
            next_index = report.first = report.next_index = position.next_index
            size = head.tree_size if log.final_size is None else min(head.tree_size, log.final_size)
            report.tree_size = size
            if position.frontier is not None:
                frontier = Frontier(position.next_index, position.frontier)
            else:
                try:
                    frontier = self.reader(log).frontier_at(position.next_index)
                except WatchError as exc:
                    report.unverified = f"no Merkle frontier at {position.next_index}: {exc}"
            checked = (next_index, None if frontier is None else list(frontier.nodes))
            for round_ in range(_GROWTH_ROUNDS):
                while next_index < size:
                    if self.stop.is_set():
                        raise LogUnavailable(f"{log.name}: stopped")
                    entries = self.reader(log).read(next_index, size)
                    if entries[0].index != next_index:
                        raise LogFormatError(f"{log.name}: asked for {next_index}, got {entries[0].index}")
                    with self._lock:
                        pending += self._alerts_of(log, entries, report)
                        for entry in entries:
                            if frontier is not None and entry.leaf_hash is None:
                                frontier = None
                                report.verified = False
                                report.unverified = f"entry {entry.index} has no leaf hash"
                            if frontier is not None and entry.leaf_hash is not None:
                                frontier.append(entry.leaf_hash)
                        next_index = report.next_index = entries[-1].index + 1
                        released = bool(pending)
                        if frontier is None:  # nothing to wait for
                            self._release(pending, report)
                        if not pending:
                            position.next_index = next_index
                            position.frontier = None if frontier is None else list(frontier.nodes)
                            self._save(released)
                if frontier is not None and size == head.tree_size:
                    if frontier.root() != head.root_hash:
                        mismatch = True
                        raise LogFormatError(
                            f"{log.name}: entries {checked[0]}..{size} do not hash to the signed tree head"
                        )
                    with self._lock:
                        self._release(pending, report)
                        report.verified = True
                        checked = (next_index, list(frontier.nodes))
                        position.next_index, position.frontier = checked
                        self._save(True)
                if round_ == _GROWTH_ROUNDS - 1 or log.final_size is not None:
                    break
                head = self.reader(log).tree_head()  # did it grow while we read?
                if head.tree_size < size:
                    raise TreeShrank(f"{log.name}: size {head.tree_size} below {size} seen before")
                if head.tree_size == size:
                    break
                with self._lock:
                    position.tree_size = head.tree_size
                size = report.tree_size = head.tree_size
            if pending:  # read to a size that is not the head's (a read-only log's final size)
                with self._lock:
                    self._release(pending, report)
                    position.next_index = next_index
                    position.frontier = None if frontier is None else list(frontier.nodes)
        except WatchError as exc:
            report.error = str(exc)
        except Exception as exc:  # a watcher of many logs outlives a bug met in one of them
            report.error = f"internal error: {type(exc).__name__}: {exc}"
        with self._lock:
            if position is not None and mismatch:  # read again, and no alert for what was read
                self._drop(pending)
                position.next_index, position.frontier = checked
            elif position is not None and pending:
                # Stopped before the head's size (a network error, a stop): keep what was read,
                # to be checked with the rest at the end of the next poll. Holding its alerts
                # longer could hold them for ever on a log that fails now and then.
                self._release(pending, report)
                position.next_index = next_index
                position.frontier = None if frontier is None else list(frontier.nodes)
            if position is not None:
                report.next_index = position.next_index
            self._save(True)
            self.reports[log.name] = report
            counts = self.totals.setdefault(log.name, {})
            for counter, value in (
                ("entries", report.entries),
                ("names", report.names),
                ("alerts", report.alerts),
                ("failed_polls", int(report.error is not None)),
            ):
                counts[counter] = counts.get(counter, 0) + value
        if self.progress is not None:
            self.progress(report)
        return report

    def metrics(self) -> str:
        """Backlog and counts of every log, in the Prometheus text format."""
        from verifier.watch.metrics import prometheus_text  # noqa: PLC0415 (imports this module)

        with self._lock:
            return prometheus_text(list(self.reports.values()), {k: dict(v) for k, v in self.totals.items()})

    def run_once(self) -> list[LogReport]:
        """Poll every log once, concurrently; reports in the order of ``logs``."""
        if not self.logs:
            return []
        with ThreadPoolExecutor(max_workers=max(1, min(self.workers, len(self.logs)))) as pool:
            return list(pool.map(self.poll, self.logs))

    def run_forever(
        self,
        interval: float,
        refresh: Callable[[], Sequence[LogSpec]] | None = None,
        refresh_every: float = 4 * 3600,
    ) -> None:
        """Poll all logs, wait ``interval`` seconds, again, until ``stop`` is set; the log list
        is taken again from ``refresh`` every ``refresh_every`` seconds."""
        refreshed = time.monotonic()
        while not self.stop.is_set():
            self.run_once()
            if refresh is not None and time.monotonic() - refreshed >= refresh_every:
                with contextlib.suppress(WatchError):  # keep following the logs we have
                    self.logs = refresh()
                refreshed = time.monotonic()
            self.stop.wait(interval)
