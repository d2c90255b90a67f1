"""What the feed denylist costs with about 400,000 hosts loaded (issue 15's targets): extra load
time (< 300 ms), extra memory (< 60 MB), checks/s with the feed within 10% of without, and the
CLI's cold answer (< 0.5 s, and no slower than ``dnstwist --format list`` on the same host, run
alternately with ours when dnstwist is installed: ``--dnstwist PATH``, default the one on PATH).

Builds, in a temporary directory, two bundles from ``allowlists/``: one as is and one with a
synthetic feed of ``--hosts`` hosts (fixed seed; realistic shapes: random labels, hyphenated
brand-ish words, subdomains, a dozen TLDs) as its signed ``denylist-hosts.txt`` target. Both are
signed with ``--key`` (default: the two moderator keys in ../shared/moderator-keys, read in
place, never copied) so that the CLI, which trusts the shipped root, verifies them. Each
measurement runs in a fresh interpreter so one does not warm the next.

    .venv/bin/python benchmarks/denylist_cost.py [--hosts 400000] [--checks 20000] [--dnstwist PATH]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEYS = ROOT.parent / "shared" / "moderator-keys"
NEGATIVES = ROOT / "benchmarks" / "data" / "negatives.txt"
TLDS = ["com", "net", "org", "io", "xyz", "app", "top", "site", "online", "co", "info", "live"]
WORDS = ["wallet", "metamask", "connect", "restore", "sync", "claim", "airdrop", "support", "secure"]


def synthetic_hosts(count: int, seed: int = 15) -> list[str]:
    rng = random.Random(seed)
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    out: set[str] = set()
    while len(out) < count:
        shape = rng.random()
        label = "".join(rng.choices(alphabet, k=rng.randint(5, 14)))
        if shape < 0.3:
            label = f"{rng.choice(WORDS)}-{label[:6]}"
        host = f"{label}.{rng.choice(TLDS)}"
        if shape > 0.85:
            host = f"{rng.choice(['app', 'www', 'claim', 'login'])}.{host}"
        out.add(host)
    return sorted(out)


def build(work: Path, keys: list[Path], hosts: list[str] | None) -> Path:
    """Sources copied from allowlists/ (plus one feed file), built and signed into work/out."""
    from verifier.allowlist.bundle import build_release, write_bundle  # noqa: PLC0415
    from verifier.allowlist.trust import load_private_key, sign_document  # noqa: PLC0415

    sources = work / "allowlists"
    shutil.copytree(ROOT / "allowlists", sources, ignore=shutil.ignore_patterns("feeds", "proposed"))
    if hosts is not None:
        (sources / "feeds").mkdir()
        lines = [
            "# feed: eth-phishing-detect",
            "# source: synthetic (benchmarks/denylist_cost.py)",
            "# snapshot: 2026-12-07",
            "# licence: DBAD-1.1",
        ]
        lines += [f"{h} 2026-12-07" for h in hosts]
        (sources / "feeds" / "eth-phishing-detect.txt").write_text("\n".join(lines) + "\n", "utf-8")
    release = build_release(sources)
    document = release.bundle
    for key in keys:
        document = sign_document(document, load_private_key(key.read_bytes()))
    out = work / "out" / "allowlist.json"
    write_bundle(document, out)
    for name, data in release.targets.items():
        (out.parent / name).write_bytes(data)
    return out


CHILD = r"""
import gc, json, sys, time
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
from verifier import check
from verifier.allowlist.store import load_allowlist
bundle, probes_file = sys.argv[1], sys.argv[2]
probes = json.load(open(probes_file))
check("warm.example", allowlist=load_allowlist(bundle))  # imports and lazy tables out of the way
gc.collect(); before = rss()
t0 = time.perf_counter(); allowlist = load_allowlist(bundle); t1 = time.perf_counter()
assert allowlist.verified, allowlist.problem
feed = allowlist.feed_hosts
first = time.perf_counter(); check(probes[0], allowlist=allowlist); first = time.perf_counter() - first
t2 = time.perf_counter()
if feed is not None:
    feed.index()
