"""Chat-bot replies: when to speak, in which language, what to say; language detection."""

from __future__ import annotations

import pytest

from verifier import ScanTooLarge, scan
from verifier.allowlist.model import Allowlist
from verifier.integrations import BotReply, MessageTooLarge, bot, detect_lang, help_text, reply_for
from verifier.integrations.bot import MAX_CHANNEL_LINES, MAX_MESSAGE_CHARS, MAX_REPLY_CHARS
from verifier.messages import text

SEED_EN = "Hello, this is Acme Wallet support. Please send us your seed phrase so we can restore your wallet."
SEED_ZH = "您好，我是阿克米钱包客服，请提供您的助记词以便验证钱包。"

# message, direct, then None for silence or (risk, lang, fragments the reply must hold)
CASES: list[tuple[str, bool, tuple[str, str, tuple[str, ...]] | None]] = [
    # Dangerous: answered wherever it was posted.
    (SEED_EN, False, ("high", "en", ("Warning: this looks like a fake-support scam", "recovery phrase"))),
    (SEED_ZH, False, ("high", "zh", ("警告：这很可能是冒充客服的诈骗", "助记词"))),
    (
        "Is acmewallet-support.com the Acme site?",
        False,
        ("high", "en", ("• LOOKALIKE (imitation): acmewallet-support.com", "acmewallet.com")),
    ),
    ("Contact our Acme support on WhatsApp, urgent", False, ("medium", "en", ("Be careful",))),
    # Harmless: quiet in a group, answered when asked.
    ("Does anyone know how to export history from Acme Wallet?", False, None),
    ("I installed AnyDesk yesterday", False, None),  # low risk
    ("acmewallet.com", False, None),
    ("acmewallet.com", True, ("none", "en", ("No signs of a support scam", "• OFFICIAL: acmewallet.com"))),
    (
        "Acme Wallet",
        True,
        ("none", "en", ("No signs of a support scam", "Acme Wallet's official channels: acmewallet.com")),
    ),
    ("阿克米钱包", True, ("none", "zh", ("未发现客服诈骗的迹象",))),
    ("github.com", True, ("none", "en", ("• UNKNOWN (not verified, not necessarily safe): ",))),
    # Nothing to check at all: the help text.
    ("hello", True, ("none", "en", (text("bot.help", "en"),))),
    ("你好", True, ("none", "zh", (text("bot.help", "zh"),))),
    ("", True, ("none", "en", (text("bot.help", "en"),))),
    ("hello", False, None),
    ("", False, None),
]


@pytest.mark.parametrize(("message", "direct", "expected"), CASES)
def test_reply_for(
    allowlist: Allowlist, message: str, direct: bool, expected: tuple[str, str, tuple[str, ...]] | None
) -> None:
    reply = reply_for(message, allowlist=allowlist, direct=direct)
    if expected is None:
        assert reply is None
        return
    assert isinstance(reply, BotReply)
    risk, lang, fragments = expected
    assert (reply.risk, reply.lang) == (risk, lang)
    for fragment in fragments:
        assert fragment in reply.text
    assert reply.scan == scan(message, lang=lang, allowlist=allowlist)
    assert len(reply.text) <= MAX_REPLY_CHARS


def test_scan_reply_comes_first_then_one_line_per_channel(allowlist: Allowlist) -> None:
    message = "Write to acmewallet-support.com or acme-wallet-help.com, not acmewallet.com"
    reply = reply_for(message, allowlist=allowlist)
    assert reply is not None
    head, lines = reply.text.split("\n\n")
    assert head == reply.scan.reply
    assert lines.split("\n") == [
        text(
            "bot.channel_line",
            "en",
            verdict=text(f"verdict.{c.verdict.value}", "en"),
            reason=c.reasons[0].message,
        )
        for c in reply.scan.channels
    ]
    assert [c.verdict.value for c in reply.scan.channels] == ["lookalike", "known_scam", "official"]


def test_a_channel_repeated_is_answered_once(allowlist: Allowlist) -> None:
    reply = reply_for("acmewallet-support.com, again: acmewallet-support.com", allowlist=allowlist)
    assert reply is not None
    assert reply.text.count("• LOOKALIKE") == 1


def test_many_channels_are_cut_to_a_few_lines(allowlist: Allowlist) -> None:
    hosts = [f"acme-wallet-{n}.com" for n in range(MAX_CHANNEL_LINES + 3)]
    reply = reply_for("Acme support: " + " ".join(hosts), allowlist=allowlist, direct=True)
    assert reply is not None
    assert reply.text.count("\n• ") == MAX_CHANNEL_LINES
    assert reply.text.endswith(text("bot.more_channels", "en", count=3))


