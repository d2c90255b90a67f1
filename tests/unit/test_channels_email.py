"""parse_email and the free-mail list: tables of raw input -> normalized address."""

from __future__ import annotations

import pytest

from verifier.channels import free_mail_domains, is_free_mail, parse_email
from verifier.errors import InvalidChannel
from verifier.model import ChannelKind

TP = "tokenpocket.pro"
HELP = "help.tokenpocket.pro"
TP_IDN = "xn--tokenpocet-cui.pro"  # tokenpocкet.pro, Cyrillic к
SUPPORT = "support@tokenpocket.pro"
OBFUSCATED, FREE, INVISIBLE = ("email.obfuscated",), ("email.free_mail",), ("input.invisible_characters",)

# raw, normalized, local_part, host, registrable_domain, notes
VALID = [
    (SUPPORT, SUPPORT, "support", TP, TP, ()),
    ("  support@tokenpocket.pro ", SUPPORT, "support", TP, TP, ()),
    # local part kept as written, domain lowercased
    ("Support.Team@TokenPocket.PRO", "Support.Team@tokenpocket.pro", "Support.Team", TP, TP, ()),
    ("first+tag@help.tokenpocket.pro", "first+tag@help.tokenpocket.pro", "first+tag", HELP, TP, ()),
    ("o'brien_x-1@tokenpocket.pro.", "o'brien_x-1@tokenpocket.pro", "o'brien_x-1", TP, TP, ()),
    # mailto:, with or without a query
    ("mailto:support@tokenpocket.pro", SUPPORT, "support", TP, TP, ()),
    ("MAILTO:support@tokenpocket.pro?subject=help", SUPPORT, "support", TP, TP, ()),
    # fullwidth @ and dots fold
    ("support＠tokenpocket．pro", SUPPORT, "support", TP, TP, ()),
    # written to dodge scrapers
    ("support at tokenpocket dot pro", SUPPORT, "support", TP, TP, OBFUSCATED),
    ("support AT tokenpocket DOT pro", SUPPORT, "support", TP, TP, OBFUSCATED),
    ("support [at] tokenpocket [dot] pro", SUPPORT, "support", TP, TP, OBFUSCATED),
    ("support (at) help dot tokenpocket dot pro", "support@" + HELP, "support", HELP, TP, OBFUSCATED),
    ("name[at]domain[.]com", "name@domain.com", "name", "domain.com", "domain.com", OBFUSCATED),
    ("name(at)domain(dot)com", "name@domain.com", "name", "domain.com", "domain.com", OBFUSCATED),
    ("name[@]domain.com", "name@domain.com", "name", "domain.com", "domain.com", OBFUSCATED),
    # IDN domain, in ASCII form; the Unicode one is kept in host_unicode
    ("help@tokenpocкet.pro", "help@" + TP_IDN, "help", TP_IDN, TP_IDN, ()),
    # invisible characters removed and noted
    ("sup\u200bport@tokenpocket.pro", SUPPORT, "support", TP, TP, INVISIBLE),
    # free mail is noted, on the registrable domain
    ("help@gmail.com", "help@gmail.com", "help", "gmail.com", "gmail.com", FREE),
    ("TP.Help@GMAIL.COM", "TP.Help@gmail.com", "TP.Help", "gmail.com", "gmail.com", FREE),
    ("12345678@qq.com", "12345678@qq.com", "12345678", "qq.com", "qq.com", FREE),
    ("tp_kefu@163.com", "tp_kefu@163.com", "tp_kefu", "163.com", "163.com", FREE),
    ("x@mail.163.com", "x@mail.163.com", "x", "mail.163.com", "163.com", FREE),
    ("x@outlook.com", "x@outlook.com", "x", "outlook.com", "outlook.com", FREE),
    ("support at gmail dot com", "support@gmail.com", "support", "gmail.com", "gmail.com", OBFUSCATED + FREE),
]


@pytest.mark.parametrize(("raw", "normalized", "local", "host", "registrable", "notes"), VALID)
def test_parse_email(
    raw: str, normalized: str, local: str, host: str, registrable: str, notes: tuple[str, ...]
) -> None:
    channel = parse_email(raw)
    assert channel.kind is ChannelKind.EMAIL
    assert channel.raw == raw
    assert channel.normalized == normalized
    assert channel.local_part == local
    assert channel.host == host
    assert channel.registrable_domain == registrable
    assert channel.notes == notes


def test_email_unicode_host_is_kept() -> None:
    assert parse_email("help@tokenpocкet.pro").host_unicode == "tokenpocкet.pro"


def test_local_part_case_distinguishes_addresses() -> None:
    assert (
        parse_email("Support@tokenpocket.pro").normalized != parse_email("support@tokenpocket.pro").normalized
    )


INVALID = [
    ("", "invalid.empty"),
    ("a" * 3000 + "@x.com", "invalid.too_long"),
    ("sup\x00port@tokenpocket.pro", "invalid.control_characters"),
    # shape
    ("support", "invalid.email_shape"),
    ("tokenpocket.pro", "invalid.email_shape"),
    ("a@b@tokenpocket.pro", "invalid.email_shape"),
    ("support@@tokenpocket.pro", "invalid.email_shape"),
    # local part
    ("@tokenpocket.pro", "invalid.email_local"),
    ("sup port@tokenpocket.pro", "invalid.email_local"),
    ("a..b@tokenpocket.pro", "invalid.email_local"),
    (".a@tokenpocket.pro", "invalid.email_local"),
    ("a.@tokenpocket.pro", "invalid.email_local"),
    ('"quoted"@tokenpocket.pro', "invalid.email_local"),
    ("支持@tokenpocket.pro", "invalid.email_local"),
    ("a" * 65 + "@tokenpocket.pro", "invalid.email_local"),
    # domain
    ("support@", "invalid.no_host"),
    ("support@.", "invalid.no_host"),
    ("support@localhost", "invalid.email_domain"),
    ("support@co.uk", "invalid.email_domain"),
    ("support@1.2.3.4", "invalid.email_domain"),
    ("support@[1.2.3.4]", "invalid.bad_host"),
    ("support@token pocket.pro", "invalid.bad_host"),
    ("support@tokenpocket..pro", "invalid.bad_host"),
    ("support@tokenpocket.pro:25", "invalid.bad_host"),
]


@pytest.mark.parametrize(("raw", "code"), INVALID)
def test_parse_email_invalid(raw: str, code: str) -> None:
    with pytest.raises(InvalidChannel) as info:
        parse_email(raw)
    assert info.value.code == code


@pytest.mark.parametrize("raw", [None, 1, b"support@tokenpocket.pro"])
def test_parse_email_not_text(raw: object) -> None:
    with pytest.raises(InvalidChannel) as info:
        parse_email(raw)
    assert info.value.code == "invalid.not_text"


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        ("gmail.com", True),
        ("qq.com", True),
        ("163.com", True),
        ("126.com", True),
        ("outlook.com", True),
        ("proton.me", True),
        ("tokenpocket.pro", False),
        ("mail.163.com", False),  # takes a registrable domain, not a host
        ("gmail.com.evil.com", False),
    ],
)
def test_is_free_mail(domain: str, expected: bool) -> None:
    assert is_free_mail(domain) is expected


def test_free_mail_list_is_clean() -> None:
    domains = free_mail_domains()
    assert len(domains) > 20
    assert all(d == d.strip().lower() and "." in d and "#" not in d for d in domains)


def test_spaced_defanged_dot_in_email() -> None:
    assert parse_email("name [at] domain [.] com").normalized == "name@domain.com"
