"""A chat bot's answer to one incoming message, independent of any chat framework.

When to speak: a bot that reads a group must not answer every message, and one that is
asked directly must always answer. So ``reply_for`` answers a message of medium or high risk
wherever it was posted, and anything else only when ``direct`` is true (a private chat,
a mention or a reply to the bot); otherwise it returns None and the bot stays quiet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from verifier import CheckResult, ScanResult, ScanTooLarge, scan
from verifier.allowlist.model import Allowlist
from verifier.integrations.language import detect_lang
from verifier.messages import Lang, normalize_lang, text

MAX_MESSAGE_CHARS = 20_000  # far above any chat's message limit (Telegram: 4,096)
MAX_REPLY_CHARS = 4_000  # fits Telegram's 4,096 and Discord's 4,000 (with Nitro) limits
MAX_CHANNEL_LINES = 5
_SPEAK_UNASKED = ("high", "medium")


class MessageTooLarge(ScanTooLarge):
    """The incoming message is longer than ``MAX_MESSAGE_CHARS``."""


@dataclass(frozen=True, slots=True)
class BotReply:
    """The text to send back, its language, and the scan it is based on."""

    text: str
    lang: Lang
    risk: str
    scan: ScanResult

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "lang": self.lang, "risk": self.risk, "scan": self.scan.to_dict()}


def help_text(lang: str | None = None) -> str:
    """What the bot does, in ``lang``: the answer to /start, /help or an empty question."""
    return text("bot.help", normalize_lang(lang))


def reply_for(
    message: str,
    lang: str | None = None,
    brand: str | None = None,
    allowlist: Allowlist | None = None,
    *,
    direct: bool = False,
) -> BotReply | None:
    """The bot's reply to ``message``, or None when it should stay quiet.

    The reply is scan's warning or all-clear, then one line per channel in the message
    (its verdict and the first reason) so a pasted link or number gets its own answer.
    A direct message with nothing to check (no channel, pattern or brand) gets
    ``help_text``. ``lang`` (``en``/``zh``) defaults to the message's own language
    (``detect_lang``); ``brand`` (id or alias) is the wallet the bot serves, else the most
    mentioned one. Raises MessageTooLarge beyond ``MAX_MESSAGE_CHARS`` and UnknownBrand for
    a ``brand`` not in the allowlist.
    """
    if len(message) > MAX_MESSAGE_CHARS:
        size, limit = len(message), MAX_MESSAGE_CHARS
        raise MessageTooLarge(text("bot.too_large", "en", size=size, limit=limit), size=size, limit=limit)
    code = normalize_lang(lang) if lang else detect_lang(message)
    result = scan(message, brand, code, allowlist=allowlist)
    if result.risk not in _SPEAK_UNASKED and not direct:
        return None
    if not (result.channels or result.patterns or result.brands):
        return BotReply(help_text(code), code, result.risk, result)
    return BotReply(_compose(result, code), code, result.risk, result)


def _compose(result: ScanResult, lang: Lang) -> str:
    unique = list({c.normalized: c for c in result.channels}.values())
    lines = [_channel_line(c, lang) for c in unique[:MAX_CHANNEL_LINES]]
    if len(unique) > MAX_CHANNEL_LINES:
        lines.append(text("bot.more_channels", lang, count=len(unique) - MAX_CHANNEL_LINES))
    kept: list[str] = []
    used = len(result.reply) + 1
    for line in lines:
        # Whole lines only: a reply never ends in half a sentence.
        used += len(line) + 1
        if used > MAX_REPLY_CHARS:
            break
        kept.append(line)
    return "\n\n".join([result.reply, "\n".join(kept)]) if kept else result.reply[:MAX_REPLY_CHARS]


def _channel_line(result: CheckResult, lang: Lang) -> str:
    verdict = text(f"verdict.{result.verdict.value}", lang)
    reason = result.reasons[0].message if result.reasons else result.normalized
    return text("bot.channel_line", lang, verdict=verdict, reason=reason)
