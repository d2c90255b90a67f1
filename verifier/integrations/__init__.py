"""verifier where users meet scammers: ticket intake and a chat bot's replies.

Both are pure functions over the public API (``scan``, ``check``), with no framework and no I/O::

    from verifier.integrations import reply_for, triage
    triage("Help", "The agent wrote: send me your seed phrase").tags
    # ('risk:high', 'scam:seed-phrase-request')
    reply_for("请把助记词发给我").text  # a warning in 简体中文

``examples/telegram_bot.py`` wires ``reply_for`` to python-telegram-bot; ``POST /v1/intake`` runs ``triage``.
"""

from verifier.integrations.bot import BotReply, MessageTooLarge, help_text, reply_for
from verifier.integrations.intake import IntakeResult, InvalidTicket, TicketTooLarge, triage
from verifier.integrations.language import detect_lang

__all__ = [
    "BotReply",
    "IntakeResult",
    "InvalidTicket",
    "MessageTooLarge",
    "TicketTooLarge",
    "detect_lang",
    "help_text",
    "reply_for",
    "triage",
]
