"""parse_handle, parse_handle_link and platform_id: tables of raw input -> platform:name."""

from __future__ import annotations

import pytest

from verifier.channels import parse_handle, platform_id, platforms
from verifier.channels.handle import parse_handle_link
from verifier.errors import InvalidChannel
from verifier.model import ChannelKind

# raw, platform given, normalized ("platform:name")
VALID = [
    # @name and bare names with a platform; case folded where the platform ignores case
    ("@TokenPocket", "telegram", "telegram:tokenpocket"),
    ("TokenPocket", "telegram", "telegram:tokenpocket"),
    ("@ＴｏｋｅｎＰｏｃｋｅｔ", "telegram", "telegram:tokenpocket"),
    ("@TokenPocketTP", "x", "x:tokenpockettp"),
    ("TokenPocket_TP", "x", "x:tokenpocket_tp"),
    ("TP-Lab", "github", "github:tp-lab"),
    ("tokenpocket.wallet", "instagram", "instagram:tokenpocket.wallet"),
    ("TokenPocket.Wallet", "facebook", "facebook:tokenpocket.wallet"),
    ("@tokenpocket", "tiktok", "tiktok:tokenpocket"),
    ("TP钱包官方", "weibo", "weibo:tp钱包官方"),
    ("TP_Wallet", "wechat", "wechat:tp_wallet"),
    ("123456", "qq", "qq:123456"),
    ("+86 138 0013 8000", "whatsapp", "whatsapp:+8613800138000"),
    # discord is case-sensitive: kept as written
    ("TokenPocket.Support", "discord", "discord:TokenPocket.Support"),
    # platform aliases, any case and spacing
    ("TokenPocket", "tg", "telegram:tokenpocket"),
    ("TokenPocket", "TELEGRAM", "telegram:tokenpocket"),
    ("TokenPocket", " tg ", "telegram:tokenpocket"),
    ("@TokenPocket", "twitter", "x:tokenpocket"),
    ("wxid_abc", "vx", "wechat:wxid_abc"),
    ("wxid_abc", "微信", "wechat:wxid_abc"),
    ("8613800138000", "wa", "whatsapp:+8613800138000"),
    # per-platform length rules, at the bounds
    ("tpwal", "telegram", "telegram:tpwal"),
    ("t" * 32, "telegram", "telegram:" + "t" * 32),
    ("abcdefghijklmno", "x", "x:abcdefghijklmno"),
    ("12345", "qq", "qq:12345"),
    ("12345678901", "qq", "qq:12345678901"),
    # links
    ("t.me/TokenPocket", None, "telegram:tokenpocket"),
    ("https://t.me/TokenPocket_Support", None, "telegram:tokenpocket_support"),
    ("https://t.me/TokenPocket?start=x", None, "telegram:tokenpocket"),
    ("T.ME/TokenPocket", None, "telegram:tokenpocket"),
    ("telegram.me/tokenpocket", None, "telegram:tokenpocket"),
    ("https://t.me/s/tokenpocket", None, "telegram:tokenpocket"),
    # invite links and channel ids are case-sensitive opaque ids, kept as written
    ("https://t.me/+AbCdEfGh123", None, "telegram:+AbCdEfGh123"),
    ("https://t.me/joinchat/AbCdEfGh123", None, "telegram:+AbCdEfGh123"),
    ("https://www.youtube.com/channel/UCabcDEF123-_x", None, "youtube:UCabcDEF123-_x"),
    ("t[.]me/TokenPocket", None, "telegram:tokenpocket"),
    ("x.com/TokenPocketTP", None, "x:tokenpockettp"),
    ("https://www.x.com/TokenPocketTP/", None, "x:tokenpockettp"),
    ("https://twitter.com/TokenPocket_TP", None, "x:tokenpocket_tp"),
    ("mobile.twitter.com/TokenPocket_TP/status/1", None, "x:tokenpocket_tp"),
    ("discord.gg/AbCdEf", None, "discord:AbCdEf"),
    ("https://discord.com/invite/AbCdEf", None, "discord:AbCdEf"),
    ("discordapp.com/invite/AbCdEf", None, "discord:AbCdEf"),
    ("wa.me/8613800138000", None, "whatsapp:+8613800138000"),
    ("https://wa.me/+8613800138000?text=hi", None, "whatsapp:+8613800138000"),
    ("https://api.whatsapp.com/send?phone=8613800138000&text=hi", None, "whatsapp:+8613800138000"),
    ("youtube.com/@TokenPocket", None, "youtube:tokenpocket"),
    ("https://www.youtube.com/c/TokenPocket", None, "youtube:tokenpocket"),
    ("youtu.be/TokenPocket", None, "youtube:tokenpocket"),
    ("github.com/TP-Lab", None, "github:tp-lab"),
    ("https://github.com/TP-Lab/tokenpocket-wallet", None, "github:tp-lab"),
    ("instagram.com/tokenpocket_wallet", None, "instagram:tokenpocket_wallet"),
    ("instagr.am/TokenPocket", None, "instagram:tokenpocket"),
    ("tiktok.com/@tokenpocket", None, "tiktok:tokenpocket"),
    ("https://www.tiktok.com/@TokenPocket/video/1", None, "tiktok:tokenpocket"),
    ("weibo.com/tokenpocket", None, "weibo:tokenpocket"),
    ("weibo.com/u/1234567890", None, "weibo:1234567890"),
    ("facebook.com/TokenPocket.Wallet", None, "facebook:tokenpocket.wallet"),
    # a link with the matching platform (or its alias) given
    ("t.me/TokenPocket", "telegram", "telegram:tokenpocket"),
    ("t.me/TokenPocket", "tg", "telegram:tokenpocket"),
    ("twitter.com/TokenPocket", "x", "x:tokenpocket"),
]


