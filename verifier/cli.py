"""The ``verifier`` command: a thin layer that calls the library and formats its answers.

A fresh ``verifier check VALUE`` is the command people wait for, so this module imports only
what a check needs: typer, the other commands (allowlist, denylist, serve, watch, suffixes),
the batch and scan code are imported when ``app`` is first used (``_build_app``), and
``main`` runs a plain check without them (``quick_check_arguments``).
"""

from __future__ import annotations

import codecs
import io
import json
import os
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

from verifier.allowlist.model import Allowlist, unknown_brand_message
from verifier.allowlist.store import default_allowlist, load_allowlist, state_dir
from verifier.checker import check as check_value
from verifier.cli_usage import argv_lang, missing_argument, shown, unknown_region
from verifier.errors import AllowlistError, UnknownBrand
from verifier.messages import Lang, normalize_lang, os_reason, text
from verifier.model import CheckResult, Verdict

if TYPE_CHECKING:
    import typer

    from verifier.cli_batch import BatchFormat
    from verifier.scan.scanner import ScanResult

EXIT_UNVERIFIED = 3
MAX_SCAN_CHARS = 2_000_000  # as verifier.scan.scanner.MAX_SCAN_CHARS (a test keeps them equal)
MAX_BATCH_CHARS = 100_000_000  # about a million values a batch

DISTRIBUTION = "wallet-support-verifier"  # the name on PyPI; the command and import stay verifier


def distribution_version() -> str:
    """The installed distribution's version (the package's own when run from a source tree)."""
    from importlib import metadata  # noqa: PLC0415 (only for --version)

    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        from verifier import __version__  # noqa: PLC0415

        return __version__


