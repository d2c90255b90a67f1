"""Where each log was read up to, and which alerts were already given, kept in
``<state dir>/watch/`` (``$VERIFIER_STATE_DIR``, else ``$XDG_STATE_HOME/verifier``).

The file is replaced atomically after every batch, after the batch's alerts went out: a
crash repeats at most the alerts of one batch and never skips an entry. One watcher at a time
holds the directory (an exclusive lock on ``watch/lock``).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from verifier.allowlist.store import atomic_write, state_dir
from verifier.watch.errors import StateLocked, WatchError

STATE_FILE = "positions.json"
FORMAT = 1
MAX_REMEMBERED_ALERTS = 100_000


@dataclass
class LogPosition:
    """``next_index``: the first entry not yet read; ``tree_size``: the largest verified size;
    ``frontier``: the Merkle frontier of the first ``next_index`` leaves (None: not known)."""

    next_index: int
    tree_size: int
    frontier: list[bytes] | None = None


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:32]


class WatchState:
    """Positions per log (by base64 log id) and the keys of alerts already given (oldest
    forgotten first past MAX_REMEMBERED_ALERTS)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.positions: dict[str, LogPosition] = {}
        self.alerted: OrderedDict[str, None] = OrderedDict()

    @property
    def path(self) -> Path:
        return self.directory / STATE_FILE

    @classmethod
    def load(cls, directory: Path | None = None) -> WatchState:
        """The saved state (empty when there is none). Raises WatchError when the file exists
        but cannot be read: starting over would repeat or skip entries."""
        state = cls(directory if directory is not None else state_dir() / "watch")
        try:
            raw = state.path.read_bytes()
        except FileNotFoundError:
            return state
        except OSError as exc:
            raise WatchError(f"watch state {state.path} unreadable: {exc.strerror}") from None
        try:
            document: Any = json.loads(raw)
            if document.get("format") != FORMAT:
                raise ValueError("unknown format")
            for log_id, value in document["logs"].items():
                next_index, tree_size = value["next_index"], value["tree_size"]
                if not (isinstance(next_index, int) and isinstance(tree_size, int) and next_index >= 0):
                    raise ValueError(f"bad position for {log_id}")
                nodes = value.get("frontier")
                frontier = None if nodes is None else [bytes.fromhex(n) for n in nodes]
                if frontier is not None and (
                    len(frontier) != next_index.bit_count() or any(len(n) != 32 for n in frontier)
                ):
                    raise ValueError(f"bad frontier for {log_id}")
                state.positions[str(log_id)] = LogPosition(next_index, tree_size, frontier)
            for key in document["alerted"]:
                state.alerted[str(key)] = None
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise WatchError(
                f"watch state {state.path} is damaged ({exc}); move it away to start over"
            ) from None
        return state

    def save(self) -> None:
        while len(self.alerted) > MAX_REMEMBERED_ALERTS:
            self.alerted.popitem(last=False)
        document = {
            "format": FORMAT,
            "logs": {
                k: {
                    "next_index": p.next_index,
                    "tree_size": p.tree_size,
                    "frontier": None if p.frontier is None else [n.hex() for n in p.frontier],
                }
                for k, p in self.positions.items()
            },
            "alerted": list(self.alerted),
        }
        atomic_write(self.path, json.dumps(document, separators=(",", ":")).encode() + b"\n")

    def first_alert(self, key: str) -> bool:
        """True the first time ``key`` is seen (and remembers it, as 16 bytes of its SHA-256)."""
        key = _digest(key)
        if key in self.alerted:
            return False
        self.alerted[key] = None
        return True

    def alerted_before(self, key: str) -> bool:
        return _digest(key) in self.alerted

    @contextlib.contextmanager
    def locked(self) -> Iterator[WatchState]:
        """Hold the state directory for this watcher; StateLocked if another holds it."""
        self.directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.directory / "lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StateLocked(f"another verifier watch uses {self.directory}") from None
            yield self
        finally:
            os.close(fd)
