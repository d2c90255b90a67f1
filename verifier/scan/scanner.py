"""``scan``: the channels, brand mentions and scam patterns in a whole text, an overall risk
and a reply a bot can send."""

from __future__ import annotations

import gc
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from operator import itemgetter
from typing import Any

from verifier.allowlist.model import Allowlist, Brand
from verifier.allowlist.store import default_allowlist
from verifier.checker import check
from verifier.errors import InvalidChannel, VerifierError
from verifier.messages import Lang, normalize_lang, text
from verifier.model import ChannelKind, CheckResult, Verdict
from verifier.scan.clauses import RuleScan
from verifier.scan.disguised import disguised_pairs, opens_elsewhere
from verifier.scan.extract import Found, extract_channels
from verifier.scan.hosts import contact_tags, markdown_support_link
from verifier.scan.html import html_to_text
from verifier.scan.mentions import brand_mentions
from verifier.scan.model import scam_like, shipped_model
from verifier.scan.normalize import normalize, without_surrogates
from verifier.scan.placement import excerpt
from verifier.scan.rules import PatternMatch, rule_scan
from verifier.scan.structure import frame_cues, message_matches

MAX_SCAN_CHARS = 2_000_000
_RISK_ORDER = ("none", "low", "medium", "high")
# The order findings are named in a reply: what takes the funds first, pressure last.
_CATEGORY_ORDER = {
    category: i
    for i, category in enumerate([
        "secret_request", "remote_access", "fee_request", "fake_dapp", "disguised_link", "recovery_offer",
        "off_platform", "content_farm_claim", "secrecy", "urgency",
    ])
}  # fmt: skip


class ScanTooLarge(VerifierError, ValueError):
    """The text is longer than ``MAX_SCAN_CHARS`` (or a subclass's own bound).

    ``size`` is its length and ``limit`` the bound, both in characters, so a caller can
    say it again in another language (the message is English).
    """

    def __init__(self, message: str, *, size: int, limit: int) -> None:
        super().__init__(message)
        self.size = size
        self.limit = limit


@dataclass(frozen=True, slots=True)
class PatternFinding:
    """One scam pattern found in the text, with its message in the chosen language."""

    category: str
    code: str
    severity: str
    span: tuple[int, int]
    excerpt: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "code": self.code,
            "severity": self.severity,
            "span": list(self.span),
            "excerpt": self.excerpt,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class ScanResult:
    """What ``scan`` found; ``to_dict()`` is the JSON contract of DESIGN.md."""

    risk: str
    channels: tuple[CheckResult, ...]
    patterns: tuple[PatternFinding, ...]
    brands: tuple[str, ...]
    reply: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "risk": self.risk,
            "channels": [c.to_dict() for c in self.channels],
            "patterns": [p.to_dict() for p in self.patterns],
            "brands": list(self.brands),
            "reply": self.reply,
        }


def _channel_risk(result: CheckResult, *, addressee: bool = False) -> str:
    if result.verdict in (Verdict.LOOKALIKE, Verdict.KNOWN_SCAM):
        return "high"
    if addressee and result.verdict is Verdict.NOT_OFFICIAL:
        return "low"  # "@user, ..." opening a reply names who it answers, not a contact
    if result.verdict is Verdict.NOT_OFFICIAL and any(
        r.code == "email.brand_domain_unlisted" for r in result.reasons
    ):
        # An address on the brand's own official domain, not listed: a maintainer pointing
        # to support@<brand domain> is not a fake channel (only the brand can receive there).
        return "low"
    if result.verdict is Verdict.NOT_OFFICIAL:
        # A number offered as a brand's support is the fake-hotline pattern; other unlisted
        # contacts for a brand are suspicious; an unlisted link alone is common in honest text.
        return {ChannelKind.PHONE: "high", ChannelKind.HANDLE: "medium", ChannelKind.EMAIL: "medium"}.get(
            result.kind or ChannelKind.URL, "low"
        )
    return "none"


@cache
def _greeting() -> re.Pattern[str]:
    return re.compile(r"(?:(?:hi|hello|hey|dear|thanks|thank you)[ ,]*)?\Z", re.IGNORECASE)