def _build_app() -> typer.Typer:
    """The typer app with every command, built on first use of ``app``.

    typer reads the commands' annotations (``typer.Option``, ``BatchFormat``) from this
    module's globals when it runs them, so they are bound here, before any command runs.
    """
    global typer, BatchFormat  # noqa: PLW0603 (bound for the annotations typer reads)
    import typer  # noqa: PLC0415

    from verifier.cli_allowlist import app as allowlist_app  # noqa: PLC0415
    from verifier.cli_batch import BatchFormat  # noqa: PLC0415
    from verifier.cli_denylist import app as denylist_app  # noqa: PLC0415
    from verifier.cli_serve import serve  # noqa: PLC0415
    from verifier.cli_suffixes import app as suffixes_app  # noqa: PLC0415
    from verifier.cli_usage import plain_flags  # noqa: PLC0415
    from verifier.cli_watch import watch  # noqa: PLC0415

    built = typer.Typer(
        help="Is this phone number, link, email or handle really a wallet's official support channel?",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    plain_flags()
    built.callback()(_options)
    built.command()(check)
    built.command("scan")(scan_command)
    built.command()(update)
    built.command()(serve)
    built.command()(watch)
    built.add_typer(allowlist_app, name="allowlist")
    built.add_typer(denylist_app, name="denylist")
    built.add_typer(suffixes_app, name="suffixes")
    return built


def _app() -> typer.Typer:
    """The typer app, built once."""
    built = globals().get("app")
    if built is None:
        built = globals()["app"] = _build_app()
    return built


def __getattr__(name: str) -> Any:
    if name == "app":  # ``from verifier.cli import app`` (PEP 562)
        return _app()
    raise AttributeError(f"module 'verifier.cli' has no attribute {name!r}")


def _echo(message: str, *, err: bool = False) -> None:
    """``_echo(message, err=err)`` without importing typer when it would only write the
    line and flush: a text stream not in ASCII (click re-encodes those) and no ESC in the
    message (click strips colour codes when the stream is no terminal). Else typer.echo."""
    stream = sys.stderr if err else sys.stdout
    if (
        "\x1b" not in message
        and isinstance(stream, io.TextIOWrapper)
        and sys.platform != "win32"
        and codecs.lookup(stream.encoding).name != "ascii"
    ):
        stream.write(message + "\n")
        stream.flush()
        return
    import typer  # noqa: PLC0415

    typer.echo(message, err=err)


def _print_version(asked: bool) -> None:
    if asked:
        _echo(f"verifier ({DISTRIBUTION}) {distribution_version()}")
        raise SystemExit(0)


def _options(
    version: Annotated[
        bool,
        typer.Option("--version", help="Print the version and exit.", callback=_print_version, is_eager=True),
    ] = False,
) -> None:
    """Is this phone number, link, email or handle really a wallet's official support channel?"""


class KindOption(StrEnum):
    url = "url"
    email = "email"
    phone = "phone"
    handle = "handle"


class LangOption(StrEnum):
    en = "en"
    zh = "zh"


def _print_json(payload: Any) -> None:
    _echo(json.dumps(payload, ensure_ascii=False, indent=2))


def _fail(message: str, lang: Lang) -> NoReturn:
    """Print ``message`` as an error line in ``lang`` ("Error: ...", "错误：...") and exit 2; control
    characters from the input (a file name, a brand) are shown escaped."""
    _echo(shown(text("cli.error", lang, message=message), lines=True), err=True)
    raise SystemExit(2)


def _finish(
    allowlist: Allowlist, payload: Any, human: str, as_json: bool, lang: str, status: int
) -> NoReturn:
    """Print a result as JSON or for humans, then exit: 3 if the allowlist did not verify.

    ``human`` is composed by ``_human`` or ``_human_scan``, which escape what came from the input."""
    if as_json:
        _print_json(payload)
    else:
        _echo(human)
    if not allowlist.verified:
        language = normalize_lang(lang)
        problem = allowlist.problem_text(language)
        _echo(shown(text("cli.exit_unverified", language, problem=problem), lines=True), err=True)
        raise SystemExit(EXIT_UNVERIFIED)
    _warn_if_expiring(allowlist, normalize_lang(lang))
    raise SystemExit(status)


EXPIRY_WARNING_DAYS = 30


def _warn_if_expiring(allowlist: Allowlist, lang: Lang) -> None:
    """Say on stderr (without failing) that the verified allowlist expires in under 30 days."""
    days = allowlist.days_left()
    if days is not None and days < EXPIRY_WARNING_DAYS:
        said = text("cli.expires_soon", lang, version=allowlist.version, days=days, expires=allowlist.expires)
        _echo(said, err=True)


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
    # Each line echoes input (the value, what it normalized to, reasons that quote it): its control
    # characters, newlines included, are shown escaped so that a value cannot drive the terminal
    # (set its title, recolour, erase) or forge a line of the verdict.
    return "\n".join(shown(line) for line in lines)


def check(
    value: Annotated[
        str | None,
        typer.Argument(
            metavar="VALUE",
            help="Phone number, link, email address or @handle to check; - reads one a line from stdin.",
            show_default=False,
        ),
    ] = None,
    brand: Annotated[
        str | None, typer.Option("--brand", "-b", help="Brand id or alias (tokenpocket, TP钱包).")
    ] = None,
    kind: Annotated[
        KindOption | None, typer.Option(help="Force the channel kind instead of detecting it.")
    ] = None,
    platform: Annotated[
        str | None, typer.Option(help="Platform of a handle (telegram, x, wechat ...).")
    ] = None,
    region: Annotated[
        str | None,
        typer.Option(help="Region for numbers without + (CN, US ...).", callback=unknown_region),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as one JSON object.")] = False,
    lang: Annotated[LangOption, typer.Option(help="Language of the messages.")] = LangOption.en,
    allowlist_file: Annotated[Path | None, typer.Option("--allowlist", help="Use this bundle file.")] = None,
    file: Annotated[
        Path | None, typer.Option("--file", "-f", help="Check every line of this file (one value a line).")
    ] = None,
    output_format: Annotated[
        BatchFormat | None,
        typer.Option(
            "--format", help="Output of a batch: human, json (JSON Lines) or csv.", show_default=False
        ),
    ] = None,
    online: Annotated[
        bool,
        typer.Option(
            "--online",
            help="Also look it up: DNS, registration (RDAP), redirects and the page (public addresses only).",
        ),
    ] = False,
    nameserver: Annotated[
        list[str] | None,
        typer.Option(
            "--nameserver",
            metavar="HOST[:PORT]",
            help="DNS resolver for --online (repeatable; default $VERIFIER_NAMESERVERS, else the system's).",
        ),
    ] = None,
    online_timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds for all the --online lookups of one value.")
    ] = 10.0,
    concurrency: Annotated[int, typer.Option("--parallel", help="Values looked up at once (--online).")] = 32,
) -> None:
    """Check one value (or one a line: - or --file). Exit 0 official, 1 other, 2 invalid, 3 unverified list.

    A batch exits 0 when every value is official, 2 when any is invalid, else 1.
    """
    language = normalize_lang(lang.value)
    config = _online_config(nameserver, online_timeout, concurrency, language) if online else None
    if value == "-" or file is not None:
        if value is not None and file is not None:
            _fail(text("cli.batch_value_and_file", language), language)
        from verifier.cli_batch import BatchFormat  # noqa: PLC0415 (batch code only for batches)

        fmt = output_format or (BatchFormat.json if as_json else BatchFormat.human)
        _check_batch(
            str(file) if file is not None else "-",
            brand,
            kind,
            platform,
            region,
            language,
            fmt,
            allowlist_file,
            config,
        )
    if value is None:  # as typer says a missing argument (usage line, exit 2), in ``--lang``
        missing_argument("value")
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
            online=config or False,
        )
        if result.verdict is Verdict.INVALID:
            from verifier.cli_message import is_message  # noqa: PLC0415 (scan data only for text)

            if is_message(value):
                result = _check_message(value, brand, kind, platform, region, language, allowlist)
    except UnknownBrand as exc:
        _fail(unknown_brand_message(exc.name, exc.known, language), language)
    _finish(
        allowlist, result.to_dict(), _human(result, lang.value), as_json, lang.value, result.verdict.exit_code
    )


