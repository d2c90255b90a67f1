"""``verifier serve``: the HTTP API and help-site page (extra ``wallet-support-verifier[server]``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port to listen on.", min=0, max=65535)] = 8080,
    cors_origin: Annotated[
        list[str] | None,
        typer.Option("--cors-origin", help="Origin allowed to call the API from a browser; repeatable."),
    ] = None,
    allowlist_file: Annotated[
        Path | None, typer.Option("--allowlist", help="Serve this bundle file instead of the installed one.")
    ] = None,
    workers: Annotated[int, typer.Option(help="Worker processes (each loads the bundle).", min=1)] = 1,
    max_body: Annotated[
        int, typer.Option(help="Largest request body accepted, in bytes (413 above).", min=1024)
    ] = 1_048_576,
    allow_online: Annotated[
        bool,
        typer.Option(
            "--allow-online",
            help='Answer {"online": true} on /v1/check with DNS, RDAP, redirect and page lookups (else 422).',
        ),
    ] = False,
    nameserver: Annotated[
        list[str] | None,
        typer.Option(
            "--nameserver",
            metavar="HOST[:PORT]",
            help="DNS resolver for online lookups (repeatable; default: $VERIFIER_NAMESERVERS).",
        ),
    ] = None,
) -> None:
    """Serve the HTTP API (/v1/check, /v1/scan, /v1/intake, /v1/allowlist) and the help page at /."""
    if allow_online:
        from verifier.online import ConfigError, OnlineConfig  # noqa: PLC0415 (only when allowed)
        from verifier.online.config import NAMESERVERS_ENV  # noqa: PLC0415

        if nameserver:
            os.environ[NAMESERVERS_ENV] = ",".join(nameserver)
        try:
            OnlineConfig.from_env()  # refused here, not in each worker
        except ConfigError as exc:
            typer.echo(f"Error: {exc}", err=True)
            raise typer.Exit(2) from None
    # Each worker process reads it (verifier.service.app.ONLINE_ENV).
    os.environ["VERIFIER_SERVE_ONLINE"] = "1" if allow_online else "0"
    try:
        from verifier.service.server.run import run  # noqa: PLC0415 (the server stack only when serving)
    except ImportError as exc:
        typer.echo(
            f"Error: verifier serve needs the server extra ({exc.name} is missing): "
            "pip install 'wallet-support-verifier[server]' (from a checkout: pip install -e '.[server]')",
            err=True,
        )
        raise typer.Exit(2) from None
    run(
        host=host,
        port=port,
        cors_origins=tuple(cors_origin or ()),
        allowlist_file=allowlist_file,
        max_body_bytes=max_body,
        workers=workers,
    )