@pytest.mark.parametrize(("raw", "platform", "normalized"), VALID)
def test_parse_handle(raw: str, platform: str | None, normalized: str) -> None:
    channel = parse_handle(raw, platform)
    assert channel.kind is ChannelKind.HANDLE
    assert channel.raw == raw
    assert channel.normalized == normalized
    assert f"{channel.platform}:{channel.name}" == normalized


@pytest.mark.parametrize(
    ("raw", "normalized", "name"),
    [
        ("@TokenPocket", "@tokenpocket", "tokenpocket"),
        ("@Token.Pocket-TP", "@token.pocket-tp", "token.pocket-tp"),
        ("@tokenpocket.pro", "@tokenpocket.pro", "tokenpocket.pro"),
    ],
)
def test_at_name_without_platform(raw: str, normalized: str, name: str) -> None:
    channel = parse_handle(raw)
    assert (channel.normalized, channel.platform, channel.name) == (normalized, None, name)


def test_invisible_characters_in_handle_are_noted() -> None:
    channel = parse_handle("@Token\u200dPocket", "telegram")
    assert channel.normalized == "telegram:tokenpocket"
    assert channel.notes == ("input.invisible_characters",)


INVALID = [
    ("", "telegram", "invalid.empty"),
    ("@" + "a" * 3000, "telegram", "invalid.too_long"),
    # bare name without a platform
    ("TokenPocket", None, "invalid.handle_no_platform"),
    # shapes without a platform
    ("@@@", None, "invalid.handle_shape"),
    ("@", None, "invalid.handle_shape"),
    ("@a b", None, "invalid.handle_shape"),
    ("@" + "a" * 65, None, "invalid.handle_shape"),
    # per-platform rules
    ("tpwa", "telegram", "invalid.handle_shape"),  # telegram: at least 5
    ("t" * 33, "telegram", "invalid.handle_shape"),
    ("1tokenpocket", "telegram", "invalid.handle_shape"),
    ("token-pocket", "telegram", "invalid.handle_shape"),
    ("abcdefghijklmnop", "x", "invalid.handle_shape"),  # x: at most 15
    ("Ωmega", "x", "invalid.handle_shape"),
    ("012345", "qq", "invalid.handle_shape"),
    ("abc123", "qq", "invalid.handle_shape"),
    ("1234", "qq", "invalid.handle_shape"),
    ("123456789012", "qq", "invalid.handle_shape"),
    ("tp", "wechat", "invalid.handle_shape"),
    ("1tpwallet", "wechat", "invalid.handle_shape"),
    ("-tp-lab", "github", "invalid.handle_shape"),
    ("tp--lab", "github", "invalid.handle_shape"),
    ("abc", "whatsapp", "invalid.handle_shape"),
    ("tp", "facebook", "invalid.handle_shape"),
    # links that name no account
    ("x.com/home", None, "invalid.handle_link"),
    ("x.com/Home", None, "invalid.handle_link"),
    ("https://x.com/i/status/1", None, "invalid.handle_link"),
    ("x.com", None, "invalid.handle_link"),
    ("t.me/", None, "invalid.handle_link"),
    ("github.com/orgs", None, "invalid.handle_link"),
    ("https://www.youtube.com/watch?v=abc", None, "invalid.handle_link"),
    ("discord.com/channels/123/456", None, "invalid.handle_link"),
    ("wa.me/", None, "invalid.handle_link"),
    ("api.whatsapp.com/send", None, "invalid.handle_link"),
    # links whose name breaks the platform's rules
    ("t.me/tpwa", None, "invalid.handle_shape"),
    ("t.me/+ab", None, "invalid.handle_shape"),
    ("t.me/joinchat/a.b/c", None, "invalid.handle_shape"),
    ("youtube.com/channel/UC!!", None, "invalid.handle_shape"),
    ("x.com/abcdefghijklmnop", None, "invalid.handle_shape"),
    ("github.com/-bad", None, "invalid.handle_shape"),
    ("https://wa.me/1855", None, "invalid.handle_shape"),
    # link and platform disagree
    ("t.me/TokenPocket", "x", "invalid.platform_mismatch"),
    ("x.com/TokenPocket", "telegram", "invalid.platform_mismatch"),
    ("discord.gg/AbCdEf", "tg", "invalid.platform_mismatch"),
    # unknown platform
    ("@TokenPocket", "myspace", "invalid.platform"),
    ("TokenPocket", "", "invalid.platform"),
    ("t.me/TokenPocket", "myspace", "invalid.platform"),
]


