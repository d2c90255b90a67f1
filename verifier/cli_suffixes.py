"""``verifier suffixes show|refresh``: which Public Suffix List snapshot the package ships, and
how a maintainer replaces it (``verifier/data/public_suffix_list.dat``; commit the result)."""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(
    help="Maintainers: the Public Suffix List shipped in the package (show it, refresh it).",
    no_args_is_help=True,
)


@app.command()
def show() -> None:
    """Print where the shipped list is and its VERSION and COMMIT lines."""
    from verifier.channels.suffixes import psl_path, snapshot_of  # noqa: PLC0415

    info = snapshot_of(psl_path().read_text("utf-8"))
    typer.echo(f"{psl_path()}: version {info.get('version', '?')}, commit {info.get('commit', '?')}")


@app.command()
def refresh(
    source: Annotated[
        str | None,
        typer.Argument(
            metavar="[URL|FILE]", help="Where to read the list (default: https://publicsuffix.org/list/...)."
        ),
    ] = None,
) -> None:
    """Replace the shipped list; network only for a URL, and nothing changes on any error.

    The new text must parse as a Public Suffix List before it replaces the old file."""
    from verifier.channels.suffixes import PSL_SOURCE, psl_path  # noqa: PLC0415
    from verifier.channels.suffixes import refresh as do_refresh  # noqa: PLC0415
    from verifier.errors import VerifierError  # noqa: PLC0415

    try:
        info = do_refresh(source or PSL_SOURCE)
    except (ValueError, OSError, VerifierError) as exc:  # say what failed, change nothing
        typer.echo(f"Error: the Public Suffix List was not changed: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"{psl_path()}: now version {info.get('version', '?')}, commit {info.get('commit', '?')}")
