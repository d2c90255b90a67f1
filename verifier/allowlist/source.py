"""Read the moderator-edited TOML sources and normalize them into bundle records.

Every problem found is reported as ``file:line: message`` so a moderator can fix
the pull request without reading code; ``SourceError`` carries them all at once.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from verifier.allowlist.model import check_content
from verifier.channels import parse_email, parse_handle, parse_phone, parse_url, platform_id
from verifier.errors import InvalidChannel, SourceError

_ID_RE = re.compile(r"^[a-z][a-z0-9]{1,31}$")
_REGION_RE = re.compile(r"^[A-Z]{2}$")
_KINDS = ("domains", "emails", "phones", "handles")
_BRAND_KEYS = frozenset(
    {
        "id",
        "name",
        "aliases",
        "default_region",
        "custody",
        "phones",
        "phones_evidence",
        "phones_checked",
        "unrelated",
        *_KINDS,
    }
)
_ENTRY_KEYS = {
    "domains": {"value", "subdomains", "evidence", "checked"},
    "emails": {"value", "evidence", "checked"},
    "phones": {"value", "evidence", "checked"},
    "handles": {"platform", "value", "evidence", "checked"},
}
_DENY_KEYS = {"kind", "value", "platform", "claimed_brand", "evidence", "checked"}


@dataclass
class Problems:
    """Collects ``file:line: message`` strings while sources are read."""

    items: list[str] = field(default_factory=list)

    def add(self, path: Path, text: str, needle: str | None, message: str) -> None:
        self.items.append(f"{path}:{_line_of(text, needle)}: {message}")


@dataclass(frozen=True)
class Sources:
    """Everything under ``allowlists/`` read and normalized: release, brands, denylist."""

    version: int
    expires: str
    brands: dict[str, dict[str, Any]]
    denylist: list[dict[str, Any]]


def _line_of(text: str, needle: str | None) -> int:
    if needle:
        for number, line in enumerate(text.splitlines(), start=1):
            if needle in line:
                return number
    return 1


def _load_toml(path: Path, problems: Problems) -> tuple[dict[str, Any], str] | None:
    try:
        text = path.read_text("utf-8")
        return tomllib.loads(text), text
    except UnicodeDecodeError:
        problems.items.append(f"{path}:1: not UTF-8 text")
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"at line (\d+)", str(exc))
        line = int(found.group(1)) if found else 1
        problems.items.append(f"{path}:{line}: TOML syntax error: {exc}")
    except RecursionError:  # tomllib reads nested arrays and tables recursively
        problems.items.append(f"{path}:1: TOML nested too deeply")
    except OSError as exc:
        problems.items.append(f"{path}:1: cannot read: {exc.strerror or exc}")
    return None


def _date(value: Any) -> str | None:
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return None


def _evidence(
    record: dict[str, Any],
    path: Path,
    text: str,
    needle: str,
    problems: Problems,
    key: str = "evidence",
    checked_key: str = "checked",
) -> dict[str, str]:
    evidence = record.get(key)
    checked = _date(record.get(checked_key))
    if not isinstance(evidence, str) or not evidence:
        problems.add(path, text, needle, f"missing {key} (a URL where the brand itself states this)")
        evidence = ""
    elif not evidence.startswith("https://") or len(evidence) <= len("https://") or " " in evidence:
        problems.add(path, text, evidence, f"{key} must be an https:// URL, got {evidence!r}")
    if checked is None:
        problems.add(path, text, needle, f"{checked_key} must be a date such as 2026-11-22")
        checked = ""
    return {"evidence": evidence, "checked": checked}


def normalize_entry(kind: str, record: dict[str, Any]) -> dict[str, Any]:
    """Normalize one entry's value the way checks normalize input; raise InvalidChannel."""
    value = record.get("value")
    if not isinstance(value, str):
        raise InvalidChannel("value must be a string", "invalid.not_text")
    if kind == "domains":
        channel = parse_url(value)
        if channel.registrable_domain is None:
            raise InvalidChannel("an official domain must be a host name, not an IP address", "invalid.ip")
        if channel.host != value.strip().lower().rstrip(".") and channel.host_unicode != value:
            raise InvalidChannel(f"write the host itself ({channel.host}), not a link", "invalid.not_host")
        return {
            "value": channel.normalized,
            "display": channel.host_unicode or channel.normalized,
            "subdomains": bool(record.get("subdomains", False)),
        }
    if kind == "emails":
        channel = parse_email(value)
        return {"value": channel.normalized.casefold(), "display": channel.normalized}
    if kind == "phones":
        if not value.strip().startswith("+"):
            raise InvalidChannel("write official numbers in E.164 with + and country code", "invalid.phone")
        channel = parse_phone(value)
        return {"value": channel.normalized, "display": value.strip()}
    platform = record.get("platform")
    if not isinstance(platform, str):
        raise InvalidChannel("a handle needs a platform", "invalid.handle_no_platform")
    channel = parse_handle(value, platform_id(platform))
    return {"value": channel.name, "display": value.strip().lstrip("@"), "platform": channel.platform}


