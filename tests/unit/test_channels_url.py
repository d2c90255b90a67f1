"""parse_url, normalize_host and registrable_domain: tables of raw input -> normalized host."""

from __future__ import annotations

import pytest

from verifier.channels import normalize_host, parse_url, registrable_domain
from verifier.errors import InvalidChannel
from verifier.model import ChannelKind

TP = "tokenpocket.pro"
TP_IDN_U = "tokenpocкet.pro"  # Cyrillic к
TP_IDN = "xn--tokenpocet-cui.pro"
INVISIBLE = ("input.invisible_characters",)
IDN, DEFANGED, USERINFO, IP = ("url.idn",), ("url.defanged",), ("url.userinfo",), ("url.ip_address",)

# raw, normalized (ASCII host), host_unicode, registrable_domain, notes
VALID = [
    (TP, TP, TP, TP, ()),
    ("https://tokenpocket.pro", TP, TP, TP, ()),
    ("https://TokenPocket.pro/path?x=1#top", TP, TP, TP, ()),
    ("http://tokenpocket.pro/", TP, TP, TP, ()),
    ("ftp://files.tokenpocket.pro", "files.tokenpocket.pro", "files.tokenpocket.pro", TP, ()),
    ("wss://ws.tokenpocket.pro/feed", "ws.tokenpocket.pro", "ws.tokenpocket.pro", TP, ()),
    ("tokenpocket.pro/download", TP, TP, TP, ()),
    ("//tokenpocket.pro/path", TP, TP, TP, ()),
    ("  tokenpocket.pro  ", TP, TP, TP, ()),
    # case, trailing dot, ports
    ("TOKENPOCKET.PRO", TP, TP, TP, ()),
    ("HTTPS://TOKENPOCKET.PRO/", TP, TP, TP, ()),
    ("tokenpocket.pro.", TP, TP, TP, ()),
    ("https://tokenpocket.pro./", TP, TP, TP, ()),
    ("tokenpocket.pro:8443", TP, TP, TP, ()),
    ("https://tokenpocket.pro:443/x", TP, TP, TP, ()),
    # fullwidth forms and ideographic dots fold to ASCII
    ("tokenpocket．pro", TP, TP, TP, ()),
    ("tokenpocket。pro", TP, TP, TP, ()),
    ("tokenpocket｡pro", TP, TP, TP, ()),
    ("ＴＯＫＥＮＰＯＣＫＥＴ.ＰＲＯ", TP, TP, TP, ()),
    # no browser opens a link with a fullwidth scheme; a person retypes it in plain letters
    ("ｈｔｔｐｓ：／／tokenpocket.pro", TP, TP, TP, ("url.folded",)),
    # IDN: Unicode and xn-- give the same host; Cyrillic к in "tokenpocкet"
    (TP_IDN_U, TP_IDN, TP_IDN_U, TP_IDN, IDN),
    (TP_IDN, TP_IDN, TP_IDN_U, TP_IDN, IDN),
    ("XN--TOKENPOCET-CUI.PRO", TP_IDN, TP_IDN_U, TP_IDN, IDN),
    ("https://tokenpocкet.pro/login", TP_IDN, TP_IDN_U, TP_IDN, IDN),
    ("аррӏе.com", "xn--80ak6aa92e.com", "аррӏе.com", "xn--80ak6aa92e.com", IDN),
    ("münchen.de", "xn--mnchen-3ya.de", "münchen.de", "xn--mnchen-3ya.de", IDN),
    ("MÜNCHEN.DE", "xn--mnchen-3ya.de", "münchen.de", "xn--mnchen-3ya.de", IDN),
    ("faß.de", "xn--fa-hia.de", "faß.de", "xn--fa-hia.de", IDN),  # IDNA 2008: ß is kept
    ("例子.中国", "xn--fsqu00a.xn--fiqs8s", "例子.中国", "xn--fsqu00a.xn--fiqs8s", IDN),
    # invisible characters are removed and noted
    ("token\u200bpocket.pro", TP, TP, TP, INVISIBLE),
    ("\ufefftokenpocket.pro", TP, TP, TP, INVISIBLE),
    ("token\u00adpocket.pro", TP, TP, TP, INVISIBLE),
    ("tokenpocket\u200d.pro", TP, TP, TP, INVISIBLE),
    # RTL override: the host is what the characters are, not how they render
    ("\u202etokenpocket.pro", "tokenpocket.pro", "tokenpocket.pro", "tokenpocket.pro", INVISIBLE),
    ("https://evil\u202e.com", "evil.com", "evil.com", "evil.com", INVISIBLE),
    ("https://tokenpocket.pro\u2066/x", TP, TP, TP, INVISIBLE),
    # userinfo trick: the browser visits the host after "@"
    ("https://tokenpocket.pro@evil.com", "evil.com", "evil.com", "evil.com", USERINFO),
    ("https://tokenpocket.pro:login@evil.com/x", "evil.com", "evil.com", "evil.com", USERINFO),
    ("http://user@help.tokenpocket.pro", "help.tokenpocket.pro", "help.tokenpocket.pro", TP, USERINFO),
    # defanged
    ("tokenpocket[.]pro", TP, TP, TP, DEFANGED),
    ("tokenpocket(.)pro", TP, TP, TP, DEFANGED),
    ("tokenpocket[dot]pro", TP, TP, TP, DEFANGED),
    ("hxxps://tokenpocket[.]pro/x", TP, TP, TP, DEFANGED),
    ("hxxp://evil.com", "evil.com", "evil.com", "evil.com", DEFANGED),
    ("https[:]//evil.com", "evil.com", "evil.com", "evil.com", DEFANGED),
    # registrable domain from the PSL, private suffixes included
    ("help.tokenpocket.pro", "help.tokenpocket.pro", "help.tokenpocket.pro", TP, ()),
    ("www.tokenpocket.pro", "www.tokenpocket.pro", "www.tokenpocket.pro", TP, ()),
    ("a.b.co.uk", "a.b.co.uk", "a.b.co.uk", "b.co.uk", ()),
    ("b.co.uk", "b.co.uk", "b.co.uk", "b.co.uk", ()),
    ("x.pages.dev", "x.pages.dev", "x.pages.dev", "x.pages.dev", ()),
    ("tp-lab.github.io", "tp-lab.github.io", "tp-lab.github.io", "tp-lab.github.io", ()),
    ("a.b.tokenpocket.com.cn", "a.b.tokenpocket.com.cn", "a.b.tokenpocket.com.cn", "tokenpocket.com.cn", ()),
    # a suffix newer than the bundled PSL: the last two labels
    ("evil.example", "evil.example", "evil.example", "evil.example", ()),  # RFC 2606 reserved name
    ("a.b.test", "a.b.test", "a.b.test", "b.test", ()),
    # IP addresses: no registrable domain, noted
    ("192.168.1.1", "192.168.1.1", "192.168.1.1", None, IP),
    ("https://8.8.8.8/x", "8.8.8.8", "8.8.8.8", None, IP),
    ("http://10.0.0.1:8080/", "10.0.0.1", "10.0.0.1", None, IP),
    ("http://[::1]:80/", "::1", "::1", None, IP),
    ("[2001:DB8::1]", "2001:db8::1", "2001:db8::1", None, IP),
    ("2001:db8::1", "2001:db8::1", "2001:db8::1", None, IP),
    ("fe80::1", "fe80::1", "fe80::1", None, IP),
]