def _addressee(text: str, found: Found) -> bool:
    """Whether an @name without a platform opens the text or a line (after a greeting): the
    person a reply answers, as GitHub and forums write it."""
    if found.kind is not ChannelKind.HANDLE or found.platform is not None or not found.raw.startswith("@"):
        return False
    line = text[: found.span[0]].rpartition("\n")[2].strip()
    return len(line) <= 20 and _greeting().match(line) is not None


@cache
def _sentence_end() -> re.Pattern[str]:
    return re.compile(r"[.!?。！？](?=\s|\Z)|[。！？\n]")


def _warned_about(text: str, span: tuple[int, int], reach: int = 300) -> bool:
    """Whether the sentence around ``span`` is framed as a warning (scam, phishing, fake,
    impersonating, 诈骗 ... : cues.toml warning_frame)."""
    ends = _sentence_end()
    low = max(0, span[0] - reach)
    before = [m.end() for m in ends.finditer(text, low, span[0])]
    start = before[-1] if before else low
    after = ends.search(text, span[1], min(len(text), span[1] + reach))
    end = after.start() if after else min(len(text), span[1] + reach)
    sentence = " " + normalize(text[start:end]).text.lower()
    return bool(frame_cues().find(sentence))


def _max_risk(levels: list[str]) -> str:
    return max(levels, key=_RISK_ORDER.index, default="none")


def _official_line(brand: Brand, lang: Lang) -> str:
    labels = [e.label for e in brand.entries if e.kind is not ChannelKind.PHONE][:4]
    line = text("scan.brand_line", lang, brand=brand.name, official=", ".join(labels)) if labels else ""
    if brand.no_phone_support:
        line += text("scan.brand_no_phone", lang, brand=brand.name)
    return line


# Findings that offer a phone number as a wallet's support line.
_PHONE_SUPPORT_CODES = frozenset({"farm.wallet_phone_line", "farm.phone_hotline", "vishing.call_line"})


def _phone_line(allowlist: Allowlist, brand: Brand | None, patterns: list[PatternFinding], lang: Lang) -> str:
    """For a number offered as wallet support with no brand named: that no self-custody wallet
    of the verified list publishes a phone line (and no wallet at all, when none lists one)."""
    if brand is not None or not any(
        p.code in _PHONE_SUPPORT_CODES and p.severity in ("high", "medium") for p in patterns
    ):
        return ""
    with_phones = [b for b in allowlist.brands.values() if b.entries_of(ChannelKind.PHONE)]
    if not with_phones:
        return text("scan.no_wallet_phone", lang, count=len(allowlist.brands))
    if all(b.custody == "exchange" for b in with_phones):
        names = ", ".join(sorted(b.name for b in with_phones)[:5])
        return text("scan.no_self_custody_phone", lang, exchanges=names)
    return ""


def _reply(
    risk: str,
    lang: Lang,
    brand: Brand | None,
    channels: list[CheckResult],
    patterns: list[PatternFinding],
    phone_line: str = "",
) -> str:
    # The first clause of each message names the problem; the explanation after it is for the UI.
    # Most severe first (seed phrase, remote access and payment before urgency); every high
    # finding is named, then medium ones up to three in all.
    ranked = sorted(
        (p for p in patterns if p.severity in ("high", "medium")),
        key=lambda p: (p.severity != "high", _CATEGORY_ORDER.get(p.category, len(_CATEGORY_ORDER))),
    )
    items = list(dict.fromkeys(_first_clause(p.message) for p in ranked))
    highs = len({_first_clause(p.message) for p in ranked if p.severity == "high"})
    items = items[: max(3, highs)]
    # The message's own channels: every high one (look-alikes, reported fakes), then medium
    # ones up to three in all.
    bad = sorted(
        (c for c in channels if _channel_risk(c) in ("high", "medium")),
        key=lambda c: _channel_risk(c) != "high",
    )
    high_channels = sum(1 for c in bad if _channel_risk(c) == "high")
    items += [
        text(
            "scan.channel_bad",
            lang,
            value=c.normalized,
            verdict=text(f"verdict_word.{c.verdict.value}", lang),
        )
        for c in bad[: max(3, high_channels)]
    ]
    separator = "；" if lang == "zh" else "; "
    findings = text("scan.findings", lang, items=separator.join(items)) if items else ""
    brand_line = _official_line(brand, lang) if brand is not None else phone_line
    key = {"high": "scan.reply_danger", "medium": "scan.reply_caution"}.get(risk, "scan.reply_clear")
    return re.sub(r"\s+", " ", text(key, lang, findings=findings, brand_line=brand_line)).strip()


