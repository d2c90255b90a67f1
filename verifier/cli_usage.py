"""Usage errors in the user's language: typer (click) says them in English only.

``run(app, lang)`` runs the typer app as click's standalone mode does (same exit codes), but
says a usage error (missing argument, unknown option, bad value ...) from the message catalogue
in ``lang``. ``argv_lang`` finds ``--lang`` on a command line that may not parse. ``shown``
escapes the control characters of text that came from the user before a terminal sees it.
"""

from __future__ import annotations

import re
from types import ModuleType
from typing import TYPE_CHECKING, Any, NoReturn, cast

from verifier.messages import Lang, normalize_lang, text

# typer (and its click) are imported on first use, not with this module: ``shown`` and
# ``argv_lang`` serve a plain ``verifier check``, which runs without typer (verifier/cli.py).


def _click() -> tuple[ModuleType, Any]:
    """click's exceptions module and ``get_current_context``, as the installed typer has them."""
    try:  # typer 0.2x carries its own copy of click; older typer raises click's own exceptions
        from typer._click import exceptions as errors  # noqa: PLC0415
        from typer._click.globals import get_current_context  # noqa: PLC0415
    except ImportError:  # pragma: no cover - depends on the typer release installed
        from click import exceptions as errors  # type: ignore[no-redef] # noqa: PLC0415
        from click import get_current_context  # type: ignore[no-redef] # noqa: PLC0415
    return errors, get_current_context


# Between a sentence and its bracketed hint: none after Chinese full-width punctuation.
_SPACE: dict[Lang, str] = {"en": " ", "zh": ""}
# click's wordings across releases: "argument", "arguments", "argument(s)"; "Did you mean ...?"
_EXTRA = re.compile(r"^Got unexpected extra argument(?:s|\(s\))? \((?P<args>.*)\)$", re.DOTALL)
_NO_SUCH_COMMAND = re.compile(r"^No such command (?P<name>'[^']*')\.(?: Did you mean (?P<maybe>.+)\?)?$")

