"""DNS evidence with dnspython: does the name exist, where does it point, can it receive mail.

Every query goes to the configured resolvers (or the system's) and ends by the check's deadline.
Nothing here connects to the addresses found: they are reported, not visited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from verifier.net.deadline import Deadline
from verifier.online.config import OnlineConfig

if TYPE_CHECKING:
    import dns.resolver

MAX_RECORDS = 10  # of each type, in the evidence

# Hosting platforms where anyone can publish a site under their name or their own domain
# (a CNAME to them): a fake "support" page costs nothing there. Suffix -> platform name.
HOSTING_PLATFORMS: tuple[tuple[str, str], ...] = (
    ("github.io", "GitHub Pages"),
    ("netlify.app", "Netlify"),
    ("netlify.com", "Netlify"),
    ("vercel.app", "Vercel"),
    ("vercel-dns.com", "Vercel"),
    ("pages.dev", "Cloudflare Pages"),
    ("workers.dev", "Cloudflare Workers"),
    ("herokuapp.com", "Heroku"),
    ("herokudns.com", "Heroku"),
    ("firebaseapp.com", "Firebase Hosting"),
    ("web.app", "Firebase Hosting"),
    ("azurewebsites.net", "Azure App Service"),
    ("azurestaticapps.net", "Azure Static Web Apps"),
    ("cloudfront.net", "Amazon CloudFront"),
    ("amazonaws.com", "Amazon Web Services"),
    ("appspot.com", "Google App Engine"),
    ("ghs.googlehosted.com", "Google Sites / Blogger"),
    ("blogspot.com", "Blogger"),
    ("wixsite.com", "Wix"),
    ("wixdns.net", "Wix"),
    ("weebly.com", "Weebly"),
    ("myshopify.com", "Shopify"),
    ("squarespace.com", "Squarespace"),
    ("webflow.io", "Webflow"),
    ("glitch.me", "Glitch"),
    ("repl.co", "Replit"),
    ("replit.app", "Replit"),
    ("onrender.com", "Render"),
    ("fly.dev", "Fly.io"),
    ("surge.sh", "Surge"),
    ("gitbook.io", "GitBook"),
    ("notion.site", "Notion"),
    ("sites.google.com", "Google Sites"),
    ("ipfs.io", "IPFS gateway"),
    ("dweb.link", "IPFS gateway"),
    ("fleek.co", "Fleek (IPFS)"),
    ("4everland.app", "4EVERLAND (IPFS)"),
    ("000webhostapp.com", "000webhost"),
    ("tilda.ws", "Tilda"),
    ("carrd.co", "Carrd"),
)


def hosting_platform(name: str) -> str | None:
    """The hosting platform ``name`` (a host or CNAME target) is on, if it is a known one."""
    host = name.lower().rstrip(".")
    for suffix, platform in HOSTING_PLATFORMS:
        if host == suffix or host.endswith("." + suffix):
            return platform
    return None


@dataclass(frozen=True, slots=True)
class Query:
    """One answer: the records' texts, or that the name does not exist, or why it failed."""

    records: tuple[str, ...] = ()
    cnames: tuple[str, ...] = ()
    nxdomain: bool = False
    error: str | None = None


def make_resolver(config: OnlineConfig) -> dns.resolver.Resolver:
    """A dnspython resolver for ``config``: its nameservers, else the system's."""
    import dns.nameserver  # noqa: PLC0415 (dnspython only with --online)
    import dns.resolver  # noqa: PLC0415

    if config.nameservers:
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = [dns.nameserver.Do53Nameserver(a, p) for a, p in config.nameservers]
    else:
        try:
            resolver = dns.resolver.Resolver()
        except dns.resolver.NoResolverConfiguration:
            resolver = dns.resolver.Resolver(configure=False)
            resolver.nameservers = []
    resolver.retry_servfail = False
    return resolver


