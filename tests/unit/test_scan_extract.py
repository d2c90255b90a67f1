"""extract_channels and html_to_text: tables of text -> the channels found in it."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verifier.channels import parse_channel
from verifier.model import ChannelKind
from verifier.scan.extract import Found, extract_channels
from verifier.scan.html import html_to_text
from verifier.scan.shadow import shadow

URL, EMAIL, PHONE, HANDLE = ChannelKind.URL, ChannelKind.EMAIL, ChannelKind.PHONE, ChannelKind.HANDLE

Expected = list[tuple[ChannelKind, str, str | None]]


def kinds_raws_platforms(text: str) -> Expected:
    return [(f.kind, f.raw, f.platform) for f in extract_channels(text)]


# text, [(kind, raw, platform)]
URLS: list[tuple[str, Expected]] = [
    ("see https://thedappsupport.com now", [(URL, "https://thedappsupport.com", None)]),
    ("HTTPS://EVIL.COM/Path?x=1#top", [(URL, "HTTPS://EVIL.COM/Path?x=1#top", None)]),
    ("go to www.metamask-help.io/fix.", [(URL, "www.metamask-help.io/fix", None)]),
    ("官网是 tokenpocket.pro 请下载", [(URL, "tokenpocket.pro", None)]),
    ("官网tokenpocket.pro下载", [(URL, "tokenpocket.pro", None)]),
    ("TOKENPOCKET.PRO and tokenpocкet.pro", [(URL, "TOKENPOCKET.PRO", None), (URL, "tokenpocкet.pro", None)]),
    ("port and path: evil.com:8443/a/b?c=d", [(URL, "evil.com:8443/a/b?c=d", None)]),
    # defanged
    ("visit example[.]com today", [(URL, "example[.]com", None)]),
    ("visit example(dot)com today", [(URL, "example(dot)com", None)]),
    (
        "hxxps://evil[.]com/x and hxxp://bad.net",
        [(URL, "hxxps://evil[.]com/x", None), (URL, "hxxp://bad.net", None)],
    ),
    ("hxxps[:]//evil[.]com/y", [(URL, "hxxps[:]//evil[.]com/y", None)]),
    # fullwidth and ideographic dots, a fullwidth scheme
    ("官网：tokenpocket。pro。", [(URL, "tokenpocket。pro", None)]),
    ("tokenpocket．pro", [(URL, "tokenpocket．pro", None)]),
    ("ｈｔｔｐｓ：／／tokenpocket.pro", [(URL, "ｈｔｔｐｓ：／／tokenpocket.pro", None)]),
    # markdown links, HTML attributes, trailing punctuation
    ("[Support Ticket.](https://thedappsupport.com)", [(URL, "https://thedappsupport.com", None)]),
    ("_[Portal](https://dappswebsupport.com/)_", [(URL, "https://dappswebsupport.com/", None)]),
    ('<a href="https://evil.com/x">click</a>', [(URL, "https://evil.com/x", None)]),
    ("<https://evil.com/y>", [(URL, "https://evil.com/y", None)]),
    (
        "(see https://en.wikipedia.org/wiki/Foo_(bar)).",
        [(URL, "https://en.wikipedia.org/wiki/Foo_(bar)", None)],
    ),
    (
        "\"evil.com\", 'bad.org'; okx-help.net!",
        [(URL, "evil.com", None), (URL, "bad.org", None), (URL, "okx-help.net", None)],
    ),
    ("网址：evil.com/x，然后", [(URL, "evil.com/x", None)]),
    # userinfo tricks stay one link
    ("https://metamask.io@evil.com/", [(URL, "https://metamask.io@evil.com/", None)]),
    # profile links are handles
    ("join t.me/quickresolves now", [(HANDLE, "t.me/quickresolves", "telegram")]),
    ("wa.me/15624733934", [(HANDLE, "wa.me/15624733934", "whatsapp")]),
    ("https://discord.gg/abcd", [(HANDLE, "https://discord.gg/abcd", "discord")]),
    ("x.com/metamask", [(HANDLE, "x.com/metamask", "x")]),
    ("t.me/quickresolves，谢谢", [(HANDLE, "t.me/quickresolves", "telegram")]),
    # a platform page that names no account is a link
    ("https://x.com/home", [(URL, "https://x.com/home", None)]),
]

EMAILS: list[tuple[str, Expected]] = [
    ("write to support@metamask-help.io.", [(EMAIL, "support@metamask-help.io", None)]),
    ("mailto:help@evil.com?subject=x", [(EMAIL, "help@evil.com", None)]),
    ("name at domain dot com", [(EMAIL, "name at domain dot com", None)]),
    ("email: name[at]domain[.]com", [(EMAIL, "name[at]domain[.]com", None)]),
    ("name [at] domain [dot] com", [(EMAIL, "name [at] domain [dot] com", None)]),
    ("name(at)domain(dot)com", [(EMAIL, "name(at)domain(dot)com", None)]),
    ("tokenpocket＠gmail．com", [(EMAIL, "tokenpocket＠gmail．com", None)]),
    ("first.last+tag@mail.example.co.uk", [(EMAIL, "first.last+tag@mail.example.co.uk", None)]),
    # "at" without "dot" is English, and the host after it a link
    ("we are at metamask.io", [(URL, "metamask.io", None)]),
]

PHONES: list[tuple[str, Expected]] = [
    ("WhatsApp +1 562-473-3934, they replied", [(PHONE, "+1 562-473-3934", None)]),
    ("hotline at +1-(2O9)-685-3526 USA", [(PHONE, "+1-(2O9)-685-3526", None)]),
    ("call < +1(2O9)-685-3526 >", [(PHONE, "+1(2O9)-685-3526", None)]),
    ("call +1*415-651-O135 now", [(PHONE, "+1*415-651-O135", None)]),
    ("[{+1}]-[{808}]-[{690}]-[{4872}]", [(PHONE, "[{+1}]-[{808}]-[{690}]-[{4872}]", None)]),
    ("║+1—812—223—9376) ⊹║", [(PHONE, "+1—812—223—9376", None)]),
    ("☎️+1-855-699-8683", [(PHONE, "+1-855-699-8683", None)]),
    ("(+1-601-601-3575) OTA", [(PHONE, "+1-601-601-3575", None)]),
    ("+𝟏 𝟖𝟓𝟓 𝟔𝟗𝟗 𝟖𝟔𝟖𝟑", [(PHONE, "+𝟏 𝟖𝟓𝟓 𝟔𝟗𝟗 𝟖𝟔𝟖𝟑", None)]),
    ("+44 20 7946 0958", [(PHONE, "+44 20 7946 0958", None)]),
    ("0086 138 0013 8000", [(PHONE, "0086 138 0013 8000", None)]),
    ("＋８６ １３８ ００１３ ８０００", [(PHONE, "＋８６ １３８ ００１３ ８０００", None)]),
    # a North American number written with its country code but no +
    ("1-812-223-9376 Learn how", [(PHONE, "+1-812-223-9376", None)]),
    ("𝟣-(𝟪𝟧𝟧) 𝟩𝟫𝟫-𝟨𝟪𝟪𝟥", [(PHONE, "+𝟣-(𝟪𝟧𝟧) 𝟩𝟫𝟫-𝟨𝟪𝟪𝟥", None)]),
    # China's 400/800 numbers: +86 written out so no brand region can misread them
    ("客服热线 400-800-1234", [(PHONE, "+86 400-800-1234", None)]),
    ("400 800 1234", [(PHONE, "+86 400 800 1234", None)]),
    ("请拨打4008001234。", [(PHONE, "+86 4008001234", None)]),
    ("４００－８００－１２３４", [(PHONE, "+86 ４００－８００－１２３４", None)]),
    ("+86 400-800-1234", [(PHONE, "+86 400-800-1234", None)]),
    # a mainland mobile number after a Chinese label
    ("电话：138 0013 8000", [(PHONE, "+86 138 0013 8000", None)]),
    ("客服手机 13800138000", [(PHONE, "+86 13800138000", None)]),
    ("联系电话：１３８００１３８０００", [(PHONE, "+86 １３８００１３８０００", None)]),
]

HANDLES: list[tuple[str, Expected]] = [
    ("Telegram: @metamask_help", [(HANDLE, "@metamask_help", "telegram")]),
    ("TG: quickresolves", [(HANDLE, "quickresolves", "telegram")]),
    ("TG ID: quickresolves", [(HANDLE, "quickresolves", "telegram")]),
    ("电报 @tp_helpdesk", [(HANDLE, "@tp_helpdesk", "telegram")]),
    ("飞机号：@tp_helpdesk", [(HANDLE, "@tp_helpdesk", "telegram")]),
    ("微信：abc123456", [(HANDLE, "abc123456", "wechat")]),
    ("加微信abc123456", [(HANDLE, "abc123456", "wechat")]),
    ("VX: wxid_abc123", [(HANDLE, "wxid_abc123", "wechat")]),
    ("V信：wxid_abc123", [(HANDLE, "wxid_abc123", "wechat")]),
    ("客服微信号：tp_service8", [(HANDLE, "tp_service8", "wechat")]),
    ("QQ: 12345", [(HANDLE, "12345", "qq")]),
    ("加QQ号123456789", [(HANDLE, "123456789", "qq")]),
    ("qq 1234567", [(HANDLE, "1234567", "qq")]),
    ("Twitter: @MetaMaskSupport", [(HANDLE, "@MetaMaskSupport", "x")]),
    ("推特 @tp_official_cn", [(HANDLE, "@tp_official_cn", "x")]),
    ("DM @xavier_support on Telegram", [(HANDLE, "@xavier_support", "telegram")]),
    ("Telegram admin @admin_help", [(HANDLE, "@admin_help", "telegram")]),
    (
        "DM @xavier_support on Telegram or @yolanda_help on twitter",
        [(HANDLE, "@xavier_support", "telegram"), (HANDLE, "@yolanda_help", "x")],
    ),
    (
        "Contact Telegram support @admin_help and Discord: @mod_team",
        [(HANDLE, "@admin_help", "telegram"), (HANDLE, "@mod_team", "discord")],
    ),
    ("follow us on instagram @tp.wallet_", [(HANDLE, "@tp.wallet_", "instagram")]),
    ("ＴＧ：ｑｕｉｃｋｒｅｓｏｌｖｅｓ", [(HANDLE, "ｑｕｉｃｋｒｅｓｏｌｖｅｓ", "telegram")]),
    # no platform named nearby: still a handle
    ("Hello @jimnasium65 thanks", [(HANDLE, "@jimnasium65", None)]),
    ("@pytest.fixture", [(HANDLE, "@pytest.fixture", None)]),
    # too short for the platform named: kept without it
    ("@ab near Telegram", [(HANDLE, "@ab", None)]),
    # the platform word labels the next line's handle, not this one
    ("@first_one\nTelegram", [(HANDLE, "@first_one", None)]),
    # an email's @ is not a handle, nor "telegram support" a name
    ("x@y.com @zed", [(EMAIL, "x@y.com", None), (HANDLE, "@zed", None)]),
    ("our telegram support team", []),
]

# Ordinary text that must give nothing: dates, prices, amounts, versions, file names.
NEGATIVES = [
    "2024-01-05",
    "on 2024/01/05 at 13:45:00",
    "2024年1月5日",
    "price $1,299.99 or 3000元",
    "send 0.05 ETH or 1,000,000 USDT",
    "e.g. this, i.e. that, etc.",
    "update to v1.2.3 or 1.0.10",
    "setup.py, README.md, notes.txt, logo.png, report.pdf, app.exe, data.zip, main.js, x.json, a.html",
    "Mr.Smith said us.Support was closed",
    "ticket ID LIT12046 and BTC890582",
    "订单号 202401051234567",
    "时间 2024年1月5日 13800138000",  # a mobile number without a label
    "(805)-259-0512",  # no country code
    "(800) 820-8820",  # US toll-free layout, not a Chinese 800 number
    "192.168.1.1",
    "ratio 3:1 at 12:30",
    "our telegram support team will reply",
    "",
]

# Real messages from the eval set (eval/dev/messages.jsonl) and what must be found in them.
MESSAGES: list[tuple[str, Expected]] = [
    (
        "Hi\nI had a similar situation but it's been fixed by the Metamask support team, you'll need to text "
        "them through their number on WhatsApp +1 562-473-3934, they replied me instantly and fixed all my "
        "issues",
        [(PHONE, "+1 562-473-3934", None)],
    ),
    (
        "Hello \n\nIt's nice to see you here. At the moment, our dev team are fully focused on critical work."
        "\n\nPlease contact us on telegram [click here](https://t.me/quickresolves)",
        [(HANDLE, "https://t.me/quickresolves", "telegram")],
    ),
    (
        "Hello @jimnasium65 \nWe sincerely apologize for the delay. I'll need to refer you to the official "
        "support live chat, where you can use the ticket ID LIT12046 for rectification guidelines. \nPlease "
        "use the following link to access our dedicated support line: \n[Wallet Connet DApps Support Ticket "
        "Requests.](https://thedappsupport.com)\n\nNote: Click on the live chat icon",
        [(HANDLE, "@jimnasium65", None), (URL, "https://thedappsupport.com", None)],
    ),
    (
        "You can contact Fuel support via their official live chat using the ticket ID: BTC890582.\n\nPlease "
        "use the following link to access their dedicated support line:\n[Bitcoin Wallet Support Network:]"
        "(https://dappsnodefix-xzx.pages.dev)\n\nNote: To start a chat with a live support agent",
        [(URL, "https://dappsnodefix-xzx.pages.dev", None)],
    ),
    (
        "How can I recover my Metamask account? If you need to recover your Metamask account, you can "
        "contact their customer service hotline at +1-(2O9)-685-3526 or +1-(2O9)-685-3526 USA for help.",
        [(PHONE, "+1-(2O9)-685-3526", None)],
    ),
    (
        "1-812-223-9376 Learn how to file a complaint with Metamask Wallet ║+1—812—223—9376) ⊹║ for various "
        "issues, such as delayed or cancelled accounts, denied boarding, baggage problems, and more.",
        [(PHONE, "+1-812-223-9376", None)],
    ),
    (
        "@jimnasium65 just update your wallet to v1.0.10  \n"
        "https://github.com/PirateNetwork/PirateWallet-Lite/releases/tag/1.0.10",
        [
            (HANDLE, "@jimnasium65", None),
            (HANDLE, "https://github.com/PirateNetwork/PirateWallet-Lite/releases/tag/1.0.10", "github"),
        ],
    ),
    ("TPWallet的人工服务电话是用户获取帮助的重要入口。", []),
]

ALL_TEXTS = [text for table in (URLS, EMAILS, PHONES, HANDLES, MESSAGES) for text, _ in table] + NEGATIVES


@pytest.mark.parametrize(("text", "expected"), URLS)
def test_urls(text: str, expected: Expected) -> None:
    assert kinds_raws_platforms(text) == expected


@pytest.mark.parametrize(("text", "expected"), EMAILS)
def test_emails(text: str, expected: Expected) -> None:
    assert kinds_raws_platforms(text) == expected


@pytest.mark.parametrize(("text", "expected"), PHONES)
def test_phones(text: str, expected: Expected) -> None:
    assert kinds_raws_platforms(text) == expected


@pytest.mark.parametrize(("text", "expected"), HANDLES)
def test_handles(text: str, expected: Expected) -> None:
    assert kinds_raws_platforms(text) == expected


@pytest.mark.parametrize("text", NEGATIVES)
def test_ordinary_text_gives_nothing(text: str) -> None:
    assert extract_channels(text) == []


@pytest.mark.parametrize(("text", "expected"), MESSAGES)
def test_real_messages(text: str, expected: Expected) -> None:
    assert kinds_raws_platforms(text) == expected


@pytest.mark.parametrize("text", ALL_TEXTS)
def test_every_result_parses_and_points_at_its_text(text: str) -> None:
    for item in extract_channels(text):
        channel = parse_channel(item.raw, item.kind, platform=item.platform)
        assert channel.kind is item.kind
        start, end = item.span
        assert 0 <= start < end <= len(text)
        # raw is the text at span, with at most an implied country code written before it
        assert item.raw == text[start:end] or item.raw in (f"+{text[start:end]}", f"+86 {text[start:end]}")


def test_spans_are_offsets_in_the_original_text() -> None:
    text = "电话：１３８００１３８０００ 或 ＴＧ：ｑｕｉｃｋｒｅｓｏｌｖｅｓ，官网 tokenpocket。pro"
    assert extract_channels(text) == [
        Found(PHONE, "+86 １３８００１３８０００", (3, 14)),
        Found(HANDLE, "ｑｕｉｃｋｒｅｓｏｌｖｅｓ", (20, 33), "telegram"),
        Found(URL, "tokenpocket。pro", (37, 52)),
    ]


def test_in_order_of_appearance_and_deduplicated_keeping_the_first() -> None:
    text = (
        "Call +1 562-473-3934 or +1 (562) 473 3934, mail a@evil.com or A@EVIL.COM, visit evil.com then "
        "EVIL.com, @Bob_x then @bob_X, 400-800-1234 and +86 4008001234"
    )
    assert kinds_raws_platforms(text) == [
        (PHONE, "+1 562-473-3934", None),
        (EMAIL, "a@evil.com", None),
        (EMAIL, "A@EVIL.COM", None),  # the local part is kept as written
        (URL, "evil.com", None),
        (HANDLE, "@Bob_x", None),
        (PHONE, "+86 400-800-1234", None),
    ]


def test_limit() -> None:
    text = " ".join(f"site{i}.com" for i in range(50))
    assert [f.raw for f in extract_channels(text, limit=3)] == ["site0.com", "site1.com", "site2.com"]
    assert len(extract_channels(text)) == 50
    assert extract_channels(text, limit=0) == []


def test_overlaps_keep_the_earliest_longest_match() -> None:
    # the number inside the link, the host inside the email, the name inside the link are not extra items
    text = "wa.me/15624733934 support@metamask-help.io https://x.com/@fake_support"
    assert kinds_raws_platforms(text) == [
        (HANDLE, "wa.me/15624733934", "whatsapp"),
        (EMAIL, "support@metamask-help.io", None),
        (HANDLE, "https://x.com/@fake_support", "x"),
    ]


HTML = """<!DOCTYPE html>
<html><head><title>TP钱包客服</title>
<style>.x { background: url(https://style.example.com/bg.png) } </style>
<script>var hidden = "https://script.example.com"; if (a<b && c>d) {}</script>
</head><body>
<noscript><p>enable js at noscript.example.com</p></noscript>
<template><p>tpl.example.com</p></template>
<h1>Support</h1><p>Call&nbsp;<b>+1&nbsp;562-473-3934</b> &amp; join
<a href="https://t.me/quickresolves">our group</a>.</p>
<!-- a comment with hidden.example.com -->
<div>Mail <a href="mailto:help@evil.com">us</a><br>Site: <a href='https://evil.com/fix'>https://evil.com/fix</a></div>
<ul><li>one</li><li>two</li></ul>
</body></html>"""


def test_html_to_text_keeps_what_a_reader_sees_and_where_links_go() -> None:
    assert html_to_text(HTML) == (
        "TP钱包客服\nSupport\nCall +1 562-473-3934 & join our group (https://t.me/quickresolves).\n"
        "Mail us (mailto:help@evil.com)\nSite: https://evil.com/fix\none\ntwo"
    )


def test_channels_of_an_html_page() -> None:
    assert kinds_raws_platforms(html_to_text(HTML)) == [
        (PHONE, "+1 562-473-3934", None),
        (HANDLE, "https://t.me/quickresolves", "telegram"),
        (EMAIL, "help@evil.com", None),
        (URL, "https://evil.com/fix", None),
    ]


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("a < b and c > d", "a < b and c > d"),
        ("<p>x<p>y", "x\ny"),
        ("<p>cut <a href='https://evil.com", "cut"),  # an unterminated tag ends the page
        ("<p>seen</p><!-- unterminated comment <p>hidden", "seen"),
        ("<p>seen</p><script>var x = 1; // no end", "seen"),
        ("<p a='1>2'>x</p>", "2'>x"),  # a quoted ">" is read as the end of the tag
        ("<a href='javascript:void(0)'>js</a> <a href='#top'>top</a>", "js top"),
        (
            "<a href=https://a.example>1</a><a href=https://b.example>2</a>",
            "1 (https://a.example)2 (https://b.example)",
        ),
        ("<SCRIPT>hidden</SCRIPT><Style>x</STYLE>shown", "shown"),
        ("&lt;b&gt; &#x4e2d;&#25991; &copy;", "<b> 中文 ©"),
        ("", ""),
    ],
)
def test_html_edge_cases(html: str, text: str) -> None:
    assert html_to_text(html) == text


# Each foldable character and the ASCII character it stands for in the shadow.
FOLDS = {
    "０": "0", "９": "9", "ａ": "a", "Ｚ": "Z", "：": ":", "／": "/", "．": ".", "＠": "@", "（": "(",
    "）": ")", "＋": "+", "－": "-", "。": ".", "｡": ".", "【": "[", "】": "]", "\u3000": " ",
    "\u00a0": " ", "\u2013": "-", "\u2014": "-", "\u2212": "-", "𝟎": "0", "𝟗": "9", "𝟬": "0",
}  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from([*FOLDS, "a", "1", " ", "中", "文", ".", "@"]), max_size=60))
def test_shadow_folds_each_character_in_place(text: str) -> None:
    assert shadow(text) == "".join(FOLDS.get(char, char) for char in text)


def _best_time(run: Callable[[], object]) -> float:
    # CPU time, best of 5: other processes on the machine must not make a linear run look quadratic.
    best = float("inf")
    for _ in range(5):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return max(best, 1e-3)


def _linear(run: Callable[[str], object], unit: str, size: int = 1_000_000) -> None:
    # Ten times the input: 10x the time if linear, 100x if quadratic. Passes that keep much
    # alive measure more than 10x (CPU caches, the garbage collector's full passes), so the
    # limit is 50.
    tenth = unit * (size // 10 // len(unit))
    full = unit * (size // len(unit))
    ratio = _best_time(lambda: run(full)) / _best_time(lambda: run(tenth))
    assert ratio < 50, f"{unit!r}: ten times the input took {ratio:.1f}x the time"


@pytest.mark.parametrize(
    ("unit", "size"),
    [
        ("1 ", 1_000_000),
        ("a.", 1_000_000),
        ("@", 1_000_000),
        ("http://", 1_000_000),
        ("(", 1_000_000),
        ("+1-", 400_000),
        ("a[.]", 400_000),
        ("1.", 200_000),
        ("x@", 200_000),
        (" at x dot ", 200_000),
        ("TG: ", 100_000),  # every colon labels a name: slow per item, still linear
        ("微信", 100_000),
    ],
)
def test_extraction_is_linear_on_adversarial_input(unit: str, size: int) -> None:
    _linear(extract_channels, unit, size)


@pytest.mark.parametrize("unit", ["<!--", "<a b", "<a href='", "<a\n", "<![CDATA[", "<?", "</", "<"])
def test_html_is_linear_on_unterminated_markup(unit: str) -> None:
    # html.parser alone is quadratic on every one of these
    _linear(html_to_text, unit, 200_000)


def test_bracketed_at_after_a_letter_that_lowers_to_two() -> None:
    """The letter "İ" lowers to two characters: "[at]" and "(at)" are found in the text itself, at their
    own offsets (a lower-cased copy used to put them past the end, an IndexError)."""
    text = "İ" * 30 + " write to help (AT) example.com or x [at] example.org " + "(At)"
    raws = [found.raw for found in extract_channels(text)]
    assert "help (AT) example.com" in raws
    assert "x [at] example.org" in raws