@pytest.mark.parametrize(("raw", "normalized", "host_unicode", "registrable", "notes"), VALID)
def test_parse_url(
    raw: str, normalized: str, host_unicode: str, registrable: str | None, notes: tuple[str, ...]
) -> None:
    channel = parse_url(raw)
    assert channel.kind is ChannelKind.URL
    assert channel.raw == raw
    assert channel.normalized == normalized
    assert channel.host == normalized
    assert channel.host_unicode == host_unicode
    assert channel.registrable_domain == registrable
    assert channel.notes == notes


INVALID = [
    ("", "invalid.empty"),
    ("   ", "invalid.empty"),
    ("\u200b\u200b", "invalid.empty"),
    ("a" * 3000, "invalid.too_long"),
    ("https://tokenpocket.pro/" + "a" * 2100, "invalid.too_long"),
    ("token\x07pocket.pro", "invalid.control_characters"),
    ("tokenpocket.pro\x00", "invalid.control_characters"),
    ("tokenpocket.pro\r\nevil.com", "invalid.control_characters"),
    ("token pocket.pro", "invalid.spaces"),
    ("https://tokenpocket.pro /x", "invalid.spaces"),
    ("token\u3000pocket.pro", "invalid.spaces"),  # ideographic space
    ("javascript:alert(1)", "invalid.scheme"),
    ("JavaScript:alert(document.cookie)", "invalid.scheme"),
    ("data:text/html,hi", "invalid.scheme"),
    ("mailto:support@tokenpocket.pro", "invalid.scheme"),
    ("file:///etc/passwd", "invalid.scheme"),
    ("chrome://settings", "invalid.scheme"),
    ("http://", "invalid.no_host"),
    # read by a browser one way, retyped another
    ("https://tokenpocket.pro＃@evil.com", "invalid.ambiguous"),
    ("https:///path", "invalid.no_suffix"),  # WHATWG: slashes skipped, the host is "path"
    ("https://?x", "invalid.no_host"),
    ("http://[fe80::1%25eth0]/", "invalid.bad_url"),  # browsers refuse IPv6 zone ids
    ("tokenpocket.pro:99999", "invalid.bad_url"),
    ("http://tokenpocket.pro:abc/", "invalid.bad_url"),
    ("http://[::1", "invalid.bad_url"),
    ("localhost", "invalid.no_suffix"),
    ("tokenpocket", "invalid.no_suffix"),
    ("co.uk", "invalid.no_suffix"),
    ("10.0.0.256", "invalid.bad_url"),  # WHATWG: ends in a number, so an IPv4 address, out of range
    ("tokenpocket..pro", "invalid.bad_host"),
    ("-tokenpocket.pro", "invalid.bad_host"),
    ("tokenpocket-.pro", "invalid.bad_host"),
    ("xn--zz.com", "invalid.bad_url"),  # browsers refuse punycode that does not decode
    ("xn--xn--00-00a.com", "invalid.bad_url"),  # decodes to a label that starts with "xn--"
    ("xn--tokenpcet-cui.pro", "invalid.bad_url"),  # decodes to a capital letter
    ("a" * 64 + ".com", "invalid.bad_host"),
    ("token_pocket.pro", "invalid.bad_host"),
    ("tokenpocket!.pro", "invalid.bad_host"),
    ("a." * 126 + "com", "invalid.host_too_long"),
]


