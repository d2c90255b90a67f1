"""detect_kind and parse_channel: which kind a raw string is, and parsing it as that kind."""

from __future__ import annotations

import pytest

from verifier.channels import detect_kind, parse_channel
from verifier.errors import InvalidChannel
from verifier.model import ChannelKind

URL, EMAIL, PHONE, HANDLE = ChannelKind.URL, ChannelKind.EMAIL, ChannelKind.PHONE, ChannelKind.HANDLE

# raw, platform, detected kind
DETECT = [
    ("tokenpocket.pro", None, URL),
    ("https://tokenpocket.pro/download", None, URL),
    ("hxxps://tokenpocket[.]pro", None, URL),
    ("tokenpocкet.pro", None, URL),
    ("https://tokenpocket.pro@evil.com", None, URL),
    ("https://user:pw@t.me/x", None, URL),
    ("TokenPocket", None, URL),  # a bare word without a platform: checked as a host
    ("1.2.3.4", None, URL),
    ("192.168.1.1", None, URL),
    ("10.0.0.1:8080", None, URL),
    # a platform's own pages are links to check, not handles
    ("x.com", None, URL),
    ("https://www.youtube.com/watch?v=abc", None, URL),
    ("github.com/features", None, URL),
    ("support@tokenpocket.pro", None, EMAIL),
    ("mailto:support@tokenpocket.pro", None, EMAIL),
    ("support at tokenpocket dot pro", None, EMAIL),
    ("support [at] tokenpocket [dot] pro", None, EMAIL),
    ("name[at]domain[.]com", None, EMAIL),
    ("name(at)domain.com", None, EMAIL),
    ("support@tokenpocket.pro", "telegram", EMAIL),
    ("+86 400-800-1234", None, PHONE),
    ("400-800-1234", None, PHONE),
    ("13800138000", None, PHONE),
    ("电话：400-800-1234", None, PHONE),
    ("☎️+1-855-699-8683", None, PHONE),
    ("+1-(2O9)-685-3526", None, PHONE),
    ("[{+1}]-[{808}]-[{690}]-[{4872}]", None, PHONE),
    ("＋８６ １３８ ００１３ ８０００", None, PHONE),
    ("@TokenPocket", None, HANDLE),
    ("@@@", None, HANDLE),
    ("t.me/TokenPocket", None, HANDLE),
    ("https://x.com/TokenPocket", None, HANDLE),
    ("discord.gg/AbCdEf", None, HANDLE),
    ("wa.me/8613800138000", None, HANDLE),
    ("t.me/ab", None, HANDLE),  # a profile link with a bad name stays a handle
    ("TokenPocket", "telegram", HANDLE),
    ("12345678", "qq", HANDLE),  # QQ numbers are digits
    ("+86 138 0013 8000", "whatsapp", HANDLE),
]


@pytest.mark.parametrize(("raw", "platform", "kind"), DETECT)
def test_detect_kind(raw: str, platform: str | None, kind: ChannelKind) -> None:
    assert detect_kind(raw, platform) is kind


@pytest.mark.parametrize(
    ("raw", "code"),
    [("", "invalid.empty"), (" \u200b ", "invalid.empty"), ("a\x00", "invalid.control_characters")],
)
def test_detect_kind_invalid(raw: str, code: str) -> None:
    with pytest.raises(InvalidChannel) as info:
        detect_kind(raw)
    assert info.value.code == code


# raw, kind forced (or None), platform, region, kind, normalized
PARSE = [
    ("https://TokenPocket.pro/x", None, None, None, URL, "tokenpocket.pro"),
    ("x.com/home", None, None, None, URL, "x.com"),
    ("support@tokenpocket.pro", None, None, None, EMAIL, "support@tokenpocket.pro"),
    ("+86 400-800-1234", None, None, None, PHONE, "+864008001234"),
    ("13800138000", None, None, "CN", PHONE, "+8613800138000"),
    ("@TokenPocket", None, None, None, HANDLE, "@tokenpocket"),
    ("@TokenPocket", None, "tg", None, HANDLE, "telegram:tokenpocket"),
    ("TokenPocket", None, "telegram", None, HANDLE, "telegram:tokenpocket"),
    ("12345678", None, "qq", None, HANDLE, "qq:12345678"),
    ("+86 138 0013 8000", None, "whatsapp", None, HANDLE, "whatsapp:+8613800138000"),
    ("t.me/TokenPocket", None, None, None, HANDLE, "telegram:tokenpocket"),
    # kind forced, as an enum or its string
    ("support@tokenpocket.pro", "url", None, None, URL, "tokenpocket.pro"),
    ("support@tokenpocket.pro", URL, None, None, URL, "tokenpocket.pro"),
    ("13800138000", "phone", None, "CN", PHONE, "+8613800138000"),
    ("TokenPocket", "handle", "x", None, HANDLE, "x:tokenpocket"),
    ("support at tokenpocket dot pro", "email", None, None, EMAIL, "support@tokenpocket.pro"),
]


@pytest.mark.parametrize(("raw", "forced", "platform", "region", "kind", "normalized"), PARSE)
def test_parse_channel(
    raw: str,
    forced: ChannelKind | str | None,
    platform: str | None,
    region: str | None,
    kind: ChannelKind,
    normalized: str,
) -> None:
    channel = parse_channel(raw, forced, platform=platform, region=region)
    assert channel.kind is kind
    assert channel.normalized == normalized
    assert channel.raw == raw


INVALID = [
    ("@@@", None, None, "invalid.handle_shape"),
    ("", None, None, "invalid.empty"),
    ("a" * 3000, None, None, "invalid.too_long"),
    ("13800138000", None, None, "invalid.phone_no_region"),
    ("javascript:alert(1)", None, None, "invalid.scheme"),
    ("t.me/ab", None, None, "invalid.handle_shape"),
    ("TokenPocket", None, "myspace", "invalid.platform"),
    ("tokenpocket.pro", "email", None, "invalid.email_shape"),
    ("tokenpocket.pro", "phone", None, "invalid.phone_letters"),
    ("tokenpocket.pro", "handle", None, "invalid.handle_no_platform"),
    ("tokenpocket.pro", "sms", None, "invalid.kind"),
    ("tokenpocket.pro", "URL", None, "invalid.kind"),
    ("tokenpocket.pro", "", None, "invalid.kind"),
]


@pytest.mark.parametrize(("raw", "forced", "platform", "code"), INVALID)
def test_parse_channel_invalid(raw: str, forced: str | None, platform: str | None, code: str) -> None:
    with pytest.raises(InvalidChannel) as info:
        parse_channel(raw, forced, platform=platform)
    assert info.value.code == code


def test_bad_kind_message_lists_kinds() -> None:
    with pytest.raises(InvalidChannel, match=r"unknown kind 'sms' \(url, email, phone, handle\)"):
        parse_channel("tokenpocket.pro", "sms")


@pytest.mark.parametrize("raw", [None, 42, 4.2, b"tokenpocket.pro", ["tokenpocket.pro"], object()])
@pytest.mark.parametrize("forced", [None, "url", "email", "phone", "handle"])
def test_parse_channel_not_text(raw: object, forced: str | None) -> None:
    with pytest.raises(InvalidChannel) as info:
        parse_channel(raw, forced)
    assert info.value.code == "invalid.not_text"
