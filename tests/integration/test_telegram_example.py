"""examples/telegram_bot.py with real python-telegram-bot objects and no Telegram servers.

Updates are built from Bot API JSON with ``Update.de_json``; the Application and its Bot are
real, and only their HTTP transport is replaced: a ``BaseRequest`` that records each API call
and answers with the JSON Telegram would send. The shipped allowlist is used, as the bot would.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

pytest.importorskip("telegram")

from telegram import Update
from telegram.ext import Application, CallbackContext, ContextTypes
from telegram.request import BaseRequest, RequestData

import verifier
from verifier.integrations import help_text, reply_for

App = Application[Any, Any, Any, Any, Any, Any]
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "telegram_bot.py"
TOKEN = "123456:TEST-TOKEN"
BOT_USER = {
    "id": 123456,
    "is_bot": True,
    "first_name": "Verifier",
    "username": "verifier_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": True,
    "supports_inline_queries": False,
}
PRIVATE = {"id": 42, "type": "private", "first_name": "Ann"}
GROUP = {"id": -1001234, "type": "supergroup", "title": "Wallet users"}

SEED_EN = "Hi, I'm from TokenPocket support. To unfreeze your wallet, send me your 12-word seed phrase."
SEED_ZH = "您好，我是TP钱包官方客服，请把您的助记词发给我，帮您解冻钱包。"
HARMLESS = "Does anyone know how to add a custom network in TokenPocket?"


@pytest.fixture(scope="module")
def example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("telegram_bot_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class ApiCall:
    method: str
    parameters: dict[str, Any]


class RecordingRequest(BaseRequest):
    """Telegram's HTTP transport, replaced: records calls, answers as the Bot API would."""

    def __init__(self) -> None:
        self.calls: list[ApiCall] = []
        self._next_id = 1000

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        assert url.startswith(f"https://api.telegram.org/bot{TOKEN}/"), url
        name = url.rsplit("/", 1)[1]
        parameters = dict(request_data.parameters) if request_data is not None else {}
        self.calls.append(ApiCall(name, parameters))
        return 200, json.dumps({"ok": True, "result": self._result(name, parameters)}).encode()

    def _result(self, name: str, parameters: dict[str, Any]) -> Any:
        if name == "getMe":
            return BOT_USER
        if name == "sendMessage":
            self._next_id += 1
            chat = PRIVATE if parameters["chat_id"] == PRIVATE["id"] else GROUP
            return {
                "message_id": self._next_id,
                "date": 1_790_000_000,
                "chat": chat,
                "from": BOT_USER,
                "text": parameters["text"],
            }
        return True

    def sent(self) -> list[dict[str, Any]]:
        return [call.parameters for call in self.calls if call.method == "sendMessage"]


@pytest.fixture
def transport() -> RecordingRequest:
    return RecordingRequest()


@pytest.fixture
def application(example: ModuleType, transport: RecordingRequest) -> Iterator[App]:
    app = example.build_application(TOKEN, request=transport)
    errors: list[object] = []

    async def record_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        errors.append(context.error)

    # Without this, an exception in a handler is only logged and a test could not fail on it.
    app.add_error_handler(record_error)
    asyncio.run(app.initialize())
    yield app
    asyncio.run(app.shutdown())
    assert errors == []


def message_update(
    text: str, chat: dict[str, Any], language_code: str = "en", **extra: Any
) -> dict[str, Any]:
    sender = {"id": 42, "is_bot": False, "first_name": "Ann", "language_code": language_code}
    return {
        "update_id": 1,
        "message": {
            "message_id": 10,
            "date": 1_790_000_000,
            "chat": chat,
            "from": sender,
            "text": text,
            **extra,
        },
    }


def deliver(app: App, data: dict[str, Any]) -> None:
    asyncio.run(app.process_update(Update.de_json(data, app.bot)))


# text, chat, sender's Telegram language, then the reply's language and fragments, or None for silence
CONVERSATIONS: list[tuple[str, dict[str, Any], str, tuple[str, tuple[str, ...]] | None]] = [
    (SEED_EN, PRIVATE, "en", ("en", ("Warning: this looks like a fake-support scam", "recovery phrase"))),
    (SEED_ZH, PRIVATE, "en", ("zh", ("警告：这很可能是冒充客服的诈骗", "助记词", "TokenPocket 的官方渠道"))),
    (SEED_EN, GROUP, "en", ("en", ("Warning: this looks like a fake-support scam",))),
    (SEED_ZH, GROUP, "zh-hans", ("zh", ("警告",))),
    (HARMLESS, GROUP, "en", None),
    ("hello", GROUP, "en", None),
    (HARMLESS, PRIVATE, "en", ("en", ("No signs of a support scam", "TokenPocket's official channels"))),
    ("hello", PRIVATE, "en", ("en", (help_text("en"),))),
    ("tokenpocket-support.com", PRIVATE, "zh-hans", ("zh", ("仿冒", "tokenpocket.pro"))),
    ("tokenpocket.pro", PRIVATE, "en", ("en", ("• OFFICIAL: tokenpocket.pro",))),
]


