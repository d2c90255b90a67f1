"""Chrome's v3 CT log list (``log_list.json``): which logs to follow, where, and with which key.

Format: https://www.gstatic.com/ct/log_list/v3/log_list_schema.json. Both ``logs`` (RFC 6962)
and ``tiled_logs`` (static-ct-api) of every operator are read. The list is configuration: its
URLs may name loopback (test logs); a URL a user types to fetch the list itself may not.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from verifier.channels.weburl import NotAWebURL, parse_web_url
from verifier.watch.errors import LogListError

DEFAULT_LOG_LIST = "https://www.gstatic.com/ct/log_list/v3/log_list.json"
MAX_LOG_LIST_BYTES = 8_000_000
LogKey = ec.EllipticCurvePublicKey | rsa.RSAPublicKey


class LogKind(StrEnum):
    RFC6962 = "rfc6962"
    TILED = "tiled"


class LogState(StrEnum):
    PENDING = "pending"
    QUALIFIED = "qualified"
    USABLE = "usable"
    READONLY = "readonly"
    RETIRED = "retired"
    REJECTED = "rejected"


# Logs whose entries are still served and trusted by browsers: the ones worth following.
FOLLOWED_STATES = frozenset({LogState.QUALIFIED, LogState.USABLE, LogState.READONLY})


@dataclass(frozen=True, slots=True)
class LogSpec:
    """One log of the list. ``url`` is the monitoring prefix (RFC 6962: the log URL), always
    ending in ``/``; ``origin`` the checkpoint origin of a tiled log (submission prefix without
    scheme and trailing slash); ``final_size`` the frozen size of a read-only log."""

    name: str
    operator: str
    kind: LogKind
    url: str
    log_id: bytes
    key: LogKey
    state: LogState | None
    mmd: int
    origin: str = ""
    final_size: int | None = None

    @property
    def log_id_b64(self) -> str:
        return base64.b64encode(self.log_id).decode()

    @property
    def followed(self) -> bool:
        return self.state in FOLLOWED_STATES


@dataclass(frozen=True, slots=True)
class LogList:
    logs: tuple[LogSpec, ...]
    skipped: tuple[str, ...]  # entries left out, each with the reason (bad key, bad URL ...)
    timestamp: str | None = None


def _prefix(url: Any, where: str) -> str:
    if not isinstance(url, str) or not url:
        raise LogListError(f"{where}: no URL")
    try:
        parts = parse_web_url(url)  # as a browser reads it; the serialized form is what is used
    except NotAWebURL:
        parts = None
    if parts is None or parts.scheme not in {"http", "https"}:
        raise LogListError(f"{where}: not an http(s) URL: {url[:200]!r}")
    if parts.query or "#" in parts.href or parts.userinfo is not None:
        raise LogListError(f"{where}: URL with query, fragment or userinfo: {url[:200]!r}")
    return parts.href if parts.href.endswith("/") else parts.href + "/"


def _key(value: Any, log_id: Any, where: str) -> tuple[LogKey, bytes]:
    try:
        der = base64.b64decode(value, validate=True)
        claimed = base64.b64decode(log_id, validate=True)
    except (binascii.Error, TypeError, ValueError):
        raise LogListError(f"{where}: key or log_id is not base64") from None
    if hashlib.sha256(der).digest() != claimed:
        raise LogListError(f"{where}: log_id is not the SHA-256 of the key")
    try:
        key = serialization.load_der_public_key(der)
    except ValueError:
        raise LogListError(f"{where}: key is not a DER SubjectPublicKeyInfo") from None
    if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1):
        return key, claimed
    if isinstance(key, rsa.RSAPublicKey) and key.key_size >= 2048:
        return key, claimed
    raise LogListError(f"{where}: key type not allowed for CT (ECDSA P-256 or RSA >= 2048)")


def _state(value: Any) -> tuple[LogState | None, int | None]:
    if not isinstance(value, dict) or len(value) != 1:
        return None, None
    ((name, detail),) = value.items()
    try:
        state = LogState(name)
    except ValueError:
        return None, None
    final = None
    if state is LogState.READONLY and isinstance(detail, dict):
        head = detail.get("final_tree_head")
        if isinstance(head, dict) and isinstance(head.get("tree_size"), int):
            final = head["tree_size"]
    return state, final


def _spec(item: Any, operator: str, kind: LogKind) -> LogSpec:
    if not isinstance(item, dict):
        raise LogListError(f"{operator}: a log entry is not an object")
    name = str(item.get("description") or item.get("log_id") or "?")[:200]
    where = f"{operator}/{name}"
    key, log_id = _key(item.get("key"), item.get("log_id"), where)
    state, final = _state(item.get("state"))
    raw_mmd = item.get("mmd")
    mmd = raw_mmd if isinstance(raw_mmd, int) else 86400
    if kind is LogKind.RFC6962:
        return LogSpec(
            name, operator, kind, _prefix(item.get("url"), where), log_id, key, state, mmd, final_size=final
        )
    submission = _prefix(item.get("submission_url"), where)
    origin = submission.split("://", 1)[1].rstrip("/")
    return LogSpec(
        name,
        operator,
        kind,
        _prefix(item.get("monitoring_url"), where),
        log_id,
        key,
        state,
        mmd,
        origin=origin,
        final_size=final,
    )


def parse_log_list(data: bytes) -> LogList:
    """The logs of a v3 log list document. A log with a bad key, id or URL is left out (named in
    ``skipped``); a document that is not a log list raises LogListError."""
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise LogListError(f"the log list is not JSON: {exc}") from None
    operators = document.get("operators") if isinstance(document, dict) else None
    if not isinstance(operators, list):
        raise LogListError("the log list has no 'operators' array (not a v3 log list)")
    logs: list[LogSpec] = []
    skipped: list[str] = []
    seen: set[bytes] = set()
    for operator in operators:
        if not isinstance(operator, dict):
            continue
        operator_name = str(operator.get("name") or "?")[:200]
        for field, kind in (("logs", LogKind.RFC6962), ("tiled_logs", LogKind.TILED)):
            entries = operator.get(field) or []
            for item in entries if isinstance(entries, list) else []:
                try:
                    spec = _spec(item, operator_name, kind)
                except LogListError as exc:
                    skipped.append(str(exc))
                    continue
                if spec.log_id in seen:
                    skipped.append(f"{operator_name}/{spec.name}: duplicate log_id")
                    continue
                seen.add(spec.log_id)
                logs.append(spec)
    timestamp = document.get("log_list_timestamp")
    return LogList(tuple(logs), tuple(skipped), timestamp if isinstance(timestamp, str) else None)


def load_log_list(source: str, *, timeout: float = 30.0) -> LogList:
    """The log list at ``source``: a file path, or an https URL on a public address (a user
    chose it, so the usual fetch rules apply). Raises LogListError."""
    if source.startswith(("https://", "http://")):
        from verifier.net.page import FetchError, fetch_page  # noqa: PLC0415 (network when asked)

        if not source.startswith("https://"):
            raise LogListError("a log list URL must use https")
        try:
            page = fetch_page(source, max_bytes=MAX_LOG_LIST_BYTES, timeout=timeout)
        except FetchError as exc:
            raise LogListError(f"the log list could not be fetched: {exc}") from None
        return parse_log_list(page.text.encode())
    try:
        data = Path(source).read_bytes()
    except OSError as exc:
        raise LogListError(f"the log list could not be read: {exc.strerror or exc}") from None
    if len(data) > MAX_LOG_LIST_BYTES:
        raise LogListError("the log list is larger than 8 MB")
    return parse_log_list(data)
