"""Fetch a newer signed bundle (and rotated roots) over HTTPS, verify, and install it.

Only what the user asked for is fetched: one URL, bounded in time and size, no
redirects, https only (plain http is allowed for a loopback URL so tests can serve
bundles locally), and never an https host that resolves to a private address: the
connection goes to the address that was checked (``verifier.net``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import httpx

from verifier.allowlist.bundleformat import DENYLIST_TARGET
from verifier.allowlist.hostdeny import HostDenylist, verify_target
from verifier.allowlist.model import Allowlist
from verifier.allowlist.store import (
    BUNDLE_NAME,
    TARGETS_DIR,
    atomic_write,
    highest_seen,
    installed_target_path,
    remember_version,
    trusted_root,
)
from verifier.allowlist.trust import MAX_BUNDLE_BYTES, Root, verify_bundle, verify_root_update
from verifier.channels.weburl import NotAWebURL, WebURL, parse_web_url, scheme_of
from verifier.errors import AllowlistError, BundleFormatError, FetchError
from verifier.net.addresses import Resolver, public_address, system_resolver
from verifier.net.body import read_bounded
from verifier.net.deadline import Deadline, deadline_client
from verifier.net.redirects import open_get

TIMEOUT_SECONDS = 10.0
# Where `verifier update` looks without --url: the signed bundle as committed on the main branch
# (moderators commit it once signed), served by GitHub's raw-file host, which answers 200 itself
# (release downloads answer with a redirect, and updates follow none). The target files the
# bundle names are fetched from beside it. VERIFIER_UPDATE_URL overrides it (a mirror, a replica
# of `verifier serve`: .../v1/allowlist/bundle).
DEFAULT_UPDATE_URL = (
    "https://raw.githubusercontent.com/wallet-support-verifier/wallet-support-verifier/main/"
    "verifier/data/allowlist.json"
)
UPDATE_URL_ENV = "VERIFIER_UPDATE_URL"
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


class UpdateError(AllowlistError):
    """The update could not be fetched (bad URL, network, size, status).

    Its ``code`` is ``update.not_https`` or one of ``verifier.errors.FetchError``'s (``fetch.*``),
    whose messages say the same things.
    """


@dataclass(frozen=True)
class UpdateResult:
    """What ``update`` installed: the bundle version and where, and any new root."""

    version: int
    expires: str
    path: Path
    root_version: int


def default_update_url() -> str:
    """``$VERIFIER_UPDATE_URL``, else DEFAULT_UPDATE_URL."""
    return os.environ.get(UPDATE_URL_ENV) or DEFAULT_UPDATE_URL


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _destination(url: str, resolve: Resolver, deadline: Deadline | None = None) -> tuple[WebURL, str | None]:
    """Where the GET goes, the URL read as a browser reads it (WHATWG), and the address to
    connect to: None (by name) for a loopback http URL; for an https URL its checked public
    address, to which the request is pinned (name in Host and SNI, so a DNS answer cannot
    change between check and use)."""
    if scheme_of(url) not in ("http", "https"):
        raise UpdateError("update.not_https")
    try:
        target = parse_web_url(url)
    except NotAWebURL:
        raise UpdateError("fetch.invalid_url", url=repr(url[:200])) from None
    if target.userinfo is not None:
        raise UpdateError("fetch.userinfo")
    if target.scheme == "http" and _is_loopback(target.hostname):
        return target, None
    if target.scheme != "https":
        raise UpdateError("update.not_https")
    try:
        address = public_address(target.hostname, target.effective_port, resolve, deadline, target.href)
    except FetchError as exc:
        raise UpdateError(exc.code, **exc.params) from None
    return target, address


def check_url(url: str, resolve: Resolver = system_resolver) -> str:
    """Refuse URLs that are not https (or loopback http) or that point into a private network."""
    _destination(url, resolve)
    return url


def fetch(
    url: str,
    *,
    client: httpx.Client | None = None,
    max_bytes: int = MAX_BUNDLE_BYTES,
    resolve: Resolver = system_resolver,
    timeout: float = TIMEOUT_SECONDS,
    deadline: Deadline | None = None,
) -> bytes:
    """GET ``url`` with no redirects, at most ``max_bytes`` of body and ``timeout`` seconds in
    all: resolving, connecting, TLS, headers and body share one deadline
    (``verifier.net.Deadline``; a ``client`` given by a test brings its own transport,
    bounded per request, not per read). A ``deadline`` given shares its time with other fetches."""
    deadline = deadline or Deadline(timeout)
    target, address = _destination(url, resolve, deadline)
    own = client is None
    session = client or deadline_client(deadline)
    try:
        response = open_get(session, target, address, deadline)
        try:
            if response.status_code != 200:
                raise UpdateError("fetch.http_status", url=url, status=response.status_code)
            return read_bounded(response, max_bytes, deadline.at, url)
        finally:
            response.close()
    except FetchError as exc:
        raise UpdateError(exc.code, **exc.params) from None
    except httpx.TimeoutException:
        raise UpdateError("fetch.too_slow", url=url) from None
    except httpx.HTTPError as exc:
        raise UpdateError("fetch.failed", url=url, reason=str(exc)) from exc
    except httpx.InvalidURL:  # a caller's client parsing a Location its own way
        raise UpdateError("fetch.invalid_url", url=repr(url[:200])) from None
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
    timeout: float = TIMEOUT_SECONDS,
) -> UpdateResult:
    """Fetch, verify and install a newer bundle into ``directory``.

    ``root_urls`` are new root documents (each the next version) to rotate keys
    first. ``root`` replaces the trusted root (default: the shipped root advanced
    through stored rotations). Raises UpdateError for fetch problems and the specific AllowlistError
    (expired, rollback, unsigned ...) when verification fails; nothing is
    installed unless everything verifies. Every fetch shares one deadline of ``timeout`` seconds.
    """
    root = root or trusted_root(directory)
    deadline = Deadline(timeout)
    new_roots: list[tuple[int, bytes]] = []
    for root_url in root_urls:
        data = fetch(root_url, client=client, deadline=deadline)
        root = verify_root_update(root, data)
        new_roots.append((root.version, data))
    data = fetch(url, client=client, deadline=deadline)
    verified = verify_bundle(data, root, now=now, highest_seen=highest_seen(directory))
    Allowlist.from_signed(verified.signed, verified=True)  # content a check can use, else raises
    files: dict[str, bytes] = {}
    for name, meta in verified.signed.get("targets", {}).items():
        # beside the bundle, as TUF's targets are; a byte over the signed length is a mismatch
        try:
            body = fetch(urljoin(url, name), client=client, deadline=deadline, max_bytes=meta["length"])
        except UpdateError as exc:
            if exc.code != "fetch.too_large":
                raise
            raise BundleFormatError("target.mismatch", name=name) from None  # longer than signed
        verify_target(name, body, meta)
        if name == DENYLIST_TARGET:
            HostDenylist(body)  # in its format, else raises
        files[name] = body
    directory.mkdir(parents=True, exist_ok=True)  # an unwritable state directory is named as such
    for version, root_data in new_roots:
        atomic_write(directory / "roots" / f"{version}.root.json", root_data)
    for name, body in files.items():  # first the files, then the bundle that names them
        atomic_write(installed_target_path(directory, name, verified.signed["targets"][name]), body)
    target = directory / BUNDLE_NAME
    atomic_write(target, data)
    remember_version(directory, verified.version)
    _remove_other_targets(directory, verified.signed.get("targets", {}))
    return UpdateResult(verified.version, verified.expires, target, root.version)


def _remove_other_targets(directory: Path, targets: dict[str, Any]) -> None:
    """Delete target files the installed bundle no longer names (best effort)."""
    keep = {installed_target_path(directory, name, meta).name for name, meta in targets.items()}
    folder = directory / TARGETS_DIR
    with contextlib.suppress(OSError):
        for path in folder.iterdir():
            if path.name not in keep:
                with contextlib.suppress(OSError):
                    path.unlink()
