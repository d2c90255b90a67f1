"""Speed of ``verifier watch``: names per second through the matcher, entries per second end to
end from a local log.

(a) Matcher, CPU time of one thread (time.process_time, so other load on the machine does not
    count), every name new (the matcher's per-name cache never helps), then every name twice
    (a pre-certificate and its final certificate, as the logs carry them). Two corpora of
    CT-like names (bare, www., mail., cpanel., api., a random hex or number label), 1% brand
    combosquats:
      synthetic: pronounceable random registrable domains on common suffixes;
      hard: the registrable domains of benchmarks/data/negatives.txt, chosen as hard
            negatives (disposable-mail and PSL names full of wallet-ish words: "trust", "get",
            "bit", "hub"), the worst case for the matcher.
(b) End to end, wall time: a stub RFC 6962 log and a stub static-ct-api log (tests/watchlog.py)
    served on 127.0.0.1 from a forked process, N entries of 3 names each (half pre-
    certificates), read by ``Watcher.run_once`` from the beginning as ``verifier watch`` reads
    (a total-deadline client per log, a new connection per request): HTTP, JSON and base64 or
    tiles, TLS structures, X.509, names, matcher, atomic state writes.

    .venv/bin/python benchmarks/watch_speed.py [--names N] [--entries N]
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.watchlog import (  # noqa: E402
    Issuer,
    StubLog,
    log_list,
    make_cert,
    make_pair,
    precert_entry,
    serve,
    x509_entry,
)
from verifier.watch import Matcher, Politeness, Start, Watcher, WatchState, parse_log_list  # noqa: E402

SEED = 20261207
BRANDS = ("tokenpocket", "metamask", "trustwallet", "imtoken", "okx", "bitget", "safepal", "phantom")
WORDS = ("support", "help", "restore", "wallet", "sync", "verify", "app", "login", "secure", "claim")
SUFFIXES = (
    "com",
    "com",
    "com",
    "net",
    "org",
    "io",
    "xyz",
    "top",
    "de",
    "co.uk",
    "com.br",
    "ru",
    "online",
    "shop",
)
SYLLABLES = [c + v for c in "bcdfghjklmnprstvwz" for v in "aeiou"] + ["an", "er", "in", "on", "st", "tr"]


def hard_domains() -> list[str]:
    lines = (ROOT / "benchmarks" / "data" / "negatives.txt").read_text("utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def synthetic_domains(rnd: random.Random, count: int = 20_000) -> list[str]:
    return [
        "".join(rnd.choice(SYLLABLES) for _ in range(rnd.randint(2, 5))) + "." + rnd.choice(SUFFIXES)
        for _ in range(count)
    ]


def ct_names(count: int, rnd: random.Random, domains: list[str]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < count:
        if rnd.random() < 0.01:
            name = f"{rnd.choice(BRANDS)}-{rnd.choice(WORDS)}{rnd.randint(0, 99999)}.com"
        else:
            prefix = rnd.choice(["", "www.", "mail.", "api.", "cpanel.", "hex", "number"])
            if prefix == "hex":
                prefix = f"{rnd.getrandbits(40):010x}."
            elif prefix == "number":
                prefix = f"{rnd.randint(0, 999999)}."
            name = prefix + rnd.choice(domains)
        if name not in seen:
            seen.add(name)
            out.append(name)
    return out


def _rate(matcher: Matcher, names: list[str]) -> tuple[float, int]:
    began = time.process_time()
    alerts = sum(matcher.match(name) is not None for name in names)
    return len(names) / (time.process_time() - began), alerts


def bench_matcher(count: int) -> None:
    for corpus in ("synthetic", "hard"):
        rnd = random.Random(SEED)
        domains = synthetic_domains(rnd) if corpus == "synthetic" else hard_domains()
        names = ct_names(count, rnd, domains)
        matcher = Matcher()
        matcher.match("warm-up.example.com")  # builds the lookalike index
        rate, alerts = _rate(matcher, names)
        print(f"(a) matcher, {corpus}, {count:,} distinct names: {rate:,.0f} names/s CPU ({alerts} alerts)")
        matcher = Matcher()
        matcher.match("warm-up.example.com")
        rate, _ = _rate(matcher, [n for n in names for _ in range(2)])
        print(f"    {corpus}, each name twice (precert + final): {rate:,.0f} names/s CPU")


def _serve_forked(log: StubLog, ready: object, stop: object) -> None:
    with serve(log):
        ready.send(log.port)  # type: ignore[attr-defined]
        stop.wait()  # type: ignore[attr-defined]


def bench_end_to_end(count: int) -> None:
    rnd = random.Random(SEED)
    names = ct_names(count, rnd, synthetic_domains(rnd))
    issuer = Issuer.make()
    entries = []
    for i, name in enumerate(names):
        base = name.split(".", 1)[1] if name.count(".") > 1 else name
        cert_names = [name, f"www.{base}", f"mail.{base}"]
        if i % 2:
            entries.append(precert_entry(make_pair(issuer, cert_names, 10_000 + i), issuer))
        else:
            entries.append(x509_entry(make_cert(issuer, cert_names, 10_000 + i), issuer))
    context = multiprocessing.get_context("fork")
    for tiled in (False, True):
        log = StubLog("bench-tiled" if tiled else "bench-rfc6962", entries=entries, max_batch=1000)
        ready, child_end = context.Pipe()
        stop = context.Event()
        server = context.Process(target=_serve_forked, args=(log, child_end, stop), daemon=True)
        server.start()
        log.port = ready.recv()
        try:
            with tempfile.TemporaryDirectory() as directory:
                logs = parse_log_list(log_list([] if tiled else [log], [log] if tiled else [])).logs
                alerts: list[object] = []
                watcher = Watcher(
                    logs,
                    WatchState.load(Path(directory)),
                    Matcher(),
                    alerts.append,
                    start=Start.BEGINNING,
                    politeness=Politeness(rate=10_000.0),
                )
                watcher.matcher.match("warm-up.example.com")
                began, cpu = time.perf_counter(), time.process_time()
                report = watcher.run_once()[0]
                elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
                watcher.close()
        finally:
            stop.set()
            server.join()
        kind = "static-ct-api" if tiled else "RFC 6962"
        print(
            f"(b) end to end, {kind}: {report.entries:,} entries, {report.names:,} names in {elapsed:.2f} s "
            f"({cpu:.2f} s CPU in the watcher): {report.entries / elapsed:,.0f} entries/s, "
            f"{report.names / elapsed:,.0f} names/s, {report.entries / cpu:,.0f} entries per CPU second, "
            f"{len(alerts)} alerts, complete: {report.complete}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--names", type=int, default=200_000)
    parser.add_argument("--entries", type=int, default=20_000)
    args = parser.parse_args()
    bench_matcher(args.names)
    bench_end_to_end(args.entries)


if __name__ == "__main__":
    main()