def _online_config(nameservers: list[str] | None, timeout: float, concurrency: int, lang: Lang) -> Any:
    """The ``--online`` configuration: ``--nameserver`` or $VERIFIER_NAMESERVERS, $VERIFIER_RDAP_URL
    (resolvers and the RDAP server are the operator's choice: loopback allowed); exit 2 if malformed."""
    from verifier.online import ConfigError, OnlineConfig  # noqa: PLC0415 (network code only with --online)

    if not timeout > 0 or concurrency < 1:  # checked here: a range in the option widens --help
        _fail(text("online.bad_bounds", lang), lang)
    try:
        return OnlineConfig.from_env(nameservers=nameservers, deadline=timeout, concurrency=concurrency)
    except (ConfigError, ValueError) as exc:
        _fail(str(exc), lang)


def _check_message(
    message: str,
    brand: str | None,
    kind: KindOption | None,
    platform: str | None,
    region: str | None,
    lang: Lang,
    allowlist: Allowlist,
) -> CheckResult:
    """The check of the one channel written in ``message`` (text pasted rather than a value),
    said on stderr; exit 2 with a pointer to ``verifier scan -`` when it holds none or several."""
    from verifier.cli_message import read_message  # noqa: PLC0415 (scan data only for text with spaces)

    read = read_message(message, allowlist, kind=kind.value if kind else None)
    if not read.found:
        _fail(text("cli.message_no_channel", lang), lang)
    if len(read.found) > 1:
        _fail(text("cli.message_several_channels", lang, count=len(read.found), channels=read.listed), lang)
    channel = read.found[0]
    kind_said = text("kind." + channel.kind.value, lang)
    if brand is None and read.brand is not None:
        brand = read.brand.id
        said = text(
            "cli.message_one_channel_brand", lang, channel=channel.raw, kind=kind_said, brand=read.brand.name
        )
    else:
        said = text("cli.message_one_channel", lang, channel=channel.raw, kind=kind_said)
    _echo(shown(said), err=True)
    return check_value(
        channel.raw,
        brand=brand,
        kind=channel.kind.value,
        platform=channel.platform or platform,
        region=region,
        lang=lang,
        allowlist=allowlist,
    )


