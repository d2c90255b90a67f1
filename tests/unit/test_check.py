"""Verdicts of verifier.check against the signed test allowlist (fictional brands)."""

from __future__ import annotations

import copy
import pickle
from dataclasses import FrozenInstanceError

import pytest

from verifier import Reason, Verdict, check
from verifier.allowlist.model import Allowlist
from verifier.errors import UnknownBrand
from verifier.messages import Lang, text


@pytest.mark.parametrize(
    ("value", "kwargs", "verdict", "brand", "matched"),
    [
        ("acmewallet.com", {}, "official", "acme", "acmewallet.com"),
        ("https://ACMEWALLET.COM./path?q=1", {}, "official", "acme", "acmewallet.com"),
        ("support.acmewallet.com", {}, "official", "acme", "acmewallet.com"),
        ("acmewallet[.]com", {"brand": "acme"}, "official", "acme", "acmewallet.com"),
        ("app.acme-shared.net", {}, "official", "acme", "app.acme-shared.net"),
        ("other.acme-shared.net", {}, "unknown", None, None),
        ("https://acmewallet.com@evil.com/", {}, "lookalike", "acme", "acmewallet.com"),
        ("https://acmewallet.com@evil.com/", {"brand": "acme"}, "lookalike", "acme", "acmewallet.com"),
        ("https://someone@evil.com/", {"brand": "acme"}, "not_official", "acme", None),
        ("help@acmewallet.com", {}, "official", "acme", "Help@acmewallet.com"),
        ("HELP@AcmeWallet.com", {"brand": "Acme Wallet"}, "official", "acme", "Help@acmewallet.com"),
        ("billing@acmewallet.com", {}, "not_official", "acme", None),
        ("acme-billing@acmewallet.com", {}, "not_official", "acme", None),
        ("acme.support@gmail.com", {"brand": "acme"}, "lookalike", "acme", "Help@acmewallet.com"),
        ("jane.doe@gmail.com", {"brand": "acme"}, "not_official", "acme", None),
        ("jane.doe@gmail.com", {}, "unknown", None, None),
        ("t.me/acmewallet_official", {}, "official", "acme", "telegram:@AcmeWallet_Official"),
        ("@AcmeWallet_Official", {"platform": "tg"}, "official", "acme", "telegram:@AcmeWallet_Official"),
        ("@AcmeWallet_Official", {}, "unknown", "acme", "telegram:@AcmeWallet_Official"),
        (
            "@AcmeWallet_Support",
            {"platform": "telegram", "brand": "acme"},
            "lookalike",
            "acme",
            "telegram:@AcmeWallet_Official",
        ),
        ("@SomeoneElse", {"platform": "telegram", "brand": "acme"}, "not_official", "acme", None),
        ("discord.gg/AbCdEf12", {}, "official", "acme", "discord:@AbCdEf12"),
        ("discord.gg/abcdef12", {}, "lookalike", "acme", "discord:@AbCdEf12"),
        ("discord.gg/Zz9Yy8Xx", {}, "unknown", None, None),
        ("+1 855 699 8683", {}, "official", "zeta", "+1 855 699 8683"),
        ("8556998683", {"brand": "zeta"}, "official", "zeta", "+1 855 699 8683"),
        ("+1 855 699 8683", {"brand": "acme"}, "not_official", "acme", None),
        ("+86 400-800-1234", {"brand": "阿克米钱包"}, "not_official", "acme", None),
        ("400 800 1234", {}, "unknown", None, None),
        ("+1 562 473 3934", {}, "known_scam", "acme", None),
        ("acme-wallet-help.com", {"brand": "zeta"}, "known_scam", "acme", None),
        ("zeta.exchange", {"brand": "acme"}, "not_official", "acme", None),
        ("@@@", {}, "invalid", None, None),
        ("", {}, "invalid", None, None),
        ("x" * 5000, {}, "invalid", None, None),
        ("13800138000", {}, "invalid", None, None),
    ],
)
def test_verdicts(
    allowlist: Allowlist,
    value: str,
    kwargs: dict[str, str],
    verdict: str,
    brand: str | None,
    matched: str | None,
) -> None:
    result = check(value, allowlist=allowlist, **kwargs)
    assert (result.verdict.value, result.brand, result.matched) == (verdict, brand, matched)
    assert (result.technique is None) == (verdict != "lookalike")
    assert result.reasons, "every verdict carries at least one reason"


def test_no_phone_support_reason_names_the_evidence(allowlist: Allowlist) -> None:
    result = check("+86 138 0013 8000", brand="acme", allowlist=allowlist)
    codes = [r.code for r in result.reasons]
    assert codes[0] == "phone.no_phone_support"
    assert "https://acme-wallet.test/no-phone" in result.reasons[0].message
    assert "phone.number_type" in codes


def test_phone_without_plus_uses_brand_region(allowlist: Allowlist) -> None:
    assert check("138 0013 8000", brand="acme", allowlist=allowlist).normalized == "+8613800138000"
    assert check("855 699 8683", brand="zeta", allowlist=allowlist).normalized == "+18556998683"


