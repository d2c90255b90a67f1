"""``verifier denylist import FEED``: a moderator refreshes a public phishing feed's source file.

The feed is fetched over the network (https, public addresses only, no redirects, one total
deadline, a size limit) or read from ``--file``; its hosts are normalized, deduplicated and
cleared of anything official or on the feed's own allow list (``verifier.allowlist.feeds``), and
``allowlists/feeds/<feed>.txt`` is written with provenance. A feed whose licence does not let
the project redistribute it is written only outside the project's sources (``--out``).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer

DEFAULT_FEEDS = Path("allowlists/feeds")
FETCH_SECONDS = 60.0

app = typer.Typer(
    help="Moderator commands for the denylist: import public phishing feeds.", no_args_is_help=True
)
_FEED_HELP = "eth-phishing-detect, polkadot-js or scamsniffer"
_FILE_HELP = "Read the upstream document from a file, not the network."
_URL_HELP = "Fetch from this https URL instead of the feed's source."


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(code)


@app.command("import")
def import_feed(
    feed_id: Annotated[str, typer.Argument(metavar="FEED", help=_FEED_HELP)],
    file: Annotated[Path | None, typer.Option(help=_FILE_HELP)] = None,
    url: Annotated[str | None, typer.Option(help=_URL_HELP)] = None,
    out: Annotated[Path, typer.Option(help="Folder of the feed source files.")] = DEFAULT_FEEDS,
    snapshot: Annotated[
        str | None, typer.Option(help="Snapshot name recorded per new host (default: today's date).")
    ] = None,
) -> None:
    """Import one feed's current snapshot into OUT/FEED.txt and say what changed."""
    from verifier.allowlist.feeds import FeedError, feed, normalize_snapshot, parse_snapshot, read_source  # noqa: PLC0415
    from verifier.allowlist.store import default_allowlist  # noqa: PLC0415

    try:
        spec = feed(feed_id)
    except FeedError as exc:
        raise _fail(str(exc), 2) from None
    if not spec.redistribute and out.resolve() == DEFAULT_FEEDS.resolve():
        raise _fail(
            f"{spec.id} is {spec.licence}: {spec.decision}. Import it with --out DIR outside "
            f"{DEFAULT_FEEDS} for your own use.",
            2,
        )
    data = _read(file) if file is not None else _fetch(spec.source if url is None else url, spec.format)
    target = out / f"{spec.id}.txt"
    previous: dict[str, str] = {}
    if target.exists():
        try:
            previous = read_source(target)[1]
        except (FeedError, OSError, UnicodeDecodeError) as exc:
            raise _fail(f"cannot read the current {target}: {exc}") from None
    try:
        parsed = parse_snapshot(spec, data)
    except FeedError as exc:
        raise _fail(f"{spec.id}: {exc}") from None
    name = snapshot or dt.datetime.now(dt.UTC).date().isoformat()
    result = normalize_snapshot(spec, parsed, name, default_allowlist(), previous)
    out.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(".txt.tmp")
    temporary.write_text(result.to_text(), "utf-8")
    temporary.replace(target)
    added = len(result.hosts.keys() - previous.keys())
    removed = len(previous.keys() - result.hosts.keys())
    dropped = ", ".join(f"{count} {why}" for why, count in sorted(result.dropped.items())) or "none"
    typer.echo(f"{target}: {len(result.hosts)} hosts ({added} added, {removed} removed); dropped: {dropped}")


def _read(path: Path) -> bytes:
    from verifier.allowlist.feeds import MAX_FEED_BYTES  # noqa: PLC0415

    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FEED_BYTES + 1)
    except OSError as exc:
        raise _fail(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_FEED_BYTES:
        raise _fail(f"{path} is larger than {MAX_FEED_BYTES} bytes")
    return data


def _fetch(url: str, format_name: str) -> bytes:
    """The feed document at ``url``; for the npm registry, the package tarball its metadata names.
    One deadline covers every request."""
    from verifier.allowlist.feeds import MAX_FEED_BYTES  # noqa: PLC0415
    from verifier.allowlist.update import UpdateError, fetch  # noqa: PLC0415
    from verifier.net import Deadline  # noqa: PLC0415

    deadline = Deadline(FETCH_SECONDS)
    try:
        data = fetch(url, max_bytes=MAX_FEED_BYTES, deadline=deadline)
        if format_name == "eth-phishing-detect" and data[:1] == b"{" and b'"dist"' in data:
            tarball = json.loads(data).get("dist", {}).get("tarball")
            if not isinstance(tarball, str):
                raise _fail(f"{url}: npm metadata without dist.tarball")
            data = fetch(tarball, max_bytes=MAX_FEED_BYTES, deadline=deadline)
    except UpdateError as exc:
        raise _fail(f"cannot fetch {url}: {exc}") from None
    except ValueError as exc:
        raise _fail(f"{url}: {exc}") from None
    return data
