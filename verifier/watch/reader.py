"""Talking to one log, either kind: its verified tree head, its entries from a position, the
Merkle frontier at a size, its issuers. Every request goes through the log's LogFetcher."""

from __future__ import annotations

from dataclasses import dataclass, field

from verifier.watch import rfc6962, tiled
from verifier.watch.entries import LogEntry
from verifier.watch.errors import LogFormatError, LogUnavailable
from verifier.watch.fetch import LogFetcher
from verifier.watch.loglist import LogKind, LogSpec
from verifier.watch.merkle import Frontier, frontier_from_audit_path, frontier_from_tiles
from verifier.watch.rfc6962 import TreeHead

# A log that answers no entries for a range its tree head covers is given this many tries.
_EMPTY_ANSWERS = 4


@dataclass
class LogReader:
    """One log of the list and its fetcher; ``batch``: entries asked for at once (RFC 6962)."""

    log: LogSpec
    fetcher: LogFetcher
    batch: int = rfc6962.MAX_BATCH
    _issuers: dict[bytes, bytes] = field(default_factory=dict)

    def _get(self, url: str) -> bytes:
        body = self.fetcher.get(url)
        assert body is not None  # only missing_ok gets None
        return body

    def close(self) -> None:
        self.fetcher.close()

    def tree_head(self) -> TreeHead:
        """The log's current tree head, signature verified. Raises WatchError."""
        log = self.log
        if log.kind is LogKind.RFC6962:
            return rfc6962.parse_sth(self._get(rfc6962.sth_url(log)), log)
        return tiled.parse_checkpoint(self._get(log.url + "checkpoint"), log)

    def issuer(self, fingerprint: bytes) -> bytes:
        """The DER issuer certificate a tiled log serves for ``fingerprint``, checked to hash to
        it (kept once fetched). Raises WatchError."""
        found = self._issuers.get(fingerprint)
        if found is None:
            body = self._get(tiled.issuer_url(self.log, fingerprint))
            found = self._issuers[fingerprint] = tiled.verify_issuer(body, fingerprint)
        return found

    def frontier_at(self, size: int) -> Frontier:
        """The Merkle frontier of the first ``size`` leaves, from the log: the audit path of
        leaf ``size - 1`` (RFC 6962) or the hash tiles (static-ct-api). Not trusted by itself:
        the root it leads to is compared with a signed tree head. Raises WatchError."""
        log = self.log
        if size == 0:
            return Frontier()
        if log.kind is LogKind.RFC6962:
            last = rfc6962.parse_entries(self._get(rfc6962.entries_url(log, size - 1, size - 1)), size - 1, 1)
            if not last or last[0].leaf_hash is None:
                raise LogFormatError(f"{log.name}: entry {size - 1} not served for its audit path")
            hashed = last[0].leaf_hash
            body = self._get(rfc6962.proof_url(log, hashed, size))
            return frontier_from_audit_path(size, hashed, rfc6962.parse_audit_path(body, size - 1))

        def hash_tile(level: int, index: int, width: int) -> bytes:
            partial = width < tiled.TILE_WIDTH
            body = self.fetcher.get(tiled.hash_tile_url(log, level, index, width), missing_ok=partial)
            # The partial tile is gone once the full one exists.
            return body if body is not None else self._get(tiled.hash_tile_url(log, level, index))

        return frontier_from_tiles(size, hash_tile)

    def read(self, start: int, size: int) -> list[LogEntry]:
        """Some entries from ``start`` (at least one, at most to ``size``): what the log gives."""
        log = self.log
        if log.kind is LogKind.RFC6962:
            end = min(size, start + self.batch) - 1
            for _ in range(_EMPTY_ANSWERS):
                entries = rfc6962.parse_entries(
                    self._get(rfc6962.entries_url(log, start, end)), start, end - start + 1
                )
                if entries:
                    return entries
                self.fetcher.pause()
            raise LogUnavailable(f"{log.name}: no entries from {start} though the tree has {size}")
        tile = start // tiled.TILE_WIDTH
        width = min(tiled.TILE_WIDTH, size - tile * tiled.TILE_WIDTH)
        body = self.fetcher.get(tiled.data_tile_url(log, tile, width), missing_ok=width < tiled.TILE_WIDTH)
        if body is None:  # the partial tile is gone once the full one exists
            body = self._get(tiled.data_tile_url(log, tile))
            width = tiled.TILE_WIDTH
        entries = tiled.parse_data_tile(body, tile, width)
        return [e for e in entries if start <= e.index < size]
