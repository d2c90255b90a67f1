"""Reason messages in English and Simplified Chinese, from ``data/messages.toml``."""

from __future__ import annotations

import tomllib
from functools import cache, partial
from importlib import resources
from typing import Literal

from verifier.model import Reason

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


class _Params(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return ""


def reason(code: str, lang: Lang, message_code: str | None = None, **params: object) -> Reason:
    """A Reason with a stable ``code`` and its message in ``lang``, rendered when first read."""
    return Reason.deferred(code, partial(text, message_code or code, lang, **params))
