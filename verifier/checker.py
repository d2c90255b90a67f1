"""Decide the verdict for one value: parse it, look it up, explain the answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from verifier.allowlist.hostdeny import DeniedHost, HostDenylist
from verifier.allowlist.model import Allowlist, Brand, Entry
from verifier.allowlist.store import default_allowlist
from verifier.channels import native_host, parse_channel
from verifier.channels.email import is_free_mail
from verifier.errors import InvalidChannel
from verifier.lookalike import HOST_FINDER, HostFinder, Lookalike, find_lookalike, host_finder, index_for
from verifier.messages import Lang, invalid_detail, normalize_lang, reason, text
from verifier.model import (
    AllowlistState,
    Channel,
    ChannelKind,
    CheckResult,
    Reason,
    Verdict,
    new_deferred_reason,
)
from verifier.speedups import maker

if TYPE_CHECKING:
    from verifier.online import OnlineConfig

_MAX_LISTED = 5
# CheckResult(*fields): built without the frozen dataclass's per-field __setattr__ (verifier.speedups).
_new_result = maker(CheckResult, acyclic=True, constants=(*ChannelKind, *Verdict))


def check(
    value: str,
    *,
    brand: str | None = None,
    kind: ChannelKind | str | None = None,
    platform: str | None = None,
    region: str | None = None,
    lang: str = "en",
    use_denylist: bool = True,
    allowlist: Allowlist | None = None,
    online: bool | OnlineConfig = False,
) -> CheckResult:
    """Check whether ``value`` is an official support channel, and if not, what it is.

    ``brand`` is an id, name or alias (``tokenpocket``, ``TP钱包``); without it the value
    is compared with every brand. ``kind`` forces url/email/phone/handle, ``platform``
    names a handle's platform, ``region`` parses numbers written without ``+`` (else
    the brand's default region). Messages are in ``lang`` (``en`` or ``zh``).
    ``use_denylist=False`` leaves the list of reported fakes out, so a reported host is
    judged by resemblance alone (to measure detection apart from known lists).
    Unparseable input gives the ``invalid`` verdict. Raises UnknownBrand for a brand
    that is not in the allowlist.

    ``online`` (True, or an ``verifier.online.OnlineConfig`` naming resolvers, the RDAP server
    and the deadline) adds the ``evidence`` of DNS, RDAP, redirects and the page
    (``verifier.online``): the result is then an ``OnlineCheckResult``.
    """
    if online is not False:
        return _check_online(value, brand, kind, platform, region, lang, use_denylist, allowlist, online)
    lang_code: Lang = "en" if lang == "en" else normalize_lang(lang)  # the usual case without a call
    allowlist = allowlist if allowlist is not None else default_allowlist()
    if brand is None and kind is None and platform is None and native_host is not None:
        channel = native_host(value)  # a bare ASCII host name, parsed in C (verifier.speedups)
        if channel is not None:
            return (
                _judge_host(allowlist, channel, lang_code, use_denylist)
                or _Judge(allowlist, channel, None, lang_code, use_denylist).result()
            )
    target = allowlist.brand(brand) if brand is not None and allowlist.brands else None
    try:
        channel = parse_channel(
            value, kind, platform=platform, region=region or (target.default_region if target else None)
        )
    except InvalidChannel as exc:
        code = "invalid." + exc.code.removeprefix("invalid.")
        detail = reason(code, lang_code, "invalid", detail=invalid_detail(code, str(exc), lang_code))
        return CheckResult(
            str(value)[:200], None, None, Verdict.INVALID, None, None, None, (detail,), allowlist.state
        )
    return _Judge(allowlist, channel, target, lang_code, use_denylist).result()


def _check_online(
    value: str,
    brand: str | None,
    kind: ChannelKind | str | None,
    platform: str | None,
    region: str | None,
    lang: str,
    use_denylist: bool,
    allowlist: Allowlist | None,
    online: bool | OnlineConfig,
) -> CheckResult:
    """``check`` with ``online``: the offline answer, then ``verifier.online.with_evidence``."""
    from verifier.online import OnlineConfig, with_evidence  # noqa: PLC0415 (network code only when asked)

    allowlist = allowlist if allowlist is not None else default_allowlist()
    config = online if isinstance(online, OnlineConfig) else OnlineConfig()
    result = check(
        value,
        brand=brand,
        kind=kind,
        platform=platform,
        region=region,
        lang=lang,
        use_denylist=use_denylist,
        allowlist=allowlist,
    )

    def recheck(url: str) -> CheckResult:
        return check(url, brand=brand, lang=lang, use_denylist=use_denylist, allowlist=allowlist)

    return with_evidence(result, config=config, allowlist=allowlist, lang=lang, recheck=recheck)


def _judge_host(
    allowlist: Allowlist, channel: Channel, lang: Lang, use_denylist: bool = True
) -> CheckResult | None:
    """``_Judge``'s answer for a url checked against every brand, in fewer steps, when the
    verified list names nothing about it (a lookalike or unknown); None for the rest. Without
    ``use_denylist`` neither denylist is looked up, as ``_Judge`` then does not.

    Most checks end here: a host that is neither official nor reported. The reasons are built
    by the same functions as ``_Judge``'s, and tests compare the two.
    """
    host = channel.normalized
    state = allowlist.state  # read once, as _Judge does
    if not state.verified:
        return None
    if allowlist.lists_host(host, use_denylist):
        return _feed_listed(allowlist, channel, lang, state) if use_denylist else None
    if channel.userinfo:
        return None
    finder: HostFinder | None = allowlist.derived.get(HOST_FINDER)  # type: ignore[assignment]
    look = (finder or host_finder(allowlist))(
        host, channel.registrable_domain or "", channel.host_unicode or host
    )
    value = channel.host_unicode
    if look is None:
        first = _no_brand_reason(value, lang)
        verdict, brand, matched, technique = Verdict.UNKNOWN, None, None, None
    else:
        entry = look.entry
        verdict, brand, matched, technique = Verdict.LOOKALIKE, entry.brand, entry.label, look.technique
        first = _lookalike_reason(allowlist, look, value, lang, matched)
    return _host_result(channel, verdict, brand, matched, technique, first, lang, state)


def _host_result(
    channel: Channel,
    verdict: Verdict,
    brand: str | None,
    matched: str | None,
    technique: str | None,
    first: Reason,
    lang: Lang,
    state: AllowlistState,
) -> CheckResult:
    """The result of ``_judge_host``'s paths: ``first``, then the parser's notes on the channel."""
    notes = channel.notes
    if not notes:
        reasons: tuple[Reason, ...] = (first,)
    elif len(notes) == 1:  # the usual note, url.idn, without a list to unpack
        reasons = (first, _note_reason(notes[0], channel, lang))
    else:
        reasons = (first, *[_note_reason(note, channel, lang) for note in notes])
    return _new_result(
        channel.raw,
        channel.kind,
        channel.normalized,
        verdict,
        brand,
        matched,
        technique,
        reasons,
        state,
        channel,
    )


def _feed_listed(
    allowlist: Allowlist, channel: Channel, lang: Lang, state: AllowlistState
) -> CheckResult | None:
    """``_Judge``'s answer for a verified url without userinfo that a public phishing feed lists
    (known_scam, naming the feed), in fewer steps; None when the reported-fakes denylist names
    it (that entry outranks the feed) or no feed lists it (then the allowlist or a zone listed
    it). Tests compare the two."""
    feed = allowlist.feed_hosts
    if feed is None or channel.userinfo or not channel.host or allowlist.find_denied(channel) is not None:
        return None
    listed = feed.find(channel.host)  # the answer lists_host just found, kept by the feed
    if listed is None:
        return None
    first = _feed_reason(listed, channel.host_unicode, lang)
    return _host_result(channel, Verdict.KNOWN_SCAM, None, None, None, first, lang, state)


def _feed_reason(listed: DeniedHost, value: str | None, lang: Lang) -> Reason:
    """Why a host a public phishing feed lists (itself or a parent) is known_scam: the feed and
    the snapshot that first listed it."""
    return reason(
        "known_scam.feed",
        lang,
        value=value,
        feed=listed.feed,
        listed=listed.host,
        first_listed=listed.first_listed,
    )


def _brand_name(allowlist: Allowlist, brand_id: str) -> str:
    brand = allowlist.brands.get(brand_id)
    return brand.name if brand else brand_id


# The reasons of most checks (a lookalike or unknown host, an IDN note) are made here as
# ``reason(code, lang, **params)`` makes them, a deferred Reason (rendered when read), with the
# parameters in a dict literal: the keyword call cost as much as the rest of the reason.


def _no_brand_reason(value: str | None, lang: Lang) -> Reason:
    """``reason("unknown.no_brand", lang, value=value)``."""
    return new_deferred_reason("unknown.no_brand", "unknown.no_brand", lang, {"value": value}, "")


def _lookalike_reason(
    allowlist: Allowlist, look: Lookalike, value: str | None, lang: Lang, matched: str
) -> Reason:
    detail = f" ({look.detail})" if look.detail and lang == "en" else ""
    brand = allowlist.brands.get(look.entry.brand)
    code = "lookalike." + look.technique
    params = {
        "value": value,
        "brand": brand.name if brand else look.entry.brand,  # _brand_name
        "matched": matched,
        "detail": detail,
    }
    return new_deferred_reason(code, code, lang, params, "")


def _note_reason(note: str, channel: Channel, lang: Lang) -> Reason:
    """The reason for a note the parser left on ``channel`` (a userinfo trick, an IDN ...)."""
    if note == "url.idn":
        params: dict[str, object] = {"unicode": channel.host_unicode, "ascii": channel.host}
        return new_deferred_reason(note, note, lang, params, "")
    if note in ("url.userinfo", "url.defanged", "url.folded"):
        return reason(note, lang, host=channel.host_unicode or channel.host)
    if note == "email.free_mail":
        return reason(note, lang, domain=channel.registrable_domain)
    return reason(note, lang)


class _Judge:
    """One decision: holds the inputs so each step reads as a short method."""

    def __init__(
        self,
        allowlist: Allowlist,
        channel: Channel,
        target: Brand | None,
        lang: Lang,
        use_denylist: bool = True,
    ) -> None:
        self.allowlist = allowlist
        # Read once: a list expiring during this check is either verified for all of it or not at
        # all, so an answer never says official beside "verified": false.
        self.state = allowlist.state
        self.use_denylist = use_denylist
        self.channel = channel
        self.target = target
        self.lang = lang
        self.value = channel.host_unicode if channel.kind is ChannelKind.URL else channel.normalized
        self.technique: str | None = None

    @property
    def kind_name(self) -> str:
        """The channel's kind in words ("website"), for the messages that name it."""
        return text(f"kind.{self.channel.kind.value}", self.lang)

    def result(self) -> CheckResult:
        verdict, brand, matched, reasons = self._decide()
        context = self._context_reasons()
        if not self.state.verified:
            problem = self.allowlist.problem_text(self.lang)
            context.insert(0, reason("allowlist.unverified", self.lang, problem=problem))
        channel = self.channel
        return _new_result(
            channel.raw,
            channel.kind,
            channel.normalized,
            verdict,
            brand,
            matched,
            self.technique,
            tuple(reasons + context) if context else tuple(reasons),
            self.state,
            channel,
        )

    def _brand_name(self, brand_id: str) -> str:
        return _brand_name(self.allowlist, brand_id)

    def _decide(self) -> tuple[Verdict, str | None, str | None, list[Reason]]:
        denied = self.allowlist.find_denied(self.channel) if self.use_denylist else None
        if denied is not None:
            return self._known_scam(denied)
        feed = self.allowlist.feed_hosts if self.use_denylist else None
        if feed is not None and self.channel.host:
            listed = self._feed_listed(feed)
            if listed is not None:
                return self._feed_scam(listed)
        matches = self.allowlist.find(self.channel)
        if self.target is not None:
            matches_mine = [m for m in matches if m.brand == self.target.id]
            if matches_mine:
                return self._matched(matches_mine[0])
        if not matches and self.channel.kind is ChannelKind.HANDLE:
            same = index_for(self.allowlist).handles.same_name(self.channel)
            if same is not None and (self.target is None or self.target.id == same.id):
                return self._same_name(same)
        if not matches:
            look = find_lookalike(self.allowlist, self.channel)
            if look is not None:
                return self._lookalike(look)
        if self.target is not None:
            if matches:
                other = matches[0]
                return (
                    Verdict.NOT_OFFICIAL,
                    self.target.id,
                    None,
                    [
                        reason(
                            "not_official.other_brand",
                            self.lang,
                            value=self.value,
                            kind=self.kind_name,
                            other=self._brand_name(other.brand),
                            brand=self.target.name,
                        )
                    ],
                )
            return self._not_listed(self.target)
        if matches:
            return self._matched(matches[0])
        if self.channel.kind is ChannelKind.EMAIL and self.channel.host:
            owners = self.allowlist.official_domain_of(self.channel.host)
            if owners:
                return self._not_listed(self.allowlist.brands[owners[0].brand])
        return Verdict.UNKNOWN, None, None, [_no_brand_reason(self.value, self.lang)]

    def _lookalike(self, look: Lookalike) -> tuple[Verdict, str | None, str | None, list[Reason]]:
        self.technique = look.technique
        return (
            Verdict.LOOKALIKE,
            look.entry.brand,
            look.entry.label,
            [_lookalike_reason(self.allowlist, look, self.value, self.lang, look.entry.label)],
        )

    def _same_name(self, brand: Brand) -> tuple[Verdict, str | None, str | None, list[Reason]]:
        """The brand's own name on a platform where it lists no account: not official."""
        official = [e.label for e in brand.entries_of(ChannelKind.HANDLE)][:_MAX_LISTED]
        return (
            Verdict.NOT_OFFICIAL,
            brand.id,
            None,
            [
                reason(
                    "not_official.same_name",
                    self.lang,
                    value=self.value,
                    brand=brand.name,
                    platform=self.channel.platform or "",
                    official=", ".join(official) or text("not_official.same_name.none", self.lang),
                )
            ],
        )

    def _known_scam(self, denied: Entry) -> tuple[Verdict, str | None, str | None, list[Reason]]:
        brand = denied.brand if denied.brand in self.allowlist.brands else None
        return (
            Verdict.KNOWN_SCAM,
            brand,
            None,
            [
                reason(
                    "known_scam.listed",
                    self.lang,
                    value=self.value,
                    kind=self.kind_name,
                    brand=self._brand_name(denied.brand) or "?",
                    evidence=denied.evidence,
                )
            ],
        )

    def _feed_listed(self, feed: HostDenylist) -> DeniedHost | None:
        """The feed entry for a url's host, or for the domain of an email address (an address
        at a phishing site is that site's), itself or a parent; None for anything else and for
        an address at a free-mail provider (a feed listing one would be a feed's mistake)."""
        channel = self.channel
        host = channel.host
        if not host:
            return None
        if channel.kind is ChannelKind.URL:
            return feed.find(host)
        if channel.kind is ChannelKind.EMAIL and not is_free_mail(channel.registrable_domain or host):
            return feed.find(host)
        return None

    def _feed_scam(self, listed: DeniedHost) -> tuple[Verdict, str | None, str | None, list[Reason]]:
        """A host (or a parent of it) that a public phishing feed lists: known_scam, naming the
        feed and the snapshot that first listed it. For an email address the reason names its
        domain, the site the feed lists."""
        channel = self.channel
        value = channel.host_unicode or channel.host if channel.kind is ChannelKind.EMAIL else self.value
        return Verdict.KNOWN_SCAM, None, None, [_feed_reason(listed, value, self.lang)]

    def _matched(self, entry: Entry) -> tuple[Verdict, str | None, str | None, list[Reason]]:
        brand_name = self._brand_name(entry.brand)
        if not self.state.verified:
            return (
                Verdict.UNKNOWN,
                entry.brand,
                entry.label,
                [
                    reason(
                        "allowlist.unverified_match",
                        self.lang,
                        value=self.value,
                        matched=entry.label,
                        brand=brand_name,
                    )
                ],
            )
        if self.channel.kind is ChannelKind.HANDLE and self.channel.platform is None:
            return (
                Verdict.UNKNOWN,
                entry.brand,
                entry.label,
                [
                    reason(
                        "handle.platform_needed",
                        self.lang,
                        matched=entry.label,
                        brand=brand_name,
                        platform=entry.platform,
                    )
                ],
            )
        exact = self.channel.kind is not ChannelKind.URL or self.channel.host == entry.value
        code = "official.listed" if exact else "official.subdomain"
        return (
            Verdict.OFFICIAL,
            entry.brand,
            entry.label,
            [
                reason(
                    code,
                    self.lang,
                    value=self.value,
                    kind=self.kind_name,
                    brand=brand_name,
                    matched=entry.label,
                    evidence=entry.evidence,
                )
            ],
        )

    def _not_listed(self, brand: Brand) -> tuple[Verdict, str | None, str | None, list[Reason]]:
        kind = self.channel.kind
        reasons: list[Reason] = []
        if kind is ChannelKind.PHONE and brand.no_phone_support:
            reasons.append(
                reason(
                    "phone.no_phone_support",
                    self.lang,
                    brand=brand.name,
                    evidence=brand.no_phone_support.get("evidence", ""),
                )
            )
        elif kind is ChannelKind.PHONE and not brand.entries_of(kind):
            reasons.append(reason("phone.none_listed", self.lang, brand=brand.name))
        else:
            if kind is ChannelKind.EMAIL and self.channel.host:
                owned = [
                    e for e in self.allowlist.official_domain_of(self.channel.host) if e.brand == brand.id
                ]
                if owned:
                    reasons.append(
                        reason(
                            "email.brand_domain_unlisted", self.lang, brand=brand.name, matched=owned[0].label
                        )
                    )
            official = [e.label for e in brand.entries_of(kind)][:_MAX_LISTED]
            if official:
                reasons.append(
                    reason(
                        "not_official.not_listed",
                        self.lang,
                        value=self.value,
                        brand=brand.name,
                        kind=self.kind_name,
                        official=", ".join(official),
                    )
                )
            else:
                reasons.append(
                    reason(
                        "not_official.none_listed",
                        self.lang,
                        value=self.value,
                        brand=brand.name,
                        kind=self.kind_name,
                    )
                )
        return Verdict.NOT_OFFICIAL, brand.id, None, reasons

    def _context_reasons(self) -> list[Reason]:
        ch = self.channel
        out: list[Reason] = []
        if not ch.notes and ch.kind is not ChannelKind.PHONE:
            return out
        out.extend(_note_reason(note, ch, self.lang) for note in ch.notes)
        if ch.kind is ChannelKind.PHONE and ch.number_type:
            out.append(
                reason("phone.number_type", self.lang, type=text(f"phone.type.{ch.number_type}", self.lang))
            )
        return out
