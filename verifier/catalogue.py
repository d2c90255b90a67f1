"""The message catalogue (``data/messages.toml``): every text verifier says, in English and
Simplified Chinese, and ``Message``, a catalogue entry not yet said in a language.

The bottom of the words: it imports nothing else of verifier, so ``model`` (whose ``Reason``
says a ``Message`` when first read) and ``messages`` (the helpers that make reasons and
messages) can both build on it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Literal

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


@dataclass(frozen=True, slots=True)
class Message:
    """A message not yet said in a language: a catalogue ``code`` and its template's ``params``.

    A parameter that is itself a Message is said in the same language as the whole, so a
    message can name a part ("bundle", "new root (by previous keys)") that is translated too.
    ``str()`` gives the English. A deferred ``Reason`` holds one and says it when first read.
    """

    code: str
    params: Mapping[str, object] = field(default_factory=dict, hash=False)

    def text(self, lang: Lang) -> str:
        """The message in ``lang``."""
        return say(self.code, lang, self.params)

    def __str__(self) -> str:
        return self.text("en")


def say(code: str, lang: Lang, params: Mapping[str, object]) -> str:
    """The catalogue's ``code`` in ``lang`` with ``params``, a Message among them said in
    ``lang`` too: what ``Message.text`` and a deferred ``Reason`` say."""
    return text(code, lang, **{k: v.text(lang) if isinstance(v, Message) else v for k, v in params.items()})
