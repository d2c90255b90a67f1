"""Reason messages in English and Simplified Chinese, from ``data/messages.toml``."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Literal

from verifier.model import Reason

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")


@cache
def _catalogue() -> dict[str, dict[str, str]]:
    text = resources.files("verifier.data").joinpath("messages.toml").read_text("utf-8")
    return tomllib.loads(text)


def normalize_lang(lang: str | None) -> Lang:
    """Map ``zh-CN``, ``zh_Hans``, ``EN`` ... to ``zh`` or ``en`` (default ``en``)."""
    if lang and lang.strip().lower().startswith("zh"):
        return "zh"
    return "en"


def text(code: str, lang: Lang, **params: object) -> str:
    """The message for ``code`` in ``lang`` with ``params`` filled in."""
    entry = _catalogue().get(code)
    if entry is None:
        return code
    template = entry.get(lang) or entry["en"]
    return template.format_map(_Params({k: "" if v is None else v for k, v in params.items()}))


class _Params(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return ""


def reason(code: str, lang: Lang, message_code: str | None = None, **params: object) -> Reason:
    """A Reason with a stable ``code`` and its message rendered in ``lang``."""
    return Reason(code, text(message_code or code, lang, **params))
