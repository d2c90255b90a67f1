"""Lookalike detection on real phishing hosts: ours beside eth-phishing-detect and phishing_catcher.

Used by lookalike_eval.py (its second part). Data: ../shared/eval/dev/real_phish_domains.jsonl
(real phishing hosts with the brand they imitate) and real_benign_domains.jsonl (legitimate hosts,
hard negatives included). Ours is ``verifier.check(host, use_denylist=False)``: detection alone.

Cross-validation: hosts are cut into k folds by registrable domain (every host of one registrable
domain in one fold). For each fold, the finder's choices (``verifier.lookalike.embedded.Rules``:
which short brand names count as a whole piece, whether misspelt short names and lone misspelt
pieces count) are chosen on the other folds, as the variant with the highest right-brand recall
among those flagging at most ``MAX_FP_RATE`` of the benign hosts there, and measured on the held
fold; phishing_catcher's threshold is chosen the same way. eth-phishing-detect has nothing to
choose; its per-fold figures are the plain ones restricted to each fold.
"""

from __future__ import annotations

import itertools
import json
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tldextract
from anchor import AnchorRun
from catcher import THRESHOLD, CatcherRun
from evaldata import FLAGGED, percent, rate, table

import verifier
from verifier.lookalike import index_for
from verifier.lookalike.domains import DomainIndex
from verifier.lookalike.embedded import Rules

MIN_RECALL = 0.95
MIN_TYPO_RECALL = 0.85
MAX_FP_RATE = 0.0005
FOLDS = 5
SEED = 13
CATCHER_THRESHOLDS = tuple(range(40, 205, 5))
EXAMPLES = 10
PASSES = 3


@dataclass(frozen=True, slots=True)
class Phish:
    domain: str
    brand: str
    source: str
    hint: str  # exact | typo
    first_seen: str | None


@dataclass(frozen=True, slots=True)
class Benign:
    domain: str
    source: str


def load(dev_dir: Path) -> tuple[list[Phish], list[Benign]]:
    phish = [
        Phish(r["domain"], r["brand"], r["source"], r["technique_hint"], r.get("first_seen"))
        for r in map(json.loads, (dev_dir / "real_phish_domains.jsonl").read_text("utf-8").splitlines())
    ]
    benign = [
        Benign(r["domain"], r["source"])
        for r in map(json.loads, (dev_dir / "real_benign_domains.jsonl").read_text("utf-8").splitlines())
    ]
    return phish, benign


@dataclass
class Verdicts:
    """One detector's answer per host (phish first, then benign): flagged, and the brand named."""

    flagged: list[bool]
    brands: list[str | None]


@dataclass
class RealRun:
    phish: list[Phish]
    benign: list[Benign]
    ours: Verdicts
    our_seconds: float
    official: list[bool]  # verdict official: never flagged in any variant
    anchor: Verdicts | None = None
    anchor_run: AnchorRun | None = None
    catcher_run: CatcherRun | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def hosts(self) -> list[str]:
        return [p.domain for p in self.phish] + [b.domain for b in self.benign]


def run_ours(hosts: Sequence[str], allowlist: verifier.Allowlist) -> tuple[Verdicts, list[bool], float]:
    check = verifier.check
    for host in hosts[:200]:
        check(host, allowlist=allowlist, use_denylist=False)
    seconds = float("inf")
    for _ in range(PASSES):  # the fastest of three passes, as the anchor is timed
        start = time.perf_counter()
        results = [check(h, allowlist=allowlist, use_denylist=False) for h in hosts]
        seconds = min(seconds, time.perf_counter() - start)
    flagged = [r.verdict in FLAGGED for r in results]
    return (
        Verdicts(flagged, [r.brand if f else None for r, f in zip(results, flagged, strict=True)]),
        [r.verdict is verifier.Verdict.OFFICIAL for r in results],
        seconds,
    )