t3 = time.perf_counter()
gc.collect(); after = rss()
print(json.dumps({"load_ms": (t1 - t0) * 1000, "first_check_ms": first * 1000,
                  "index_ms": (t3 - t2) * 1000, "rss_mb": (after - before) / 1e6,
                  "hosts": len(feed) if feed is not None else 0}))
"""

# checks/s: both bundles in one process, passes alternated, the best pass of each kept, so the
# machine's load (shared cores) affects both alike.
SPEED = r"""
import json, sys, time
from verifier import check
from verifier.allowlist.store import load_allowlist
plain, fed, probes_file, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
probes = json.load(open(probes_file))
lists = {"without": load_allowlist(plain), "with": load_allowlist(fed)}
lists["with"].feed_hosts.index()
best = {name: float("inf") for name in lists}
verdicts = {}
for name, allowlist in lists.items():
    counts = {}
    for host in probes:
        v = check(host, allowlist=allowlist).verdict.value
        counts[v] = counts.get(v, 0) + 1
    verdicts[name] = counts
for _ in range(rounds):
    for name, allowlist in lists.items():
        start = time.perf_counter()
        for host in probes:
            check(host, allowlist=allowlist)
        best[name] = min(best[name], time.perf_counter() - start)
print(json.dumps({name: {"checks_per_s": len(probes) / best[name], "verdicts": verdicts[name]}
                  for name in lists}))
