"""Audit the allowlist's evidence: is each entry still backed by the brand itself?

``verifier allowlist lint`` checks that the sources are well formed; this module asks the
questions a reviewer asks of the evidence behind them (issue 16):

- ``stale``: the entry's ``checked`` date is more than ``max_age_days`` (a year) before today;
- ``not_own``: the evidence URL is neither on one of the brand's own domains (its official
  domains and their subdomains) nor one of its own accounts (a handle of the brand, e.g.
  ``github.com/<its github handle>/...``, ``x.com/<its x handle>``);
- online only (opt-in): ``value_missing``: the evidence page, fetched now, no longer contains
  the value; ``fetch_failed``: the page could not be read; ``not_checked``: the overall
  deadline passed before it was fetched.

Nothing here is fetched unless ``fetch`` is given (the CLI's ``--online``), so the allowlist
layer needs no network code. The CLI's fetcher (``verifier.online.redirects.page_fetcher``)
follows redirects with verifier's pinned, public-address-only fetcher, bounded by a deadline
per page and one for the whole audit; tests and split-horizon deployments reach other
addresses only through ``OnlineConfig.pinned_hosts`` (configuration, never the evidence URL).
"""

from __future__ import annotations

import datetime as dt
import html
import re
import time
import tomllib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from verifier.channels.domain import registrable_domain

MAX_AGE_DAYS = 365
KINDS = ("domains", "emails", "phones", "handles")
_SINGULAR = {"domains": "domain", "emails": "email", "phones": "phone", "handles": "handle"}

# Where each platform's accounts live: the first path segment names the account
# (youtube also as "@name", "c/name" or "user/name").
ACCOUNT_HOSTS: dict[str, tuple[str, ...]] = {
    "github": ("github.com",),
    "x": ("x.com", "twitter.com", "mobile.twitter.com"),
    "telegram": ("t.me", "telegram.me"),
    "youtube": ("youtube.com", "m.youtube.com"),
    "facebook": ("facebook.com", "m.facebook.com"),
    "instagram": ("instagram.com",),
    "tiktok": ("tiktok.com",),
    "weibo": ("weibo.com",),
    "discord": ("discord.gg", "discord.com"),
}

# (text of the page, or None) and an error message (None when the page was read).
Fetch = Callable[[str, float], tuple[str | None, str | None]]


@dataclass(frozen=True)
class AuditEntry:
    """One evidenced statement of a brand source file, with where it is written."""

    path: str
    line: int
    brand: str
    kind: str  # domain, email, phone, handle or "phones" (phones = "none")
    platform: str  # handles only
    value: str
    evidence: str
    checked: dt.date | None

    @property
    def label(self) -> str:
        if self.kind == "handle":
            return f"{self.platform}:@{self.value.lstrip('@')}"
        if self.kind == "phones":
            return 'phones = "none"'
        return self.value


@dataclass(frozen=True, order=True)
class AuditFinding:
    """One reason to look at an entry again."""

    path: str
    line: int
    code: str  # stale, not_own, value_missing, fetch_failed, not_checked
    brand: str
    entry: str
    evidence: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: [{self.code}] {self.brand} {self.entry}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "code": self.code,
            "brand": self.brand,
            "entry": self.entry,
            "evidence": self.evidence,
            "message": self.message,
        }


@dataclass(frozen=True)
class BrandSource:
    """A brand file's id, its own domains and accounts, and its evidenced entries."""

    brand: str
    domains: tuple[str, ...]
    accounts: tuple[tuple[str, str], ...]  # (platform, name casefolded)
    entries: tuple[AuditEntry, ...]


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _line_of(lines: list[str], start: int, key: str) -> int:
    """The line (1-based) of ``key = ...`` at or after line ``start``, else ``start``."""
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for number in range(start, len(lines) + 1):
        if number > start and lines[number - 1].lstrip().startswith("["):
            break
        if pattern.match(lines[number - 1]):
            return number
    return start