def anchor_verdicts(run: AnchorRun, allowlist: verifier.Allowlist) -> Verdicts:
    """eth-phishing-detect's answers, its matched fuzzylist domain read as one of our brands."""
    extract = tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True)
    by_label: dict[str, str] = {}
    for brand in allowlist.brands.values():
        for entry in brand.entries_of(verifier.ChannelKind.URL):
            by_label.setdefault(extract(entry.value).domain, brand.id)
    return Verdicts(
        [v.flagged for v in run.verdicts],
        [by_label.get(extract(v.match).domain) if v.flagged and v.match else None for v in run.verdicts],
    )


def catcher_verdicts(run: CatcherRun, threshold: int = THRESHOLD) -> Verdicts:
    flagged = run.flagged(threshold)
    return Verdicts(flagged, [b if f else None for b, f in zip(run.brands, flagged, strict=True)])


def catcher_keywords(allowlist: verifier.Allowlist) -> dict[str, str]:
    """Each brand's name as a phishing_catcher user writes it: lowercase, no spaces, without
    "wallet" where the brand's own domain does without it (binance, okx; trustwallet stays)."""
    labels = {
        entry.value.split(".")[0]
        for brand in allowlist.brands.values()
        for entry in brand.entries_of(verifier.ChannelKind.URL)
    }
    out: dict[str, str] = {}
    for brand in allowlist.brands.values():
        name = "".join(brand.name.casefold().split())
        short = name.removesuffix("wallet")
        out[short if short != name and short in labels else name] = brand.id
    return out


# -- measures ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Score:
    n: int
    flagged: int
    right: int
    typo_n: int
    typo_right: int
    benign_n: int
    fp: int

    @property
    def recall(self) -> float:
        return self.right / self.n if self.n else 0.0

    @property
    def typo_recall(self) -> float:
        return self.typo_right / self.typo_n if self.typo_n else 0.0

    @property
    def fp_rate(self) -> float:
        return self.fp / self.benign_n if self.benign_n else 0.0

    def __add__(self, other: Score) -> Score:
        return Score(*(a + b for a, b in zip(self.tuple(), other.tuple(), strict=True)))

    def tuple(self) -> tuple[int, ...]:
        return (self.n, self.flagged, self.right, self.typo_n, self.typo_right, self.benign_n, self.fp)


def score(v: Verdicts, phish: Sequence[Phish], rows: Sequence[int], benign_rows: Sequence[int]) -> Score:
    """``rows`` index phish, ``benign_rows`` index the benign hosts (offset by len(phish))."""
    offset = len(phish)
    right = [i for i in rows if v.flagged[i] and v.brands[i] == phish[i].brand]
    typo = [i for i in rows if phish[i].hint == "typo"]
    return Score(
        len(rows),
        sum(v.flagged[i] for i in rows),
        len(right),
        len(typo),
        sum(1 for i in typo if v.flagged[i] and v.brands[i] == phish[i].brand),
        len(benign_rows),
        sum(v.flagged[offset + j] for j in benign_rows),
    )


def summary_row(name: str, s: Score, cps: float | None) -> list[object]:
    return [
        name,
        rate(s.flagged, s.n),
        f"{s.recall:.3f}",
        f"{s.typo_recall:.3f}",
        f"{s.fp} ({percent(s.fp, s.benign_n)})",
        "-" if cps is None else f"{cps:,.0f}",
    ]


# -- cross-validation --------------------------------------------------------------------------


def folds_by_registrable(hosts: Sequence[str], k: int) -> list[int]:
    """A fold number per host; every host of one registrable domain in the same fold."""
    from verifier.channels.domain import registrable_domain  # noqa: PLC0415

    keys = [registrable_domain(h) or h for h in hosts]
    distinct = sorted(set(keys))
    random.Random(SEED).shuffle(distinct)
    fold_of = {key: i % k for i, key in enumerate(distinct)}
    return [fold_of[key] for key in keys]


