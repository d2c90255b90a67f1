"""``verifier check -`` and ``verifier check --file F``: one value a line in, one line a value out.

Each line is checked as ``verifier check VALUE`` would (blank lines are skipped) and printed as
one line for humans, one JSON object (JSON Lines) or one CSV row, in input order, then a summary:
on stdout for humans, on stderr for the machine formats so that stdout stays parseable.

A check costs about 25 µs, so a process pool only pays past a few tens of thousands of values
(forking and sending the lines back cost about 0.3 s): below ``PARALLEL_MIN`` values, or with a
single core, the values are checked in this process. Workers are forked, so they share the
allowlist already loaded and verified here.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from verifier.allowlist.model import Allowlist
from verifier.checker import check as check_value
from verifier.cli_usage import shown
from verifier.messages import Lang, text
from verifier.model import CheckResult, Verdict

PARALLEL_MIN = 50_000  # values; below this a pool costs more than it saves (benchmarks/batch_speed.py)
CHUNK = 2_000  # values a worker checks per task: large enough to amortize the pickling
CSV_COLUMNS = (
    "input",
    "kind",
    "normalized",
    "verdict",
    "brand",
    "matched",
    "technique",
    "reasons",
    "message",
)


class BatchFormat(StrEnum):
    human = "human"
    json = "json"
    csv = "csv"


@dataclass(frozen=True, slots=True)
class BatchOptions:
    """What every value of the batch is checked and printed with."""

    brand: str | None
    kind: str | None
    platform: str | None
    region: str | None
    lang: Lang
    format: BatchFormat
    online: Any = None  # an OnlineConfig: each value also looked up (verifier.online), concurrently


@dataclass(frozen=True, slots=True)
class ChunkAnswer:
    """The printed lines of a chunk of values, in order, and the verdict of each."""

    lines: list[str]
    verdicts: list[str]


def values_of(body: str) -> list[str]:
    """The values of a batch: one a line, surrounding blanks removed, blank lines skipped."""
    return [line.strip() for line in body.splitlines() if line.strip()]


def _csv_line(result: CheckResult) -> str:
    buffer = io.StringIO()
    reasons = ";".join(reason.code for reason in result.reasons)
    message = result.reasons[0].message if result.reasons else ""
    # Cells echo the value: control characters are escaped as in the human lines (a CSV file is
    # often looked at with cat), the rest written as is.
    csv.writer(buffer, lineterminator="").writerow(
        shown(cell)
        for cell in [
            result.input,
            result.kind.value if result.kind else "",
            result.normalized or "",
            result.verdict.value,
            result.brand or "",
            result.matched or "",
            result.technique or "",
            reasons,
            message,
        ]
    )
    return buffer.getvalue()


def _human_line(result: CheckResult, lang: Lang) -> str:
    mark = {Verdict.OFFICIAL: "✓", Verdict.INVALID: "?"}.get(result.verdict, "✗")
    line = f"{mark} {text('verdict.' + result.verdict.value, lang)}: {result.input}"
    if result.kind is not None and result.normalized != result.input:
        line += f"  ({result.kind.value} {result.normalized})"
    if result.reasons:
        line += f"  - {result.reasons[0].message}"
    # The line echoes the value: its control characters are shown escaped (see cli._human).
    return shown(line)


def line_of(result: CheckResult, options: BatchOptions) -> str:
    """The output line of one result in the batch's format."""
    if options.format is BatchFormat.json:
        return json.dumps(result.to_dict(), ensure_ascii=False, separators=(",", ":"))
    if options.format is BatchFormat.csv:
        return _csv_line(result)
    return _human_line(result, options.lang)


def check_chunk(values: Sequence[str], options: BatchOptions, allowlist: Allowlist) -> ChunkAnswer:
    """Check ``values`` in order; raises ``UnknownBrand`` for an unknown ``options.brand``."""
    lines: list[str] = []
    verdicts: list[str] = []
    for value in values:
        result = check_value(
            value,
            brand=options.brand,
            kind=options.kind,
            platform=options.platform,
            region=options.region,
            lang=options.lang,
            allowlist=allowlist,
            online=options.online or False,
        )
        lines.append(line_of(result, options))
        verdicts.append(result.verdict.value)
    return ChunkAnswer(lines, verdicts)


# What forked workers check with: set in the parent just before the pool forks.
_worker_job: tuple[BatchOptions, Allowlist] | None = None


def _worker_chunk(values: list[str]) -> ChunkAnswer:
    assert _worker_job is not None, "a batch worker runs only in a forked pool"
    return check_chunk(values, *_worker_job)


def _chunks(values: Sequence[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), CHUNK):
        yield list(values[start : start + CHUNK])


PROCESSES_ENV = "VERIFIER_BATCH_PROCESSES"  # at most this many processes (1: no pool), for measuring


def cores() -> int:
    """The cores this process may run on, at most ``$VERIFIER_BATCH_PROCESSES``."""
    try:
        found = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        found = os.cpu_count() or 1
    cap = os.environ.get(PROCESSES_ENV, "")
    return max(1, min(found, int(cap))) if cap.isdigit() else found


