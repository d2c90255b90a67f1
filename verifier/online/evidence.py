"""``check(..., online=True)``: the offline verdict, then DNS, RDAP, redirects and the page.

One check's lookups run side by side and all end by one deadline (``OnlineConfig.deadline``,
10 s by default); lookups across checks share a bounded pool (``OnlineConfig.concurrency``) and a
cache with a TTL. What a lookup did not finish in time is said (``online.timeout``) and its key
holds ``{"error": "timeout"}``.

What changes the verdict: a link that redirects elsewhere is judged by where it ends (unless the
link itself is already a known scam or a lookalike), and a page that presents itself as a brand
on a host that relates to no brand makes an ``unknown`` link ``not_official`` for that brand.
Everything else is evidence and reasons beside the verdict.
"""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any

from verifier.allowlist.model import Allowlist
from verifier.errors import FetchError
from verifier.messages import Lang, normalize_lang, reason, text
from verifier.model import ChannelKind, CheckResult, OnlineCheckResult, Reason, Verdict
from verifier.net.deadline import Deadline
from verifier.online import dns as dns_evidence
from verifier.online import rdap as rdap_evidence
from verifier.online.cache import TTLCache
from verifier.online.config import OnlineConfig
from verifier.online.page import page_evidence
from verifier.online.redirects import Bounded, Followed, dns_resolver, follow, followable

# A link that is already one of these keeps its verdict whatever it redirects to.
_STANDING = frozenset({Verdict.KNOWN_SCAM, Verdict.LOOKALIKE})
_MAX_SHOWN = 4
# Refusals that another try would give again: cached like answers (timeouts and failures are not).
_LASTING = frozenset(
    {
        "fetch.non_public",
        "fetch.too_many_redirects",
        "fetch.not_http",
        "fetch.invalid_url",
        "fetch.userinfo",
        "fetch.url_too_long",
    }
)


@dataclass
class _Shared:
    """Per configuration: the lookup pool, the cache and a dnspython resolver."""

    pool: ThreadPoolExecutor
    cache: TTLCache
    resolver: Any


_shared: dict[tuple[object, ...], _Shared] = {}
_shared_lock = threading.Lock()


def _state(config: OnlineConfig) -> _Shared:
    key = (*config.key(), config.concurrency, config.cache_ttl)
    with _shared_lock:
        found = _shared.get(key)
        if found is None:
            found = _shared[key] = _Shared(
                ThreadPoolExecutor(3 * config.concurrency, thread_name_prefix="verifier-online"),
                TTLCache(config.cache_ttl),
                dns_evidence.make_resolver(config),
            )
        return found


def clear_cache() -> None:
    """Forget every cached answer (tests, or after changing a server's data)."""
    with _shared_lock:
        for shared in _shared.values():
            shared.cache.clear()


def _ok(answer: Any) -> bool:
    """Whether an answer may be cached: not an error or a timeout."""
    if isinstance(answer, tuple):
        return all(part is None or _ok(part) for part in answer)
    return isinstance(answer, dict) and ("error" not in answer or answer.get("error_code") in _LASTING)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _listed(items: list[str]) -> str:
    shown = "; ".join(items[:_MAX_SHOWN]) if any(", " in i for i in items) else ", ".join(items[:_MAX_SHOWN])
    return shown + (" …" if len(items) > _MAX_SHOWN else "")


class _Lookups:
    """The lookups of one check, started at once and collected by the deadline."""

    def __init__(self, config: OnlineConfig) -> None:
        self.config = config
        self.shared = _state(config)
        self.deadline = Deadline(config.deadline)
        self.futures: dict[str, Future[Any]] = {}

    def start(self, name: str, key: tuple[object, ...], compute: Any) -> None:
        cache = self.shared.cache
        full_key = (name, *self.config.key(), *key)
        self.futures[name] = self.shared.pool.submit(cache.get_or_compute, full_key, compute, cacheable=_ok)

    def results(self) -> tuple[dict[str, Any], list[str]]:
        done: dict[str, Any] = {}
        late: list[str] = []
        for name, future in self.futures.items():
            try:
                done[name] = future.result(timeout=max(self.deadline.remaining(), 0.0) + 0.25)
            except FutureTimeout:
                late.append(name)
            except Exception as exc:  # an unforeseen failure is that lookup's error, not the check's
                done[name] = {"error": f"{type(exc).__name__}: {exc}"[:200]}
        return done, late