def test_a_long_reply_keeps_whole_lines_under_the_limit(
    allowlist: Allowlist, monkeypatch: pytest.MonkeyPatch
) -> None:
    message = "Acme support: " + " ".join(f"acme-wallet-{n}.com" for n in range(4))
    full = reply_for(message, allowlist=allowlist)
    assert full is not None
    head, *lines = full.text.split("\n\n")[1].split("\n")
    # Room for the scan's reply and one line and a half: the second line is left out whole.
    limit = len(full.scan.reply) + 2 + len(head) + 1 + len(lines[0]) // 2
    monkeypatch.setattr(bot, "MAX_REPLY_CHARS", limit)
    cut = reply_for(message, allowlist=allowlist)
    assert cut is not None
    assert cut.text == full.scan.reply + "\n\n" + head
    monkeypatch.setattr(bot, "MAX_REPLY_CHARS", 20)
    assert reply_for(message, allowlist=allowlist).text == full.scan.reply[:20]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("message", "lang", "replied_in"),
    [(SEED_EN, "zh", "zh"), (SEED_ZH, "en", "en"), (SEED_EN, "zh-Hans", "zh"), (SEED_ZH, "EN-us", "en")],
)
def test_lang_given_wins_over_the_message(
    allowlist: Allowlist, message: str, lang: str, replied_in: str
) -> None:
    reply = reply_for(message, lang=lang, allowlist=allowlist)
    assert reply is not None
    assert reply.lang == replied_in
    assert reply.text == reply.scan.reply


def test_brand_given_names_its_channels(allowlist: Allowlist) -> None:
    reply = reply_for("Please send us your seed phrase", brand="zeta", allowlist=allowlist)
    assert reply is not None
    assert "Zeta Exchange's official channels: zeta.exchange" in reply.text


def test_too_long_a_message_is_refused(allowlist: Allowlist) -> None:
    assert reply_for("a " * (MAX_MESSAGE_CHARS // 2), allowlist=allowlist, direct=True) is not None
    with pytest.raises(MessageTooLarge, match="too long to check") as raised:
        reply_for("a" * (MAX_MESSAGE_CHARS + 1), allowlist=allowlist)
    assert isinstance(raised.value, ScanTooLarge)


def test_to_dict(allowlist: Allowlist) -> None:
    reply = reply_for(SEED_ZH, allowlist=allowlist)
    assert reply is not None
    assert reply.to_dict() == {"text": reply.text, "lang": "zh", "risk": "high", "scan": reply.scan.to_dict()}


@pytest.mark.parametrize(("lang", "expected"), [(None, "en"), ("en", "en"), ("zh", "zh"), ("zh-TW", "zh")])
def test_help_text(lang: str | None, expected: str) -> None:
    assert help_text(lang) == text("bot.help", expected)  # type: ignore[arg-type]
    assert help_text(lang) != "bot.help"


@pytest.mark.parametrize(
    ("sample", "default", "expected"),
    [
        ("my TP钱包 was hacked, please help", None, "en"),
        ("Hello, I am from TokenPocket support", None, "en"),
        ("I don't know", "zh", "en"),
        ("请问 tokenpocket-support.com 是官方吗", None, "zh"),
        ("您好，我是TP钱包客服，请把您的助记词发给我", "en", "zh"),
        ("請把助記詞發給我", None, "zh"),  # Traditional: answered in Simplified
        ("你好", None, "zh"),
        # Too little to tell: the default decides.
        ("tokenpocket-support.com", None, "en"),
        ("tokenpocket-support.com", "zh-CN", "zh"),
        ("+86 400 123 4567", "zh", "zh"),
        ("hi", "zh", "zh"),
        ("好", "en", "en"),
        ("", None, "en"),
    ],
)
def test_detect_lang(sample: str, default: str | None, expected: str) -> None:
    assert detect_lang(sample, default) == expected


def test_detect_lang_reads_a_long_run_of_letters_fast() -> None:
    # Possessive matching: one pass over a 100,000-letter token, not a quadratic backtrack.
    assert detect_lang("a" * 100_000 + "-") == "en"


@pytest.mark.parametrize(
    "code",
    [
        "bot.help",
        "bot.channel_line",
        "bot.more_channels",
        "bot.too_large",
        "intake.greeting",
        "intake.too_large",
        "intake.not_text",
    ],
)
def test_messages_exist_in_both_languages(code: str) -> None:
    english, chinese = text(code, "en"), text(code, "zh")
    assert code not in (english, chinese)
    assert english != chinese
