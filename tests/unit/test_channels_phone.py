"""parse_phone: tables of raw input (and region) -> E.164, region, number type and notes."""

from __future__ import annotations

import pytest

from verifier.channels import parse_phone
from verifier.channels.phone import looks_like_phone
from verifier.errors import InvalidChannel
from verifier.model import ChannelKind

INVISIBLE = ("input.invisible_characters",)

# raw, region given, E.164, region of the number, number_type, notes
VALID = [
    ("+86 400-800-1234", None, "+864008001234", "CN", "shared_cost", ()),
    ("+864008001234", None, "+864008001234", "CN", "shared_cost", ()),
    # China's 400/800 service numbers need no region
    ("400-800-1234", None, "+864008001234", "CN", "shared_cost", ()),
    ("400 800 1234", None, "+864008001234", "CN", "shared_cost", ()),
    ("800-820-8820", None, "+868008208820", "CN", "toll_free", ()),
    # national numbers with a region
    ("13800138000", "CN", "+8613800138000", "CN", "mobile", ()),
    ("13800138000", "cn", "+8613800138000", "CN", "mobile", ()),
    ("(855) 699-8683", "US", "+18556998683", "US", "toll_free", ()),
    ("020 7946 0958", "GB", "+442079460958", "GB", "fixed_line", ()),
    # a + number ignores the region
    ("+86 138 0013 8000", "US", "+8613800138000", "CN", "mobile", ()),
    # 00 international prefix
    ("0086 138 0013 8000", None, "+8613800138000", "CN", "mobile", ()),
    ("001 855 699 8683", None, "+18556998683", "US", "toll_free", ()),
    # full-width and mathematical digits
    ("＋８６ １３８ ００１３ ８０００", None, "+8613800138000", "CN", "mobile", ()),
    ("𝟣-(𝟪𝟧𝟧) 𝟩𝟫𝟫-𝟨𝟪𝟪𝟥", "US", "+18557996883", "US", "toll_free", ()),
    ("+𝟏 𝟖𝟓𝟓 𝟔𝟗𝟗 𝟖𝟔𝟖𝟑", None, "+18556998683", "US", "toll_free", ()),
    # letter O for zero
    ("+1-(2O9)-685-3526", None, "+12096853526", "US", "fixed_line_or_mobile", ("phone.letter_o",)),
    ("+1-(2o9)-685-3526", None, "+12096853526", "US", "fixed_line_or_mobile", ("phone.letter_o",)),
    ("4OO-8OO-1234", None, "+864008001234", "CN", "shared_cost", ("phone.letter_o",)),
    # the punctuation of fake-hotline spam
    ("[{+1}]-[{808}]-[{690}]-[{4872}]", None, "+18086904872", "US", "fixed_line_or_mobile", ()),
    ("║+1—812—223—9376) ⊹║", None, "+18122239376", "US", "fixed_line_or_mobile", ()),
    ("☎️+1-855-699-8683", None, "+18556998683", "US", "toll_free", ()),
    ("📞 +1 (855) 699 8683 ☎", None, "+18556998683", "US", "toll_free", ()),
    ("+1.855.699.8683", None, "+18556998683", "US", "toll_free", ()),
    ("+1*855*699*8683", None, "+18556998683", "US", "toll_free", ()),
    # labels
    ("电话：+86 400 800 1234", None, "+864008001234", "CN", "shared_cost", ()),
    ("客服电话: 400-800-1234", None, "+864008001234", "CN", "shared_cost", ()),
    ("热线 400-800-1234", None, "+864008001234", "CN", "shared_cost", ()),
    ("Tel: +1 855 699 8683", None, "+18556998683", "US", "toll_free", ()),
    ("WhatsApp: +1 855 699 8683", None, "+18556998683", "US", "toll_free", ()),
    ("hotline +44 20 7946 0958", None, "+442079460958", "GB", "fixed_line", ()),
    # a trailing extension is set aside and noted
    ("+1-855-699-8683 ext 5", None, "+18556998683", "US", "toll_free", ("phone.extension",)),
    ("+1 855 699 8683 ext. 12", None, "+18556998683", "US", "toll_free", ("phone.extension",)),
    ("+1 (855) 699-8683 x204", None, "+18556998683", "US", "toll_free", ("phone.extension",)),
    ("+1 855 699 8683 #3", None, "+18556998683", "US", "toll_free", ("phone.extension",)),
    ("400-800-1234 转 2", None, "+864008001234", "CN", "shared_cost", ("phone.extension",)),
    ("电话：400 800 1234 分机：8", None, "+864008001234", "CN", "shared_cost", ("phone.extension",)),
    # number types are evidence
    ("+1 900 555 1234", None, "+19005551234", "US", "premium_rate", ()),
    ("+44 20 7946 0958", None, "+442079460958", "GB", "fixed_line", ()),
    ("+86 (0) 10 1234 5678", None, "+861012345678", "CN", "fixed_line", ()),
    # possible but not assigned: parsed, noted, no type
    ("+1 555 555 5555", None, "+15555555555", None, None, ("phone.not_assigned",)),
    # invisible characters are removed and noted
    ("+1\u200b855\u200b699\u200b8683", None, "+18556998683", "US", "toll_free", INVISIBLE),
]