def _check_batch(
    source: str,
    brand: str | None,
    kind: KindOption | None,
    platform: str | None,
    region: str | None,
    lang: Lang,
    fmt: BatchFormat,
    allowlist_file: Path | None,
    online: Any = None,
) -> NoReturn:
    """Check every line of ``source`` (a file or - for stdin), print a line each and a summary,
    then exit as ``cli_batch.exit_status`` says (3 when the allowlist did not verify)."""
    from verifier.cli_batch import (  # noqa: PLC0415 (batch code only for batches)
        BatchFormat,
        BatchOptions,
        exit_status,
        summary,
        values_of,
        write_batch,
    )

    body = _read_input(source, MAX_BATCH_CHARS, lang, too_large="cli.batch_too_large")
    values = values_of(body)
    if not values:
        _fail(text("cli.batch_empty", lang, source=source), lang)
    allowlist = load_allowlist(allowlist_file) if allowlist_file else default_allowlist()
    options = BatchOptions(brand, kind.value if kind else None, platform, region, lang, fmt, online)
    started = time.perf_counter()
    try:
        counts = write_batch(values, options, allowlist, progress=sys.stderr.isatty())
    except UnknownBrand as exc:
        _fail(unknown_brand_message(exc.name, exc.known, lang), lang)
    if online is not None:  # the figure a batch of lookups is judged by
        elapsed = time.perf_counter() - started
        rate = len(values) / elapsed if elapsed > 0 else float(len(values))
        said = text(
            "online.batch_throughput",
            lang,
            count=f"{len(values):,}",
            seconds=f"{elapsed:.2f}",
            rate=f"{rate:,.0f}",
            concurrency=online.concurrency,
        )
        _echo(said, err=True)
    state = allowlist.state
    allowlist_line = text(
        "cli.allowlist_line",
        lang,
        version=state.version or "-",
        state=text("cli.verified" if state.verified else "cli.unverified", lang),
        expires=state.expires or "-",
    )
    separator = "；" if lang == "zh" else "; "
    _echo(f"{summary(counts, lang)}{separator}{allowlist_line}", err=fmt is not BatchFormat.human)
    if not allowlist.verified:
        problem = allowlist.problem_text(lang)
        _echo(shown(text("cli.exit_unverified", lang, problem=problem), lines=True), err=True)
        raise SystemExit(EXIT_UNVERIFIED)
    _warn_if_expiring(allowlist, lang)
    raise SystemExit(exit_status(counts))


