"""A small thread-safe cache whose answers expire: one per process, shared by every check."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

DEFAULT_SIZE = 10_000


class TTLCache:
    """At most ``size`` answers, each kept ``ttl`` seconds; the least recently stored goes first.

    ``get_or_compute`` runs ``compute`` once per key at a time: concurrent askers for the same key
    wait for the first one's answer rather than asking the network again."""

    def __init__(self, ttl: float, size: int = DEFAULT_SIZE, clock: Callable[[], float] = time.monotonic):
        self.ttl = ttl
        self.size = size
        self.clock = clock
        self._items: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._pending: dict[Hashable, threading.Event] = {}
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> tuple[bool, Any]:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return False, None
            if item[0] <= self.clock():
                del self._items[key]
                return False, None
            return True, item[1]

    def put(self, key: Hashable, value: Any, ttl: float | None = None) -> None:
        with self._lock:
            self._items[key] = (self.clock() + (self.ttl if ttl is None else ttl), value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def get_or_compute(
        self, key: Hashable, compute: Callable[[], Any], *, cacheable: Callable[[Any], bool] = bool
    ) -> Any:
        """The cached answer for ``key``, else ``compute()`` (stored when ``cacheable(answer)``)."""
        while True:
            found, value = self.get(key)
            if found:
                with self._lock:
                    self.hits += 1
                return value
            with self._lock:
                waiting = self._pending.get(key)
                if waiting is None:
                    event = self._pending[key] = threading.Event()
                    self.misses += 1
                    break
            waiting.wait()
            # The first asker stored its answer (or did not, being uncacheable: then ask again).
            found, value = self.get(key)
            if found:
                with self._lock:
                    self.hits += 1
                return value
        try:
            value = compute()
            if cacheable(value):
                self.put(key, value)
            return value
        finally:
            with self._lock:
                del self._pending[key]
            event.set()

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.hits = self.misses = 0