@pytest.mark.parametrize(("raw", "region", "e164", "number_region", "number_type", "notes"), VALID)
def test_parse_phone(
    raw: str,
    region: str | None,
    e164: str,
    number_region: str | None,
    number_type: str | None,
    notes: tuple[str, ...],
) -> None:
    channel = parse_phone(raw, region)
    assert channel.kind is ChannelKind.PHONE
    assert channel.raw == raw
    assert channel.normalized == e164
    assert channel.region == number_region
    assert channel.number_type == number_type
    assert channel.notes == notes


INVALID = [
    ("", None, "invalid.empty"),
    ("+1 855 699 8683" + " " * 80 + "0", None, "invalid.phone_too_long"),
    ("9" * 3000, None, "invalid.too_long"),
    ("+1 855\x07699 8683", None, "invalid.control_characters"),
    # no country code and no region
    ("13800138000", None, "invalid.phone_no_region"),
    ("(855) 699-8683", None, "invalid.phone_no_region"),
    ("400-800-12345", None, "invalid.phone_no_region"),  # 11 digits: not a 400 number
    # letters
    ("+1 855 ABC 8683", None, "invalid.phone_letters"),
    ("call me at +1 855 699 8683", None, "invalid.phone_letters"),
    ("+1-855-699-8683 ext", None, "invalid.phone_letters"),  # an extension word without digits
    ("O+1 855 699 8683", None, "invalid.phone_letters"),
    # digit count
    ("+", None, "invalid.phone_digits"),
    ("1234", None, "invalid.phone_digits"),
    ("+1 234", None, "invalid.phone_digits"),
    ("+1 2345 6789 0123 4567 89", None, "invalid.phone_digits"),
    ("---", None, "invalid.phone_digits"),
    # country code or region that does not exist
    ("+999 123456789", None, "invalid.phone_parse"),
    ("+0 123456789", None, "invalid.phone_parse"),
    # a region that does not exist is named as such (issue 12), even for a number with +
    ("855-699-8683", "XX", "invalid.phone_region"),
    ("855-699-8683", "usa", "invalid.phone_region"),
    ("855-699-8683", "ZZZZ", "invalid.phone_region"),
    ("+1 855 699 8683", "ZZZZ", "invalid.phone_region"),
    # not possible for the country
    ("+1 855 699 868", None, "invalid.phone_impossible"),
    ("+86 138 0013 8000 12", None, "invalid.phone_impossible"),
]


@pytest.mark.parametrize(("raw", "region", "code"), INVALID)
def test_parse_phone_invalid(raw: str, region: str | None, code: str) -> None:
    with pytest.raises(InvalidChannel) as info:
        parse_phone(raw, region)
    assert info.value.code == code


@pytest.mark.parametrize("raw", [None, 8613800138000, b"+8613800138000"])
def test_parse_phone_not_text(raw: object) -> None:
    with pytest.raises(InvalidChannel) as info:
        parse_phone(raw)
    assert info.value.code == "invalid.not_text"


def test_region_default_is_only_for_numbers_without_plus() -> None:
    assert parse_phone("+1 855 699 8683", "CN").normalized == "+18556998683"
    assert parse_phone("855 699 8683", "US").normalized == "+18556998683"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+86 400-800-1234", True),
        ("400-800-1234", True),
        ("电话：400-800-1234", True),
        ("+1-(2O9)-685-3526", True),
        ("12345", True),
        ("1234", False),
        ("123456789012345678", False),
        ("tokenpocket.pro", False),
        ("support@tokenpocket.pro", False),
        ("t.me/12345678", False),
        ("+1 855 ABC 8683", False),
        ("192.168.1.1", False),  # an IPv4 address is a host
        ("10.0.0.1:8080", False),
        ("855.699.8683", True),
        ("+1 855 699 8683 ext. 2", True),
        ("400-800-1234 转 2", True),
        ("ext. 2", False),
    ],
)
def test_looks_like_phone(text: str, expected: bool) -> None:
    assert looks_like_phone(text) is expected


def test_400_numbers_are_chinese_whatever_the_default_region() -> None:
    assert parse_phone("400-800-1234", "US").normalized == "+864008001234"
    assert parse_phone("800 555 1234", "US").normalized == "+18005551234"
