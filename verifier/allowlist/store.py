"""Where bundles live on disk and how one is chosen, verified and remembered.

The package ships ``data/root.json`` and ``data/allowlist.json``. ``verifier update``
stores a newer verified bundle in the state directory; the highest version ever
accepted is remembered there too (``state.json``, written atomically), so an older bundle is
refused (rollback). A state file that cannot be read fails closed: nothing verifies until
``verifier allowlist reset-state`` repairs it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from verifier.allowlist import strictjson
from verifier.allowlist.bundleformat import DENYLIST_TARGET
from verifier.allowlist.hostdeny import HostDenylist, verify_target
from verifier.allowlist.model import Allowlist
from verifier.allowlist.trust import Root, parse_bundle, verify_bundle, verify_root_update
from verifier.errors import AllowlistError, BundleFormatError
from verifier.messages import Message, os_reason

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; the rename still keeps the file whole
    fcntl = None  # type: ignore[assignment]

STATE_ENV = "VERIFIER_STATE_DIR"
BUNDLE_NAME = "allowlist.json"
STATE_NAME = "state.json"
LOCK_NAME = "state.lock"
MAX_STATE_BYTES = 4096  # {"highest_version": N} is about 30


def state_dir() -> Path:
    """The state directory: ``$VERIFIER_STATE_DIR``, else ``$XDG_STATE_HOME/verifier``,
    else ``~/.local/state/verifier``."""
    override = os.environ.get(STATE_ENV)
    if override:
        return Path(override)
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "verifier"


def shown_path(path: Path | str) -> str:
    """A file name as messages say it: bytes that are not UTF-8 (kept by Python as lone
    surrogates) escaped, so the message can be printed and sent as JSON."""
    return str(path).encode("utf-8", "backslashreplace").decode("utf-8")


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


class StateError(AllowlistError):
    """The rollback state (``state.json``) exists but cannot be read as one: nothing verifies
    until an administrator repairs it (``verifier allowlist reset-state``)."""


def highest_seen(directory: Path) -> int:
    """The highest bundle version this client accepted: 0 when there is no state file yet.

    Read strictly (``{"highest_version": N}``, N a non-negative integer, nothing else): a
    state file that exists but cannot be read, is truncated or holds anything else raises
    StateError (``state.unreadable``) rather than be taken for 0, which would accept any
    older bundle (fail closed).
    """
    path = directory / STATE_NAME
    try:
        with open(path, "rb") as file:
            data = file.read(MAX_STATE_BYTES + 1)
    except (FileNotFoundError, NotADirectoryError):  # no state directory (yet): nothing was accepted
        return 0
    except OSError as exc:
        raise StateError("state.unreadable", path=shown_path(path), reason=os_reason(exc)) from exc
    if len(data) > MAX_STATE_BYTES:
        too_large = Message("document.too_large", {"limit": MAX_STATE_BYTES})
        raise StateError("state.unreadable", path=shown_path(path), reason=too_large)
    try:
        state = strictjson.loads(data)
    except AllowlistError as exc:
        raise StateError("state.unreadable", path=shown_path(path), reason=exc.problem) from exc
    value = state.get("highest_version") if isinstance(state, dict) and len(state) == 1 else None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise StateError("state.unreadable", path=shown_path(path), reason=Message("state.shape"))
    return value


def write_state(directory: Path, version: int) -> None:
    """Write ``{"highest_version": version}`` atomically (temporary file, fsync, rename)."""
    atomic_write(directory / STATE_NAME, json.dumps({"highest_version": version}).encode() + b"\n")


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` by ``data`` so that a crash leaves the old or the new file, never a
    part: a temporary file beside it, fsync, rename over it, fsync of the directory."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # not every system lets a directory be opened for fsync
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


@contextlib.contextmanager
def _state_lock(directory: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``state.lock`` while the state is read and rewritten, so two
    processes accepting bundles at once cannot write a lower version over a higher one."""
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / LOCK_NAME, "a+b") as lock:
        if fcntl is not None:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        yield


def remember_version(directory: Path, version: int) -> None:
    """Record ``version`` as accepted if it is the highest so far (best effort: a read-only
    home must not stop checks). An unreadable state is left alone for the administrator."""
    try:
        if version <= highest_seen(directory):
            return
        with _state_lock(directory):
            if version > highest_seen(directory):
                write_state(directory, version)
    except (OSError, StateError):
        pass