@pytest.mark.parametrize(("text", "chat", "language_code", "expected"), CONVERSATIONS)
def test_conversation(
    application: App,
    transport: RecordingRequest,
    text: str,
    chat: dict[str, Any],
    language_code: str,
    expected: tuple[str, tuple[str, ...]] | None,
) -> None:
    deliver(application, message_update(text, chat, language_code))
    sent = transport.sent()
    if expected is None:
        assert sent == []
        return
    lang, fragments = expected
    assert len(sent) == 1
    (message,) = sent
    assert message["chat_id"] == chat["id"]
    answer = reply_for(text, lang=lang, direct=chat is PRIVATE)
    assert answer is not None
    assert message["text"] == answer.text
    for fragment in fragments:
        assert fragment in message["text"]
    # No preview of a scam link the reply names; in a group, the reply quotes the message.
    assert message["link_preview_options"] == {"is_disabled": True}
    assert ("reply_parameters" in message) is (chat is GROUP)
    if chat is GROUP:
        assert message["reply_parameters"]["message_id"] == 10


def test_a_mention_in_a_group_is_answered_without_the_bot_name(
    application: App, transport: RecordingRequest
) -> None:
    question = "is tokenpocket.pro really theirs?"
    mention = {"type": "mention", "offset": 0, "length": len("@verifier_test_bot")}
    deliver(application, message_update(f"@Verifier_Test_Bot {question}", GROUP, entities=[mention]))
    (message,) = transport.sent()
    answer = reply_for(question, direct=True)
    assert answer is not None
    assert message["text"] == answer.text
    assert "verifier_test_bot" not in message["text"].lower()


def test_a_reply_to_the_bot_is_answered(application: App, transport: RecordingRequest) -> None:
    earlier = {"message_id": 9, "date": 1_790_000_000, "chat": GROUP, "from": BOT_USER, "text": "..."}
    deliver(application, message_update("tokenpocket.pro", GROUP, reply_to_message=earlier))
    (message,) = transport.sent()
    assert "• OFFICIAL: tokenpocket.pro" in message["text"]


def test_a_photo_caption_is_read(application: App, transport: RecordingRequest) -> None:
    data = message_update("", GROUP)
    del data["message"]["text"]
    data["message"]["photo"] = [{"file_id": "f", "file_unique_id": "u", "width": 90, "height": 90}]
    data["message"]["caption"] = SEED_EN
    deliver(application, data)
    (message,) = transport.sent()
    assert message["text"].startswith("Warning: this looks like a fake-support scam")


@pytest.mark.parametrize(
    ("command", "language_code", "lang"), [("/start", "en", "en"), ("/help", "zh-hans", "zh")]
)
def test_start_and_help(
    application: App,
    transport: RecordingRequest,
    command: str,
    language_code: str,
    lang: str,
) -> None:
    command_entity = {"type": "bot_command", "offset": 0, "length": len(command)}
    deliver(application, message_update(command, PRIVATE, language_code, entities=[command_entity]))
    (message,) = transport.sent()
    assert message["text"] == help_text(lang)


def test_on_message_called_directly(
    example: ModuleType, application: App, transport: RecordingRequest
) -> None:
    update = Update.de_json(message_update(SEED_ZH, PRIVATE), application.bot)
    context = CallbackContext.from_update(update, application)
    asyncio.run(example.on_message(update, context))
    (message,) = transport.sent()
    assert message["text"].startswith("警告")
    assert [call.method for call in transport.calls] == ["getMe", "sendMessage"]


def test_the_brand_given_is_used(example: ModuleType, transport: RecordingRequest) -> None:
    app = example.build_application(TOKEN, brand="TP钱包", request=transport)
    assert app.bot_data["brand"] == "tokenpocket"

    async def scenario() -> None:
        async with app:
            await app.process_update(
                Update.de_json(message_update("send me your seed phrase", PRIVATE), app.bot)
            )

    asyncio.run(scenario())
    (message,) = transport.sent()
    assert "TokenPocket's official channels" in message["text"]


def test_an_unknown_brand_is_refused_at_start(example: ModuleType) -> None:
    with pytest.raises(verifier.UnknownBrand):
        example.build_application(TOKEN, brand="no-such-wallet")


@pytest.mark.parametrize("environ", [{}, {"TELEGRAM_BOT_TOKEN": ""}, {"TELEGRAM_BOT_TOKEN": "  "}])
def test_missing_token_is_a_clear_error(example: ModuleType, environ: dict[str, str]) -> None:
    with pytest.raises(example.MissingToken, match="TELEGRAM_BOT_TOKEN is not set"):
        example.token_from_env(environ)


def test_token_from_env(example: ModuleType) -> None:
    assert example.token_from_env({"TELEGRAM_BOT_TOKEN": f" {TOKEN}\n"}) == TOKEN


def test_running_without_a_token_exits_with_the_message(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "VERIFIER_STATE_DIR": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, str(EXAMPLE)], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert run.returncode == 1
    assert "TELEGRAM_BOT_TOKEN is not set" in run.stderr
    assert "Traceback" not in run.stderr
