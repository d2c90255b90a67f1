"""Lookalike detection on the shipped allowlist: techniques, imitated channel, false alarms."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verifier import Verdict, check
from verifier.allowlist.model import Allowlist
from verifier.allowlist.store import default_allowlist, shipped_bundle_bytes
from verifier.allowlist.trust import parse_bundle
from verifier.channels import parse_channel
from verifier.errors import InvalidChannel
from verifier.lookalike import domains, find_lookalike, index_for
from verifier.lookalike.domains import max_typo_distance
from verifier.lookalike.skeleton import skeleton, skeleton_by_steps
from verifier.lookalike.words import only_keywords


@pytest.mark.parametrize(
    ("value", "kwargs", "technique", "matched"),
    [
        ("tokenpocket-support.com", {}, "combosquat", "tokenpocket.pro"),
        ("support-tokenpocket.net", {}, "combosquat", "tokenpocket.pro"),
        ("tokenpocket-kefu.cn", {}, "combosquat", "tokenpocket.pro"),
        ("okx-support.com", {}, "combosquat", "okx.com"),
        ("metamask-io.com", {}, "combosquat", "metamask.io"),
        # look-alike letters inside a combosquat: same skeleton as the brand, not the brand as written
        ("t0kenpocket-kefu.com", {}, "combosquat", "tokenpocket.pro"),
        ("rnetarnask-support.com", {}, "combosquat", "metamask.io"),
        ("c0inbase-help.net", {}, "combosquat", "coinbase.com"),
        ("1edger-help.com", {}, "combosquat", "ledger.com"),
        # ... and glued to the keywords, found by skeleton and mapped back to the letters written
        ("t0kenpocketkefu.com", {}, "combosquat", "tokenpocket.pro"),
        ("rnetarnaskhelp.net", {}, "combosquat", "metamask.io"),
        ("supportc0inbase.com", {}, "combosquat", "coinbase.com"),
        ("tokenpocket.pro.verify-wallet.xyz", {}, "subdomain", "tokenpocket.pro"),
        ("tokenpocket.evil.xyz", {}, "subdomain", "tokenpocket.pro"),
        ("tokenpocket.vip", {}, "tld-swap", "tokenpocket.pro"),
        ("metamask.site", {}, "tld-swap", "metamask.io"),
        ("xn--tokenpocet-cui.pro", {}, "homoglyph", "tokenpocket.pro"),
        ("tokenpocкet.pro", {}, "homoglyph", "tokenpocket.pro"),
        ("xn--metamsk-6fg.io", {}, "homoglyph", "metamask.io"),
        ("rnetamask.io", {}, "homoglyph", "metamask.io"),
        ("t0kenpocket.pro", {}, "homoglyph", "tokenpocket.pro"),
        ("metamsk.io", {}, "typo", "metamask.io"),
        ("tokenpcoket.pro", {}, "typo", "tokenpocket.pro"),
        ("trustwalet.com", {}, "typo", "trustwallet.com"),
        ("uokenpocket.pro", {}, "bitsquat", "tokenpocket.pro"),
        ("https://tokenpocket.pro@evil.example/", {}, "userinfo", "tokenpocket.pro"),
        ("tokenpocket.support@gmail.com", {}, "freemail-brand", "service@tokenpocket.pro"),
        ("service@tokenpocket-help.com", {}, "combosquat", "tokenpocket.pro"),
        ("@TokenPocket_Support", {"platform": "telegram"}, "handle-variant", "telegram:@tokenPocket_en"),
        ("TronLinkHelp", {"platform": "x"}, "handle-variant", "x:@TronLinkWallet"),
        ("@Tr0nLinkWallet", {"platform": "x"}, "homoglyph", "x:@TronLinkWallet"),
        ("@TronLink_Wallet", {"platform": "x"}, "handle-variant", "x:@TronLinkWallet"),
        ("t.me/tokenpocket_cn", {}, "typo", "telegram:@tokenPocket_en"),
        ("t.me/TokenPocket_Help_Desk", {}, "handle-variant", "telegram:@tokenPocket_en"),
    ],
)
def test_lookalikes(value: str, kwargs: dict[str, str], technique: str, matched: str) -> None:
    result = check(value, use_denylist=False, **kwargs)  # resemblance alone: some are on a feed too
    assert (result.verdict, result.technique, result.matched) == (Verdict.LOOKALIKE, technique, matched)
    assert result.reasons[0].code == f"lookalike.{technique}"


@pytest.mark.parametrize(
    "value",
    [
        "google.com",
        "pocket.com",
        "ledger-accounting.org",
        "1edger-accounting.org",
        "1edgeraccounting.org",
        "rnodern-wallet.com",
        "modernwallet.com",
        "trustpilot.com",
        "phantomjs.org",
        "safe.global",
        "tokenterminal.com",
        "github.com",
        "wikipedia.org",
        "coinmarketcap.com",
        "okta.com",
        "bookx.com",
        "ledgerinsights.com",
        "metaverse.com",
        "basecamp.com",
        "jane.doe@gmail.com",
        "support@zendesk.com",
    ],
)
def test_ordinary_domains_are_not_lookalikes(value: str) -> None:
    assert check(value).verdict is Verdict.UNKNOWN


@pytest.mark.parametrize(
    "value", ["tokenpocket.pro", "help.tokenpocket.pro", "t.me/tokenPocket_en", "metamask.io"]
)
def test_official_values_are_never_lookalikes(value: str) -> None:
    assert check(value).verdict is Verdict.OFFICIAL


def test_cyrillic_handle_on_an_ascii_only_platform_is_invalid() -> None:
    assert check("TokenPocket_ТР", platform="x").verdict is Verdict.INVALID


def test_lookalike_verdict_names_the_imitated_brand_even_with_another_brand_claimed() -> None:
    result = check("metamask-support.com", brand="tokenpocket")
    assert (result.verdict, result.brand, result.matched) == (Verdict.LOOKALIKE, "metamask", "metamask.io")


def test_chinese_lookalike_message() -> None:
    result = check("tokenpocket-support.com", lang="zh")
    assert "冒充官方" in result.reasons[0].message
    assert "tokenpocket.pro" in result.reasons[0].message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tokenpocket", "tokenpocket"),
        ("rnetamask", "rnetarnask"),
        ("metamask", "rnetarnask"),
        ("T0KENPOCKET", "tokenpocket"),
        ("tokenpocкet", "tokenpocket"),
        ("lédger", "ledger"),
        ("1edger", "ledger"),
    ],
)
def test_skeleton(text: str, expected: str) -> None:
    assert skeleton(text) == expected == skeleton_by_steps(text)


# Letters with marks, confusables, case pairs, Hangul, combining marks alone.
_SKELETON_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from("aàáâãäåeéèëoöøIl1|0OmrnКкаеоріѕßẞſİıǅΣσς\u0301\u0308\u0327\u05b4가각ᄀ"),
    ),
    max_size=12,
)


@settings(max_examples=1500, deadline=None)
@given(_SKELETON_TEXT)
def test_skeleton_is_the_stepwise_definition(text: str) -> None:
    # The fast skeleton maps character by character; the definition runs its steps on the string.
    assert skeleton(text) == skeleton_by_steps(text)


@pytest.mark.parametrize(("length", "distance"), [(3, 0), (4, 0), (5, 1), (8, 1), (9, 2), (20, 2)])
def test_typo_tolerance_scales_with_length(length: int, distance: int) -> None:
    assert max_typo_distance(length) == distance


@pytest.mark.parametrize(
    ("rest", "expected"),
    [
        ("-support", True),
        ("officialsupport", True),
        ("help24", True),
        ("-kefu-", True),
        ("-accounting", False),
        ("pilot", False),
        ("", True),
    ],
)
def test_only_keywords(rest: str, expected: bool) -> None:
    assert only_keywords(rest) is expected


def test_index_is_built_once_per_allowlist() -> None:
    allowlist = default_allowlist()
    assert index_for(allowlist) is index_for(allowlist)


_HOSTISH = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyz0123456789-.кеоаТР" + "токенпокет", min_size=1, max_size=40
)


@settings(max_examples=300, deadline=None)
@given(_HOSTISH, st.sampled_from(["com", "pro", "io", "xyz", "co.uk"]))
def test_find_lookalike_is_total(label: str, suffix: str) -> None:
    try:
        channel = parse_channel(f"{label}.{suffix}", "url")
    except InvalidChannel:
        return
    look = find_lookalike(default_allowlist(), channel)
    assert look is None or look.technique in {
        "homoglyph",
        "typo",
        "bitsquat",
        "combosquat",
        "subdomain",
        "tld-swap",
        "userinfo",
    }


# Hosts whose fuzzy answer depends on the search path: typos, look-alike letters beyond the
# skeleton table (small-capital M), and a name equally near two officials.
FUZZY_HOSTS = [
    "metamsk.io",
    "tokenpcoket.pro",
    "trustwalet.com",
    "xn--netaask-0z1c.io",  # netaᴍask.io: two edits, judged by the skeleton's tolerance
    "xn--metamsk-6fg.io",
    "uokenpocket.pro",
    "ledgre.com",
    "safepall.io",
    "google.com",
    "pocket.com",
]


@pytest.mark.parametrize("value", FUZZY_HOSTS)
def test_the_deletion_index_finds_what_the_scan_finds(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past SCAN_LIMIT official names the deletion index replaces the rapidfuzz scan: same answers."""
    signed = parse_bundle(shipped_bundle_bytes())["signed"]
    answers = []
    for limit in (10_000, 0):  # everything scanned; everything through the index
        monkeypatch.setattr(domains, "SCAN_LIMIT", limit)
        allowlist = Allowlist.from_signed(signed, verified=True)
        result = check(value, allowlist=allowlist)
        answers.append((result.verdict, result.matched, result.technique))
    assert answers[0] == answers[1]