def _link_to_follow(written: str, host: str) -> str:
    """The URL to follow for a link: as written when a browser can open it, else (defanged
    ``hxxp://evil[.]com``, a userinfo trick ``https://brand.com@evil.com``) the host the verdict
    is about, as ``https://HOST/``."""
    refused = followable(written)
    return written if refused in (None, "fetch.url_too_long") else f"https://{host}/"


def gather(
    result: CheckResult,
    config: OnlineConfig,
    allowlist: Allowlist,
    lang: Lang,
    describe: Any = None,
) -> tuple[dict[str, Any], Followed | None, dict[str, Any] | None, list[str]]:
    """Look up what ``result``'s channel names: (evidence without page, followed link, page
    evidence, lookups not finished by the deadline). ``describe(url)`` is the offline check of a
    URL: a redirect chain stops at an official one, and a final destination's registration is
    looked up unless it is official."""

    def stop_at(url: str) -> bool:
        return describe is not None and describe(url).verdict is Verdict.OFFICIAL

    channel = result.channel
    if channel is None or channel.kind not in (ChannelKind.URL, ChannelKind.EMAIL) or not channel.host:
        return {}, None, None, []
    lookups = _Lookups(config)
    deadline, resolver = lookups.deadline, lookups.shared.resolver
    host, registrable = channel.host, channel.registrable_domain
    mail = channel.kind is ChannelKind.EMAIL
    if not _is_ip(host):
        lookups.start(
            "dns",
            (host, mail),
            lambda: dns_evidence.host_evidence(resolver, host, registrable, deadline, mail=mail),
        )
        if registrable:
            lookups.start(
                "rdap", (registrable,), lambda: rdap_evidence.domain_evidence(registrable, config, deadline)
            )
    if not mail and result.verdict is not Verdict.OFFICIAL and config.follow_redirects:
        value = _link_to_follow(result.input, host)
        version = allowlist.state.version

        known = lookups.futures.get("dns")
        fallback = dns_resolver(config, deadline)

        def resolve(name: str, port: int) -> Sequence[str]:
            """The link's own host from the DNS evidence (asked once, not twice), others anew."""
            if known is not None and name == host:
                try:
                    found = known.result(timeout=max(deadline.remaining(), 0.0))
                except FutureTimeout:
                    raise FetchError("fetch.too_slow", url=value[:200]) from None
                if found.get("nxdomain"):
                    raise FetchError("fetch.cannot_resolve", host=name, reason="NXDOMAIN")
                if "error" not in found:
                    return [*found.get("a", []), *found.get("aaaa", [])]
            return fallback(name, port)

        own = Bounded(resolve) if isinstance(fallback, Bounded) else resolve

        def visit() -> tuple[dict[str, Any], dict[str, Any] | None, dict[str, str]]:
            followed = follow(
                value, config, deadline, resolve=own, read_page=config.read_pages, stop_at=stop_at
            )
            page = None
            if followed.text is not None and followed.final_url:
                page = page_evidence(
                    followed.final_url, followed.text, followed.content_type, allowlist, lang
                )
            out = followed.evidence()
            if describe is not None and out["redirected"] and out["final_url"]:
                # Where it ends is checked like any host: its registration too (a fresh domain
                # behind an old shortener is the usual shape).
                final = describe(out["final_url"])
                domain = final.channel.registrable_domain if final.channel else None
                if final.verdict is not Verdict.OFFICIAL and domain and domain != registrable:
                    out["final_rdap"] = lookups.shared.cache.get_or_compute(
                        ("rdap", *config.key(), domain),
                        lambda: rdap_evidence.domain_evidence(domain, config, deadline),
                        cacheable=_ok,
                    )
            return out, page, followed.said

        lookups.start("follow", (value, lang, version), visit)
    done, late = lookups.results()
    evidence: dict[str, Any] = {}
    for name in ("dns", "rdap"):
        if name in done:
            evidence[name] = dict(done[name])  # a copy: the cache keeps the original
        elif name in late:
            evidence[name] = {"error": "timeout"}
    followed: Followed | None = None
    page: dict[str, Any] | None = None
    if "follow" in done and isinstance(done["follow"], dict):  # it failed unforeseen
        evidence["redirects"] = dict(done["follow"])
    elif "follow" in done:
        redirects, page, said = done["follow"]
        if redirects.get("error") and said:
            redirects = {**redirects, "said": said.get(lang) or said.get("en")}
        evidence["redirects"] = redirects = dict(redirects)
        followed = Followed(final_url=redirects["final_url"], final_host=redirects["final_host"])
    elif "follow" in late:
        evidence["redirects"] = {"error": "timeout"}
    return evidence, followed, page, late


