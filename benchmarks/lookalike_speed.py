"""Speed of ``verifier.check`` on domains: a realistic mix, and how it grows with the brand count.

(a) The mix: 95% unrelated domains (benchmarks/data/negatives.txt) and 5% lookalikes (dnstwist
    permutations that are not official), sampled with a fixed seed, checked against the
    shipped brands.
(b) Scaling: the shipped brands plus 10, 100 and 1,000 synthetic ones (pronounceable random
    names, 1-2 domains each on varied suffixes, fixed seed); for each, the time to load the
    allowlist, the first check (which builds the lookalike index) and the same mix.

Latencies are per call (perf_counter_ns around each ``check``); checks/s is calls over their
summed time. Each row runs in a fresh process, so caches filled by one row never help the next.

    .venv/bin/python benchmarks/lookalike_speed.py [--mix-size N] [--seed S]
"""

from __future__ import annotations

import argparse
import copy
import json
import multiprocessing
import random
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from evaldata import FLAGGED, is_official, load_negatives, load_perms, run_header, shipped_allowlist, table

import verifier

SEED = 20261123
MIX_SIZE = 10_000
LOOKALIKE_SHARE = 0.05
EXAMPLES = 10
SYNTHETIC_SIZES = (0, 10, 100, 1000)  # the first row is (a)
SUFFIXES = ("com", "io", "app", "org", "net", "co", "pro", "xyz", "finance", "network", "me", "cc", "co.uk")
SECOND_LABEL = ("", "", "app", "wallet", "hq", "labs")  # "" = the same name on another suffix
_ONSETS = (
    "b",
    "c",
    "d",
    "f",
    "g",
    "h",
    "j",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "w",
    "z",
    "br",
    "st",
    "tr",
)
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ou")
_CODAS = ("", "", "", "n", "r", "s", "x", "l")


@dataclass(frozen=True, slots=True)
class Sample:
    host: str
    lookalike: bool


@dataclass(frozen=True, slots=True)
class Timing:
    """Per-call latencies (ns) of one pass over the mix, and how many were flagged."""

    unrelated_ns: list[int]
    lookalike_ns: list[int]
    flagged_lookalikes: int
    false_positives: list[str]  # unrelated hosts flagged: "host (technique of matched)"

    @property
    def flagged_unrelated(self) -> int:
        return len(self.false_positives)

    @property
    def checks_per_second(self) -> float:
        calls = self.unrelated_ns + self.lookalike_ns
        return len(calls) / (sum(calls) / 1e9)


def realistic_mix(size: int, seed: int, allowlist: verifier.Allowlist) -> list[Sample]:
    rng = random.Random(seed)
    lookalikes = sorted({p.domain for p in load_perms() if not is_official(p.domain, allowlist)})
    unrelated = [n.domain for n in load_negatives()]
    n_look = round(size * LOOKALIKE_SHARE)
    mix = [Sample(h, True) for h in rng.sample(lookalikes, n_look)]
    mix += [Sample(h, False) for h in rng.sample(unrelated, min(size - n_look, len(unrelated)))]
    rng.shuffle(mix)
    return mix


def synthetic_name(rng: random.Random) -> str:
    syllables = rng.randint(2, 4)
    return "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables))


def synthetic_brands(count: int, seed: int, taken: set[str]) -> dict[str, dict[str, Any]]:
    """``count`` brands shaped like the bundle's, with names not already ``taken``."""
    rng = random.Random(seed)
    brands: dict[str, dict[str, Any]] = {}
    while len(brands) < count:
        name = synthetic_name(rng)
        if name in taken or name in brands or not 5 <= len(name) <= 14:
            continue
        suffixes = rng.sample(SUFFIXES, 2)
        hosts = [f"{name}.{suffixes[0]}"]
        if rng.random() < 0.5:
            hosts.append(f"{name}{rng.choice(SECOND_LABEL)}.{suffixes[1]}")
        brands[name] = {
            "name": name.capitalize(),
            "aliases": [f"{name.capitalize()} Wallet"],
            "default_region": "US",
            "custody": "self",
            "no_phone_support": None,
            "unrelated": [],
            "domains": [
                {
                    "value": h,
                    "display": h,
                    "subdomains": True,
                    "evidence": f"https://{h}/",
                    "checked": "2026-01-01",
                }
                for h in hosts
            ],
            "emails": [],
            "phones": [],
            "handles": [],
        }
    return brands


def shipped_signed() -> dict[str, Any]:
    bundle = json.loads(resources.files("verifier.data").joinpath("allowlist.json").read_text("utf-8"))
    signed: dict[str, Any] = bundle["signed"]
    return signed


def with_synthetic(signed: dict[str, Any], count: int, seed: int) -> dict[str, Any]:
    out = copy.deepcopy(signed)
    taken = set(out["brands"])
    for brand in out["brands"].values():
        taken.update(d["value"].split(".")[0] for d in brand["domains"])
    out["brands"].update(synthetic_brands(count, seed, taken))
    return out