@pytest.mark.parametrize(("raw", "platform", "code"), INVALID)
def test_parse_handle_invalid(raw: str, platform: str | None, code: str) -> None:
    with pytest.raises(InvalidChannel) as info:
        parse_handle(raw, platform)
    assert info.value.code == code


@pytest.mark.parametrize("raw", [None, 5, b"@tokenpocket"])
def test_parse_handle_not_text(raw: object) -> None:
    with pytest.raises(InvalidChannel) as info:
        parse_handle(raw, "telegram")
    assert info.value.code == "invalid.not_text"


@pytest.mark.parametrize(
    "raw",
    [
        "tokenpocket.pro",
        "https://tokenpocket.pro/t.me/x",
        "https://t.me.evil.com/TokenPocket",
        "https://tokenpocket.pro@t.me/x",  # userinfo: not a plain profile link
        "@TokenPocket",
        "support@tokenpocket.pro",
        "http://[::1",
    ],
)
def test_not_a_profile_link(raw: str) -> None:
    assert parse_handle_link(raw) is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("telegram", "telegram"),
        ("tg", "telegram"),
        ("TG", "telegram"),
        ("twitter", "x"),
        ("X", "x"),
        ("vx", "wechat"),
        ("weixin", "wechat"),
        ("微信", "wechat"),
        ("wa", "whatsapp"),
        ("yt", "youtube"),
        ("gh", "github"),
        ("ig", "instagram"),
        ("fb", "facebook"),
        (" qq ", "qq"),
    ],
)
def test_platform_id(name: str, expected: str) -> None:
    assert platform_id(name) == expected


def test_platform_id_unknown_lists_known_platforms() -> None:
    with pytest.raises(InvalidChannel, match="known: discord, facebook") as info:
        platform_id("myspace")
    assert info.value.code == "invalid.platform"


def test_every_platform_of_the_design_is_supported() -> None:
    expected = {"telegram", "x", "discord", "whatsapp", "wechat", "qq", "weibo", "instagram", "facebook",
                "youtube", "github", "tiktok"}  # fmt: skip
    assert set(platforms()) == expected


@pytest.mark.parametrize(
    ("platform", "case_insensitive"),
    [("telegram", True), ("x", True), ("github", True), ("discord", False)],
)
def test_case_folding_per_platform(platform: str, case_insensitive: bool) -> None:
    upper = parse_handle("TokenPocket", platform).normalized
    lower = parse_handle("tokenpocket", platform).normalized
    assert (upper == lower) is case_insensitive