def reset_state(directory: Path, version: int, *, force: bool = False) -> int | None:
    """The administrator's repair: set the highest accepted version to ``version``.

    Returns the version the state held before (None when it was missing or unreadable).
    Lowering a readable state weakens rollback protection, so it needs ``force``; raises
    ValueError otherwise, or for a negative version.
    """
    if version < 0:
        raise ValueError("the version must be 0 or more")
    with _state_lock(directory):
        try:
            before: int | None = highest_seen(directory)
        except StateError:
            before = None
        if before is not None and version < before and not force:
            raise ValueError(
                f"the state says version {before} was accepted; lowering it to {version} allows "
                "older bundles again (use --force if that is what you mean)"
            )
        write_state(directory, version)
    return before


# Reads the target file ``name`` whose signed metadata is ``meta``: at most one byte more than its
# signed length, so a longer file is a mismatch, not a memory cost. OSError when it is not there.
TargetReader = Callable[[str, dict[str, Any]], bytes]
TARGETS_DIR = "targets"


def targets_in(folder: Path | Traversable) -> TargetReader:
    """Read target files from ``folder`` by their names (beside a bundle, in the package)."""

    def read(name: str, meta: dict[str, Any]) -> bytes:
        with folder.joinpath(name).open("rb") as file:
            return file.read(meta["length"] + 1)

    return read


def installed_target_path(directory: Path, name: str, meta: dict[str, Any]) -> Path:
    """Where ``verifier update`` keeps a target: ``targets/<sha256>.<name>``, so the bundle
    installed before is never left beside a file it does not name (TUF's consistent snapshots)."""
    return directory / TARGETS_DIR / f"{meta['sha256']}.{name}"


def installed_targets(directory: Path) -> TargetReader:
    def read(name: str, meta: dict[str, Any]) -> bytes:
        with installed_target_path(directory, name, meta).open("rb") as file:
            return file.read(meta["length"] + 1)

    return read


def shipped_targets() -> TargetReader:
    return targets_in(resources.files("verifier.data"))


def read_targets(signed: dict[str, Any], read: TargetReader | None) -> dict[str, bytes]:
    """Every target file the verified ``signed`` part names, each checked by its length and
    SHA-256 before use; BundleFormatError ``target.missing`` or ``target.mismatch`` otherwise."""
    out: dict[str, bytes] = {}
    for name, meta in signed.get("targets", {}).items():
        if read is None:
            raise BundleFormatError("target.missing", name=name, reason="-")
        try:
            data = read(name, meta)
        except OSError as exc:
            raise BundleFormatError("target.missing", name=name, reason=os_reason(exc)) from None
        verify_target(name, data, meta)
        out[name] = data
    return out


def verify_bytes(
    data: bytes,
    *,
    root: Root | None = None,
    directory: Path | None = None,
    now: dt.datetime | None = None,
    remember: bool = True,
    targets: TargetReader | None = None,
) -> Allowlist:
    """Verify bundle bytes and the target files it names (read by ``targets``) and index them;
    raise an AllowlistError subclass on failure."""
    directory = directory or state_dir()
    verified = verify_bundle(
        data, root or trusted_root(directory), now=now, highest_seen=highest_seen(directory)
    )
    files = read_targets(verified.signed, targets)
    allowlist = Allowlist.from_signed(verified.signed, verified=True, now=now)
    if DENYLIST_TARGET in files:
        allowlist.feed_hosts = HostDenylist(files[DENYLIST_TARGET])
    allowlist.bundle_bytes = data
    if remember:
        remember_version(directory, verified.version)
    return allowlist


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
    # a bundle's bytes, its file (None: shipped) and where its target files are
    candidates: list[tuple[bytes, str | None, TargetReader]] = []
    if path is not None:
        try:
            candidates.append((Path(path).read_bytes(), shown_path(path), targets_in(Path(path).parent)))
        except OSError as exc:
            unreadable = Message("bundle.unreadable", {"path": shown_path(path), "reason": os_reason(exc)})
            return Allowlist.empty(problems=(unreadable,))
    else:
        installed = directory / BUNDLE_NAME
        with contextlib.suppress(OSError):
            candidates.append((installed.read_bytes(), shown_path(installed), installed_targets(directory)))
        candidates.append((shipped_bundle_bytes(), None, shipped_targets()))
    try:
        highest_seen(directory)
    except StateError as exc:  # one problem, not one per bundle: no bundle can verify without it
        return unverified(candidates[-1][0], (exc.problem,))
    problems: list[Message] = []
    for data, file, targets in candidates:
        try:
            return verify_bytes(data, root=root, directory=directory, now=now, targets=targets)
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
