"""What the page a link ends on says: brand names and requests for secrets, by the scan rules.

The page is the body ``redirects.follow`` already fetched (HTML or text, bounded); it is read by
``verifier.scan`` (the same rules and brand names as ``verifier scan``), and only what matters
for a page off the official hosts is kept: the brands it names and its findings.
"""

from __future__ import annotations

import html
import re
from typing import Any

from verifier.allowlist.model import Allowlist

MAX_FINDINGS = 10
MAX_PAGE_CHARS = 1_000_000  # below verifier.scan's own limit (2,000,000)
MAX_TITLE = 200
_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
# Categories whose findings make a page itself a danger (the scan rules' own categories).
SECRET_CATEGORIES = frozenset({"secret_request", "fake_dapp"})


def title_of(text: str) -> str | None:
    match = _TITLE.search(text[:200_000])
    if not match:
        return None
    title = " ".join(html.unescape(match.group(1)).split())
    return title[:MAX_TITLE] or None


def page_evidence(url: str, text: str, content_type: str, allowlist: Allowlist, lang: str) -> dict[str, Any]:
    """``evidence.page``: ``url``, ``title``, ``brands`` (ids named in the title or text),
    ``asks_for_secrets`` (a finding of the secret-request or fake-dApp rules), ``risk`` and
    ``findings`` (code, category, severity, excerpt, message)."""
    from verifier import scan  # noqa: PLC0415 (the public function; scan data only when needed)

    is_html = "html" in content_type or text.lstrip()[:15].lower().startswith(("<!doctype", "<html"))
    result = scan(text[:MAX_PAGE_CHARS], lang=lang, html=is_html, allowlist=allowlist)
    findings = [
        {
            "code": p.code,
            "category": p.category,
            "severity": p.severity,
            "excerpt": p.excerpt,
            "message": p.message,
        }
        for p in result.patterns[:MAX_FINDINGS]
    ]
    return {
        "url": url,
        "title": title_of(text) if is_html else None,
        "brands": list(result.brands),
        "asks_for_secrets": any(p.category in SECRET_CATEGORIES for p in result.patterns),
        "risk": result.risk,
        "findings": findings,
    }
