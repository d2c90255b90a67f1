"""Where bundles live on disk and how one is chosen, verified and remembered.

The package ships ``data/root.json`` and ``data/allowlist.json``. ``verifier update``
stores a newer verified bundle in the state directory; the highest version ever
accepted is remembered there too, so an older bundle is refused (rollback).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from functools import cache
from importlib import resources
from pathlib import Path

from verifier.allowlist.model import Allowlist
from verifier.allowlist.trust import Root, parse_bundle, verify_bundle, verify_root_update
from verifier.errors import AllowlistError
from verifier.messages import Message, os_reason

STATE_ENV = "VERIFIER_STATE_DIR"
BUNDLE_NAME = "allowlist.json"
STATE_NAME = "state.json"


def state_dir() -> Path:
    """The state directory: ``$VERIFIER_STATE_DIR``, else ``$XDG_STATE_HOME/verifier``,
    else ``~/.local/state/verifier``."""
    override = os.environ.get(STATE_ENV)
    if override:
        return Path(override)
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "verifier"


def shipped_bundle_bytes() -> bytes:
    return resources.files("verifier.data").joinpath(BUNDLE_NAME).read_bytes()


def shipped_root() -> Root:
    """The root of trust installed with the package."""
    return Root.from_json(resources.files("verifier.data").joinpath("root.json").read_bytes())


def trusted_root(directory: Path | None = None) -> Root:
    """The shipped root, advanced through any rotated roots stored by ``verifier update``.

    Each stored root (``roots/<version>.root.json``) must verify against the one before
    it; the chain stops at the first that does not.
    """
    root = shipped_root()
    roots_dir = (directory or state_dir()) / "roots"
    while True:
        path = roots_dir / f"{root.version + 1}.root.json"
        try:
            root = verify_root_update(root, path.read_bytes())
        except (OSError, AllowlistError):
            return root


def highest_seen(directory: Path) -> int:
    """The highest bundle version this client accepted (0 if none or unreadable)."""
    try:
        value = json.loads((directory / STATE_NAME).read_text("utf-8")).get("highest_version", 0)
    except (OSError, ValueError, AttributeError):
        return 0
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def remember_version(directory: Path, version: int) -> None:
    """Record ``version`` as accepted if it is the highest so far (best effort)."""
    if version <= highest_seen(directory):
        return
    try:
        directory.mkdir(parents=True, exist_ok=True)
        tmp = directory / (STATE_NAME + ".tmp")
        tmp.write_text(json.dumps({"highest_version": version}) + "\n", "utf-8")
        tmp.replace(directory / STATE_NAME)
    except OSError:
        pass  # a read-only home must not stop checks; rollback protection then relies on the shipped root


def verify_bytes(
    data: bytes,
    *,
    root: Root | None = None,
    directory: Path | None = None,
    now: dt.datetime | None = None,
    remember: bool = True,
) -> Allowlist:
    """Verify bundle bytes and index them; raise an AllowlistError subclass on failure."""
    directory = directory or state_dir()
    verified = verify_bundle(
        data, root or trusted_root(directory), now=now, highest_seen=highest_seen(directory)
    )
    if remember:
        remember_version(directory, verified.version)
    return Allowlist.from_signed(verified.signed, verified=True)


def unverified(data: bytes, problems: tuple[Message, ...]) -> Allowlist:
    """Index a bundle that failed verification so lookalike checks can still run."""
    try:
        return Allowlist.from_signed(parse_bundle(data)["signed"], verified=False, problems=problems)
    except AllowlistError:
        return Allowlist.empty(problems=problems)


def load_allowlist(
    path: Path | str | None = None,
    *,
    root: Root | None = None,
    directory: Path | None = None,
    now: dt.datetime | None = None,
) -> Allowlist:
    """Load and verify an allowlist bundle; never raises for a bad bundle.

    With ``path``, that file; otherwise the bundle installed by ``verifier update``
    when it verifies, else the one shipped in the package. A bundle that fails
    verification comes back with ``verified=False`` and ``problem`` (English) and
    ``problems`` (to say in any language) set, so no check reports ``official`` from it.
    """
    directory = directory or state_dir()
    candidates: list[tuple[bytes, str | None]] = []  # a bundle's bytes and its file (None: shipped)
    if path is not None:
        try:
            candidates.append((Path(path).read_bytes(), str(path)))
        except OSError as exc:
            unreadable = Message("bundle.unreadable", {"path": str(path), "reason": os_reason(exc)})
            return Allowlist.empty(problems=(unreadable,))
    else:
        installed = directory / BUNDLE_NAME
        with contextlib.suppress(OSError):
            candidates.append((installed.read_bytes(), str(installed)))
        candidates.append((shipped_bundle_bytes(), None))
    problems: list[Message] = []
    for data, file in candidates:
        try:
            return verify_bytes(data, root=root, directory=directory, now=now)
        except AllowlistError as exc:
            if file is None:
                problems.append(Message("bundle.in_shipped", {"problem": exc.problem}))
            else:
                problems.append(Message("bundle.in_file", {"file": file, "problem": exc.problem}))
    return unverified(candidates[-1][0], tuple(problems))


@cache
def default_allowlist() -> Allowlist:
    """The allowlist checks use when none is given, loaded once per process."""
    return load_allowlist()
