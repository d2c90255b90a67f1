"""What the benchmarks share: the evaluation data, the shipped allowlist, and table output."""

from __future__ import annotations

import atexit
import datetime as dt
import json
import os
import platform
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import verifier

HERE = Path(__file__).resolve().parent
DEV_DIR = HERE.parent.parent / "shared" / "eval" / "dev"
NEGATIVES = HERE / "data" / "negatives.txt"
FLAGGED = frozenset({verifier.Verdict.LOOKALIKE, verifier.Verdict.KNOWN_SCAM})


@dataclass(frozen=True, slots=True)
class Perm:
    """One dnstwist permutation of an official domain."""

    domain: str
    fuzzer: str
    target: str


@dataclass(frozen=True, slots=True)
class Negative:
    """One benign domain and the list it came from."""

    domain: str
    source: str


def shipped_allowlist() -> verifier.Allowlist:
    """The allowlist shipped in the package, never one installed by ``verifier update``.

    A throwaway state directory keeps the run reproducible and leaves the user's state alone.
    """
    state = tempfile.mkdtemp(prefix="verifier-bench-")
    atexit.register(shutil.rmtree, state, ignore_errors=True)
    os.environ["VERIFIER_STATE_DIR"] = state
    allowlist = verifier.load_allowlist()
    if not allowlist.verified:
        raise SystemExit(f"the shipped allowlist does not verify: {allowlist.problem}")
    return allowlist


def official_hosts(allowlist: verifier.Allowlist) -> tuple[frozenset[str], frozenset[str]]:
    """Official domains, and the zones whose subdomains are official too."""
    exact: set[str] = set()
    zones: set[str] = set()
    for brand in allowlist.brands.values():
        for entry in brand.entries_of(verifier.ChannelKind.URL):
            exact.add(entry.value)
            if entry.subdomains:
                zones.add(entry.value)
    return frozenset(exact), frozenset(zones)


def is_official(host: str, allowlist: verifier.Allowlist) -> bool:
    exact, zones = official_hosts(allowlist)
    labels = host.split(".")
    return host in exact or any(".".join(labels[i:]) in zones for i in range(1, len(labels) - 1))


def load_perms(dev_dir: Path = DEV_DIR) -> list[Perm]:
    with (dev_dir / "dnstwist_perms.jsonl").open(encoding="utf-8") as f:
        return [Perm(r["domain"], r["fuzzer"], r["target"]) for r in map(json.loads, f) if r]


def load_fake_urls(dev_dir: Path = DEV_DIR) -> list[dict[str, str]]:
    with (dev_dir / "fake_channels.jsonl").open(encoding="utf-8") as f:
        return [r for r in map(json.loads, f) if r.get("kind") == "url"]


def load_negatives(path: Path = NEGATIVES) -> list[Negative]:
    """Domains of negatives.txt with their source (its ``# source: NAME`` section headers)."""
    if not path.exists():
        raise SystemExit(f"{path} is missing: run benchmarks/build_negatives.py first")
    out: list[Negative] = []
    source = "?"
    for line in path.read_text("utf-8").splitlines():
        if line.startswith("# source:"):
            source = line.removeprefix("# source:").strip()
        elif line and not line.startswith("#"):
            out.append(Negative(line.strip(), source))
    return out


def nproc() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run_header(title: str) -> str:
    """Title plus when and where the numbers were taken."""
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = platform.processor() or platform.machine()
    return (
        f"# {title}\n\n"
        f"date {now}; python {platform.python_version()}; machine {machine}, {nproc()} cpus"
        f" ({platform.system()} {platform.release()}); verifier {verifier.__version__}"
        f"; C speedups {speedups_state()}"
    )


def speedups_state() -> str:
    """Whether this run uses the C extension (verifier/speedups.py), and if not, why."""
    from verifier import speedups  # noqa: PLC0415

    return "on" if speedups.native is not None else f"off ({speedups.native_problem})"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A markdown table with columns padded for reading as plain text."""
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(cells[0]), rule, *(line(r) for r in cells[1:])])


def rate(hits: int, total: int) -> str:
    return f"{hits / total:.3f}" if total else "-"


def percent(hits: int, total: int) -> str:
    return f"{100 * hits / total:.2f}%" if total else "-"
