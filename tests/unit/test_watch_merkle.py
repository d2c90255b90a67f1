"""The Merkle frontier gives RFC 6962's tree hash at every size, and is rebuilt the same from
an audit path (RFC 6962 logs) or from hash tiles (static-ct-api)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.watchlog import audit_path, leaf_hashes, merkle_root, subtree_root
from verifier.watch import LogFormatError, WatchError, WatchState
from verifier.watch.merkle import EMPTY_ROOT, Frontier, frontier_from_audit_path, frontier_from_tiles
from verifier.watch.state import LogPosition

LEAVES = [i.to_bytes(2, "big") for i in range(1500)]
HASHES = leaf_hashes(LEAVES)
SIZES = [1, 2, 3, 4, 5, 7, 8, 255, 256, 257, 511, 512, 513, 1000, 1499, 1500]


def test_frontier_root_at_every_size() -> None:
    frontier = Frontier()
    assert frontier.root() == EMPTY_ROOT
    for size, hashed in enumerate(HASHES[:600]):
        assert frontier.root() == merkle_root(LEAVES[:size])
        frontier.append(hashed)


def _tile(level: int, index: int, width: int) -> bytes:
    span = 256**level
    return b"".join(
        subtree_root(HASHES[(index * 256 + i) * span : (index * 256 + i + 1) * span]) for i in range(width)
    )


@pytest.mark.parametrize("size", SIZES)
def test_frontier_from_tiles(size: int) -> None:
    assert frontier_from_tiles(size, _tile).root() == merkle_root(LEAVES[:size])


@pytest.mark.parametrize("size", SIZES)
def test_frontier_from_the_last_leafs_audit_path(size: int) -> None:
    frontier = frontier_from_audit_path(size, HASHES[size - 1], audit_path(size - 1, HASHES[:size]))
    assert frontier.root() == merkle_root(LEAVES[:size])
    if size < len(HASHES):  # and it goes on from there
        frontier.append(HASHES[size])
        assert frontier.root() == merkle_root(LEAVES[: size + 1])


def test_bad_shapes_refused() -> None:
    with pytest.raises(LogFormatError):
        frontier_from_audit_path(5, HASHES[4], audit_path(4, HASHES[:5])[:-1])
    with pytest.raises(LogFormatError):
        Frontier(3, [HASHES[0]])
    with pytest.raises(LogFormatError):
        frontier_from_tiles(300, lambda level, index, width: b"\x00" * 31)


def test_frontier_kept_in_the_state(tmp_path: Path) -> None:
    state = WatchState(tmp_path)
    frontier = Frontier()
    for hashed in HASHES[:13]:
        frontier.append(hashed)
    state.positions["log"] = LogPosition(13, 20, list(frontier.nodes))
    state.save()
    again = WatchState.load(tmp_path).positions["log"]
    assert again.frontier is not None and Frontier(13, again.frontier).root() == frontier.root()
    text = state.path.read_text().replace('"next_index":13', '"next_index":15')
    state.path.write_text(text)
    with pytest.raises(WatchError, match="frontier"):
        WatchState.load(tmp_path)