def _brand(path: Path, data: dict[str, Any], text: str, problems: Problems) -> dict[str, Any] | None:
    brand_id = data.get("id")
    if not isinstance(brand_id, str) or not _ID_RE.match(brand_id):
        problems.add(path, text, "id =", "id must be lowercase letters and digits, e.g. tokenpocket")
        return None
    if path.stem != brand_id:
        problems.add(path, text, "id =", f"file name must be {brand_id}.toml to match its id")
    for key in sorted(set(data) - _BRAND_KEYS):
        problems.add(path, text, key, f"unknown key {key!r}")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.add(path, text, "name =", "name is required")
        name = brand_id
    aliases = data.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        problems.add(path, text, "aliases", "aliases must be a list of non-empty strings")
        aliases = []
    region = data.get("default_region", "US")
    if not isinstance(region, str) or not _REGION_RE.match(region):
        problems.add(path, text, "default_region", "default_region must be an ISO code such as CN or US")
        region = "US"
    custody = data.get("custody", "self")
    if custody not in ("self", "exchange"):
        problems.add(path, text, "custody", 'custody must be "self" or "exchange"')
    unrelated = data.get("unrelated", [])
    if not isinstance(unrelated, list) or not all(isinstance(u, str) for u in unrelated):
        problems.add(path, text, "unrelated", "unrelated must be a list of domains")
        unrelated = []
    brand: dict[str, Any] = {
        "name": name.strip(),
        "aliases": sorted({a.strip() for a in aliases}),
        "default_region": region,
        "custody": custody,
        "no_phone_support": None,
        "unrelated": sorted({u.strip().lower() for u in unrelated}),
    }
    phones = data.get("phones", [])
    if phones == "none":
        brand["no_phone_support"] = _evidence(
            data, path, text, "phones", problems, "phones_evidence", "phones_checked"
        )
        phones = []
    elif isinstance(phones, str):
        problems.add(path, text, "phones", 'phones is either "none" or a list of [[phones]] entries')
        phones = []
    elif "phones_evidence" in data or "phones_checked" in data:
        problems.add(path, text, "phones_", 'phones_evidence and phones_checked belong with phones = "none"')
    for kind in _KINDS:
        records = phones if kind == "phones" else data.get(kind, [])
        out: list[dict[str, Any]] = []
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            problems.add(path, text, f"[[{kind}]]", f"{kind} must be [[{kind}]] tables")
            records = []
        for record in records:
            needle = str(record.get("value", f"[[{kind}]]"))
            for key in sorted(set(record) - _ENTRY_KEYS[kind]):
                problems.add(path, text, needle, f"unknown key {key!r} in {kind} entry")
            try:
                entry = normalize_entry(kind, record)
            except InvalidChannel as exc:
                problems.add(path, text, needle, f"{kind} value {record.get('value')!r}: {exc}")
                continue
            entry.update(_evidence(record, path, text, needle, problems))
            out.append(entry)
        brand[kind] = sorted(out, key=lambda e: (e.get("platform", ""), e["value"]))
    return brand


