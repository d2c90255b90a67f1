"""Check the allowlist sources the way a careful reviewer would, before anything is signed.

``read_sources`` decides whether each file is well-formed; this module adds the checks that
need every file at once (an entry claimed by two brands, a denied value that is official)
and the ones that need today's date. Every problem points at the line a moderator edits.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias

from verifier.allowlist.source import Sources, normalize_entry, read_sources
from verifier.errors import InvalidChannel, SourceError

_PROBLEM_RE = re.compile(r"^(?P<path>.+?):(?P<line>\d+): (?P<message>.*)$", re.DOTALL)
_TOML_AT_RE = re.compile(r"^TOML syntax error: .*\(at line (\d+), column \d+\)$")
_KINDS = ("domains", "emails", "phones", "handles")
_SINGULAR = {"domains": "domain", "emails": "email", "phones": "phone", "handles": "handle"}
_DENY_KINDS = {"url": "domains", "email": "emails", "phone": "phones", "handle": "handles"}


@dataclass(frozen=True, order=True)
class LintProblem:
    """One problem in a source file, at the line a moderator should edit."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "message": self.message}


@dataclass(frozen=True)
class _Entry:
    """A brand or denylist entry with where it is written."""

    path: str
    brand: str  # the owning brand id; "" for denylist entries
    kind: str  # section name: domains, emails, phones or handles
    key: tuple[str, str]  # (platform or "", normalized value)
    subdomains: bool
    label: str
    line: int
    checked: dt.date
    checked_line: int


# (kind, (platform, value)) -> the brand entries with that value
_Official: TypeAlias = dict[tuple[str, tuple[str, str]], list[_Entry]]


@dataclass(frozen=True)
class _File:
    """One source file: its parsed data and its lines, for locating keys."""

    path: str
    data: dict[str, Any]
    lines: list[str]

    def headers(self, table: str) -> list[int]:
        pattern = re.compile(rf"^\s*\[\[\s*{table}\s*\]\]")
        return [n for n, line in enumerate(self.lines, start=1) if pattern.match(line)]

    def block(self, start: int) -> tuple[int, int]:
        """The lines of the table starting at ``start`` (line 1: the top-level keys)."""
        for n in range(start + 1, len(self.lines) + 1):
            if self.lines[n - 1].lstrip().startswith("["):
                return start, n - 1
        return start, len(self.lines)

    def key_line(self, key: str, block: tuple[int, int]) -> int:
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for n in range(block[0], block[1] + 1):
            if pattern.match(self.lines[n - 1]):
                return n
        return block[0]


def _read(path: Path) -> _File:
    text = path.read_text("utf-8")
    return _File(str(path), tomllib.loads(text), text.splitlines())


def _entries(file: _File, brand: str, table: str) -> Iterator[_Entry]:
    headers = file.headers(table)
    records = file.data.get(table, [])
    if not isinstance(records, list):  # phones = "none"
        return
    for index, record in enumerate(records):
        kind = _DENY_KINDS[record["kind"]] if table == "entries" else table
        entry = normalize_entry(kind, record)
        # Entries written as [[tables]] map to headers in order; anything else gets line 1.
        block = file.block(headers[index]) if len(headers) == len(records) else (1, len(file.lines))
        written = str(record["value"]).strip()
        yield _Entry(
            path=file.path,
            brand=brand,
            kind=kind,
            key=(entry.get("platform", ""), entry["value"]),
            subdomains=bool(entry.get("subdomains")),
            label=f"{entry['platform']}:@{written.lstrip('@')}" if kind == "handles" else written,
            line=file.key_line("value", block),
            checked=record["checked"],
            checked_line=file.key_line("checked", block),
        )


def _owners(official: _Official, kind: str, key: tuple[str, str]) -> set[str]:
    """Brands for which this value is official: exactly, or as a subdomain of a zone."""
    owners = {e.brand for e in official.get((kind, key), [])}
    if kind == "domains":
        labels = key[1].split(".")
        for i in range(1, len(labels) - 1):
            zone = official.get((kind, ("", ".".join(labels[i:]))), [])
            owners.update(e.brand for e in zone if e.subdomains)
    return owners


def _parse_problem(item: str) -> LintProblem:
    match = _PROBLEM_RE.match(item)
    if match is None:
        return LintProblem("", 1, item)
    line = int(match["line"])
    # tomllib before Python 3.14 has no ``lineno``; its message still says where.
    at = _TOML_AT_RE.search(match["message"])
    if line == 1 and at is not None:
        line = int(at[1])
    return LintProblem(match["path"], line, match["message"])


