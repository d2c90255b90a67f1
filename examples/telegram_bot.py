"""A Telegram bot that warns about fake wallet support, built on verifier.integrations.bot.

Run it (the token comes from @BotFather)::

    pip install -e '.[telegram]'   # from a checkout; the distribution is wallet-support-verifier
    TELEGRAM_BOT_TOKEN=123456:ABC... python examples/telegram_bot.py
    # optional: VERIFIER_BRAND=tokenpocket, the wallet this bot speaks for

In a private chat the bot answers every message: a pasted number, link or handle gets its
verdict, a forwarded scam gets a warning, anything else the help text. In a group it speaks
up only about messages of medium or high risk, or when mentioned (with privacy mode on,
Telegram shows a bot only commands, mentions and replies: turn it off in @BotFather or
make the bot an admin to let it read the group). Replies come in the message's language
(简体中文 or English), else the sender's Telegram language.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Mapping
from typing import Any

from telegram import LinkPreviewOptions, Message, Update
from telegram.constants import ChatType
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

import verifier
from verifier.integrations import detect_lang, help_text, reply_for

TOKEN_ENV = "TELEGRAM_BOT_TOKEN"
BRAND_ENV = "VERIFIER_BRAND"


class MissingToken(RuntimeError):
    """The bot token is not in the environment."""


def token_from_env(environ: Mapping[str, str]) -> str:
    """The bot token from ``TELEGRAM_BOT_TOKEN``; raises MissingToken when it is unset or blank."""
    token = environ.get(TOKEN_ENV, "").strip()
    if not token:
        raise MissingToken(
            f"{TOKEN_ENV} is not set: create a bot with @BotFather and run "
            f"`{TOKEN_ENV}=<token> python examples/telegram_bot.py`."
        )
    return token


async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a text message (or a photo's caption) with verifier's reply, or stay quiet."""
    message = update.effective_message
    if message is None or not (message.text or message.caption):
        return
    content = message.text or message.caption or ""
    # The bot's own @name marks the message as addressed to it, and is not a channel to check.
    mention = re.compile(re.escape(f"@{context.bot.username}") + r"\b", re.IGNORECASE)
    direct = (
        message.chat.type == ChatType.PRIVATE
        or mention.search(content) is not None
        or _replies_to(message, context.bot.id)
    )
    content = mention.sub("", content).strip()
    user = update.effective_user
    lang = detect_lang(content, default=user.language_code if user else None)
    reply = reply_for(
        content,
        lang=lang,
        brand=context.bot_data.get("brand"),
        allowlist=context.bot_data.get("allowlist"),
        direct=direct,
    )
    if reply is None:
        return
    # No previews: the reply may name the very scam site it warns about.
    await message.reply_text(
        reply.text,
        do_quote=message.chat.type != ChatType.PRIVATE,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )


async def on_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start and /help: what the bot does, in the sender's language."""
    message = update.effective_message
    if message is None:
        return
    user = update.effective_user
    await message.reply_text(help_text(user.language_code if user else None))


def build_application(
    token: str,
    *,
    brand: str | None = None,
    allowlist: verifier.Allowlist | None = None,
    request: BaseRequest | None = None,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The bot's Application with its handlers.

    ``brand`` (id or alias) is the wallet the bot speaks for; ``allowlist`` replaces
    verifier's default one; ``request`` replaces the HTTP transport to Telegram.
    Raises UnknownBrand for a brand that is not in the allowlist.
    """
    if brand is not None:
        brand = (allowlist or verifier.load_allowlist()).brand(brand).id
    builder = ApplicationBuilder().token(token)
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    application = builder.build()
    application.bot_data["brand"] = brand
    application.bot_data["allowlist"] = allowlist
    application.add_handler(CommandHandler(["start", "help"], on_help))
    application.add_handler(MessageHandler((filters.TEXT | filters.CAPTION) & ~filters.COMMAND, on_message))
    return application


def _replies_to(message: Message, bot_id: int) -> bool:
    replied = message.reply_to_message
    return replied is not None and replied.from_user is not None and replied.from_user.id == bot_id


def main() -> None:
    try:
        token = token_from_env(os.environ)
    except MissingToken as error:
        sys.exit(str(error))
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO)
    allowlist = verifier.load_allowlist()
    if not allowlist.verified:
        logging.warning(
            "the allowlist is not verified (%s): nothing will be called official", allowlist.problem
        )
    try:
        application = build_application(token, brand=os.environ.get(BRAND_ENV) or None, allowlist=allowlist)
    except verifier.UnknownBrand as error:
        sys.exit(f"{BRAND_ENV}: {error}")
    application.run_polling(allowed_updates=[Update.MESSAGE])


if __name__ == "__main__":
    main()