def read_brand(path: Path) -> BrandSource | None:
    """One brand file as the audit sees it; None when it is not TOML (lint reports that)."""
    try:
        text = path.read_text("utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    lines = text.splitlines()
    brand = str(data.get("id", path.stem))
    entries: list[AuditEntry] = []
    domains: list[str] = []
    accounts: list[tuple[str, str]] = []
    for kind in KINDS:
        records = data.get(kind, [])
        if not isinstance(records, list):
            continue
        headers = [n for n, line in enumerate(lines, 1) if re.match(rf"^\s*\[\[\s*{kind}\s*\]\]", line)]
        for index, record in enumerate(records):
            if not isinstance(record, dict):
                continue
            start = headers[index] if len(headers) == len(records) else 1
            value = str(record.get("value", "")).strip()
            platform = str(record.get("platform", "")).strip().casefold()
            if kind == "domains":
                domains.append(value.casefold().rstrip("."))
            if kind == "handles":
                accounts.append((platform, value.lstrip("@").casefold()))
            entries.append(
                AuditEntry(
                    str(path),
                    _line_of(lines, start, "value"),
                    brand,
                    _SINGULAR[kind],
                    platform,
                    value,
                    str(record.get("evidence", "")),
                    _date(record.get("checked")),
                )
            )
    if data.get("phones") == "none":
        entries.append(
            AuditEntry(
                str(path),
                _line_of(lines, 1, "phones_evidence"),
                brand,
                "phones",
                "",
                "none",
                str(data.get("phones_evidence", "")),
                _date(data.get("phones_checked")),
            )
        )
    return BrandSource(brand, tuple(domains), tuple(accounts), tuple(entries))


def read_brands(root: Path) -> list[BrandSource]:
    """Every ``brands/*.toml`` under ``root`` (the allowlists/ directory), in name order."""
    found = (read_brand(p) for p in sorted((root / "brands").glob("*.toml")))
    return [b for b in found if b is not None]


def own_evidence(url: str, brand: BrandSource) -> bool:
    """Whether ``url`` is on one of the brand's domains or is one of its own accounts."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    host = (parts.hostname or "").casefold().rstrip(".")
    if not host:
        return False
    mine = set(brand.domains)
    mine |= {r for r in (registrable_domain(d) for d in brand.domains) if r}
    if any(host == d or host.endswith("." + d) for d in mine):
        return True
    bare = host.removeprefix("www.")
    segments = [s for s in parts.path.split("/") if s]
    for platform, name in brand.accounts:
        if bare not in ACCOUNT_HOSTS.get(platform, ()) or not segments:
            continue
        first = segments[0].casefold()
        if platform == "youtube" and first in ("c", "user", "channel") and len(segments) > 1:
            first = segments[1].casefold()
        if first.lstrip("@") == name:
            return True
    return False


def offline_findings(
    brands: Iterable[BrandSource], *, today: dt.date, max_age_days: int = MAX_AGE_DAYS
) -> list[AuditFinding]:
    """Stale ``checked`` dates and evidence not on the brand's own domain or account."""
    out: list[AuditFinding] = []
    limit = today - dt.timedelta(days=max_age_days)
    for brand in brands:
        for entry in brand.entries:
            if entry.checked is None or entry.checked < limit:
                when = "no checked date" if entry.checked is None else f"checked {entry.checked.isoformat()}"
                limit_text = f"more than {max_age_days} days before {today.isoformat()}"
                out.append(_finding(entry, "stale", f"{when}, {limit_text}"))
            if not own_evidence(entry.evidence, brand):
                host = urlsplit(entry.evidence).hostname or entry.evidence or "(none)"
                out.append(
                    _finding(
                        entry,
                        "not_own",
                        f"evidence on {host}, not on one of {brand.brand}'s own domains or accounts",
                    )
                )
    return sorted(out)


def _finding(entry: AuditEntry, code: str, message: str) -> AuditFinding:
    return AuditFinding(entry.path, entry.line, code, entry.brand, entry.label, entry.evidence, message)


_TAG = re.compile(r"<[^>]*>")
_DIGITS = re.compile(r"\D")


def page_states(entry: AuditEntry, page: str) -> bool | None:
    """Whether the page text contains the entry's value; None when there is no value to look
    for (``phones = "none"`` is a statement: a moderator reads it)."""
    if entry.kind == "phones":
        return None
    text = html.unescape(page).casefold()
    flat = _TAG.sub(" ", text)
    if entry.kind == "phone":
        digits = _DIGITS.sub("", entry.value)
        return bool(digits) and digits in _DIGITS.sub("", flat)
    value = entry.value.lstrip("@").casefold()
    return value in text or value in flat


def online_findings(
    brands: Iterable[BrandSource],
    fetch: Fetch,
    *,
    deadline: float = 120.0,
    per_page: float = 15.0,
    clock: Callable[[], float] = time.monotonic,
) -> list[AuditFinding]:
    """Fetch each distinct evidence URL once (``fetch(url, seconds)``), at most ``per_page``
    seconds each and ``deadline`` seconds in all, and report entries whose page no longer holds
    their value. Entries whose page was not reached by the deadline are ``not_checked``."""
    end = clock() + deadline
    pages: dict[str, tuple[str | None, str | None]] = {}
    out: list[AuditFinding] = []
    for brand in brands:
        for entry in brand.entries:
            url = entry.evidence
            if not url:
                continue
            if url not in pages:
                left = end - clock()
                if left <= 0:
                    out.append(_finding(entry, "not_checked", f"the audit's {deadline:g} s deadline passed"))
                    continue
                try:
                    pages[url] = fetch(url, min(per_page, left))
                except Exception as exc:  # a fetcher's failure is a finding, not a crash
                    pages[url] = (None, f"{type(exc).__name__}: {exc}"[:200])
            text, error = pages[url]
            if text is None:
                out.append(_finding(entry, "fetch_failed", f"could not read the evidence page: {error}"))
                continue
            if page_states(entry, text) is False:
                message = f"the evidence page no longer contains {entry.value!r}"
                out.append(_finding(entry, "value_missing", message))
    return sorted(out)


def audit(
    root: Path,
    *,
    today: dt.date,
    max_age_days: int = MAX_AGE_DAYS,
    fetch: Fetch | None = None,
    deadline: float = 120.0,
    per_page: float = 15.0,
) -> list[AuditFinding]:
    """Every finding for the sources under ``root``: offline always, online with ``fetch``."""
    brands = read_brands(root)
    found = offline_findings(brands, today=today, max_age_days=max_age_days)
    if fetch is not None:
        found += online_findings(brands, fetch, deadline=deadline, per_page=per_page)
    return sorted(found)


def summary(findings: Iterable[AuditFinding]) -> Iterator[str]:
    """``code: count`` lines, most frequent first."""
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.code] = counts.get(finding.code, 0) + 1
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        yield f"{code}: {count}"