def with_evidence(
    result: CheckResult,
    *,
    config: OnlineConfig,
    allowlist: Allowlist,
    lang: str,
    recheck: Any,
) -> OnlineCheckResult:
    """``result`` with its ``evidence``, the reasons it gives and, for a link that redirects
    elsewhere, the final destination's verdict. ``recheck(url)`` checks a URL offline as the
    original value was (same brand, language, lists)."""
    code = normalize_lang(lang)

    evidence, _followed, page, late = gather(result, config, allowlist, code, recheck)
    verdict, brand, matched, technique = result.verdict, result.brand, result.matched, result.technique
    head: list[Reason] = []
    reasons: list[Reason] = list(result.reasons)
    tail: list[Reason] = []
    channel = result.channel
    redirects = evidence.get("redirects")
    said = redirects.pop("said", None) if redirects else None  # the error in the answer's language
    final_host = None
    if redirects and redirects.get("redirected"):
        chain = redirects["chain"]
        final_host = redirects["final_host"]
        shown = " → ".join(chain[: _MAX_SHOWN + 1]) + (" → …" if len(chain) > _MAX_SHOWN + 1 else "")
        if channel is not None and final_host != channel.host and redirects.get("final_url"):
            final = recheck(redirects["final_url"])
            redirects["final_verdict"] = final.verdict.value
            if result.verdict in _STANDING and final.verdict not in _STANDING:
                said = text(f"verdict.{result.verdict.value}", code)
                head.append(
                    reason(
                        "online.redirect.kept",
                        code,
                        start=result.input,
                        final=redirects["final_url"],
                        chain=shown,
                        verdict=said,
                    )
                )
            else:
                verdict, brand, matched, technique = (
                    final.verdict,
                    final.brand,
                    final.matched,
                    final.technique,
                )
                head.append(
                    reason(
                        "online.redirect.chain",
                        code,
                        start=result.input,
                        final=redirects["final_url"],
                        hops=len(chain) - 1,
                        chain=shown,
                    )
                )
                # The link's own "relates to no brand" says nothing once its destination is judged.
                reasons = [*final.reasons, *(r for r in reasons if r.code != "unknown.no_brand")]
                if final.verdict is Verdict.OFFICIAL:
                    tail.append(reason("online.redirect.can_change", code))
    dns = evidence.get("dns") or {}
    said_by_dns = dns.get("nxdomain") and redirects and redirects.get("error_code") == "fetch.cannot_resolve"
    unfollowed: list[Reason] = []
    if redirects and redirects.get("error") and redirects.get("error") != "timeout" and not said_by_dns:
        unfollowed.append(
            reason(
                "online.redirect.error",
                code,
                url=redirects.get("final_url") or result.input,
                error=said or redirects["error"],
            )
        )
    if page is not None:
        evidence["page"] = page
        if verdict is not Verdict.OFFICIAL:
            where = page["url"]
            page_host = final_host or (channel.host if channel else "")
            if page["brands"]:
                names = [allowlist.brands[b].name if b in allowlist.brands else b for b in page["brands"]]
                tail.append(
                    reason(
                        "online.page.names_brand",
                        code,
                        url=where,
                        title=page["title"] or text("online.no_title", code),
                        brands=_listed(names),
                        host=page_host,
                    )
                )
                if verdict is Verdict.UNKNOWN:
                    verdict, brand, matched = Verdict.NOT_OFFICIAL, page["brands"][0], None
            findings = [f["message"].rstrip(".。") for f in page["findings"]]
            if page["asks_for_secrets"]:
                tail.append(reason("online.page.asks_secrets", code, url=where, findings=_listed(findings)))
            elif findings and page["risk"] in ("high", "medium"):
                tail.append(reason("online.page.findings", code, url=where, findings=_listed(findings)))
    tail += _dns_reasons(
        evidence.get("dns"), code, mail=channel is not None and channel.kind is ChannelKind.EMAIL
    )
    tail += _rdap_reasons(evidence.get("rdap"), code)
    if redirects:
        tail += _rdap_reasons(redirects.get("final_rdap"), code)
    tail += unfollowed
    if late:
        parts = ", ".join({"follow": "redirects"}.get(name, name) for name in late)
        tail.append(reason("online.timeout", code, seconds=f"{config.deadline:g}", parts=parts))
    if verdict is not Verdict.LOOKALIKE:
        technique = None
    return OnlineCheckResult(
        result.input,
        result.kind,
        result.normalized,
        verdict,
        brand,
        matched,
        technique,
        (*head, *reasons, *tail),
        result.allowlist,
        result.channel,
        evidence,
    )