def timed_pass(mix: Sequence[Sample], allowlist: verifier.Allowlist) -> Timing:
    unrelated: list[int] = []
    lookalike: list[int] = []
    caught = 0
    false_positives: list[str] = []
    clock = time.perf_counter_ns
    for sample in mix:
        start = clock()
        result = verifier.check(sample.host, allowlist=allowlist)
        elapsed = clock() - start
        if sample.lookalike:
            lookalike.append(elapsed)
            caught += result.verdict in FLAGGED
        else:
            unrelated.append(elapsed)
            if result.verdict in FLAGGED:
                false_positives.append(f"{sample.host} ({result.technique} of {result.matched})")
    return Timing(unrelated, lookalike, caught, false_positives)


def micros(ns: Sequence[int], q: float) -> str:
    if not ns:
        return "-"
    ordered = sorted(ns)
    return f"{ordered[min(len(ordered) - 1, int(q * len(ordered)))] / 1000:.0f}"


@dataclass(frozen=True, slots=True)
class Row:
    synthetic: int
    brands: int
    domains: int
    load_seconds: float
    first_check_seconds: float
    timing: Timing


def measure(synthetic: int, seed: int, mix: Sequence[Sample]) -> Row:
    """One row, run in a fresh process so no cache of an earlier row helps it."""
    verifier.check("warmup.example.com")  # loads the PSL and word lists, as any process would
    spec = with_synthetic(shipped_signed(), synthetic, seed)
    start = time.perf_counter()
    allowlist = verifier.Allowlist.from_signed(spec, verified=True)
    loaded = time.perf_counter() - start
    start = time.perf_counter()
    verifier.check("first.example.org", allowlist=allowlist)  # builds the lookalike index
    first = time.perf_counter() - start
    domains = sum(len(b["domains"]) for b in spec["brands"].values())
    return Row(synthetic, len(allowlist.brands), domains, loaded, first, timed_pass(mix, allowlist))


def latency_row(name: str, ns: Sequence[int], flagged: int) -> list[object]:
    return [
        name,
        len(ns),
        f"{len(ns) / (sum(ns) / 1e9):,.0f}",
        f"{statistics.fmean(ns) / 1000:.0f}",
        micros(ns, 0.5),
        micros(ns, 0.99),
        flagged,
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mix-size", type=int, default=MIX_SIZE)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)

    mix = realistic_mix(args.mix_size, args.seed, shipped_allowlist())
    n_look = sum(s.lookalike for s in mix)
    with multiprocessing.get_context("spawn").Pool(1, maxtasksperchild=1) as pool:
        rows = pool.starmap(measure, [(count, args.seed, mix) for count in SYNTHETIC_SIZES], chunksize=1)

    print(run_header("Lookalike speed: verifier.check on domains"))
    print(
        f"mix: {len(mix)} hosts, {len(mix) - n_look} unrelated (negatives.txt) + {n_look} lookalikes"
        f" (dnstwist perms), seed {args.seed}; each row one pass in a fresh process\n"
    )
    base = rows[0].timing
    print("## (a) Realistic mix, shipped brands\n")
    print(
        table(
            ["hosts", "n", "checks/s", "mean µs", "p50 µs", "p99 µs", "flagged"],
            [
                latency_row("unrelated", base.unrelated_ns, base.flagged_unrelated),
                latency_row("lookalike", base.lookalike_ns, base.flagged_lookalikes),
                latency_row(
                    "mix",
                    base.unrelated_ns + base.lookalike_ns,
                    base.flagged_unrelated + base.flagged_lookalikes,
                ),
            ],
        )
    )

    print("\n## (b) Scaling with the number of brands (same mix)\n")
    headers = [
        "synthetic",
        "brands",
        "domains",
        "load ms",
        "first check ms (index build)",
        "checks/s",
        "p50 µs",
        "p99 µs",
        "lookalikes flagged",
        "unrelated flagged",
    ]
    table_rows: list[list[object]] = []
    for row in rows:
        t = row.timing
        all_ns = t.unrelated_ns + t.lookalike_ns
        table_rows.append(
            [
                row.synthetic,
                row.brands,
                row.domains,
                f"{row.load_seconds * 1000:.1f}",
                f"{row.first_check_seconds * 1000:.1f}",
                f"{t.checks_per_second:,.0f}",
                micros(all_ns, 0.5),
                micros(all_ns, 0.99),
                f"{t.flagged_lookalikes}/{len(t.lookalike_ns)}",
                f"{t.flagged_unrelated}/{len(t.unrelated_ns)}",
            ]
        )
    print(table(headers, table_rows))
    print(
        "\n'unrelated flagged' growing with the brand count is what more brands cost in false"
        " positives (synthetic names can be near real words)."
    )
    largest = rows[-1]
    if largest.timing.false_positives:
        print(f"Flagged unrelated hosts with {largest.synthetic} synthetic brands, first {EXAMPLES}:")
        for line in largest.timing.false_positives[:EXAMPLES]:
            print(f"- {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
