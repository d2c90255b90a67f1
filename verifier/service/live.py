"""The allowlist a running service answers from, replaced without a restart by a newer one.

The service loads the bundle once at start. Every ``interval`` seconds at most, a request
looks at the watched bundle file (``--allowlist`` or the one ``verifier update`` installs);
when it changed, the file is verified again and replaces the current allowlist only if it
verifies and is newer (or the current one did not verify). A bad file never replaces a
good allowlist.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from verifier.allowlist.model import Allowlist
from verifier.allowlist.store import BUNDLE_NAME, load_allowlist, state_dir
from verifier.checker import check

log = logging.getLogger("verifier.service")

Signature = tuple[int, int] | None


def _signature(path: Path) -> Signature:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


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
        self._signature = _signature(self._watched)
        self._current = warm(loader(path))
        if not self._current.verified:
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
            signature = _signature(self._watched)
            if signature == self._signature:
                return False
            self._signature = signature
            candidate = self._load(self.path)
            old = self._current
            newer = candidate.verified and (not old.verified or (candidate.version or 0) > (old.version or 0))
            if not newer:
                if candidate.problem:
                    log.warning("allowlist not replaced: %s", candidate.problem)
                return False
            self._current = warm(candidate)
            log.info("allowlist version %s (expires %s) now in use", candidate.version, candidate.expires)
            return True
        finally:
            self._lock.release()
