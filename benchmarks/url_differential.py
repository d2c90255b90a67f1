"""verifier's reading of URLs against Node's ``new URL()``: the full differential campaign.

The test suite runs 30,000 URLs of one seed (tests/integration/test_url_differential.py); this
runs ``--count`` URLs (default 100,000) for each of ``--seeds`` and prints the differences by
kind, with examples. 0 differences is the bar (issue 12). Needs node on the PATH.

    .venv/bin/python benchmarks/url_differential.py [--count 100000] [--seeds 1 2 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from evaldata import run_header, table

from tests.urlcorpus import differences, urls


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000, help="URLs per seed")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--node", default="node", help="the node executable")
    args = parser.parse_args()
    print(run_header("URL differential: verifier vs Node's new URL()"))
    rows = []
    total = 0
    for seed in args.seeds:
        texts = list(urls(args.count, seed=seed))
        started = time.perf_counter()
        found, counts = differences(texts, node=args.node)
        seconds = time.perf_counter() - started
        total += len(found)
        rows.append(
            [
                seed,
                len(texts),
                counts["node parsed"],
                counts["node refused"],
                counts["url"],
                counts["handle"],
                counts["official"],
                counts["node's final-dot deviation"],
                len(found),
                f"{seconds:.1f}",
            ]
        )
        kinds = Counter(what.split(":")[0] for _, what in found)
        for kind, number in kinds.most_common():
            example = next(text for text, what in found if what.startswith(kind))
            print(f"seed {seed}: {number} differences of kind {kind!r}, e.g. {example!r}")
    print(
        table(
            [
                "seed",
                "urls",
                "node parsed",
                "node refused",
                "url hosts",
                "accounts",
                "official",
                "node final-dot bug",
                "differences",
                "s",
            ],
            rows,
        )
    )
    print(f"differences in all: {total}")
    return 1 if total else 0


if __name__ == "__main__":
    raise SystemExit(main())
