"""Fetch a newer signed bundle (and rotated roots) over HTTPS, verify, and install it.

Only what the user asked for is fetched: one URL, bounded in time and size, no
redirects, https only (plain http is allowed for a loopback URL so tests can serve
bundles locally), and never an https host that resolves to a private address.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from verifier.allowlist.store import BUNDLE_NAME, highest_seen, remember_version, trusted_root
from verifier.allowlist.trust import MAX_BUNDLE_BYTES, Root, verify_bundle, verify_root_update
from verifier.errors import AllowlistError

TIMEOUT_SECONDS = 10.0
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


class UpdateError(AllowlistError):
    """The update could not be fetched (bad URL, network, size, status)."""


@dataclass(frozen=True)
class UpdateResult:
    """What ``update`` installed: the bundle version and where, and any new root."""

    version: int
    expires: str
    path: Path
    root_version: int


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str) -> str:
    """Refuse URLs that are not https (or loopback http) or that point into a private network."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError as exc:
        raise UpdateError(f"not a valid URL: {url!r}") from exc
    if parts.scheme == "http" and _is_loopback(host):
        return url
    if parts.scheme != "https" or not host:
        raise UpdateError("update URLs must be https:// (plain http only for a loopback test server)")
    try:
        infos = socket.getaddrinfo(host, parts.port or 443, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise UpdateError(f"cannot resolve {host}: {exc}") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise UpdateError(f"{host} resolves to a non-public address ({address}); refusing to fetch")
    return url


def fetch(url: str, *, client: httpx.Client | None = None, max_bytes: int = MAX_BUNDLE_BYTES) -> bytes:
    """GET ``url`` with a time limit, no redirects and at most ``max_bytes`` of body."""
    check_url(url)
    own = client is None
    session = client or httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=False, trust_env=False)
    try:
        with session.stream("GET", url) as response:
            if response.status_code != 200:
                raise UpdateError(f"{url} answered HTTP {response.status_code}")
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise UpdateError(f"{url} is larger than {max_bytes} bytes")
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > max_bytes:
                    raise UpdateError(f"{url} is larger than {max_bytes} bytes")
            return bytes(body)
    except httpx.HTTPError as exc:
        raise UpdateError(f"cannot fetch {url}: {exc}") from exc
    finally:
        if own:
            session.close()


def update(
    url: str,
    *,
    directory: Path,
    root_urls: tuple[str, ...] = (),
    root: Root | None = None,
    now: dt.datetime | None = None,
    client: httpx.Client | None = None,
) -> UpdateResult:
    """Fetch, verify and install a newer bundle into ``directory``.

    ``root_urls`` are new root documents (each the next version) to rotate keys
    first. ``root`` replaces the trusted root (default: the shipped root advanced
    through stored rotations). Raises UpdateError for fetch problems and the specific AllowlistError
    (expired, rollback, unsigned ...) when verification fails; nothing is
    installed unless everything verifies.
    """
    root = root or trusted_root(directory)
    new_roots: list[tuple[int, bytes]] = []
    for root_url in root_urls:
        data = fetch(root_url, client=client)
        root = verify_root_update(root, data)
        new_roots.append((root.version, data))
    data = fetch(url, client=client)
    verified = verify_bundle(data, root, now=now, highest_seen=highest_seen(directory))
    directory.mkdir(parents=True, exist_ok=True)
    roots_dir = directory / "roots"
    for version, root_data in new_roots:
        roots_dir.mkdir(exist_ok=True)
        (roots_dir / f"{version}.root.json").write_bytes(root_data)
    target = directory / BUNDLE_NAME
    tmp = directory / (BUNDLE_NAME + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(target)
    remember_version(directory, verified.version)
    return UpdateResult(verified.version, verified.expires, target, root.version)