# ------------------------------------------------------------------------------------------------
# Issue 13: what real phishing writes, and the legitimate names beside it.


@pytest.mark.parametrize(
    ("value", "brand", "technique"),
    [
        # the brand in a subdomain of a platform where anyone can make one
        ("metamask-extn.gitbook.io", "metamask", "hosting"),
        ("phantm-wallit.godaddysites.com", "phantom", "hosting"),
        ("phantom-rpc.pages.dev", "phantom", "hosting"),
        ("meta-mask-reward.web.app", "metamask", "hosting"),
        ("metamskiwallat.gitbook.io", "metamask", "hosting"),
        # the brand inside a subdomain of an unrelated site
        ("coinbase-com.tintcrete.com", "coinbasewallet", "embedded"),
        ("ledger.updater-firmware.com", "ledger", "embedded"),
        # short or dictionary-word brands with crypto context, as a whole piece, at a piece start
        ("ledger-application.com", "ledger", "combosquat"),
        ("okxlabs.co", "okxwallet", "combosquat"),
        ("phantomsol.com", "phantom", "combosquat"),
        ("onchain-phantom-restore.com", "phantom", "combosquat"),
        ("nl-ledger.com", "ledger", "combosquat"),
        ("promo-okx.com", "okxwallet", "combosquat"),
        # misspelt brand plus words
        ("community-metamesk.com", "metamask", "combosquat"),
        ("air-binanze.sbs", "binance", "combosquat"),
        ("colnbase-supports.com", "coinbasewallet", "combosquat"),
        ("imtokem.bond", "imtoken", "combosquat"),
        # glued after letters, split by hyphens
        ("web3ledgerconnectvault.com", "ledger", "combosquat"),
        ("meta-mask-official.com", "metamask", "combosquat"),
        ("token-pocket-support.com", "tokenpocket", "combosquat"),
        ("im-token.com", "imtoken", "combosquat"),
    ],
)
def test_real_phishing_shapes(value: str, brand: str, technique: str) -> None:
    result = check(value, use_denylist=False)
    assert (result.verdict, result.brand, result.technique) == (Verdict.LOOKALIKE, brand, technique)