"""


def child(bundle: Path, probes: Path, mode: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(bundle), str(probes)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "VERIFIER_STATE_DIR": str(bundle.parent / f"state-{mode}")},
    )
    return json.loads(out.stdout)


def speed(plain: Path, fed: Path, probes: Path, rounds: int) -> dict[str, dict[str, object]]:
    out = subprocess.run(
        [sys.executable, "-c", SPEED, str(plain), str(fed), str(probes), str(rounds)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "VERIFIER_STATE_DIR": str(plain.parent / "state-speed")},
    )
    return json.loads(out.stdout)


def installed_state(bundle: Path) -> Path:
    """A state directory holding ``bundle`` as ``verifier update`` installs it (the target files
    under targets/<sha256>.<name>), so the CLI takes its everyday path (no --allowlist)."""
    state = bundle.parent / "state-cli"
    if not state.exists():
        (state / "targets").mkdir(parents=True)
        shutil.copy(bundle, state / "allowlist.json")
        signed = json.loads(bundle.read_bytes())["signed"]
        for name, meta in signed.get("targets", {}).items():
            shutil.copy(bundle.parent / name, state / "targets" / f"{meta['sha256']}.{name}")
    return state


def dnstwist_cold(dnstwist: str, host: str) -> float:
    """One fresh ``dnstwist --format list HOST`` (its permutations, no lookups), in seconds."""
    start = time.perf_counter()
    done = subprocess.run([dnstwist, "--format", "list", host], check=False, capture_output=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{dnstwist} --format list {host} exited {done.returncode}: {done.stderr[:300]!r}")
    return elapsed


def cli_cold(bundle: Path, host: str, runs: int) -> list[float]:
    times = []
    cmd = [sys.executable, "-m", "verifier", "check", host]
    env = {**os.environ, "VERIFIER_STATE_DIR": str(installed_state(bundle))}
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(cmd, check=False, capture_output=True, text=True, env=env)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=400_000)
    parser.add_argument("--checks", type=int, default=20_000)
    parser.add_argument("--cli-runs", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--key", type=Path, action="append", help="moderator private key (PEM); give two")
    parser.add_argument(
        "--dnstwist", default=shutil.which("dnstwist"), help="dnstwist command to compare (default: on PATH)"
    )
    args = parser.parse_args()
    keys = args.key or [KEYS / "moderator-1.pem", KEYS / "moderator-2.pem"]
    listed = synthetic_hosts(args.hosts)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        started = time.perf_counter()
        plain = build(work / "plain", keys, None)
        fed = build(work / "fed", keys, listed)
        built = time.perf_counter() - started
        size = (fed.parent / "denylist-hosts.txt").stat().st_size
        rng = random.Random(7)
        negatives = [h.strip() for h in NEGATIVES.read_text("utf-8").splitlines()]
        negatives = [h for h in negatives if h and not h.startswith("#")]
        probes = [rng.choice(negatives) for _ in range(args.checks)]
        probes[::50] = [rng.choice(listed) for _ in probes[::50]]  # 2% listed hosts
        probes_file = work / "probes.json"
        probes_file.write_text(json.dumps(probes))
        rows = {
            name: child(bundle, probes_file, name) for name, bundle in (("without", plain), ("with", fed))
        }
        listed_only = work / "listed.json"
        listed_set = set(listed)
        listed_only.write_text(json.dumps([h for h in probes if h not in listed_set]))
        rates = {
            "2% listed hosts": speed(plain, fed, probes_file, args.rounds),
            "no listed host": speed(plain, fed, listed_only, args.rounds),
        }
        listed_host = "login." + listed[len(listed) // 2]
        configs = {
            "without, unknown host": (plain, "example-shop.com"),
            "with, unknown host": (fed, "example-shop.com"),
            "with, listed host": (fed, listed_host),
        }
        cold: dict[str, list[float]] = {name: [] for name in configs}
        twist = "dnstwist --format list, unknown host"
        if args.dnstwist:
            cold[twist] = []
        for _ in range(args.cli_runs):  # alternated, so the machine's load falls on each alike
            for name, (bundle, host) in configs.items():
                cold[name] += cli_cold(bundle, host, 1)
            if args.dnstwist:
                cold["dnstwist --format list, unknown host"].append(
                    dnstwist_cold(args.dnstwist, "example-shop.com")
                )
    print(f"# denylist cost, {dt.date.today()}, Python {platform.python_version()}, {platform.machine()}")
    print(f"{len(listed)} synthetic feed hosts; denylist-hosts.txt {size / 1e6:.1f} MB; ", end="")
    print(f"built and signed both bundles in {built:.1f} s\n")
    print("| bundle | load ms | first check ms | hash set build ms | extra RSS MB (set built) | hosts |")
    print("|---|---|---|---|---|---|")
    for name, row in rows.items():
        print(
            f"| {name} | {row['load_ms']:.1f} | {row['first_check_ms']:.2f} | {row['index_ms']:.1f} | "
            f"{row['rss_mb']:.1f} | {row['hosts']:,} |"
        )
    print(
        f"\nchecks/s, {args.checks:,} hosts from benchmarks/data/negatives.txt, "
        f"best of {args.rounds} alternated passes:\n"
    )
    print("| probes | without the feed | with the feed | ratio | verdicts with |")
    print("|---|---|---|---|---|")
    for name, rate in rates.items():
        without, with_ = rate["without"]["checks_per_s"], rate["with"]["checks_per_s"]
        print(
            f"| {name} | {without:,.0f} | {with_:,.0f} | {with_ / without:.2f} | {rate['with']['verdicts']} |"
        )
    print(
        "\nextra load time with the feed (load + hash set build, as a long-running process pays it):"
        f" {rows['with']['load_ms'] + rows['with']['index_ms'] - rows['without']['load_ms']:.0f} ms"
    )
    print(
        "\nCLI cold answer, `python -m verifier check HOST` with the bundle installed in the state "
        "directory (seconds, min / median / max, runs alternated"
        + ("" if args.dnstwist else "; dnstwist not found, not compared")
        + "):\n"
    )
    for name, times in cold.items():
        print(f"- {name}: {min(times):.3f} / {statistics.median(times):.3f} / {max(times):.3f}")


if __name__ == "__main__":
    main()
