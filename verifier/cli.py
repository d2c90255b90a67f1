"""The ``verifier`` command: a thin layer that calls the library and formats its answers."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from verifier.allowlist.store import default_allowlist, load_allowlist, state_dir
from verifier.allowlist.update import UpdateError
from verifier.allowlist.update import update as run_update
from verifier.checker import check as check_value
from verifier.cli_allowlist import app as allowlist_app
from verifier.errors import AllowlistError, UnknownBrand
from verifier.messages import normalize_lang, text
from verifier.model import CheckResult, Verdict

EXIT_UNVERIFIED = 3

app = typer.Typer(
    help="Is this phone number, link, email or handle really a wallet's official support channel?",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class KindOption(StrEnum):
    url = "url"
    email = "email"
    phone = "phone"
    handle = "handle"


class LangOption(StrEnum):
    en = "en"
    zh = "zh"


def _print_json(payload: Any) -> None:
    typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))


def _human(result: CheckResult, lang: str) -> str:
    code = normalize_lang(lang)
    mark = {Verdict.OFFICIAL: "✓", Verdict.INVALID: "?"}.get(result.verdict, "✗")
    head = f"{mark} {text('verdict.' + result.verdict.value, code)}: {result.input.strip()}"
    if result.kind is not None:
        head += f"  ({result.kind.value} {result.normalized})"
    lines = [head]
    lines += [f"  - {r.message}" for r in result.reasons]
    state = result.allowlist
    lines.append(
        "  "
        + text(
            "cli.allowlist_line",
            code,
            version=state.version or "-",
            state=text("cli.verified" if state.verified else "cli.unverified", code),
            expires=state.expires or "-",
        )
    )
    return "\n".join(lines)


@app.command()
def check(
    value: Annotated[
        str, typer.Argument(metavar="VALUE", help="Phone number, link, email address or @handle to check.")
    ],
    brand: Annotated[
        str | None, typer.Option("--brand", "-b", help="Brand id or alias (tokenpocket, TP钱包).")
    ] = None,
    kind: Annotated[
        KindOption | None, typer.Option(help="Force the channel kind instead of detecting it.")
    ] = None,
    platform: Annotated[
        str | None, typer.Option(help="Platform of a handle (telegram, x, wechat ...).")
    ] = None,
    region: Annotated[str | None, typer.Option(help="Region for numbers without + (CN, US ...).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as one JSON object.")] = False,
    lang: Annotated[LangOption, typer.Option(help="Language of the messages.")] = LangOption.en,
    allowlist_file: Annotated[Path | None, typer.Option("--allowlist", help="Use this bundle file.")] = None,
) -> None:
    """Check one value. Exit 0 official, 1 anything else, 2 invalid input, 3 unverified allowlist."""
    allowlist = load_allowlist(allowlist_file) if allowlist_file else default_allowlist()
    try:
        result = check_value(
            value,
            brand=brand,
            kind=kind.value if kind else None,
            platform=platform,
            region=region,
            lang=lang.value,
            allowlist=allowlist,
        )
    except UnknownBrand as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        _print_json(result.to_dict())
    else:
        typer.echo(_human(result, lang.value))
    if not allowlist.verified:
        typer.echo(
            text("cli.exit_unverified", normalize_lang(lang.value), problem=allowlist.problem), err=True
        )
        raise typer.Exit(EXIT_UNVERIFIED)
    raise typer.Exit(result.verdict.exit_code)


@app.command()
def update(
    url: Annotated[str, typer.Option(help="https URL of a newer signed allowlist bundle.")],
    root_url: Annotated[
        list[str] | None, typer.Option(help="URL of a rotated root (next version); repeat in order.")
    ] = None,
) -> None:
    """Fetch a newer signed allowlist, verify it and use it from now on (exit 3 if it does not verify)."""
    directory = state_dir()
    try:
        installed = run_update(url, directory=directory, root_urls=tuple(root_url or ()))
    except UpdateError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(1) from None
    except AllowlistError as exc:
        typer.echo(f"Error: the downloaded allowlist was refused: {exc}", err=True)
        raise typer.Exit(EXIT_UNVERIFIED) from None
    default_allowlist.cache_clear()
    typer.echo(
        f"installed allowlist version {installed.version} (expires {installed.expires}) at {installed.path}; "
        f"root version {installed.root_version}"
    )


app.add_typer(allowlist_app, name="allowlist")


def main() -> None:
    """Entry point of the ``verifier`` console script."""
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")
    app()
