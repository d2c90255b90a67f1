"""Where the time of one ``verifier.check`` on a domain goes, step by step.

For the benign negatives (benchmarks/data/negatives.txt) and the dnstwist positives
(../shared/eval/dev/dnstwist_perms.jsonl) apart, the mean microseconds per value of:
parsing (``parse_channel``), the exact allowlist lookup (``Allowlist.find``), the lookalike
search (``find_lookalike``) and the whole ``verifier.check``; what the whole costs beyond the
three steps is deciding and building the result. The parse caches are emptied before each
timed pass, so every value is parsed as if new (the evaluation's hosts are all distinct).
Best of three passes, in-process, one core.

    .venv/bin/python benchmarks/check_breakdown.py
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TypeVar

from evaldata import DEV_DIR, NEGATIVES, load_negatives, load_perms, run_header, shipped_allowlist, table

import verifier
from verifier.channels import cleaning, domain, parse_channel
from verifier.errors import InvalidChannel
from verifier.lookalike import find_lookalike
from verifier.model import Channel

Item = TypeVar("Item")
ROUNDS = 3


def _clear_caches() -> None:
    domain.normalize_host.cache_clear()
    domain.registrable_domain.cache_clear()
    cleaning._clean.cache_clear()


def mean_micros(step: Callable[[Item], object], items: Sequence[Item]) -> float:
    """The best of ``ROUNDS`` passes of ``step`` over ``items``, in microseconds per item."""
    best = float("inf")
    for _ in range(ROUNDS):
        _clear_caches()
        start = time.perf_counter()
        for item in items:
            step(item)
        best = min(best, time.perf_counter() - start)
    return best / len(items) * 1e6


def parse_or_none(host: str) -> Channel | None:
    try:
        return parse_channel(host)
    except InvalidChannel:
        return None


def main() -> int:
    allowlist = shipped_allowlist()
    groups = {
        "negatives": [n.domain for n in load_negatives(NEGATIVES)],
        "positives": [p.domain for p in load_perms(DEV_DIR)],
    }
    for host in ("warmup.example.com", "tokenpocket.pro", "xn--mtamask-6ya.io"):
        verifier.check(host, allowlist=allowlist)
    rows: list[list[object]] = []
    for name, hosts in groups.items():
        channels = [c for c in map(parse_or_none, hosts) if c is not None]
        parse = mean_micros(parse_or_none, hosts)
        lookup = mean_micros(allowlist.find, channels)
        lookalike = mean_micros(lambda c: find_lookalike(allowlist, c), channels)
        whole = mean_micros(lambda h: verifier.check(h, allowlist=allowlist), hosts)
        rest = whole - parse - lookup - lookalike
        cells = [f"{v:.1f}" for v in (parse, lookup, lookalike, rest, whole)]
        rows.append([name, len(hosts), *cells, f"{1e6 / whole:,.0f}"])
    print(run_header("Where a verifier.check on a domain spends its time") + "\n")
    headers = ["hosts", "n", "parse µs", "allowlist µs", "lookalike µs", "decide + result µs", "check µs"]
    print(table([*headers, "checks/s"], rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