def test_other_brand_official_value_is_named(allowlist: Allowlist) -> None:
    result = check("zeta.exchange", brand="acme", allowlist=allowlist)
    assert result.reasons[0].code == "not_official.other_brand"
    assert "Zeta Exchange" in result.reasons[0].message


def test_userinfo_trick_is_explained(allowlist: Allowlist) -> None:
    result = check("https://acmewallet.com@evil.com/", brand="acme", allowlist=allowlist)
    assert [r.code for r in result.reasons][:2] == ["lookalike.userinfo", "url.userinfo"]
    assert result.technique == "userinfo"
    assert result.normalized == "evil.com"


def test_free_mail_is_its_own_reason(allowlist: Allowlist) -> None:
    result = check("jane.doe@gmail.com", brand="acme", allowlist=allowlist)
    assert "email.free_mail" in [r.code for r in result.reasons]


def test_messages_in_chinese(allowlist: Allowlist) -> None:
    result = check("+86 400-800-1234", brand="acme", lang="zh", allowlist=allowlist)
    assert "根本没有电话客服" in result.reasons[0].message
    official = check("acmewallet.com", lang="zh-CN", allowlist=allowlist)
    assert "官方网站" in official.reasons[0].message


def test_unknown_brand_raises(allowlist: Allowlist) -> None:
    with pytest.raises(UnknownBrand, match="known: acme, zeta"):
        check("acmewallet.com", brand="nope", allowlist=allowlist)


def test_unverified_allowlist_never_reports_official(allowlist: Allowlist) -> None:
    unverified = Allowlist.from_signed(
        {
            "version": 5,
            "expires": "2099-01-01T00:00:00Z",
            "brands": {b: _spec(allowlist, b) for b in allowlist.brands},
        },
        verified=False,
        problem="test",
    )
    result = check("acmewallet.com", allowlist=unverified)
    assert result.verdict is Verdict.UNKNOWN
    assert result.allowlist.verified is False
    assert result.reasons[-1].code == "allowlist.unverified" or "allowlist.unverified" in [
        r.code for r in result.reasons
    ]


def _spec(allowlist: Allowlist, brand_id: str) -> dict[str, object]:
    brand = allowlist.brands[brand_id]
    return {
        "name": brand.name,
        "domains": [
            {"value": e.value, "subdomains": e.subdomains} for e in brand.entries if e.kind.value == "url"
        ],
    }


def test_result_json_shape(allowlist: Allowlist) -> None:
    data = check("acmewallet.com", allowlist=allowlist).to_dict()
    assert list(data) == [
        "input",
        "kind",
        "normalized",
        "verdict",
        "brand",
        "matched",
        "technique",
        "reasons",
        "allowlist",
    ]
    assert data["allowlist"] == {"version": 5, "expires": "2027-12-01T00:00:00Z", "verified": True}
    assert data["reasons"][0]["code"] == "official.listed"


def test_reason_is_a_frozen_value_whatever_renders_its_message(allowlist: Allowlist) -> None:
    reason = check("evil.example", allowlist=allowlist, lang="zh").reasons[0]
    rendered = Reason(reason.code, text(reason.code, "zh", value="evil.example"))
    assert reason == rendered
    assert hash(reason) == hash(rendered)
    assert repr(reason) == repr(rendered) == f"Reason(code={reason.code!r}, message={reason.message!r})"
    assert reason.to_dict() == {"code": reason.code, "message": rendered.message}
    assert pickle.loads(pickle.dumps(reason)) == reason == copy.deepcopy(reason)
    assert reason != Reason(reason.code, "another message")
    with pytest.raises(FrozenInstanceError):
        reason.code = "x"  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del reason.message  # type: ignore[misc]


def test_reason_message_is_rendered_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import verifier.catalogue

    calls: list[tuple[str, str, dict[str, object]]] = []
    real = verifier.catalogue.text

    def text(code: str, lang: Lang, **params: object) -> str:
        calls.append((code, lang, params))
        return real(code, lang, **params)

    monkeypatch.setattr(verifier.catalogue, "text", text)
    reason = Reason.deferred("unknown.no_brand", "unknown.no_brand", "zh", {"value": "x.com"})
    assert not calls
    assert reason.message == real("unknown.no_brand", "zh", value="x.com") == reason.message
    assert calls == [("unknown.no_brand", "zh", {"value": "x.com"})]


@pytest.mark.parametrize(
    ("value", "kwargs", "verdict"),
    [
        ("acme-wallet-help.com", {}, "lookalike"),
        ("acme-wallet-help.com", {"brand": "zeta"}, "lookalike"),
        ("+1 562 473 3934", {}, "unknown"),
    ],
)
def test_use_denylist_false_judges_reported_fakes_by_resemblance_alone(
    allowlist: Allowlist, value: str, kwargs: dict[str, str], verdict: str
) -> None:
    assert check(value, allowlist=allowlist, **kwargs).verdict.value == "known_scam"
    result = check(value, allowlist=allowlist, use_denylist=False, **kwargs)
    assert result.verdict.value == verdict
    assert all(not r.code.startswith("known_scam") for r in result.reasons)