@pytest.mark.parametrize(
    "value",
    [
        "1911trust.com",
        "gettrust.com",
        "trusthub.com",
        "enledger.com",
        "ledgerx.com",
        "metacask.io",
        "metatask.io",
        "metamusk.io",
        "bitnet.io",
        "token.ro",
        "bookx.com",
        "cryptofinance.ai",
        "gravityledger.com",
        "blackphantom.de",
        "ledger-accounting.org",
        "tresor.io",
    ],
)
def test_names_real_phishing_resembles_but_are_not_lookalikes(value: str) -> None:
    assert check(value, use_denylist=False).verdict is Verdict.UNKNOWN


@pytest.mark.parametrize(
    ("value", "technique", "en", "zh"),
    [
        (
            "metamask-extn.gitbook.io",
            "hosting",
            "free hosting platform where anyone can make a subdomain",
            "托管平台",
        ),
        ("coinbase-com.tintcrete.com", "embedded", "name inside another site's address", "另一个网站的地址"),
    ],
)
def test_reasons_name_the_technique_plainly_in_both_languages(
    value: str, technique: str, en: str, zh: str
) -> None:
    english, chinese = check(value), check(value, lang="zh")
    assert english.technique == chinese.technique == technique
    assert en in english.reasons[0].message
    assert zh in chinese.reasons[0].message
    assert english.reasons[0].code == chinese.reasons[0].code == f"lookalike.{technique}"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("metamask-helpdesk-kefu.com", "metamask"),
        ("rnetamask-support.com", "rnetamask"),
        ("x.metamasksupport.help", "metamask"),
        ("t.me/MetaMask_Support", "MetaMask"),
        ("metamsk-wallet.gitbook.io", "metamsk"),
        ("m\u00e9tamask-support.com", "m\u00e9tamask"),  # look-alike letters: shown, not 'rnetarnask'
        ("tokenpoc\u043aet-kefu.com", "tokenpoc\u043aet"),
        ("m\u0435tamsk-support.com", "m\u0435tamsk"),
    ],
)
def test_reasons_show_the_letters_as_written_never_a_skeleton(value: str, written: str) -> None:
    for lang in ("en", "zh"):
        message = check(value, lang=lang).reasons[0].message
        assert "rnetarnask" not in message and "rnetamask-support" not in message.replace(value, "")
    assert f"'{written}'" in check(value).reasons[0].message


