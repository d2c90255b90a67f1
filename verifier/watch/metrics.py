"""The watcher's state per log in the Prometheus text format, for a ``/metrics`` endpoint:
backlog, tree size, position, and totals of entries, names and alerts since start."""

from __future__ import annotations

from collections.abc import Iterable

from verifier.watch.watcher import LogReport

_GAUGES = (
    ("backlog_entries", "Entries the log's verified tree head has that are not read yet.", "backlog"),
    ("tree_size", "Size of the log's last verified tree head.", "tree_size"),
    ("next_index", "The first entry of the log not read yet.", "next_index"),
)


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def prometheus_text(reports: Iterable[LogReport], totals: dict[str, dict[str, int]] | None = None) -> str:
    """``reports``: the last report of each log; ``totals``: per log name, counts since start
    (``entries``, ``names``, ``alerts``, ``failed_polls``), as ``Watcher.totals`` keeps them."""
    reports = list(reports)
    lines: list[str] = []
    for metric, help_text, attribute in _GAUGES:
        lines += [f"# HELP verifier_watch_{metric} {help_text}", f"# TYPE verifier_watch_{metric} gauge"]
        lines += [
            f'verifier_watch_{metric}{{log="{_label(r.log)}"}} {getattr(r, attribute)}' for r in reports
        ]
    lines += [
        "# HELP verifier_watch_log_up Whether the log's last poll read it to its end (1) or stopped (0).",
        "# TYPE verifier_watch_log_up gauge",
    ]
    lines += [f'verifier_watch_log_up{{log="{_label(r.log)}"}} {int(r.error is None)}' for r in reports]
    for counter in ("entries", "names", "alerts", "failed_polls"):
        lines += [
            f"# HELP verifier_watch_{counter}_total {counter.replace('_', ' ').capitalize()} since start.",
            f"# TYPE verifier_watch_{counter}_total counter",
        ]
        lines += [
            f'verifier_watch_{counter}_total{{log="{_label(name)}"}} {counts.get(counter, 0)}'
            for name, counts in sorted((totals or {}).items())
        ]
    return "\n".join(lines) + "\n"