def _dns_reasons(dns: dict[str, Any] | None, lang: Lang, *, mail: bool) -> list[Reason]:
    if not dns:
        return []
    host = dns.get("name", "")
    if dns.get("error") == "timeout" and "resolves" not in dns:
        return []  # said by online.timeout
    out: list[Reason] = []
    if dns.get("nxdomain"):
        return [reason("online.dns.nxdomain", lang, host=host)]
    if dns.get("error") and not dns.get("a") and not dns.get("aaaa"):
        return [reason("online.dns.error", lang, host=host, error=dns["error"])]
    addresses = [*dns.get("a", []), *dns.get("aaaa", [])]
    if addresses:
        out.append(reason("online.dns.resolves", lang, host=host, addresses=_listed(addresses)))
    elif not mail:
        out.append(reason("online.dns.no_address", lang, host=host))
    if dns.get("hosting"):
        cnames = dns.get("cname") or []
        via = f"CNAME {cnames[-1]}" if cnames else host
        out.append(reason("online.dns.hosting", lang, host=host, platform=dns["hosting"], via=via))
    if mail:
        if dns.get("receives_mail"):
            out.append(reason("online.mail.receives", lang, domain=host, mx=_listed(dns.get("mx") or [host])))
        else:
            out.append(reason("online.mail.cannot_receive", lang, domain=host))
        missing = [name for name, key in (("SPF", "spf"), ("DMARC", "dmarc")) if not dns.get(key)]
        if missing:
            out.append(reason("online.mail.no_auth", lang, domain=host, missing=" / ".join(missing)))
    return out


def _rdap_reasons(rdap: dict[str, Any] | None, lang: Lang) -> list[Reason]:
    if not rdap:
        return []
    domain = rdap.get("name", "")
    if rdap.get("error"):
        if rdap["error"] == "timeout":
            return []
        return [reason("online.rdap.error", lang, domain=domain, error=rdap["error"])]
    if rdap.get("found") is False:
        return [reason("online.rdap.not_found", lang, domain=domain)]
    days = rdap.get("age_days")
    if days is None:
        return []
    code = "online.rdap.recent" if days < rdap_evidence.RECENT_DAYS else "online.rdap.registered"
    return [
        reason(
            code,
            lang,
            domain=domain,
            days=days,
            date=rdap.get("registered"),
            registrar=rdap.get("registrar") or "?",
        )
    ]
