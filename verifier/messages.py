"""Reason messages in English and Simplified Chinese, from ``data/messages.toml``."""

from __future__ import annotations

import errno
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Literal

from verifier.model import Reason, new_deferred_reason

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")


@cache
def _catalogue() -> dict[str, dict[str, str]]:
    text = resources.files("verifier.data").joinpath("messages.toml").read_text("utf-8")
    return tomllib.loads(text)


@cache
def _templates(lang: Lang) -> dict[str, str]:
    # One flat table per language, English standing in for a missing translation.
    return {code: entry.get(lang) or entry["en"] for code, entry in _catalogue().items()}


def normalize_lang(lang: str | None) -> Lang:
    """Map ``zh-CN``, ``zh_Hans``, ``EN`` ... to ``zh`` or ``en`` (default ``en``)."""
    if lang == "en":
        return "en"  # the usual argument, decided without string work
    if lang and lang.strip().lower().startswith("zh"):
        return "zh"
    return "en"


def has_text(code: str) -> bool:
    """Whether the catalogue has a message for ``code``."""
    return code in _catalogue()


def text(code: str, lang: Lang, **params: object) -> str:
    """The message for ``code`` in ``lang`` with ``params`` filled in."""
    template = _templates(lang).get(code)
    if template is None:
        return code
    if None in params.values():
        params = {k: "" if v is None else v for k, v in params.items()}
    return template.format_map(_Params(params))


@dataclass(frozen=True, slots=True)
class Message:
    """A message not yet said in a language: a catalogue ``code`` and its template's ``params``.

    A parameter that is itself a Message is said in the same language as the whole, so a
    message can name a part ("bundle", "new root (by previous keys)") that is translated too.
    ``str()`` gives the English.
    """

    code: str
    params: Mapping[str, object] = field(default_factory=dict, hash=False)

    def text(self, lang: Lang) -> str:
        """The message in ``lang``."""
        params = {k: v.text(lang) if isinstance(v, Message) else v for k, v in self.params.items()}
        return text(self.code, lang, **params)

    def __str__(self) -> str:
        return self.text("en")


def invalid_detail(code: str, detail: str, lang: Lang) -> str:
    """Why an input is invalid, in ``lang``: in English the parser's own sentence (``detail``,
    which names the value), in Chinese the catalogue's ``invalid_detail.*`` text for the
    InvalidChannel ``code`` (``invalid.bad_url``), the English sentence where there is none."""
    if lang == "en":
        return detail
    key = "invalid_detail." + code.removeprefix("invalid.")
    return text(key, lang) if has_text(key) else detail


def os_reason(exc: OSError) -> Message:
    """Why a file could not be read or written: in English the system's own words, in Chinese the
    usual reasons (by errno name) translated, the others left in the system's words."""
    code = f"os_error.{errno.errorcode.get(exc.errno or 0, '')}"
    return Message(code if has_text(code) else "os_error.other", {"strerror": exc.strerror or str(exc)})


class _Params(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return ""


def reason(code: str, lang: Lang, message_code: str | None = None, **params: object) -> Reason:
    """A Reason with a stable ``code`` and its message in ``lang``, rendered when first read."""
    return new_deferred_reason(code, message_code or code, lang, params, "")


def render(code: str, lang: str, params: dict[str, object] | None) -> str:
    """``text(code, lang, **params)`` for a deferred Reason."""
    return text(code, normalize_lang(lang), **(params or {}))
