"""``verifier watch``: follow CT logs and print an alert per lookalike name (see docs/watch.md).

A command of the main app (``verifier/cli.py``). Alerts go to stdout (JSON Lines with
``--json``), one progress line per log to stderr. Exit 0 when every followed log was read to
its end, 1 when one could not be, 2 for a log list, webhook or state that cannot be used.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import warnings
from collections.abc import Callable
from enum import StrEnum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from verifier.watch import Alert, LogReport


_TELEGRAM_HELP = "Send each alert to this Telegram chat (token: $VERIFIER_TELEGRAM_TOKEN)."
_METRICS_HELP = "Serve GET /metrics (backlog per log, Prometheus text) on 127.0.0.1:PORT; 0 picks one."


class StartAt(StrEnum):
    beginning = "beginning"
    latest = "latest"


def watch(
    log_list: Annotated[
        str | None,
        typer.Option("--log-list", help="Chrome v3 log_list.json: file or https URL (default: Chrome's)."),
    ] = None,
    once: Annotated[bool, typer.Option("--once", help="Read each log to its size, then exit.")] = False,
    start: Annotated[
        StartAt, typer.Option(help="Where to begin in a log seen for the first time.")
    ] = StartAt.latest,
    json_output: Annotated[bool, typer.Option("--json", help="One JSON object per alert.")] = False,
    webhook: Annotated[
        str | None, typer.Option(help="POST each alert as JSON here (https, or http to localhost).")
    ] = None,
    interval: Annotated[float, typer.Option(help="Seconds between polls without --once.", min=1.0)] = 30.0,
    rate: Annotated[float, typer.Option(help="Requests per second to each log at most.", min=0.1)] = 4.0,
    quiet: Annotated[bool, typer.Option("--quiet", help="No per-log progress lines on stderr.")] = False,
    telegram_chat: Annotated[
        str | None,
        typer.Option(help="Send each alert to this Telegram chat (token: VERIFIER_TELEGRAM_TOKEN)."),
    ] = None,
    metrics_port: Annotated[int | None, typer.Option(help=_METRICS_HELP, min=0, max=65535)] = None,
) -> None:
    """Follow Certificate Transparency logs and report certificates for lookalike domains."""
    from verifier.watch import (  # noqa: PLC0415 (httpx and the log code only when watching)
        DEFAULT_LOG_LIST,
        Matcher,
        Politeness,
        Start,
        TelegramAlerts,
        Watcher,
        WatchError,
        WatchState,
        Webhook,
        load_log_list,
        new_client,
    )

    # Logged certificates are often odd (negative serials, short country codes): cryptography
    # warns about each, which would bury the progress lines.
    warnings.filterwarnings("ignore", module=r"verifier\.watch\.")
    source = log_list or DEFAULT_LOG_LIST
    try:
        listed = load_log_list(source)
    except WatchError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(2) from None
    followed = [log for log in listed.logs if log.followed]
    if not quiet:
        for problem in listed.skipped:
            typer.echo(f"log list: skipped {problem}", err=True)
        left_out = [f"{log.name} ({log.state or 'no state'})" for log in listed.logs if not log.followed]
        if left_out:
            typer.echo(f"log list: not followed (state): {', '.join(left_out)}", err=True)
    client = new_client()
    hooks: list[Webhook] = []
    try:
        if webhook:
            hooks.append(Webhook(webhook, client))
        if telegram_chat:
            hooks.append(TelegramAlerts(os.environ.get("VERIFIER_TELEGRAM_TOKEN", ""), telegram_chat, client))
    except WatchError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(2) from None

    def emit(alert: Alert) -> None:
        sys.stdout.write((alert.json_line() if json_output else alert.text_line()) + "\n")
        sys.stdout.flush()
        for hook in hooks:
            hook(alert)

    def progress(report: LogReport) -> None:
        if not quiet:
            typer.echo(report.line(), err=True)

    stop = threading.Event()
    try:
        state = WatchState.load()
        with state.locked():
            matcher = Matcher()
            if not matcher.allowlist.verified and not quiet:
                typer.echo(
                    f"allowlist not verified ({matcher.allowlist.problem_text('en')}): "
                    "nothing is official, lookalike detection still runs",
                    err=True,
                )
            watcher = Watcher(
                followed,
                state,
                matcher,
                emit,
                start=Start(start.value),
                politeness=Politeness(rate=rate),
                stop=stop,
                progress=progress,
            )
            server = None if metrics_port is None else _serve_metrics(watcher.metrics, metrics_port)
            try:
                if once:
                    reports = watcher.run_once()
                    raise typer.Exit(0 if all(r.complete for r in reports) else 1)
                signal.signal(signal.SIGTERM, lambda *_: stop.set())
                watcher.run_forever(
                    interval,
                    refresh=(lambda: [s for s in load_log_list(source).logs if s.followed]),
                )
            except KeyboardInterrupt:
                stop.set()
            finally:
                if server is not None:
                    server.shutdown()
                    server.server_close()
                watcher.close()
    except WatchError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(2) from None
    finally:
        for hook in hooks:
            hook.close(timeout=120.0)
        client.close()
        for hook in hooks:
            if hook.failed:
                typer.echo(f"{type(hook).__name__}: {hook.failed} alerts could not be delivered", err=True)


def _serve_metrics(metrics: Callable[[], str], port: int) -> ThreadingHTTPServer:
    """``GET /metrics`` on 127.0.0.1 from a thread of its own; says where on stderr."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.split("?")[0] != "/metrics":
                self.send_error(404)
                return
            body = metrics().encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # alerts and progress own the terminal

    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    except OSError as exc:
        typer.echo(f"Error: cannot serve metrics on 127.0.0.1:{port}: {exc.strerror or exc}", err=True)
        raise typer.Exit(2) from None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    typer.echo(f"metrics on http://127.0.0.1:{server.server_address[1]}/metrics", err=True)
    return server