def lint_sources(root: Path, *, today: dt.date) -> list[LintProblem]:
    """Every problem in the allowlist sources under ``root``, sorted by file and line.

    First whatever ``read_sources`` reports; if the sources read cleanly, then the cross
    checks: duplicates, entries claimed by two brands, ``checked`` dates after ``today``,
    denied values that are official, brands without domains, and bad ``unrelated`` domains.
    Raises nothing for bad sources (they are problems); OSError only if files vanish midway.
    """
    try:
        sources = read_sources(root)
    except SourceError as exc:
        return sorted(_parse_problem(item) for item in exc.problems)
    brand_files = {bid: _read(root / "brands" / f"{bid}.toml") for bid in sources.brands}
    entries = [e for bid, f in brand_files.items() for kind in _KINDS for e in _entries(f, bid, kind)]
    official: _Official = {}
    for entry in entries:
        official.setdefault((entry.kind, entry.key), []).append(entry)
    denied: list[_Entry] = []
    if (root / "denylist.toml").exists():
        denied = list(_entries(_read(root / "denylist.toml"), "", "entries"))
    problems = [
        *_duplicates([*entries, *denied]),
        *_claimed_twice(entries, official),
        *_denied_official(denied, official),
        *_future_checked([*entries, *denied], today),
        *_brand_checks(sources, brand_files, official, today),
        *_release_policy(root / "release.toml", sources.expires, today),
    ]
    return sorted(problems)


def _release_policy(path: Path, expires: str, today: dt.date) -> Iterator[LintProblem]:
    """``expires`` must be MIN_LIFETIME to MAX_LIFETIME (180 to 400 days) after today, the day the
    release is built and signed: a bundle expiring later does not verify
    (``bundle.expires_beyond_policy``), one expiring sooner leaves clients too little time."""
    from verifier.allowlist.trust import MAX_LIFETIME, MIN_LIFETIME, parse_expires  # noqa: PLC0415

    day = parse_expires(expires).date()
    if today + MIN_LIFETIME <= day <= today + MAX_LIFETIME:
        return
    file = _read(path)
    line = file.key_line("expires", file.block(1))
    yield LintProblem(
        str(path),
        line,
        f"release policy: expires {expires} must be {MIN_LIFETIME.days} to {MAX_LIFETIME.days} days "
        f"after today, the day it is signed (today is {today.isoformat()}, so from "
        f"{(today + MIN_LIFETIME).isoformat()} to {(today + MAX_LIFETIME).isoformat()})",
    )


def _duplicates(entries: list[_Entry]) -> Iterator[LintProblem]:
    first: dict[tuple[str, str, tuple[str, str]], _Entry] = {}
    for entry in entries:
        seen = first.setdefault((entry.brand, entry.kind, entry.key), entry)
        if seen is not entry:
            yield LintProblem(
                entry.path,
                entry.line,
                f"duplicate {_SINGULAR[entry.kind]} {entry.label!r}: already listed on line {seen.line}",
            )


def _claimed_twice(entries: list[_Entry], official: _Official) -> Iterator[LintProblem]:
    for entry in entries:
        others = _owners(official, entry.kind, entry.key) - {entry.brand}
        if others:
            yield LintProblem(
                entry.path,
                entry.line,
                f"{_SINGULAR[entry.kind]} {entry.label!r} is also an official entry of "
                f"{', '.join(sorted(others))}",
            )


def _denied_official(denied: list[_Entry], official: _Official) -> Iterator[LintProblem]:
    for entry in denied:
        owners = _owners(official, entry.kind, entry.key)
        if owners:
            yield LintProblem(
                entry.path,
                entry.line,
                f"denied {_SINGULAR[entry.kind]} {entry.label!r} is an official entry of "
                f"{', '.join(sorted(owners))}",
            )


def _future_checked(entries: list[_Entry], today: dt.date) -> Iterator[LintProblem]:
    for entry in entries:
        if entry.checked > today:
            yield LintProblem(entry.path, entry.checked_line, _future(entry.checked, today))


def _future(date: dt.date, today: dt.date) -> str:
    return f"checked date {date.isoformat()} is in the future (today is {today.isoformat()})"


def _brand_checks(
    sources: Sources,
    files: dict[str, _File],
    official: _Official,
    today: dt.date,
) -> Iterator[LintProblem]:
    for brand_id, brand in sources.brands.items():
        file = files[brand_id]
        top = file.block(1)
        if not brand["domains"]:
            message = "brand has no domains: add its official website so lookalikes can be told apart"
            yield LintProblem(file.path, file.key_line("id", top), message)
        phones_checked = file.data.get("phones_checked")
        if brand["no_phone_support"] and isinstance(phones_checked, dt.date) and phones_checked > today:
            yield LintProblem(file.path, file.key_line("phones_checked", top), _future(phones_checked, today))
        yield from _unrelated(file, official)


def _unrelated(file: _File, official: _Official) -> Iterator[LintProblem]:
    start = file.key_line("unrelated", file.block(1))
    for written in file.data.get("unrelated", []):
        quoted = (f'"{written}"', f"'{written}'")
        lines = range(start, len(file.lines) + 1)
        line = next((n for n in lines if any(q in file.lines[n - 1] for q in quoted)), start)
        try:
            value = normalize_entry("domains", {"value": written})["value"]
        except InvalidChannel as exc:
            yield LintProblem(file.path, line, f"unrelated domain {written!r} is not a valid host: {exc}")
            continue
        owners = _owners(official, "domains", ("", value))
        if owners:
            yield LintProblem(
                file.path,
                line,
                f"unrelated domain {written!r} is an official domain of {', '.join(sorted(owners))}",
            )
