"""Issue 12, finding 6: the rollback state is read strictly, written atomically, and an
unreadable one fails closed (``state.unreadable``) until ``verifier allowlist reset-state``.

Before: ``{"highest_version": "5"}`` or a truncated ``state.json`` was read as 0, so an older
bundle was accepted and the floor rewritten lower. Bundles are signed by the session's
throwaway keys; ``verifier update`` runs against a real HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import http.server
import json
import os
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

import verifier
from tests.conftest import NOW, SignFn
from verifier.allowlist import store
from verifier.allowlist.store import (
    StateError,
    default_allowlist,
    highest_seen,
    load_allowlist,
    remember_version,
    reset_state,
    verify_bytes,
)
from verifier.allowlist.trust import Root
from verifier.allowlist.update import update
from verifier.cli import app
from verifier.errors import AllowlistError, RollbackError
from verifier.model import Verdict
from verifier.service.allowlist_reload import LiveAllowlist

runner = CliRunner()

UNREADABLE = [
    pytest.param(b'{"highest_version": "5"}', id="string"),
    pytest.param(b'{"highest_ver', id="truncated"),
    pytest.param(b"", id="empty"),
    pytest.param(b"\x00\x00\x00\x00", id="zeros"),
    pytest.param(b"\xff\xfe{}", id="not-utf8"),
    pytest.param(b"[]", id="list"),
    pytest.param(b"{}", id="no-version"),
    pytest.param(b"null", id="null"),
    pytest.param(b'{"highest_version": -1}', id="negative"),
    pytest.param(b'{"highest_version": true}', id="boolean"),
    pytest.param(b'{"highest_version": 5.0}', id="float"),
    pytest.param(b'{"highest_version": NaN}', id="nan"),
    pytest.param(b'{"highest_version": 1e400}', id="huge-float"),
    pytest.param(b'{"highest_version": 99999999999999999999999}', id="huge-integer"),
    pytest.param(b'{"highest_version": 9, "highest_version": 1}', id="duplicate-key"),
    pytest.param(b'{"highest_version": 9, "note": "\\ud800"}', id="surrogate"),
    pytest.param(b'{"highest_version": 9, "extra": 1}', id="extra-key"),
]


def test_a_missing_state_is_a_first_run(isolated_state: Path) -> None:
    assert highest_seen(isolated_state) == 0
    assert highest_seen(isolated_state / "not-yet") == 0


@pytest.mark.parametrize("content", UNREADABLE)
def test_an_unreadable_state_fails_closed(
    content: bytes, sign_bundle: SignFn, test_root: Root, isolated_state: Path, tmp_path: Path
) -> None:
    state = isolated_state / "state.json"
    state.write_bytes(content)
    with pytest.raises(StateError) as caught:
        highest_seen(isolated_state)
    assert caught.value.code == "state.unreadable"
    # An older bundle (version 3) is not accepted, and neither is any other.
    for version in (3, 5, 99):
        with pytest.raises(StateError):
            verify_bytes(
                sign_bundle(0, 1, version=version), root=test_root, directory=isolated_state, now=NOW
            )
    path = tmp_path / "bundle.json"
    path.write_bytes(sign_bundle(0, 1, version=3))
    allowlist = load_allowlist(path, root=test_root, directory=isolated_state, now=NOW)
    assert not allowlist.verified
    assert [p.code for p in allowlist.problems] == ["state.unreadable"]
    assert verifier.check("acmewallet.com", allowlist=allowlist).verdict is Verdict.UNKNOWN
    remember_version(isolated_state, 2)  # never "repaired" by a lower write
    assert state.read_bytes() == content


def test_the_problem_is_said_in_both_languages_with_the_recovery_command(
    sign_bundle: SignFn, test_root: Root, isolated_state: Path
) -> None:
    state = isolated_state / "state.json"
    state.write_bytes(b'{"highest_version": "5"}')
    allowlist = load_allowlist(root=test_root, directory=isolated_state, now=NOW)
    assert allowlist.problem == (
        f"the rollback state {state} cannot be read "
        '(expected {"highest_version": a non-negative integer}), so no bundle is trusted; an '
        "administrator repairs it with `verifier allowlist reset-state --version N` "
        "(N: the highest bundle version this machine used)"
    )
    assert allowlist.problem_text("zh") == (
        f"回滚保护状态文件 {state} 无法读取"
        '（应为 {"highest_version": 非负整数}），因此不信任任何名单；管理员可运行 '
        "`verifier allowlist reset-state --version N` 修复（N：本机用过的最高名单版本）"
    )
    state.write_bytes(b'{"highest_version": 5, "highest_version": 1}')
    truncated = load_allowlist(root=test_root, directory=isolated_state, now=NOW)
    assert "the key 'highest_version' appears twice in one object" in (truncated.problem or "")


def test_a_state_that_is_a_directory_fails_closed(isolated_state: Path) -> None:
    (isolated_state / "state.json").mkdir()
    with pytest.raises(StateError, match="Is a directory"):
        highest_seen(isolated_state)


def test_check_exits_3_and_update_refuses_with_an_unreadable_state(
    sign_bundle: SignFn, test_root: Root, isolated_state: Path, tmp_path: Path
) -> None:
    (isolated_state / "state.json").write_bytes(b'{"highest_ver')
    default_allowlist.cache_clear()  # loaded once per process: load it with this state
    try:
        result = runner.invoke(app, ["check", "tokenpocket.pro", "--json"])
    finally:
        default_allowlist.cache_clear()
    assert result.exit_code == 3, result.output
    assert json.loads(result.stdout)["verdict"] != "official"
    assert "verifier allowlist reset-state --version N" in result.stderr
    assert "Traceback" not in result.output
    www = tmp_path / "www"
    www.mkdir()
    (www / "v3.json").write_bytes(sign_bundle(0, 1, version=3))
    with _serving(www) as base, pytest.raises(StateError):
        update(f"{base}/v3.json", directory=isolated_state, root=test_root, now=NOW)
    assert not (isolated_state / "allowlist.json").exists()
    assert (isolated_state / "state.json").read_bytes() == b'{"highest_ver'


def test_reset_state_repairs_and_rollback_protection_holds_again(
    sign_bundle: SignFn, test_root: Root, isolated_state: Path
) -> None:
    state = isolated_state / "state.json"
    state.write_bytes(b'{"highest_version": "7"}')
    result = runner.invoke(app, ["allowlist", "reset-state", "--version", "7"])
    assert result.exit_code == 0, result.output
    assert f"{state}: highest accepted version is now 7 (was missing or unreadable)" in result.stdout
    assert json.loads(state.read_bytes()) == {"highest_version": 7}
    with pytest.raises(RollbackError):
        verify_bytes(sign_bundle(0, 1, version=5), root=test_root, directory=isolated_state, now=NOW)
    assert verify_bytes(
        sign_bundle(0, 1, version=8), root=test_root, directory=isolated_state, now=NOW
    ).verified
    assert highest_seen(isolated_state) == 8


def test_reset_state_lowers_a_readable_state_only_with_force(isolated_state: Path, tmp_path: Path) -> None:
    reset_state(isolated_state, 9)
    lower = runner.invoke(app, ["allowlist", "reset-state", "--version", "4"])
    assert lower.exit_code == 1
    assert "lowering it to 4 allows older bundles again" in lower.stderr
    assert highest_seen(isolated_state) == 9
    forced = runner.invoke(app, ["allowlist", "reset-state", "--version", "4", "--force"])
    assert forced.exit_code == 0 and "(was version 9)" in forced.stdout
    assert highest_seen(isolated_state) == 4
    elsewhere = tmp_path / "other-state"
    given = runner.invoke(app, ["allowlist", "reset-state", "--version", "2", "--state-dir", str(elsewhere)])
    assert given.exit_code == 0 and highest_seen(elsewhere) == 2
    assert runner.invoke(app, ["allowlist", "reset-state", "--version", "-1"]).exit_code == 2


def test_the_state_is_written_atomically(isolated_state: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    remember_version(isolated_state, 3)
    assert (isolated_state / "state.json").read_bytes() == b'{"highest_version": 3}\n'

    def fail(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", fail)  # the write fails before the rename
    with pytest.raises(OSError):
        store.write_state(isolated_state, 4)
    remember_version(isolated_state, 5)  # best effort: no error, nothing half-written
    assert highest_seen(isolated_state) == 3
    assert sorted(p.name for p in isolated_state.iterdir()) == ["state.json", "state.lock"]


def test_concurrent_writers_never_lower_the_floor_nor_leave_a_partial_file(isolated_state: Path) -> None:
    seen: list[int] = []
    errors: list[Exception] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            try:
                seen.append(highest_seen(isolated_state))
            except AllowlistError as exc:
                errors.append(exc)

    def write(start: int) -> None:
        for version in range(start, 400, 8):
            remember_version(isolated_state, version)

    reader = threading.Thread(target=read)
    reader.start()
    writers = [threading.Thread(target=write, args=(n,)) for n in range(1, 9)]
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    stop.set()
    reader.join()
    assert errors == []
    assert highest_seen(isolated_state) == 399
    assert seen == sorted(seen)  # never read going down


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _serving:
    """A real HTTP server on 127.0.0.1 serving ``directory``."""

    def __init__(self, directory: Path) -> None:
        def handler(*args: object) -> _Quiet:
            return _Quiet(*args, directory=str(directory))  # type: ignore[arg-type]

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)

    def __enter__(self) -> str:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_a_huge_state_file_is_not_read_whole(isolated_state: Path) -> None:
    (isolated_state / "state.json").write_bytes(b'{"highest_version": 5}' + b" " * 10_000_000)
    with pytest.raises(StateError, match="file is larger than 4096 bytes"):
        highest_seen(isolated_state)


def test_a_running_service_recovers_once_the_state_is_repaired(
    sign_bundle: SignFn, test_root: Root, isolated_state: Path, tmp_path: Path
) -> None:
    path = tmp_path / "allowlist.json"
    path.write_bytes(sign_bundle(0, 1, version=6))
    (isolated_state / "state.json").write_bytes(b'{"highest_version": "5"}')
    live = LiveAllowlist(path, interval=3600, loader=lambda p: load_allowlist(p, root=test_root, now=NOW))
    assert [p.code for p in live.current().problems] == ["state.unreadable"]
    assert not live.refresh()  # nothing changed
    reset_state(isolated_state, 5)
    assert live.refresh()
    assert (live.current().version, live.current().verified) == (6, True)
    assert highest_seen(isolated_state) == 6