# What a terminal acts on or that reorders what it shows, rather than prints: C0 and C1 controls
# (ESC starts a title, colour or clipboard sequence; CR and BS overwrite a line), DEL, the line
# and paragraph separators and the bidirectional marks, embeddings, overrides and isolates.
_MORE_CONTROLS = r"\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_CONTROLS = re.compile(r"[\x00-\x1f" + _MORE_CONTROLS + "]")
_CONTROLS_BUT_NEWLINE = re.compile(r"[\x00-\x09\x0b-\x1f" + _MORE_CONTROLS + "]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(value: str, *, lines: bool = False) -> str:
    """``value`` with its control characters written as escapes (ESC as ``\\x1b``, U+202E as
    ``\\u202e``), for human output that echoes input; ``lines=True`` keeps newlines (a message
    of several lines that the program composed)."""
    return (_CONTROLS_BUT_NEWLINE if lines else _CONTROLS).sub(_escape, value)


def _catalogue_bad_parameter() -> type[CatalogueBadParameter]:
    """The class ``CatalogueBadParameter``, defined once click is imported."""
    made = globals().get("CatalogueBadParameter")
    if made is None:
        errors = _click()[0]

        class CatalogueBadParameter(errors.BadParameter):  # type: ignore[misc,name-defined]
            """A bad option value whose explanation is a catalogue entry: said in English by
            typer, in the user's language by ``run``."""

            def __init__(self, code: str, **params: object) -> None:
                super().__init__(text(code, "en", **params))
                self.code = code
                self.params = params

        CatalogueBadParameter.__module__ = __name__
        CatalogueBadParameter.__qualname__ = "CatalogueBadParameter"
        made = globals()["CatalogueBadParameter"] = CatalogueBadParameter
    return made


if TYPE_CHECKING:
    from typer._click.exceptions import BadParameter

    class CatalogueBadParameter(BadParameter):
        code: str
        params: dict[str, object]

        def __init__(self, code: str, **params: object) -> None: ...


def __getattr__(name: str) -> Any:
    if name == "CatalogueBadParameter":  # PEP 562: a click exception, so made with click
        return _catalogue_bad_parameter()
    raise AttributeError(f"module 'verifier.cli_usage' has no attribute {name!r}")


def unknown_region(value: str | None) -> str | None:
    """typer callback of ``--region``: an unknown region is a usage error (exit 2), not a value
    that the library would ignore for a url or reject only for a number written without +."""
    from verifier.channels.phone import known_region  # noqa: PLC0415 (phonenumbers only when asked)

    if value is not None and not known_region(value):
        raise _catalogue_bad_parameter()("region.unknown", region=shown(value[:20]))
    return value


def plain_flags() -> None:
    """Show no value type for a flag in ``--help``.

    typer 0.2x's rich help prints every option's type (``<str>``, ``<url|email>``), and for a
    flag, which takes no value, ``<bool>``, as if ``--json <bool>`` were the way to write it:
    ``TyperOption.display_type_rich`` asks only for a metavar. Here it leaves the type column of
    a flag empty, as click's plain help always has. Idempotent; typer releases without that
    method are left alone.
    """
    try:
        from typer.core import TyperOption  # noqa: PLC0415
    except ImportError:  # pragma: no cover - depends on the typer release installed
        return
    shown_type = getattr(TyperOption, "display_type_rich", None)
    if shown_type is None or getattr(shown_type, "plain_flags", False):
        return

    def display_type_rich(self: Any, ctx: Any) -> str | None:
        if getattr(self, "is_flag", False) and self.metavar is None:
            return None
        return cast("str | None", shown_type(self, ctx))

    display_type_rich.plain_flags = True  # type: ignore[attr-defined]
    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


def missing_argument(name: str) -> NoReturn:
    """Say that the current command's argument ``name`` is missing, as typer does for a required
    one (usage line, exit 2; in the user's language under ``run``)."""
    errors, get_current_context = _click()
    ctx = get_current_context()
    param = next(p for p in ctx.command.params if p.name == name)
    raise errors.MissingParameter(ctx=ctx, param=param)


def argv_lang(argv: list[str]) -> Lang | None:
    """The language asked for with ``--lang X`` or ``--lang=X`` (the last one), or None."""
    found: str | None = None
    for i, word in enumerate(argv):
        if word == "--":
            break
        if word == "--lang" and i + 1 < len(argv):
            found = argv[i + 1]
        elif word.startswith("--lang="):
            found = word.removeprefix("--lang=")
    return normalize_lang(found) if found is not None else None


def message(exc: Any, lang: Lang) -> str:
    """What went wrong, in ``lang``; the parts click fills in (names, values) as they are."""
    errors = _click()[0]
    if isinstance(exc, errors.MissingParameter):
        name = _hint(exc)
        kind = exc.param_type or (exc.param.param_type_name if exc.param is not None else "parameter")
        code = "cli.usage.missing_option" if kind == "option" else "cli.usage.missing_argument"
        return text(code, lang, name=name)
    if isinstance(exc, _catalogue_bad_parameter()):
        return text("cli.usage.bad_value", lang, name=_hint(exc), detail=text(exc.code, lang, **exc.params))
    if isinstance(exc, errors.BadParameter):
        return text("cli.usage.bad_value", lang, name=_hint(exc), detail=exc.message)
    if isinstance(exc, errors.NoSuchOption):
        said = text("cli.usage.no_such_option", lang, name=exc.option_name)
        if exc.possibilities:
            options = ", ".join(sorted(exc.possibilities))
            said += _SPACE[lang] + text("cli.usage.did_you_mean", lang, options=options)
        return said
    if isinstance(exc, errors.BadOptionUsage) and exc.message.endswith("requires an argument."):
        return text("cli.usage.option_needs_value", lang, name=exc.option_name)
    command = _NO_SUCH_COMMAND.match(exc.message)
    if command:
        said = text("cli.usage.no_such_command", lang, name=command["name"])
        if command["maybe"]:
            said += _SPACE[lang] + text("cli.usage.did_you_mean", lang, options=command["maybe"])
        return said
    extra = _EXTRA.match(exc.message)
    if extra:
        return text("cli.usage.extra_argument", lang, args=extra["args"])
    return text("cli.usage.other", lang, detail=exc.message)


def show(exc: Any, lang: Lang) -> None:
    """Usage line, help hint and the error, on stderr, as click lays them out."""
    lines = []
    if exc.ctx is not None:
        usage = exc.ctx.get_usage().removeprefix("Usage:").strip()
        lines.append(text("cli.usage.usage", lang, usage=usage))
        lines.append(text("cli.usage.help", lang, command=exc.ctx.command_path))
        lines.append("")
    lines.append(text("cli.error", lang, message=message(exc, lang)))
    import typer  # noqa: PLC0415

    typer.echo(shown("\n".join(lines), lines=True), err=True)


def run(app: Any, lang: Lang) -> NoReturn:
    """Run ``app`` (a typer app) to its exit status, usage errors said in ``lang``; the rest as
    typer's standalone mode does it (an ``Exit`` code, ``Aborted!``, a broken pipe)."""
    import typer  # noqa: PLC0415

    errors = _click()[0]
    try:
        status = app(standalone_mode=False)  # an Exit's code, or what the command returned
    except errors.UsageError as exc:
        show(exc, lang)
        raise SystemExit(exc.exit_code) from None
    except errors.ClickException as exc:
        exc.show()
        raise SystemExit(exc.exit_code) from None
    except typer.Abort:
        typer.echo(text("cli.aborted", lang), err=True)
        raise SystemExit(1) from None
    raise SystemExit(status if isinstance(status, int) else 0)


def _hint(exc: Any) -> str:
    if exc.param_hint is not None:
        hints = [exc.param_hint] if isinstance(exc.param_hint, str) else list(exc.param_hint)
        return " / ".join(repr(h) for h in hints)
    if exc.param is not None:
        try:
            return str(exc.param.get_error_hint(exc.ctx))
        except TypeError:  # typer's own copy of click takes no context here
            return str(exc.param.get_error_hint())
    return "?"