def _first_clause(message: str) -> str:
    return re.split(r"[;；]", message, maxsplit=1)[0].rstrip(".。 ")


def scan(
    body: str,
    brand: str | None = None,
    lang: str = "en",
    *,
    html: bool = False,
    allowlist: Allowlist | None = None,
    use_model: bool = False,
) -> ScanResult:
    """Find fake-support danger in a message, ticket or web page.

    ``body`` is plain text (or HTML with ``html=True``: scripts and styles are ignored).
    ``brand`` (id or alias) is the brand the text is about; without it the most
    mentioned brand is used. Returns channels with their check results, scam patterns
    with spans, mentioned brands, an overall risk (high, medium, low, none) and a reply
    in ``lang``. Raises ScanTooLarge beyond ``MAX_SCAN_CHARS`` and UnknownBrand for a
    brand that is not in the allowlist. ``use_model=True`` adds the n-gram model's opinion
    (``verifier.scan.model``) on message-sized texts no rule flagged; it is off by default: it
    gains little under cross-validation and flags some honest help-centre lines.
    """
    if isinstance(body, str) and len(body) > _GC_PAUSE_CHARS and gc.isenabled():
        # A long text makes hundreds of thousands of small tuples (term hits, candidates),
        # none in a reference cycle: the cyclic collector, run again and again as they are
        # made, would cost up to a third of the scan. It is paused for this call only.
        gc.disable()
        try:
            return _scan(body, brand, lang, html=html, allowlist=allowlist, use_model=use_model)
        finally:
            gc.enable()
    return _scan(body, brand, lang, html=html, allowlist=allowlist, use_model=use_model)


_GC_PAUSE_CHARS = 100_000


def _scan(
    body: str,
    brand: str | None,
    lang: str,
    *,
    html: bool,
    allowlist: Allowlist | None,
    use_model: bool,
) -> ScanResult:
    code = normalize_lang(lang)
    if not isinstance(body, str):
        raise InvalidChannel("expected text to scan", "invalid.not_text")
    if len(body) > MAX_SCAN_CHARS:
        size, limit = len(body), MAX_SCAN_CHARS
        raise ScanTooLarge(text("scan.too_large", "en", size=size, limit=limit), size=size, limit=limit)
    allowlist = allowlist if allowlist is not None else default_allowlist()
    body = without_surrogates(body)
    plain = html_to_text(body) if html else body
    normalized = normalize(plain)  # what the rules and brand names are read in
    mentioned = brand_mentions(allowlist).find(normalized.text)
    target = allowlist.brand(brand) if brand is not None and allowlist.brands else None
    if target is None and mentioned:
        target = allowlist.brands[mentioned.most_common(1)[0][0]]
    found_channels = extract_channels(plain)
    channels = [
        check(
            found.raw,
            brand=target.id if target else None,
            kind=found.kind,
            platform=found.platform,
            lang=code,
            allowlist=allowlist,
        )
        for found in found_channels
    ]
    addressees = {
        id(result) for found, result in zip(found_channels, channels, strict=True) if _addressee(plain, found)
    }
    # A look-alike named in a sentence that warns about it ("exodus.com.ag is a phishing website
    # impersonating Exodus") is shown with its verdict but does not make the text a scam.
    warned = {
        id(result)
        for found, result in zip(found_channels, channels, strict=True)
        if result.verdict is Verdict.LOOKALIKE and _warned_about(plain, found.span)
    }
    disguised = _disguised(plain, found_channels, channels, html, code)
    shown_only = {id(channels[i]) for i, _ in disguised}
    channels = [c for c in channels if c.verdict is not Verdict.INVALID and id(c) not in shown_only]
    rules = rule_scan(normalized)
    matches = rules.matches()
    seen = {m.rule.code for m in matches}
    contacts = contact_tags(c for c in channels if id(c) not in addressees)
    if markdown_support_link(plain, channels):
        contacts |= {"support_link"}
    matches += [m for m in message_matches(rules, contacts, matches) if m.rule.code not in seen]
    matches.sort(key=lambda m: (m.span[0], m.rule.code))
    exchange = _exchange_context(
        rules, [allowlist.brands[b] for b in mentioned] + ([target] if target else [])
    )
    patterns = [_finding(m, code, exchange=exchange) for m in matches] + [finding for _, finding in disguised]
    patterns.sort(key=lambda p: (p.span[0], p.code))
    risk = _max_risk(
        [_channel_risk(c, addressee=id(c) in addressees) if id(c) not in warned else "low" for c in channels]
        + [p.severity for p in patterns]
    )
    if use_model and risk not in ("high", "medium") and (finding := _model_finding(plain, code)) is not None:
        patterns.append(finding)
        risk = finding.severity
    brands = tuple(dict.fromkeys([b for b, _ in mentioned.most_common()] + ([target.id] if target else [])))
    return ScanResult(
        risk,
        tuple(channels),
        tuple(patterns),
        brands,
        _reply(
            risk,
            code,
            target,
            [c for c in channels if id(c) not in addressees],
            patterns,
            _phone_line(allowlist, target, patterns, code),
        ),
    )