def rule_grid() -> list[tuple[str, Rules]]:
    """The finder variants cross-validation chooses among."""
    shipped = Rules()
    standalone_sets = [frozenset(), frozenset({"okx"}), frozenset({"okx", "phantom"}), shipped.standalone]
    out = []
    for standalone, misspelt_common, misspelt_piece in itertools.product(
        standalone_sets, (False, True), (False, True)
    ):
        rules = Rules(
            standalone=standalone,
            edge=shipped.edge,
            misspelt_common=misspelt_common,
            misspelt_piece=misspelt_piece,
            context=shipped.context,
        )
        name = (
            f"standalone={{{','.join(sorted(standalone))}}} misspelt_common={int(misspelt_common)}"
            f" misspelt_piece={int(misspelt_piece)}"
        )
        out.append((name, rules))
    return out


def variant_verdicts(
    hosts: Sequence[str], official: Sequence[bool], allowlist: verifier.Allowlist, rules: Rules
) -> Verdicts:
    """What ``verifier.check(host, use_denylist=False)`` would flag with ``rules``: the lookalike
    finder (C where built) over an index made with them; official hosts are never flagged."""
    index = DomainIndex(allowlist, rules)
    flagged: list[bool] = []
    brands: list[str | None] = []
    for host, is_official in zip(hosts, official, strict=True):
        found = None
        if not is_official:
            try:
                channel = verifier.parse_channel(host)
            except verifier.InvalidChannel:
                channel = None
            if channel is not None and channel.host and channel.registrable_domain:
                found = index.find(channel.host, channel.registrable_domain, channel.host_unicode)
        flagged.append(found is not None)
        brands.append(found.entry.brand if found is not None else None)
    return Verdicts(flagged, brands)


def choose(
    candidates: Sequence[tuple[str, Verdicts]], phish: Sequence[Phish], rows: list[int], benign: list[int]
) -> int:
    """The candidate with the best right-brand recall on ``rows`` among those within the false
    positive bound on ``benign``; the fewest false positives when none is."""
    scores = [score(v, phish, rows, benign) for _, v in candidates]
    within = [i for i, s in enumerate(scores) if s.fp_rate <= MAX_FP_RATE]
    if within:
        return max(within, key=lambda i: (scores[i].recall, scores[i].typo_recall, -scores[i].fp, -i))
    return min(range(len(scores)), key=lambda i: (scores[i].fp, -scores[i].recall))


def cross_validate(
    run: RealRun, allowlist: verifier.Allowlist
) -> tuple[list[list[object]], dict[str, Score], Counter[str]]:
    hosts = run.hosts
    folds = folds_by_registrable(hosts, FOLDS)
    n_phish = len(run.phish)
    ours = [(name, variant_verdicts(hosts, run.official, allowlist, rules)) for name, rules in rule_grid()]
    catcher = (
        [(f"threshold {t}", catcher_verdicts(run.catcher_run, t)) for t in CATCHER_THRESHOLDS]
        if run.catcher_run is not None
        else []
    )
    totals: dict[str, Score] = {}
    chosen: Counter[str] = Counter()
    rows: list[list[object]] = []
    for fold in range(FOLDS):
        test_p = [i for i in range(n_phish) if folds[i] == fold]
        train_p = [i for i in range(n_phish) if folds[i] != fold]
        test_b = [j for j in range(len(run.benign)) if folds[n_phish + j] == fold]
        train_b = [j for j in range(len(run.benign)) if folds[n_phish + j] != fold]
        pick = choose(ours, run.phish, train_p, train_b)
        chosen[ours[pick][0]] += 1
        results = {"ours": score(ours[pick][1], run.phish, test_p, test_b)}
        if catcher:
            c = choose(catcher, run.phish, train_p, train_b)
            results[f"phishing_catcher ({catcher[c][0]})"] = score(catcher[c][1], run.phish, test_p, test_b)
        if run.anchor is not None:
            results["eth-phishing-detect"] = score(run.anchor, run.phish, test_p, test_b)
        for name, s in results.items():
            key = "phishing_catcher" if name.startswith("phishing_catcher") else name
            totals[key] = totals[key] + s if key in totals else s
        for name, s in results.items():
            label = f"ours ({ours[pick][0]})" if name == "ours" else name
            rows.append([fold, label, s.n, f"{s.recall:.3f}", f"{s.typo_recall:.3f}", f"{s.fp}/{s.benign_n}"])
    return rows, totals, chosen


# -- report ------------------------------------------------------------------------------------


