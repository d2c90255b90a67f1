"""Ticket intake: tags, risk, reply and bounds, on the test allowlist (acme, zeta) and the shipped one."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import SignFn
from verifier import ScanTooLarge, UnknownBrand, load_allowlist, scan
from verifier.allowlist.model import Allowlist
from verifier.integrations import IntakeResult, InvalidTicket, TicketTooLarge, triage
from verifier.integrations.intake import (
    CATEGORY_TAGS,
    MAX_BODY_CHARS,
    MAX_REQUESTER_CHARS,
    MAX_SUBJECT_CHARS,
    TICKET_SEPARATOR,
    category_tag,
)
from verifier.scan.rules import CATEGORIES

TAG = re.compile(r"[a-z]+:[a-z0-9-]+")

# subject, body, the exact tags (risk first in reading, sorted in the result)
TICKETS = [
    (
        "Acme",
        "Hello, this is Acme Wallet support. Please send us your seed phrase so we can restore your wallet.",
        {"risk:high", "brand:acme", "scam:seed-phrase-request"},
    ),
    (
        "阿克米钱包",
        "您好，我是阿克米钱包客服，请提供您的助记词以便验证钱包。",
        {"risk:high", "brand:acme", "scam:seed-phrase-request"},
    ),
    (
        "Acme agent",
        "Please install AnyDesk so our Acme agent can fix your wallet.",
        {"risk:high", "brand:acme", "scam:remote-access"},
    ),
    ("Acme", "Go to acmewallet-support.com to continue.", {"risk:high", "brand:acme", "channel:lookalike"}),
    (
        "Acme",
        "The Acme help desk at acme-wallet-help.com asked me to log in.",
        {"risk:high", "brand:acme", "channel:known-scam"},
    ),
    (
        "Acme",
        "I called the Acme Wallet hotline +86 400 123 4567",
        {"risk:high", "brand:acme", "channel:not-official", "scam:false-support-claim"},
    ),
    (
        "Withdrawal",
        "Pay the unlock fee of 0.5 ETH to withdraw your Zeta funds.",
        {"risk:high", "brand:zeta", "scam:fee-request"},
    ),
    (
        "Acme",
        "Contact our Acme support on WhatsApp, urgent",
        {"risk:medium", "brand:acme", "scam:off-platform", "scam:urgency"},
    ),
    (
        "Stolen",
        "We can recover your stolen Acme funds, our recovery experts helped many victims.",
        {"risk:high", "brand:acme", "scam:recovery-offer"},
    ),
    (
        "Acme",
        "Your Acme wallet needs to be validated; connect your wallet at the Dapps portal to fix it.",
        {"risk:high", "brand:acme", "scam:fake-dapp"},
    ),
    (
        "Acme",
        "Keep this between us, do not tell anyone at Acme.",
        {"risk:medium", "brand:acme", "scam:secrecy"},
    ),
    # Nothing wrong: an official channel and an ordinary question.
    ("Acme", "Is acmewallet.com your website?", {"risk:none", "brand:acme"}),
    ("Export", "How do I export my transaction history from Acme Wallet?", {"risk:none", "brand:acme"}),
    ("", "", {"risk:none"}),
]


@pytest.mark.parametrize(("subject", "body", "tags"), TICKETS)
def test_tags_and_risk(allowlist: Allowlist, subject: str, body: str, tags: set[str]) -> None:
    result = triage(subject, body, allowlist=allowlist)
    assert set(result.tags) == tags
    assert len(result.tags) == len(set(result.tags)) and result.tags[0] == f"risk:{result.risk}"
    assert f"risk:{result.risk}" in result.tags
    assert all(TAG.fullmatch(tag) for tag in result.tags)


# requester, tags it adds, risk of an otherwise harmless ticket
REQUESTERS = [
    ("help@acme-wallet-help.com", {"requester:lookalike", "brand:acme"}, "high"),
    ("support@acmewallet-help.net", {"requester:lookalike", "brand:acme"}, "high"),
    ("acmewallet.support@gmail.com", {"requester:lookalike", "brand:acme"}, "high"),
    ("Acme Support <support@acmewallet-help.net>", {"requester:lookalike", "brand:acme"}, "high"),
    ("@AcmeWallet_Offical", {"requester:lookalike", "brand:acme"}, "high"),
    ("+1 562 473 3934", {"requester:known-scam", "brand:acme"}, "high"),
    # A customer's own address, an official one, nothing or noise: no signal.
    ("Ann <ann@example.com>", set(), "none"),
    ("ann@gmail.com", set(), "none"),
    ("Help@acmewallet.com", set(), "none"),
    ("not an address at all !!", set(), "none"),
    ("   ", set(), "none"),
    (None, set(), "none"),
]


@pytest.mark.parametrize(("requester", "added", "risk"), REQUESTERS)
def test_requester(allowlist: Allowlist, requester: str | None, added: set[str], risk: str) -> None:
    result = triage("Question", "How do I export my history?", requester, allowlist=allowlist)
    assert set(result.tags) == {f"risk:{risk}"} | added
    assert result.risk == risk
    # The requester shapes risk and tags, never the JSON's keys.
    assert set(result.to_dict()) == {"risk", "tags", "reply", "scan"}


def test_requester_is_checked_for_the_help_desk_brand(allowlist: Allowlist) -> None:
    result = triage("Question", "Hello", "ann@gmail.com", brand="acme", allowlist=allowlist)
    assert result.requester is not None
    assert result.requester.verdict.value == "not_official"  # true, and not worth a tag
    assert result.tags == ("risk:none", "brand:acme")


def test_to_dict_is_the_contract(allowlist: Allowlist) -> None:
    subject, body = "Acme refund", "Please send us your seed phrase. Visit acmewallet-support.com"
    result = triage(subject, body, "ann@example.com", lang="en", allowlist=allowlist)
    document = result.to_dict()
    assert list(document) == ["risk", "tags", "reply", "scan"]
    assert document["tags"] == list(result.tags)
    assert document["scan"] == scan(subject + TICKET_SEPARATOR + body, allowlist=allowlist).to_dict()
    assert json.loads(json.dumps(document, ensure_ascii=False)) == document
    assert isinstance(result, IntakeResult)


def test_spans_point_into_subject_separator_body(allowlist: Allowlist) -> None:
    subject, body = "Urgent", "The agent wrote: please send me your seed phrase."
    ticket = subject + TICKET_SEPARATOR + body
    spans = {p.category: p.span for p in triage(subject, body, allowlist=allowlist).scan.patterns}
    assert ticket[slice(*spans["urgency"])] == "Urgent"
    start, end = spans["secret_request"]
    assert start >= len(subject + TICKET_SEPARATOR)
    assert "seed" in ticket[start:end]
    assert ticket[start:end] in body


# subject, body, lang asked for, lang of the reply, its greeting, a word of the warning
LANGUAGES = [
    ("Acme", "Please send us your seed phrase.", None, "en", "Hello,", "recovery phrase"),
    ("阿克米钱包", "请提供您的助记词以便验证钱包。", None, "zh", "您好，", "助记词"),
    ("阿克米钱包", "请提供您的助记词以便验证钱包。", "en", "en", "Hello,", "recovery phrase"),
    ("Acme", "Please send us your seed phrase.", "zh-CN", "zh", "您好，", "助记词"),
    ("", "acmewallet-support.com", None, "en", "Hello,", "acmewallet-support.com"),
]


@pytest.mark.parametrize(("subject", "body", "lang", "replied_in", "greeting", "word"), LANGUAGES)
def test_reply_language(
    allowlist: Allowlist, subject: str, body: str, lang: str | None, replied_in: str, greeting: str, word: str
) -> None:
    result = triage(subject, body, lang=lang, allowlist=allowlist)
    assert result.lang == replied_in
    assert result.reply.startswith(greeting)
    assert word in result.reply
    assert result.reply.endswith(result.scan.reply)


def test_every_scan_category_has_its_own_tag() -> None:
    assert set(CATEGORY_TAGS) == CATEGORIES
    assert len(set(CATEGORY_TAGS.values())) == len(CATEGORY_TAGS)
    assert all(TAG.fullmatch(tag) and tag.startswith("scam:") for tag in CATEGORY_TAGS.values())


@pytest.mark.parametrize(
    ("category", "tag"),
    [
        ("secret_request", "scam:seed-phrase-request"),
        ("remote_access", "scam:remote-access"),
        ("a_new_category", "scam:a-new-category"),
    ],
)
def test_category_tag(category: str, tag: str) -> None:
    assert category_tag(category) == tag


# field, its limit
BOUNDS = [("subject", MAX_SUBJECT_CHARS), ("body", MAX_BODY_CHARS), ("requester", MAX_REQUESTER_CHARS)]


@pytest.mark.parametrize(("field", "limit"), BOUNDS)
def test_fields_are_bounded(allowlist: Allowlist, field: str, limit: int) -> None:
    fields = {"subject": "s", "body": "b", "requester": None}
    triage(**{**fields, field: "a" * limit}, allowlist=allowlist)  # type: ignore[arg-type]
    with pytest.raises(TicketTooLarge) as raised:
        triage(**{**fields, field: "a" * (limit + 1)}, allowlist=allowlist)  # type: ignore[arg-type]
    assert raised.value.field == field
    assert isinstance(raised.value, ScanTooLarge)
    assert isinstance(raised.value, ValueError)
    assert f"ticket's {field} is too long ({limit + 1} characters; at most {limit})" in str(raised.value)


@pytest.mark.parametrize("field", ["subject", "body", "requester"])
def test_fields_must_be_text(allowlist: Allowlist, field: str) -> None:
    fields: dict[str, object] = {"subject": "s", "body": "b", "requester": None, field: 42}
    with pytest.raises(InvalidTicket, match=f"ticket's {field} must be text"):
        triage(**fields, allowlist=allowlist)  # type: ignore[arg-type]


def test_unknown_brand_is_a_value_error(allowlist: Allowlist) -> None:
    with pytest.raises(UnknownBrand) as raised:
        triage("s", "b", brand="no-such-wallet", allowlist=allowlist)
    assert isinstance(raised.value, ValueError)


def test_unverified_allowlist_is_tagged(sign_bundle: SignFn, tmp_path: Path) -> None:
    # Signed by test keys the shipped root does not trust: loaded, but not verified.
    bundle = tmp_path / "allowlist.json"
    bundle.write_bytes(sign_bundle(0, 1))
    unverified = load_allowlist(bundle)
    assert not unverified.verified
    result = triage("Acme", "Is acmewallet.com your website?", allowlist=unverified)
    assert "allowlist:unverified" in result.tags
    assert all(c.verdict.value != "official" for c in result.scan.channels)


# The acceptance case, on the shipped allowlist: a pasted seed-phrase request.
SHIPPED = [
    (
        "My TokenPocket wallet",
        "Hi, I'm from TokenPocket support. To unfreeze your wallet, send me your 12-word seed phrase.",
        "en",
    ),
    ("TP钱包被冻结", "您好，我是TP钱包官方客服，请把您的助记词发给我，帮您解冻钱包。", "zh"),
]


@pytest.mark.parametrize(("subject", "body", "lang"), SHIPPED)
def test_seed_phrase_request_is_high_risk_with_the_shipped_allowlist(
    subject: str, body: str, lang: str
) -> None:
    result = triage(subject, body)
    assert result.risk == "high"
    assert {"risk:high", "scam:seed-phrase-request", "brand:tokenpocket"} <= set(result.tags)
    assert result.lang == lang


def test_tags_most_severe_first() -> None:
    # Issue 14: a seed-phrase request is named before the urgency around it.
    result = triage("Urgent", "Act now within 24 hours or lose access. Send me your seed phrase to verify.")
    scam_tags = [t for t in result.tags if t.startswith("scam:")]
    assert result.tags[0] == "risk:high"
    assert scam_tags and scam_tags[0] == category_tag("secret_request")
    assert scam_tags.index(category_tag("secret_request")) < len(scam_tags)
    assert category_tag("urgency") not in scam_tags or scam_tags.index(category_tag("urgency")) > 0
