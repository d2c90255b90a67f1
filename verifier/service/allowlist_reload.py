"""The allowlist a running service answers from, replaced without a restart by a newer one.

The service loads the bundle once at start. Every ``interval`` seconds at most, a request
looks at the watched bundle file (``--allowlist`` or the one ``verifier update`` installs)
and at the rollback state; when either changed, the file is verified again and replaces the
current allowlist only if it verifies and is newer (or the current one did not verify). A bad
file never replaces a good allowlist, and nothing in a file, however hostile, stops the service
from answering: a failure to load or index it is logged and the current allowlist stays.

Expiry needs no reload: an Allowlist stops being verified by itself at the instant of its
``expires`` (``Allowlist.verified``), so from then on nothing is official and ``/healthz``
says "degraded" with the reason; the first look after that logs it once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from verifier.allowlist.model import Allowlist
from verifier.allowlist.store import BUNDLE_NAME, STATE_NAME, load_allowlist, state_dir
from verifier.checker import check
from verifier.messages import Message

log = logging.getLogger("verifier.service")

Signature = tuple[tuple[int, int] | None, ...]


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


def _signature(*paths: Path) -> Signature:
    return tuple(_stat(path) for path in paths)


def warm(allowlist: Allowlist) -> Allowlist:
    """Build the lazy indexes (lookalike, brand names) before the allowlist serves requests."""
    for value in ("warmup.example.com", "support@warmup.example.com", "@warmup", "+1 202 555 0100"):
        check(value, allowlist=allowlist)
    return allowlist


class LiveAllowlist:
    """Holds the current allowlist and swaps in a newer verified bundle when one appears."""

    def __init__(
        self,
        path: Path | None = None,
        *,
        interval: float = 2.0,
        loader: Callable[[Path | None], Allowlist] = load_allowlist,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = path
        self.interval = interval
        self._load = loader
        self._clock = clock
        self._lock = threading.Lock()
        self._watched = path if path is not None else state_dir() / BUNDLE_NAME
        # The rollback state too: once an administrator repairs it (reset-state), the bundle
        # that could not verify without it is loaded again.
        self._state_file = state_dir() / STATE_NAME
        self._signature = _signature(self._watched)
        try:
            self._current = warm(loader(path))
        except Exception as exc:  # never a crash at start for a bad file: serve unverified
            log.exception("allowlist could not be loaded")
            unusable = Message("bundle.unusable", {"reason": f"{type(exc).__name__}: {exc}"[:200]})
            self._current = warm(Allowlist.empty(problems=(unusable,)))
        self._state_signature = _signature(self._state_file)  # after loading: it may have written it
        self._announced = self._current.verified  # a verified allowlist whose expiry is not said yet
        if not self._announced:
            log.warning("allowlist not verified, nothing will be official: %s", self._current.problem)
        self._next_look = clock() + interval

    @property
    def watched(self) -> Path:
        return self._watched

    def current(self) -> Allowlist:
        """The allowlist to answer from; looks for a newer bundle at most every ``interval`` s."""
        if self._clock() >= self._next_look:
            self.refresh()
        return self._current

    def refresh(self) -> bool:
        """Look at the watched file now; return True when a newer allowlist was swapped in."""
        if not self._lock.acquire(blocking=False):
            return False  # another thread is already looking
        try:
            self._next_look = self._clock() + self.interval
            old = self._current
            if self._announced and not old.verified:
                self._announced = False
                log.warning("allowlist no longer verified, nothing will be official: %s", old.problem)
            signature = _signature(self._watched)
            if signature == self._signature and _signature(self._state_file) == self._state_signature:
                return False
            self._signature = signature
            try:
                candidate = self._load(self.path)
                self._state_signature = _signature(self._state_file)
                newer = candidate.verified and (
                    not old.verified or (candidate.version or 0) > (old.version or 0)
                )
                if newer:
                    warm(candidate)
            except Exception:  # a file that breaks loading never takes the service down
                log.exception("allowlist not replaced: %s could not be loaded", self._watched)
                return False
            if not newer:
                if candidate.problem:
                    log.warning("allowlist not replaced: %s", candidate.problem)
                return False
            self._current = candidate
            self._announced = True
            log.info("allowlist version %s (expires %s) now in use", candidate.version, candidate.expires)
            return True
        finally:
            self._lock.release()