def miss_kind(host: str, platforms: frozenset[str]) -> str:
    from verifier.channels.domain import registrable_domain  # noqa: PLC0415

    registrable = registrable_domain(host) or host
    suffix = registrable.partition(".")[2]
    if suffix in platforms or registrable in platforms:
        return "on a hosting platform"
    if host != registrable:
        return "in a subdomain of another site"
    return "in the registrable name"


def report(run: RealRun, allowlist: verifier.Allowlist, dev_dir: Path, cross: bool) -> None:
    from verifier.lookalike.embedded import hosting_platforms  # noqa: PLC0415

    phish, benign = run.phish, run.benign
    rows = list(range(len(phish)))
    brows = list(range(len(benign)))
    print("\n# Real phishing hosts (use_denylist=False)\n")
    print(
        f"{len(phish)} phishing hosts ({dev_dir / 'real_phish_domains.jsonl'}), of which"
        f" {sum(p.hint == 'typo' for p in phish)} misspelled (technique_hint typo);"
        f" {len(benign)} legitimate hosts ({dev_dir / 'real_benign_domains.jsonl'})."
    )
    for note in run.notes:
        print(f"- {note}")
    print(
        "\n'recall' counts a host flagged with the brand it imitates (for eth-phishing-detect, the"
        " brand of the fuzzylist domain it matched; for phishing_catcher, the brand keyword in the"
        " host or one edit from a word of it); 'flagged' counts any flag.\n"
    )
    ours = score(run.ours, phish, rows, brows)
    cps = len(run.hosts) / run.our_seconds
    lines = [summary_row("verifier (ours)", ours, cps)]
    anchor_cps = None
    if run.anchor is not None and run.anchor_run is not None:
        anchor_cps = run.anchor_run.checks_per_second
        lines.append(summary_row("eth-phishing-detect", score(run.anchor, phish, rows, brows), anchor_cps))
    if run.catcher_run is not None:
        for threshold in (THRESHOLD, 100):
            lines.append(
                summary_row(
                    f"phishing_catcher, score >= {threshold}",
                    score(catcher_verdicts(run.catcher_run, threshold), phish, rows, brows),
                    run.catcher_run.checks_per_second,
                )
            )
    print(
        table(
            ["detector", "flagged", "recall (right brand)", "misspelled recall", "false flags", "checks/s"],
            lines,
        )
    )
    ratio = cps / anchor_cps if anchor_cps else None
    if ratio is not None:
        print(
            f"\nours / eth-phishing-detect throughput on these hosts = {ratio:.2f}x"
            " (each the fastest of three warm passes in each of two rounds: ours, anchor, ours, anchor)"
        )

    print("\n## Ours per brand\n")
    by_brand: dict[str, list[int]] = {}
    for i, p in enumerate(phish):
        by_brand.setdefault(p.brand, []).append(i)
    print(
        table(
            ["brand", "n", "recall", "misspelled recall"],
            [
                [
                    b,
                    len(r),
                    f"{score(run.ours, phish, r, []).recall:.3f}",
                    f"{score(run.ours, phish, r, []).typo_recall:.3f}",
                ]
                for b, r in sorted(by_brand.items())
            ],
        )
    )
    seen = [i for i, p in enumerate(phish) if p.first_seen and p.first_seen >= "2025-01-01"]
    if seen:
        s = score(run.ours, phish, seen, [])
        print(
            f"\nfirst listed 2025-2026 ({len(seen)} hosts): recall {s.recall:.3f},"
            f" misspelled {s.typo_recall:.3f}"
        )

    platforms = hosting_platforms()
    missed = [i for i in rows if not (run.ours.flagged[i] and run.ours.brands[i] == phish[i].brand)]
    kinds: dict[str, list[int]] = {}
    for i in missed:
        kinds.setdefault(miss_kind(phish[i].domain, platforms), []).append(i)
    print(f"\n## Our misses ({len(missed)}), by where the name is\n")
    for kind, members in sorted(kinds.items(), key=lambda kv: -len(kv[1])):
        wrong = sum(run.ours.flagged[i] for i in members)
        examples = ", ".join(f"{phish[i].domain} ({phish[i].brand})" for i in members[:EXAMPLES])
        print(f"- {kind}: {len(members)} ({wrong} flagged with another brand); e.g. {examples}")
    false = [j for j in brows if run.ours.flagged[len(phish) + j]]
    print(f"\n## Our false flags ({len(false)})\n")
    for j in false:
        print(f"- {benign[j].domain} ({benign[j].source}): {run.ours.brands[len(phish) + j]}")

    if cross:
        print(f"\n## Cross-validated ({FOLDS} folds by registrable domain, seed {SEED})\n")
        print(
            f"Per fold, choices made on the other folds: ours among {len(rule_grid())} finder variants,"
            f" phishing_catcher's threshold among {CATCHER_THRESHOLDS[0]}..{CATCHER_THRESHOLDS[-1]};"
            f" the best right-brand recall with false flags <= {MAX_FP_RATE:.2%} there.\n"
        )
        fold_rows, totals, chosen = cross_validate(run, allowlist)
        print(table(["fold", "detector", "phish", "recall", "misspelled", "false flags"], fold_rows))
        print("\npooled over the held-out folds:\n")
        print(
            table(
                ["detector", "recall (right brand)", "misspelled recall", "false flags"],
                [
                    [k, f"{s.recall:.3f}", f"{s.typo_recall:.3f}", f"{s.fp} ({percent(s.fp, s.benign_n)})"]
                    for k, s in totals.items()
                ],
            )
        )
        print("\nour variants chosen: " + "; ".join(f"{k} ({n} folds)" for k, n in chosen.most_common()))
        if "ours" in totals:
            ours = totals["ours"]

    print("\n## Targets on real hosts (issue 13)\n")

    def met(ok: bool) -> str:
        return "yes" if ok else "NO"

    label = "cross-validated" if cross else "plain"
    print(
        table(
            ["metric", "target", f"ours ({label})", "met"],
            [
                [
                    "recall, right brand",
                    f">= {MIN_RECALL}",
                    f"{ours.recall:.3f}",
                    met(ours.recall >= MIN_RECALL),
                ],
                [
                    "misspelled recall",
                    f">= {MIN_TYPO_RECALL}",
                    f"{ours.typo_recall:.3f}",
                    met(ours.typo_recall >= MIN_TYPO_RECALL),
                ],
                [
                    "false flags",
                    f"<= {MAX_FP_RATE:.2%}",
                    percent(ours.fp, ours.benign_n),
                    met(ours.fp_rate <= MAX_FP_RATE),
                ],
                [
                    "throughput / eth-phishing-detect",
                    ">= 3x",
                    "n/a" if ratio is None else f"{ratio:.2f}x",
                    "n/a" if ratio is None else met(ratio >= 3),
                ],
            ],
        )
    )


def evaluate(
    allowlist: verifier.Allowlist,
    dev_dir: Path,
    anchor: Any,
    catcher: Callable[[Sequence[str]], CatcherRun] | None,
    notes: list[str],
) -> RealRun:
    """Run ours, then the anchors (``anchor``: an entered anchor.Anchor or None)."""
    phish, benign = load(dev_dir)
    hosts = [p.domain for p in phish] + [b.domain for b in benign]
    ours, official, seconds = run_ours(hosts, allowlist)
    run = RealRun(phish, benign, ours, seconds, official, notes=list(notes))
    if anchor is not None:
        run.anchor_run = anchor.run(hosts)
        # A second round of both, back to back (ours, anchor, ours, anchor), as the dnstwist part
        # does: on a shared machine the load changes from one minute to the next, and each
        # detector keeps its faster round.
        run.our_seconds = min(run.our_seconds, run_ours(hosts, allowlist)[2])
        again = anchor.run(hosts)
        if again.seconds < run.anchor_run.seconds:
            run.anchor_run = again
        run.anchor = anchor_verdicts(run.anchor_run, allowlist)
    if catcher is not None:
        run.catcher_run = catcher(hosts)
    index_for(allowlist)  # built by the run above; kept for the variants' shared data
    return run
