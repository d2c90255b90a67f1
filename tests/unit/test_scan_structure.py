"""Message rules (issue 14): evidence spread over a whole message and its channels, and the
reply's order. Each case has a benign twin that must stay clear."""

from __future__ import annotations

import pytest

from verifier.scan.hosts import is_free_host
from verifier.scan.scanner import scan
from verifier.scan.structure import message_rules

FLAGGED = ("high", "medium")


def codes(text: str) -> set[str]:
    return {p.code for p in scan(text).patterns}


@pytest.mark.parametrize(
    ("link", "free"),
    [
        ("crypto-onlinrectifications.web.app", True),
        ("https://forms.gle/xABEcR5MwDBJAm1c6", True),
        ("dapps-support.pages.dev/x", True),
        ("docs.google.com/forms/d/e/1/viewform", True),
        ("docs.google.com/document/d/1", False),
        ("s3.ap-south-1.amazonaws.com/bucket/x.html", True),
        ("metamask.io", False),
        ("notweb.app.example.com", False),
        ("web.app.evil.com", False),
    ],
)
def test_free_hosting_list(link: str, free: bool) -> None:
    assert is_free_host(link) is free


def test_support_ticket_on_free_host_is_high_without_any_wallet_word() -> None:
    text = "We'd be happy to look into this for you.\nKindly file a support ticket here\nhttps://forms.gle/xABEcR5MwDBJAm1c6"
    result = scan(text)
    assert result.risk == "high"
    assert "off_platform.free_host_support" in {p.code for p in result.patterns}


def test_markdown_link_text_to_free_host() -> None:
    text = "A support ticket has been opened for you. Talk to Support on the [Live support page](https://rectify-desk.web.app/)"
    assert "off_platform.free_host_support" in codes(text)


def test_free_host_without_support_words_and_warning_stay_clear() -> None:
    assert scan("My demo is deployed at https://my-game.vercel.app, feedback welcome").risk not in FLAGGED
    warning = (
        "Beware: this man sent me to https://dappscustomersupport.web.app/ for support and looted my wallet."
    )
    assert "off_platform.free_host_support" not in codes(warning)


def test_gmail_support_team() -> None:
    text = "Hello @someone kindly send an email to ( wallet.support.desk@gmail.com ) for quick help"
    assert "off_platform.freemail_support" in codes(text)
    assert "off_platform.freemail_support" not in codes("I reproduced it, my email is dev.person@gmail.com")


def test_bare_wallet_phone_line_says_no_listed_wallet_has_one() -> None:
    text = "Defi Wallet support provides customer chat ☎️1*(888) 731-6334 to address user queries."
    result = scan(text)
    assert result.risk == "high"
    found = [p for p in result.patterns if p.code == "farm.wallet_phone_line"]
    assert found and "no wallet in the verified list publishes a phone support line" in found[0].message
    assert "+18887316334" in {c.normalized for c in result.channels}


def test_phone_without_wallet_context_is_not_a_wallet_line() -> None:
    assert "farm.wallet_phone_line" not in codes("Call our office at +1 415 555 0100 about the lease.")


def test_recovery_testimonial_across_sentences() -> None:
    text = (
        "I lost $80,000 to a fake trading site and thought it was gone. "
        "Weeks later I came across a team of specialists. They were quick."
    )
    assert "recovery.story" in codes(text)
    assert scan(text).risk == "high"


def test_victim_report_without_rescuer_is_not_a_testimonial() -> None:
    assert "recovery.story" not in codes("I lost my funds to this site yesterday, I am reporting it here.")


def test_sms_vishing() -> None:
    assert (
        scan("Your BINANCE withdrawal code is 123456. If this was NOT you, call +1-XXX immediately.").risk
        == "high"
    )
    news = "Scammers send texts saying that if this was not you, you should call a number; do not call it."
    assert scan(news).risk not in FLAGGED


def test_chinese_support_channel_needs_a_wallet() -> None:
    assert scan("- 在线客服:通过TP钱包的应用内,用户可以直接找到在线客服的入口,进行实时咨询。").risk in FLAGGED
    assert scan("登录币安APP,点击【联系客服】,即可与客服人员实时文字沟通。").risk not in FLAGGED


def test_message_rules_load_with_known_term_sets() -> None:
    loaded = message_rules()
    assert {r.rule.code for r in loaded} >= {
        "off_platform.free_host_support",
        "off_platform.freemail_support",
        "farm.wallet_phone_line",
        "recovery.story",
    }
    for rule in loaded:
        assert rule.rule.source.strip() and rule.when


def test_reply_names_most_severe_first_and_every_high() -> None:
    text = (
        "Act now, your account will be suspended within 24 hours. "
        "Download AnyDesk and give me the code. Send me your seed phrase to verify. "
        "Pay a 0.05 ETH unlock fee first."
    )
    result = scan(text)
    highs = [p for p in result.patterns if p.severity == "high"]
    assert len(highs) >= 2
    reply = result.reply.lower()
    seed, urgency = reply.find("recovery phrase"), reply.find("deadline")
    assert seed >= 0
    assert urgency < 0 or seed < urgency


def test_no_wallet_in_the_shipped_list_publishes_a_phone_line() -> None:
    # farm.wallet_phone_line says so in its message: it must stay true of the shipped list.
    from verifier.allowlist.store import default_allowlist
    from verifier.model import ChannelKind

    allowlist = default_allowlist()
    assert allowlist.brands
    for brand in allowlist.brands.values():
        assert not [e for e in brand.entries if e.kind is ChannelKind.PHONE], brand.id


@pytest.mark.parametrize(
    "text",
    [
        "Exodus wallet support number +1 ⇄ 855 ⇄ 442 ⇄ 7794, call now",
        "Rabby Wallet customer service .(650).239.5384 24/7",
        "TronLink wallet support 1 8 8 8 7 3 1 6 3 3 4",
        "Blockchain wallet helpline 8OO-555-O199",
        "Defi Wallet support ☎️1*(888) 731-6334",
    ],
)
def test_disguised_phone_digits_offered_as_wallet_support(text: str) -> None:
    result = scan(text)
    assert result.risk == "high"
    assert "farm.wallet_phone_line" in {p.code for p in result.patterns}


@pytest.mark.parametrize(
    "text",
    [
        "My wallet support ticket from 2024-01-05 was closed in version 1.2.3.4567",
        "wallet support issue: tx 12345678901234 failed",
        "wallet support: I sent 0.000 000 000 1 ETH",
    ],
)
def test_numbers_that_are_not_phones_stay_clear(text: str) -> None:
    assert "farm.wallet_phone_line" not in codes(text)


def test_maintainer_reply_addressing_a_user_and_brand_domain_address_is_not_flagged() -> None:
    # Issue 14: false alarms from maintainers' replies. "@user, ..." names who is answered, and
    # an address on the brand's own official domain is not a fake channel.
    text = "@NociremA for user issues, please send a ticket to support@metamask.io."
    assert scan(text).risk not in FLAGGED


def test_handle_offered_as_contact_is_still_a_channel() -> None:
    assert scan("Hello @victim, DM @metamask_helpdesk on Telegram to fix it").risk == "high"
    assert scan("contact @MetaMaskSupportDesk for help with your wallet").risk == "high"
