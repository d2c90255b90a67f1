"""RFC 6962 §2.1 Merkle trees as a log watcher needs them: the compact frontier of the leaves
read so far, which gives the root to compare with a signed tree head, and its reconstruction
at a tree size from an audit path (RFC 6962 logs) or from hash tiles (static-ct-api).

The frontier of a tree of ``size`` leaves is the list of the roots of its perfect subtrees,
largest (leftmost) first: one for each bit set in ``size``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

from verifier.watch.errors import LogFormatError

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(merkle_tree_leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + merkle_tree_leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


class Frontier:
    """The roots of the perfect subtrees of the first ``size`` leaves, largest first."""

    __slots__ = ("nodes", "size")

    def __init__(self, size: int = 0, nodes: Sequence[bytes] = ()) -> None:
        if len(nodes) != size.bit_count() or any(len(n) != 32 for n in nodes):
            raise LogFormatError(f"a frontier of {size} leaves has {size.bit_count()} 32-byte nodes")
        self.size = size
        self.nodes = list(nodes)

    def append(self, leaf: bytes) -> None:
        """Add the next leaf's hash: merge equal-sized subtrees as the size's bits carry."""
        node, size = leaf, self.size
        while size & 1:
            node = node_hash(self.nodes.pop(), node)
            size >>= 1
        self.nodes.append(node)
        self.size += 1

    def root(self) -> bytes:
        """MTH of the leaves so far: the subtrees folded from the right."""
        if not self.nodes:
            return EMPTY_ROOT
        node = self.nodes[-1]
        for left in reversed(self.nodes[:-1]):
            node = node_hash(left, node)
        return node

    def copy(self) -> Frontier:
        return Frontier(self.size, self.nodes)


def frontier_from_audit_path(size: int, last_leaf: bytes, path: Sequence[bytes]) -> Frontier:
    """The frontier at ``size`` from the audit path of its last leaf (``get-proof-by-hash``
    for leaf ``size - 1`` in the tree of ``size``). The path's first nodes are the siblings
    inside the smallest perfect subtree (as many as its height), the others the roots of the
    larger subtrees, smallest first. Not checked here: the root it gives is compared with a
    signed tree head by the caller."""
    height = (size & -size).bit_length() - 1
    if size < 1 or len(path) != height + size.bit_count() - 1 or any(len(p) != 32 for p in path):
        raise LogFormatError(f"an audit path for the last of {size} leaves has {len(path)} nodes")
    node = last_leaf
    for sibling in path[:height]:
        node = node_hash(sibling, node)
    return Frontier(size, [*reversed(path[height:]), node])


def frontier_from_tiles(size: int, tile: Callable[[int, int, int], bytes]) -> Frontier:
    """The frontier at ``size`` from hash tiles: ``tile(level, index, width)`` gives the
    hashes of tile ``index`` at ``level`` (at least ``width`` of them). A subtree of 2**j
    leaves is 2**(j % 8) consecutive hashes of one tile at level j // 8."""
    nodes: list[bytes] = []
    offset = 0
    for j in reversed(range(size.bit_length())):
        if not size >> j & 1:
            continue
        level, count = j // 8, 1 << (j % 8)
        first = offset >> (8 * level)
        index, position = divmod(first, 256)
        width = min(256, (size >> (8 * level)) - index * 256)
        data = tile(level, index, width)
        if len(data) < (position + count) * 32:
            raise LogFormatError(f"hash tile {level}/{index} is too short")
        hashes = [data[i * 32 : (i + 1) * 32] for i in range(position, position + count)]
        while len(hashes) > 1:
            hashes = [node_hash(hashes[i], hashes[i + 1]) for i in range(0, len(hashes), 2)]
        nodes.append(hashes[0])
        offset += 1 << j
    return Frontier(size, nodes)