def _denylist(path: Path, problems: Problems, brand_ids: set[str]) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    loaded = _load_toml(path, problems)
    if loaded is None:
        return []
    data, text = loaded
    out = []
    records = data.get("entries", [])
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        problems.add(path, text, "entries", "entries must be [[entries]] tables")
        return []
    for record in records:
        needle = str(record.get("value", "[[entries]]"))
        for key in sorted(set(record) - _DENY_KEYS):
            problems.add(path, text, needle, f"unknown key {key!r} in denylist entry")
        kind = {"url": "domains", "email": "emails", "phone": "phones", "handle": "handles"}.get(
            str(record.get("kind"))
        )
        if kind is None:
            problems.add(path, text, needle, "kind must be url, email, phone or handle")
            continue
        try:
            entry = normalize_entry(kind, record)
        except InvalidChannel as exc:
            problems.add(path, text, needle, f"denylist value {record.get('value')!r}: {exc}")
            continue
        entry.pop("subdomains", None)
        entry["kind"] = record["kind"]
        entry["claimed_brand"] = str(record.get("claimed_brand", ""))
        if entry["claimed_brand"] not in brand_ids:
            problems.add(path, text, needle, f"claimed_brand {entry['claimed_brand']!r} is not a brand id")
        entry.update(_evidence(record, path, text, needle, problems))
        out.append(entry)
    return sorted(out, key=lambda e: (e["kind"], e.get("platform", ""), e["value"]))


def _release(path: Path, problems: Problems) -> tuple[int, str]:
    loaded = _load_toml(path, problems) if path.exists() else None
    if loaded is None:
        if not path.exists():
            problems.items.append(f"{path}:1: missing release file (version and expires)")
        return 0, ""
    data, text = loaded
    version = data.get("version")
    expires = data.get("expires")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version < 2**63:
        problems.add(path, text, "version", "version must be a positive integer below 2^63")
        version = 0
    if not isinstance(expires, dt.datetime) or expires.tzinfo is None:
        problems.add(path, text, "expires", "expires must be a UTC date-time such as 2027-05-22T00:00:00Z")
        return int(version), ""
    stamp = expires.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return int(version), stamp


def read_sources(root: Path) -> Sources:
    """Read ``root/release.toml``, ``root/brands/*.toml`` and ``root/denylist.toml``.

    Returns normalized, sorted records ready to compile. Raises SourceError listing
    every ``file:line`` problem when any source is malformed.
    """
    problems = Problems()
    version, expires = _release(root / "release.toml", problems)
    brands: dict[str, dict[str, Any]] = {}
    brand_files = sorted((root / "brands").glob("*.toml"))
    if not brand_files:
        problems.items.append(f"{root / 'brands'}:1: no brand files (*.toml)")
    for path in brand_files:
        loaded = _load_toml(path, problems)
        if loaded is None:
            continue
        data, text = loaded
        brand = _brand(path, data, text, problems)
        if brand is not None:
            if data["id"] in brands:
                problems.add(path, text, "id =", f"brand id {data['id']!r} is used twice")
            brands[data["id"]] = brand
    denylist = _denylist(root / "denylist.toml", problems, set(brands))
    if not problems.items:
        try:  # what every client checks before it indexes a bundle (types, text lengths)
            check_content({"brands": brands, "denylist": denylist})
        except (KeyError, TypeError, ValueError) as exc:
            problems.items.append(f"{root}:1: the compiled bundle would be refused by clients: {exc}")
    if problems.items:
        raise SourceError(problems.items)
    return Sources(version, expires, brands, denylist)