def _disguised(
    plain: str, found: list[Found], results: list[CheckResult], html: bool, lang: Lang
) -> list[tuple[int, PatternFinding]]:
    """Links that show one site and open another: the index of the shown one (a text, not a
    channel anyone reaches) and the finding that names both."""
    out = []
    for shown_at, target_at in disguised_pairs(plain, found, html=html):
        shown, target = results[shown_at], results[target_at]
        if not opens_elsewhere(shown, target):
            continue
        claims_brand = shown.brand is not None or shown.verdict in (
            Verdict.OFFICIAL,
            Verdict.LOOKALIKE,
            Verdict.KNOWN_SCAM,
        )
        span = (found[shown_at].span[0], found[target_at].span[1])
        message = text("scan.disguised_link", lang, shown=shown.normalized, opens=target.normalized)
        finding = PatternFinding(
            "disguised_link",
            "link.shows_other_site",
            "high" if claims_brand else "medium",
            span,
            plain[span[0] : span[1]][:200],
            message,
        )
        out.append((shown_at, finding))
    return out


@cache
def _self_only() -> frozenset[str]:
    """Codes of the claims only a self-custody wallet cannot make (rules/farm.toml [custody])."""
    data = tomllib.loads(resources.files("verifier.scan").joinpath("rules", "farm.toml").read_text("utf-8"))
    return frozenset(data.get("custody", {}).get("self_only", []))


def _exchange_context(scanned: RuleScan, brands: list[Brand]) -> bool:
    """Whether the text is about an exchange (a brand with custody "exchange", or an exchange
    word) and names no self-custody wallet: exchanges can freeze accounts, wallets cannot."""
    # The sets of the hits are few and repeat: each distinct one is merged once.
    names: set[str] = set().union(*set(map(itemgetter(2), scanned.hits)))
    if names & {"zh_wallet", "wallet_noun"}:
        return False
    return "exchange_context" in names or any(b.custody == "exchange" for b in brands)


def _model_finding(plain: str, lang: Lang) -> PatternFinding | None:
    """The n-gram model's second opinion on a message-sized text no rule flagged
    (``verifier.scan.model``): a medium finding when it reads like the scam messages."""
    model = shipped_model()
    score = scam_like(plain, model)
    if model is None or score is None or score <= model.threshold:
        return None
    return PatternFinding(
        "model",
        "model.scam_like",
        "medium",
        (0, len(plain)),
        excerpt(plain, (0, len(plain)), (0, min(len(plain), 80))),
        text("scan.model_scam_like", lang, score=f"{score:.2f}"),
    )


def _finding(match: PatternMatch, lang: Lang, *, exchange: bool = False) -> PatternFinding:
    rule = match.rule
    severity = "low" if exchange and rule.code in _self_only() else rule.severity
    return PatternFinding(
        rule.category,
        rule.code,
        severity,
        match.span,
        match.excerpt,
        rule.message_zh if lang == "zh" else rule.message_en,
    )