# Byte order marks and the encodings they announce; UTF-32's before UTF-16's, whose marks begin theirs.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_input(data: bytes) -> str:
    """Text of a file or standard input: UTF-32, UTF-16 or UTF-8 as a byte order mark says
    (the mark left out; Windows tools write UTF-16 with one), else UTF-8. Bytes that do not
    decode become U+FFFD, so the rest of the text is still scanned."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    return data.decode("utf-8", errors="replace")


def _read_input(source: str, limit: int, lang: Lang, *, too_large: str = "cli.too_large") -> str:
    """Read a file or standard input (``-``) as ``decode_input`` does, refusing more than ``limit``
    characters (exit 2, with the reason in ``lang``)."""
    most = limit * 4 + len(codecs.BOM_UTF32_LE)  # UTF-32: four bytes a character, and its mark
    try:
        if source == "-":
            data = sys.stdin.buffer.read(most + 1)
        else:
            with open(source, "rb") as handle:
                data = handle.read(most + 1)
    except OSError as exc:
        _fail(text("cli.unreadable", lang, source=source, reason=os_reason(exc).text(lang)), lang)
    if len(data) > most:
        _fail(text(too_large, lang, source=source, limit=f"{limit:,}"), lang)
    body = decode_input(data)
    if len(body) > limit:
        _fail(text(too_large, lang, source=source, limit=f"{limit:,}"), lang)
    return body


def _human_scan(result: ScanResult, lang: str) -> str:
    code = normalize_lang(lang)
    lines = [f"{text('scan.risk_label', code)}: {text('scan.risk.' + result.risk, code)}"]
    if result.brands:
        lines.append(f"{text('scan.brands_label', code)}: {', '.join(result.brands)}")
    for pattern in result.patterns:
        lines.append(f"  [{pattern.severity}] {pattern.message}  «{pattern.excerpt}»")
    for channel in result.channels:
        mark = "✓" if channel.verdict is Verdict.OFFICIAL else "✗"
        lines.append(f"  {mark} {channel.verdict.value}: {channel.normalized}  {channel.reasons[0].message}")
    lines.append("")
    lines.append(f"{text('scan.reply_label', code)}: {result.reply}")
    # As in _human: excerpts, channels and the reply quote the text scanned.
    return "\n".join(shown(line) for line in lines)


def _fetch_page(url: str, lang: Lang) -> tuple[str, bool]:
    """The text of the page at ``url`` and whether it is HTML; exit 2 with the reason in ``lang``
    if not fetched."""
    from verifier.net.page import FetchError, fetch_page  # noqa: PLC0415 (network only with --online)

    try:
        page = fetch_page(url)
    except FetchError as exc:
        _fail(exc.text(lang), lang)
    if len(page.text) > MAX_SCAN_CHARS:
        _fail(text("cli.too_large", lang, source=url, limit=f"{MAX_SCAN_CHARS:,}"), lang)
    return page.text, page.is_html


def scan_command(
    source: Annotated[
        str,
        typer.Argument(
            metavar="FILE|URL", help="Text or HTML file to scan, - for stdin, or a page's URL with --online."
        ),
    ],
    brand: Annotated[str | None, typer.Option("--brand", "-b", help="Brand the text is about.")] = None,
    html: Annotated[
        bool, typer.Option("--html", help="Read the input as HTML (scripts, styles ignored).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as one JSON object.")] = False,
    lang: Annotated[LangOption, typer.Option(help="Language of the messages and reply.")] = LangOption.en,
    allowlist_file: Annotated[Path | None, typer.Option("--allowlist", help="Use this bundle file.")] = None,
    online: Annotated[
        bool,
        typer.Option(
            "--online", help="SOURCE is a web page's URL: fetch it (public addresses only, 10 s, 4 MB)."
        ),
    ] = False,
) -> None:
    """Scan a message, ticket or page for fake-support danger. Exit 1 when risk is high or medium."""
    from verifier.scan.scanner import scan as run_scan  # noqa: PLC0415 (rule data only when scanning)

    language = normalize_lang(lang.value)
    if online:
        body, fetched_html = _fetch_page(source, language)
        html = html or fetched_html
    else:
        if source.lower().startswith(("http://", "https://")) and not Path(source).exists():
            _fail(text("cli.url_needs_online", language, source=source), language)
        if source != "-" and any(c.isspace() for c in source.strip()) and not Path(source).exists():
            _fail(text("cli.scan_text_not_file", language, source=source[:60]), language)
        body = _read_input(source, MAX_SCAN_CHARS, language)
    allowlist = load_allowlist(allowlist_file) if allowlist_file else default_allowlist()
    try:
        result = run_scan(body, brand=brand, lang=lang.value, html=html, allowlist=allowlist)
    except UnknownBrand as exc:
        _fail(unknown_brand_message(exc.name, exc.known, language), language)
    status = 1 if result.risk in ("high", "medium") else 0
    _finish(allowlist, result.to_dict(), _human_scan(result, lang.value), as_json, lang.value, status)


def update(
    url: Annotated[
        str | None,
        typer.Option(
            help="https URL of a newer signed allowlist bundle (default: $VERIFIER_UPDATE_URL, else "
            "the project's published bundle, see docs/moderators.md); its target files are fetched "
            "from beside it."
        ),
    ] = None,
    root_url: Annotated[
        list[str] | None, typer.Option(help="URL of a rotated root (next version); repeat in order.")
    ] = None,
    lang: Annotated[LangOption, typer.Option(help="Language of the messages.")] = LangOption.en,
) -> None:
    """Fetch a newer signed allowlist, verify it and use it from now on.

    Exit 1 if it cannot be fetched or stored, 3 if it does not verify.
    """
    from verifier.allowlist.update import UpdateError, default_update_url  # noqa: PLC0415 (httpx only when updating)
    from verifier.allowlist.update import update as run_update  # noqa: PLC0415

    language = normalize_lang(lang.value)
    directory = state_dir()
    try:
        installed = run_update(
            url or default_update_url(), directory=directory, root_urls=tuple(root_url or ())
        )
    except UpdateError as exc:
        _echo(shown(text("cli.error", language, message=exc.text(language)), lines=True), err=True)
        raise SystemExit(1) from None
    except AllowlistError as exc:
        refused = text("cli.update_refused", language, problem=exc.text(language))
        _echo(shown(text("cli.error", language, message=refused), lines=True), err=True)
        raise SystemExit(EXIT_UNVERIFIED) from None
    except OSError as exc:
        unwritable = text(
            "cli.update_unwritable",
            language,
            path=exc.filename or directory,
            reason=os_reason(exc).text(language),
        )
        _echo(shown(text("cli.error", language, message=unwritable), lines=True), err=True)
        raise SystemExit(1) from None
    default_allowlist.cache_clear()
    installed_line = text(
        "cli.update_installed",
        language,
        version=installed.version,
        expires=installed.expires,
        path=installed.path,
        root_version=installed.root_version,
    )
    _echo(shown(installed_line, lines=True))


# The options of ``check`` that main() reads itself, and the parameter each one sets.
_QUICK_OPTIONS = {
    "--brand": "brand",
    "-b": "brand",
    "--kind": "kind",
    "--platform": "platform",
    "--region": "region",
    "--lang": "lang",
}


def quick_check_arguments(argv: list[str]) -> dict[str, Any] | None:
    """The arguments of the ``check`` command for a plain ``check VALUE [options]``, else None.

    typer imports pydantic and builds a validator for every parameter before it runs any
    command: about 0.2 s of a 0.6 s ``verifier check``. So main() reads the everyday form
    itself: one VALUE not starting with "-", ``--json``, and ``--brand/-b``, ``--kind``,
    ``--platform``, ``--region`` or ``--lang`` at most once each with a plain value and a valid
    choice (a known region). Everything else (help, ``--``, ``--opt=value``, repeats, bad choices, other
    commands) returns None and goes through typer, whose messages and exit codes stay the
    only ones; tests compare both ways on the same arguments.
    """
    if not argv or argv[0] != "check":
        return None
    found: dict[str, Any] = {}
    words = iter(argv[1:])
    for word in words:
        name = "as_json" if word == "--json" else _QUICK_OPTIONS.get(word)
        if name is None:
            name = "value" if not word.startswith("-") else None
            if name is None or name in found:
                return None
            found[name] = word
        elif name in found:
            return None
        elif name == "as_json":
            found[name] = True
        else:
            option_value = next(words, None)
            if option_value is None or option_value.startswith("-"):
                return None
            found[name] = option_value
    if "value" not in found:
        return None
    try:
        found["kind"] = KindOption(found["kind"]) if "kind" in found else None
        found["lang"] = LangOption(found.get("lang", LangOption.en))
    except ValueError:
        return None
    if "region" in found:
        from verifier.channels.phone import known_region  # noqa: PLC0415 (phonenumbers only when asked)

        if not known_region(found["region"]):
            return None  # typer says the usage error
    return found


def main() -> None:
    """Entry point of the ``verifier`` console script."""
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")
    quick = quick_check_arguments(sys.argv[1:])
    if quick is None:
        lang = argv_lang(sys.argv[1:])
        if lang is not None and lang != "en":
            from verifier.cli_usage import run as run_localized  # noqa: PLC0415

            run_localized(_app(), lang)  # typer would say a usage error in English
        _app()()
        return
    try:
        check(**quick)  # exits (SystemExit) with the verdict's status, as typer would
    except KeyboardInterrupt:
        raise SystemExit(130) from None  # as typer ends an interrupted command
    except BrokenPipeError:
        # As typer: a reader that went away ends the command with status 1 and no traceback;
        # what is left unwritten goes nowhere rather than failing again at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(1) from None
