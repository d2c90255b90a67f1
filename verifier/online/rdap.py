"""Registration evidence via RDAP (RFC 9082/9083): when a domain was registered and by whom.

The server is configuration: ``VERIFIER_RDAP_URL`` (queried as ``{base}/domain/{name}``), else
the registry's own server for the TLD from the IANA bootstrap file (RFC 9224, read once a day).
Bodies are bounded (1 MB) and every request ends by the check's deadline. httpx rather than
``whoisit``: whoisit keeps its bootstrap in module state and has no per-request total deadline.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from typing import Any

from verifier.errors import FetchError
from verifier.net.body import read_bounded
from verifier.net.deadline import Deadline
from verifier.online.config import OnlineConfig

MAX_RDAP_BYTES = 1_000_000
MAX_BOOTSTRAP_BYTES = 2_000_000
BOOTSTRAP_TTL = 86_400.0
RECENT_DAYS = 90  # "registered N days ago" is a reason below this age
USER_AGENT = "verifier/0.1 (verifier check --online)"


class RdapError(Exception):
    """An RDAP answer that could not be had; ``str()`` says why."""


_client_lock = threading.Lock()
_clients: list[Any] = []


def _client() -> Any:
    """One httpx client for every RDAP request of the process (its connections are kept alive,
    and building an SSL context costs milliseconds); each request carries its own timeout."""
    import httpx  # noqa: PLC0415 (the network stack only with --online)

    with _client_lock:
        if not _clients:
            _clients.append(
                httpx.Client(
                    trust_env=False,
                    follow_redirects=True,
                    max_redirects=3,
                    limits=httpx.Limits(max_connections=64, max_keepalive_connections=16),
                    headers={"User-Agent": USER_AGENT, "Accept": "application/rdap+json, application/json"},
                )
            )
        return _clients[0]


def get_json(url: str, deadline: Deadline, limit: int) -> tuple[int, Any]:
    """(status, parsed body or None) of a GET, by ``deadline``, at most ``limit`` bytes."""
    import httpx  # noqa: PLC0415

    if deadline.passed():
        raise RdapError("timeout")
    timeout = httpx.Timeout(max(deadline.remaining(), 0.001))
    try:
        with _client().stream("GET", url, timeout=timeout) as response:
            if response.status_code != 200:
                return response.status_code, None
            body = read_bounded(response, limit, deadline.at, url)
    except httpx.TimeoutException:
        raise RdapError("timeout") from None
    except httpx.HTTPError as exc:
        raise RdapError(f"{type(exc).__name__}: {exc}"[:200]) from None
    except FetchError as exc:
        raise RdapError(str(exc)[:200]) from None
    try:
        return 200, json.loads(body)
    except ValueError:
        raise RdapError("the answer is not JSON") from None


class Bootstrap:
    """The IANA RDAP bootstrap for domains: TLD -> base URL, read at most once a ``ttl``."""

    def __init__(self, url: str, ttl: float = BOOTSTRAP_TTL) -> None:
        self.url = url
        self.ttl = ttl
        self._lock = threading.Lock()
        self._table: dict[str, str] = {}
        self._read_at = float("-inf")

    def base_for(self, domain: str, deadline: Deadline) -> str | None:
        with self._lock:
            if time.monotonic() - self._read_at > self.ttl:
                status, body = get_json(self.url, deadline, MAX_BOOTSTRAP_BYTES)
                if status != 200 or not isinstance(body, dict):
                    raise RdapError(f"the RDAP bootstrap file answered {status}")
                self._table = parse_bootstrap(body)
                self._read_at = time.monotonic()
        labels = domain.lower().rstrip(".").split(".")
        for start in range(len(labels)):  # the longest listed suffix wins
            base = self._table.get(".".join(labels[start:]))
            if base:
                return base
        return None


def parse_bootstrap(body: dict[str, Any]) -> dict[str, str]:
    """TLD -> the first https base URL (else the first one) of the bootstrap's services."""
    table: dict[str, str] = {}
    for service in body.get("services", []):
        if not isinstance(service, list) or len(service) < 2:
            continue
        tlds, urls = service[0], [u for u in service[1] if isinstance(u, str)]
        if not urls:
            continue
        url = next((u for u in urls if u.startswith("https://")), urls[0])
        for tld in tlds:
            if isinstance(tld, str):
                table[tld.lower()] = url.rstrip("/")
    return table


_bootstraps: dict[str, Bootstrap] = {}
_bootstraps_lock = threading.Lock()


def bootstrap_for(url: str) -> Bootstrap:
    with _bootstraps_lock:
        found = _bootstraps.get(url)
        if found is None:
            found = _bootstraps[url] = Bootstrap(url)
        return found


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None


def _registrar(body: dict[str, Any]) -> str | None:
    for entity in body.get("entities", []) or []:
        if not isinstance(entity, dict) or "registrar" not in (entity.get("roles") or []):
            continue
        vcard = entity.get("vcardArray")
        if isinstance(vcard, list) and len(vcard) > 1 and isinstance(vcard[1], list):
            for item in vcard[1]:
                if isinstance(item, list) and len(item) >= 4 and item[0] == "fn" and item[3]:
                    return str(item[3])[:200]
        for public_id in entity.get("publicIds", []) or []:
            if isinstance(public_id, dict) and public_id.get("identifier"):
                return f"IANA {public_id['identifier']}"[:200]
        if entity.get("handle"):
            return str(entity["handle"])[:200]
    return None


def parse_domain(name: str, body: dict[str, Any], today: dt.date, source: str) -> dict[str, Any]:
    """``evidence.rdap`` from an RDAP domain object."""
    events = {
        str(e.get("eventAction", "")).lower(): _date(e.get("eventDate"))
        for e in body.get("events", []) or []
        if isinstance(e, dict)
    }
    registered = events.get("registration")
    expires = events.get("expiration")
    return {
        "name": name,
        "found": True,
        "registered": registered.isoformat() if registered else None,
        "age_days": (today - registered).days if registered else None,
        "expires": expires.isoformat() if expires else None,
        "registrar": _registrar(body),
        "status": [str(s)[:60] for s in (body.get("status") or [])][:10],
        "source": source,
    }


def domain_evidence(domain: str, config: OnlineConfig, deadline: Deadline) -> dict[str, Any]:
    """``evidence.rdap`` for a registrable domain: ``registered`` (ISO date), ``age_days``,
    ``registrar``, ``expires``; ``found`` false when the registry does not know it (404);
    ``error`` when it could not be asked."""
    try:
        base = config.rdap_url or bootstrap_for(config.rdap_bootstrap_url).base_for(domain, deadline)
        if base is None:
            return {"name": domain, "error": "no RDAP server for this TLD"}
        url = f"{base}/domain/{domain}"
        status, body = get_json(url, deadline, MAX_RDAP_BYTES)
    except RdapError as exc:
        return {"name": domain, "error": str(exc)}
    if status == 404:
        return {"name": domain, "found": False, "source": url}
    if status != 200 or not isinstance(body, dict):
        return {"name": domain, "error": f"the RDAP server answered {status}", "source": url}
    return parse_domain(domain, body, dt.datetime.now(dt.UTC).date(), url)
