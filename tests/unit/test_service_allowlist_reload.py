"""LiveAllowlist: looks at the bundle file at most once per interval and only ever moves forward."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import NOW, SignFn
from verifier.allowlist.model import Allowlist
from verifier.allowlist.store import load_allowlist
from verifier.allowlist.trust import Root
from verifier.service.allowlist_reload import LiveAllowlist


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def loads() -> list[Path | None]:
    return []


@pytest.fixture
def make_live(
    tmp_path: Path, sign_bundle: SignFn, test_root: Root, isolated_state: Path, loads: list[Path | None]
) -> tuple[LiveAllowlist, Path, Clock]:
    path = tmp_path / "allowlist.json"
    path.write_bytes(sign_bundle(0, 1, version=3))
    clock = Clock()

    def load(p: Path | None) -> Allowlist:
        loads.append(p)
        return load_allowlist(p, root=test_root, directory=isolated_state, now=NOW)

    return LiveAllowlist(path, interval=5.0, loader=load, clock=clock), path, clock


def test_the_file_is_looked_at_only_after_the_interval(
    make_live: tuple[LiveAllowlist, Path, Clock], sign_bundle: SignFn, loads: list[Path | None]
) -> None:
    live, path, clock = make_live
    assert live.current().version == 3
    path.write_bytes(sign_bundle(0, 1, version=4))
    clock.now = 4.9
    assert live.current().version == 3  # not yet looked at
    assert len(loads) == 1
    clock.now = 5.0
    assert live.current().version == 4
    assert len(loads) == 2


def test_an_unchanged_file_is_not_verified_again(
    make_live: tuple[LiveAllowlist, Path, Clock], loads: list[Path | None]
) -> None:
    live, _, clock = make_live
    for step in range(1, 5):
        clock.now = step * 10.0
        live.current()
    assert len(loads) == 1


@pytest.mark.parametrize("signers", [(0,), ()])
def test_a_bundle_that_does_not_verify_never_replaces_a_verified_one(
    make_live: tuple[LiveAllowlist, Path, Clock], sign_bundle: SignFn, signers: tuple[int, ...]
) -> None:
    live, path, clock = make_live
    path.write_bytes(sign_bundle(*signers, version=9))
    clock.now = 10.0
    assert live.refresh() is False
    assert (live.current().version, live.current().verified) == (3, True)


def test_a_deleted_file_keeps_the_current_allowlist(make_live: tuple[LiveAllowlist, Path, Clock]) -> None:
    live, path, clock = make_live
    path.unlink()
    clock.now = 10.0
    assert live.current().version == 3


def test_starting_on_a_bundle_that_does_not_verify_says_why_in_the_log(
    tmp_path: Path,
    sign_bundle: SignFn,
    test_root: Root,
    isolated_state: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = tmp_path / "allowlist.json"
    path.write_bytes(sign_bundle(0, version=3))  # one signature of the two required

    def load(p: Path | None) -> Allowlist:
        return load_allowlist(p, root=test_root, directory=isolated_state, now=NOW)

    with caplog.at_level("WARNING", logger="verifier.service"):
        live = LiveAllowlist(path, loader=load)
    assert not live.current().verified
    assert "allowlist not verified, nothing will be official" in caplog.text
    assert "1 valid signature(s) from trusted keys, 2 required" in caplog.text