@pytest.mark.parametrize(
    ("value", "brand"), [("x.com/TrustWallet", "trustwallet"), ("t.me/metamask", "metamask")]
)
def test_the_brands_own_name_where_it_lists_no_account_is_not_official(value: str, brand: str) -> None:
    for lang in ("en", "zh"):
        result = check(value, lang=lang)
        assert (result.verdict, result.brand, result.matched, result.technique) == (
            Verdict.NOT_OFFICIAL,
            brand,
            None,
            None,
        )
        assert result.reasons[0].code == "not_official.same_name"
    assert "same name as the brand, not in its verified list" in check(value).reasons[0].message


def test_a_handle_without_a_platform_is_not_compared_with_one_platforms_account() -> None:
    result = check("@TokenPocket_Support")
    assert result.verdict is Verdict.LOOKALIKE
    assert result.matched is not None and ":" not in result.matched  # the brand's domain, no account
    assert "facebook" not in result.reasons[0].message
    on_telegram = check("@TokenPocket_Support", platform="telegram")
    assert on_telegram.matched is not None and on_telegram.matched.startswith("telegram:")


@pytest.mark.parametrize(
    ("value", "verdict"),
    [
        ("app-token.im", Verdict.LOOKALIKE),  # the brand's own short name on its own ending
        ("token0.im", Verdict.LOOKALIKE),  # a digit added makes no other word
        ("ledger1.com", Verdict.LOOKALIKE),
        ("enledger.com", Verdict.UNKNOWN),  # two letters are not keywords enough
        ("tokens.im", Verdict.UNKNOWN),  # a letter added to a dictionary word: another word
    ],
)
def test_dictionary_word_domains_of_a_brand(value: str, verdict: Verdict) -> None:
    assert check(value, use_denylist=False).verdict is verdict


@pytest.mark.parametrize(
    ("value", "verdict"),
    [
        ("leedger.io", Verdict.LOOKALIKE),  # a dictionary-word brand of six letters misspelt anywhere
        ("phanton.app", Verdict.LOOKALIKE),
        ("hedger.io", Verdict.UNKNOWN),  # an ordinary word one letter away
        ("ledges.net", Verdict.UNKNOWN),
        ("tokem.com", Verdict.UNKNOWN),  # five letters: only on the official ending
    ],
)
def test_misspelt_dictionary_word_brands(value: str, verdict: Verdict) -> None:
    assert check(value, use_denylist=False).verdict is verdict