@pytest.mark.parametrize(("raw", "code"), INVALID)
def test_parse_url_invalid(raw: str, code: str) -> None:
    with pytest.raises(InvalidChannel) as info:
        parse_url(raw)
    assert info.value.code == code
    assert str(info.value)  # a message a user can read


@pytest.mark.parametrize("raw", [None, 42, b"tokenpocket.pro", ["tokenpocket.pro"]])
def test_parse_url_not_text(raw: object) -> None:
    with pytest.raises(InvalidChannel) as info:
        parse_url(raw)
    assert info.value.code == "invalid.not_text"


def test_too_long_message_names_the_bound() -> None:
    with pytest.raises(InvalidChannel, match="3000 characters; at most 2048"):
        parse_url("a" * 3000)


@pytest.mark.parametrize(
    ("host", "ascii_host", "unicode_host"),
    [
        ("TokenPocket.PRO.", "tokenpocket.pro", "tokenpocket.pro"),
        ("tokenpocкet.pro", "xn--tokenpocet-cui.pro", "tokenpocкet.pro"),
        ("xn--tokenpocet-cui.pro", "xn--tokenpocet-cui.pro", "tokenpocкet.pro"),
        ("Bücher.example", "xn--bcher-kva.example", "bücher.example"),
    ],
)
def test_normalize_host(host: str, ascii_host: str, unicode_host: str) -> None:
    assert normalize_host(host) == (ascii_host, unicode_host)


@pytest.mark.parametrize(
    ("host", "code"),
    [
        ("", "invalid.no_host"),
        (".", "invalid.no_host"),
        ("a..b", "invalid.bad_host"),
        ("a" * 254, "invalid.host_too_long"),
    ],
)
def test_normalize_host_invalid(host: str, code: str) -> None:
    with pytest.raises(InvalidChannel) as info:
        normalize_host(host)
    assert info.value.code == code


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("help.tokenpocket.pro", "tokenpocket.pro"),
        ("tokenpocket.pro", "tokenpocket.pro"),
        ("a.b.co.uk", "b.co.uk"),
        ("x.pages.dev", "x.pages.dev"),
        ("y.x.pages.dev", "x.pages.dev"),
        ("foo.blogspot.com", "foo.blogspot.com"),
        ("example.zzzz", None),  # an ending the PSL does not know is not a host
        ("notes.txt", None),
        ("e.g", None),
        ("evil.example", "evil.example"),
        ("co.uk", None),
        ("pages.dev", "pages.dev"),  # a private suffix visited itself belongs to its operator
        ("github.io", "github.io"),
        ("com", None),
        ("1.2.3.4", None),
    ],
)
def test_registrable_domain(host: str, expected: str | None) -> None:
    assert registrable_domain(host) == expected