def query(resolver: Any, name: str, rdtype: str, deadline: Deadline) -> Query:
    """``rdtype`` records of ``name``, asked by ``deadline``."""
    import dns.exception  # noqa: PLC0415
    import dns.resolver  # noqa: PLC0415

    left = deadline.remaining()
    if left <= 0:
        return Query(error="timeout")
    if not resolver.nameservers:
        return Query(error="no resolver configured")
    try:
        answer = resolver.resolve(name, rdtype, lifetime=left, raise_on_no_answer=False, search=False)
    except dns.resolver.NXDOMAIN:
        return Query(nxdomain=True)
    except dns.resolver.LifetimeTimeout:
        return Query(error="timeout")
    except dns.resolver.NoNameservers:
        return Query(error="no resolver answered (SERVFAIL or refused)")
    except dns.exception.DNSException as exc:
        return Query(error=type(exc).__name__)
    cnames: list[str] = []
    chain = getattr(answer, "chaining_result", None)
    for rrset in getattr(chain, "cnames", ()) or ():
        cnames.extend(rdata.target.to_text(omit_final_dot=True) for rdata in rrset)
    records: list[str] = []
    if answer.rrset is not None:
        for rdata in answer.rrset:
            if rdtype == "MX":
                records.append(f"{rdata.preference} {rdata.exchange.to_text(omit_final_dot=True)}")
            elif rdtype == "TXT":
                records.append(b"".join(rdata.strings).decode("utf-8", "replace"))
            elif rdtype in ("NS", "CNAME"):
                records.append(rdata.target.to_text(omit_final_dot=True))
            else:
                records.append(rdata.to_text())
    if rdtype == "MX":  # by preference, then name; shown without the preference
        records = [r.split(" ", 1)[1] for r in sorted(records, key=lambda r: (int(r.split(" ")[0]), r))]
    else:
        records.sort()
    return Query(tuple(records[:MAX_RECORDS]), tuple(cnames))


def host_evidence(
    resolver: Any, host: str, registrable: str | None, deadline: Deadline, *, mail: bool
) -> dict[str, Any]:
    """``evidence.dns`` for a host (a link's) or, with ``mail``, an e-mail domain.

    Keys: ``name``, ``resolves`` (false for NXDOMAIN or no address and no mail exchanger, null
    when the address queries failed),
    ``nxdomain``, ``a``, ``aaaa``, ``cname`` (the chain's targets), ``ns`` (of the registrable
    domain), ``mx``, ``hosting`` (a platform the host or its CNAME is on, or null); for mail
    also ``receives_mail``, ``spf`` and ``dmarc`` (records present); ``error`` when a query
    failed (the other keys then say what was learnt before)."""
    out: dict[str, Any] = {"name": host}
    first = query(resolver, host, "A", deadline)
    if first.nxdomain:
        out.update(resolves=False, nxdomain=True, a=[], aaaa=[], cname=[], ns=[], mx=[], hosting=None)
        if mail:
            out.update(receives_mail=False, spf=False, dmarc=False)
        return out
    errors = [first.error] if first.error else []
    aaaa = query(resolver, host, "AAAA", deadline)
    mx = query(resolver, host, "MX", deadline)
    zone = registrable or host
    ns = query(resolver, zone, "NS", deadline)
    errors += [q.error for q in (aaaa, mx, ns) if q.error]
    cnames = list(first.cnames or aaaa.cnames)
    hosting = hosting_platform(host)
    if hosting is None:
        hosting = next((p for p in map(hosting_platform, cnames) if p), None)
    resolves: bool | None = bool(first.records or aaaa.records or (mail and mx.records))
    if not resolves and first.error and aaaa.error:
        resolves = None  # not known: the address queries failed
    out.update(
        resolves=resolves,
        nxdomain=False,
        a=list(first.records),
        aaaa=list(aaaa.records),
        cname=cnames,
        ns=list(ns.records),
        mx=list(mx.records),
        hosting=hosting,
    )
    if mail:
        txt = query(resolver, host, "TXT", deadline)
        dmarc = query(resolver, f"_dmarc.{host}", "TXT", deadline)
        errors += [q.error for q in (txt, dmarc) if q.error]
        out["receives_mail"] = bool(mx.records) or bool(first.records or aaaa.records)
        # RFC 5321: with no MX the A/AAAA host receives mail, unless a null MX ("0 .") says no.
        if mx.records in (("",), (".",)):
            out["receives_mail"] = False
        out["spf"] = any(t.lower().startswith("v=spf1") for t in txt.records)
        out["dmarc"] = any(t.lower().startswith("v=dmarc1") for t in dmarc.records)
    if errors:
        out["error"] = errors[0]
    return out
