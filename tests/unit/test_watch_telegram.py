"""Alerts to a Telegram chat through the Bot API (a remote service: respx stands in for it)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import respx

from verifier.watch import Alert, TelegramAlerts, WatchError

ALERT = Alert(
    name="xn--tokenpocet-cui.pro",
    verdict="lookalike",
    brand="tokenpocket",
    matched="tokenpocket.pro",
    technique="homoglyph",
    log="test-log",
    index=7,
    cert_sha256="ab" * 32,
    not_before="2026-12-07T00:00:00Z",
    issuer="CN=Test CA",
    precert=True,
    name_unicode="tokenpocкet.pro",
)


@respx.mock
def test_each_alert_is_one_message_with_the_name_defanged() -> None:
    route = respx.post("https://api.telegram.org/bot123:abc/sendMessage").mock(
        side_effect=[httpx.Response(429), httpx.Response(200, json={"ok": True})]
    )
    with httpx.Client() as client:
        hook = TelegramAlerts("123:abc", "-100200", client)
        hook.backoff = 0.01
        assert hook.deliver(ALERT)
        hook.close(5)
    assert route.call_count == 2  # retried after 429
    payload = json.loads(route.calls.last.request.content)
    assert payload["chat_id"] == "-100200" and payload["disable_web_page_preview"] is True
    text = payload["text"]
    assert "tokenpocкet[.]pro" in text and "imitates tokenpocket.pro [homoglyph]" in text
    assert "tokenpocкet.pro " not in text  # never a clickable name
    assert hook.sent == 1 and hook.failed == 0


@respx.mock
def test_a_refused_message_is_counted_not_retried() -> None:
    route = respx.post("https://api.telegram.org/bot123:abc/sendMessage").mock(
        return_value=httpx.Response(400)
    )
    with httpx.Client() as client:
        hook = TelegramAlerts("123:abc", "42", client)
        assert not hook.deliver(ALERT)
        hook.close(5)
    assert route.call_count == 1 and hook.failed == 1


@pytest.mark.parametrize(("token", "chat"), [("", "42"), ("123:abc", ""), ("12/../x", "42")])
def test_a_missing_or_odd_token_is_a_clear_error(token: str, chat: str) -> None:
    with httpx.Client() as client, pytest.raises(WatchError, match="VERIFIER_TELEGRAM_TOKEN"):
        TelegramAlerts(token, chat, client)


def test_the_command_needs_the_token_in_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from verifier.cli import app

    monkeypatch.delenv("VERIFIER_TELEGRAM_TOKEN", raising=False)
    empty = tmp_path / "log_list.json"
    empty.write_text('{"version": "t", "operators": []}')
    result = CliRunner().invoke(app, ["watch", "--log-list", str(empty), "--once", "--telegram-chat", "42"])
    assert result.exit_code == 2 and "VERIFIER_TELEGRAM_TOKEN" in result.output