def parallel_pays(count: int) -> bool:
    """Whether ``count`` values are checked faster by a pool of forked workers."""
    if count < PARALLEL_MIN or cores() < 2:
        return False
    import multiprocessing  # noqa: PLC0415 (only for a large batch: 5 to 20 ms to import)

    return "fork" in multiprocessing.get_all_start_methods()


def run_checks(
    values: Sequence[str],
    options: BatchOptions,
    allowlist: Allowlist,
    *,
    on_chunk: Callable[[ChunkAnswer], None],
    parallel: bool | None = None,
) -> None:
    """Check ``values`` chunk by chunk, calling ``on_chunk`` with each chunk's answer in input
    order; in forked workers when ``parallel`` (default: when ``parallel_pays``).

    Raises ``UnknownBrand`` for an unknown brand (before any worker starts)."""
    global _worker_job  # noqa: PLW0603 (the only way to hand a forked worker an unpicklable object)
    if values:
        on_chunk(check_chunk(values[:1], options, allowlist))  # an unknown brand fails here, once
    rest = values[1:]
    if options.online is not None:
        _run_online(rest, options, allowlist, on_chunk)
        return
    if parallel is None:
        parallel = parallel_pays(len(rest))
    if not parallel:
        for chunk in _chunks(rest):
            on_chunk(check_chunk(chunk, options, allowlist))
        return
    import multiprocessing  # noqa: PLC0415 (only for a large batch)

    _worker_job = (options, allowlist)
    try:
        with multiprocessing.get_context("fork").Pool(cores()) as pool:
            for answer in pool.imap(_worker_chunk, _chunks(rest)):
                on_chunk(answer)
    finally:
        _worker_job = None


def _run_online(
    values: Sequence[str],
    options: BatchOptions,
    allowlist: Allowlist,
    on_chunk: Callable[[ChunkAnswer], None],
) -> None:
    """Check ``values`` with online lookups, ``options.online.concurrency`` at a time in threads
    (the lookups wait on the network, not the CPU), handing each answer on in input order."""
    from collections import deque  # noqa: PLC0415
    from concurrent.futures import Future, ThreadPoolExecutor  # noqa: PLC0415

    width = options.online.concurrency
    with ThreadPoolExecutor(width, thread_name_prefix="verifier-batch") as pool:
        waiting: deque[Future[ChunkAnswer]] = deque()
        for value in values:
            waiting.append(pool.submit(check_chunk, [value], options, allowlist))
            if len(waiting) >= 4 * width:  # a window: memory stays small for a long batch
                on_chunk(waiting.popleft().result())
        while waiting:
            on_chunk(waiting.popleft().result())


def summary(counts: Counter[str], lang: Lang) -> str:
    """ "12 values: 1 official, 11 unknown", the verdicts in the contract's order."""
    parts = [
        text(
            "cli.batch_count",
            lang,
            count=counts[verdict.value],
            verdict=text("cli.batch_verdict." + verdict.value, lang),
        )
        for verdict in Verdict
        if counts[verdict.value]
    ]
    separator = "，" if lang == "zh" else ", "
    return text("cli.batch_summary", lang, total=counts.total(), counts=separator.join(parts))


def exit_status(counts: Counter[str]) -> int:
    """0 when every value is official, 2 when any is invalid, else 1: the highest exit code that
    one of the values would have given alone (DESIGN.md's exit table)."""
    return max((Verdict(verdict).exit_code for verdict in counts), default=0)


def _progress_bar(total: int, lang: Lang) -> tuple[Any, Any]:
    """A started rich progress bar on stderr and its task, or (None, None) without rich (it
    comes with typer)."""
    try:
        from rich.console import Console  # noqa: PLC0415 (only on a terminal)
        from rich.progress import Progress  # noqa: PLC0415
    except ImportError:
        return None, None
    bar = Progress(console=Console(stderr=True), transient=True)
    bar.start()
    return bar, bar.add_task(text("cli.batch_progress", lang), total=total)


def write_batch(
    values: Sequence[str],
    options: BatchOptions,
    allowlist: Allowlist,
    *,
    progress: bool,
    out: Any = None,
) -> Counter[str]:
    """Check and print ``values`` to ``out`` (default stdout) with a progress bar on stderr when
    ``progress``; returns how many got each verdict."""
    stream = out or sys.stdout
    counts: Counter[str] = Counter()
    if options.format is BatchFormat.csv:
        stream.write(",".join(CSV_COLUMNS) + "\n")
    bar, task = _progress_bar(len(values), options.lang) if progress else (None, None)

    def on_chunk(answer: ChunkAnswer) -> None:
        stream.write("\n".join(answer.lines) + "\n")
        counts.update(answer.verdicts)
        if bar is not None:
            bar.advance(task, len(answer.lines))

    try:
        run_checks(values, options, allowlist, on_chunk=on_chunk)
    finally:
        if bar is not None:
            bar.stop()
    stream.flush()
    return counts
