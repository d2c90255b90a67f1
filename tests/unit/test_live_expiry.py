"""Issue 12, finding 3: expiry is live.

A process that loaded a verified bundle must stop answering ``official`` at the instant of its
``expires``, however long it has held it: the library (``check``, ``scan``, the shared state in
results), the service's LiveAllowlist and ``/healthz``. Bundles here are signed for real by the
session's throwaway Ed25519 keys and expire two seconds after they are loaded.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import verifier
from tests.conftest import NOW, SignFn
from verifier.allowlist import model
from verifier.allowlist.model import Allowlist
from verifier.allowlist.store import load_allowlist, verify_bytes
from verifier.allowlist.trust import Root
from verifier.model import Verdict
from verifier.service.allowlist_reload import LiveAllowlist

STAMP = "%Y-%m-%dT%H:%M:%SZ"
OFFICIAL: list[tuple[str, dict[str, Any]]] = [  # one of each kind the test list has
    ("acmewallet.com", {}),
    ("https://acmewallet.com/help", {}),
    ("help@acmewallet.com", {"brand": "acme"}),
    ("@AcmeWallet_Official", {"platform": "telegram"}),
]


def expiring(sign_bundle: SignFn, seconds: float, version: int = 5) -> tuple[bytes, float]:
    """Bundle bytes expiring ``seconds`` from now (rounded up to the whole second the format
    has), and that instant as a Unix time."""
    at = math.ceil(time.time() + seconds)
    expires = dt.datetime.fromtimestamp(at, dt.UTC).strftime(STAMP)
    return sign_bundle(0, 1, version=version, expires=expires), float(at)


def sleep_until(instant: float) -> None:
    while (left := instant - time.time()) > 0:
        time.sleep(min(left, 0.5) + 0.01)


def official_values(allowlist: Allowlist) -> list[str]:
    return [
        value
        for value, kwargs in OFFICIAL
        if verifier.check(value, allowlist=allowlist, **kwargs).verdict is Verdict.OFFICIAL
    ]


def test_an_allowlist_stops_being_official_at_the_instant_it_expires(
    sign_bundle: SignFn, test_root: Root, isolated_state: Path
) -> None:
    data, at = expiring(sign_bundle, 2)
    allowlist = verify_bytes(data, root=test_root, directory=isolated_state)
    assert allowlist.verified and allowlist.state.verified
    assert official_values(allowlist) == [value for value, _ in OFFICIAL]
    before = verifier.check("acmewallet.com", allowlist=allowlist)
    assert before.to_dict()["allowlist"]["verified"] is True
    assert (
        verifier.scan("Support: acmewallet.com", allowlist=allowlist).channels[0].verdict is Verdict.OFFICIAL
    )

    sleep_until(at)

    assert not allowlist.verified
    assert official_values(allowlist) == []
    after = verifier.check("acmewallet.com", allowlist=allowlist)
    assert after.verdict is Verdict.UNKNOWN
    assert after.to_dict()["allowlist"] == {"version": 5, "expires": allowlist.expires, "verified": False}
    said = {r.code: r.message for r in after.reasons}
    assert said["allowlist.unverified"] == (
        f"The allowlist could not be verified (bundle version 5 expired at {allowlist.expires}); "
        "nothing can be confirmed as official."
    )
    chinese = verifier.check("acmewallet.com", lang="zh", allowlist=allowlist)
    assert (
        f"名单版本 5 已于 {allowlist.expires} 过期"
        in {r.code: r.message for r in chinese.reasons}["allowlist.unverified"]
    )
    assert [p.code for p in allowlist.problems] == ["bundle.expired"]
    assert allowlist.problem == f"bundle version 5 expired at {allowlist.expires}"
    assert (
        verifier.scan("Support: acmewallet.com", allowlist=allowlist).channels[0].verdict
        is not Verdict.OFFICIAL
    )
    # The earlier result keeps saying what was true when it was made.
    assert before.allowlist.verified is True


def test_results_made_before_expiry_and_lookalikes_still_work_after(
    sign_bundle: SignFn, test_root: Root, isolated_state: Path
) -> None:
    data, at = expiring(sign_bundle, 1)
    allowlist = verify_bytes(data, root=test_root, directory=isolated_state)
    look = verifier.check("acmewallet-support.com", allowlist=allowlist)
    sleep_until(at)
    again = verifier.check("acmewallet-support.com", allowlist=allowlist)
    assert (look.verdict, again.verdict) == (Verdict.LOOKALIKE, Verdict.LOOKALIKE)
    assert (look.allowlist.verified, again.allowlist.verified) == (True, False)


def test_a_bundle_verified_as_of_a_given_time_lives_as_long_as_it_had_left_then(
    sign_bundle: SignFn, test_root: Root, isolated_state: Path
) -> None:
    # Verified "as of" NOW (in the past), with 2 s left then: it has 2 s from loading, not 0.
    expires = (NOW + dt.timedelta(seconds=2)).strftime(STAMP)
    data = sign_bundle(0, 1, expires=expires)
    allowlist = verify_bytes(data, root=test_root, directory=isolated_state, now=NOW)
    assert allowlist.verified
    time.sleep(2.05)
    assert not allowlist.verified


def test_a_machine_that_slept_past_expiry_wakes_up_expired(
    allowlist: Allowlist, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The wall clock decides, as in verification: a suspended machine (whose monotonic clock
    did not move) that wakes up 400 days later has an expired list."""
    assert allowlist.verified
    later = SimpleNamespace(time=lambda: time.time() + 400 * 86400)
    monkeypatch.setattr(model, "time", later)
    assert not allowlist.verified
    monkeypatch.undo()
    assert not allowlist.verified  # once expired, for good


def test_an_expiry_that_does_not_parse_is_already_past() -> None:
    broken = Allowlist.from_signed({"version": 1, "expires": "soon", "brands": {}}, verified=True)
    assert not broken.verified
    assert [p.code for p in broken.problems] == ["bundle.expired"]


def test_live_allowlist_says_degraded_the_moment_its_list_expires(
    sign_bundle: SignFn,
    test_root: Root,
    isolated_state: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = tmp_path / "allowlist.json"
    data, at = expiring(sign_bundle, 2)
    path.write_bytes(data)
    live = LiveAllowlist(
        path,
        interval=0.2,
        loader=lambda p: load_allowlist(p, root=test_root, directory=isolated_state),
    )
    assert live.current().verified
    assert verifier.check("acmewallet.com", allowlist=live.current()).verdict is Verdict.OFFICIAL
    sleep_until(at)
    assert verifier.check("acmewallet.com", allowlist=live.current()).verdict is Verdict.UNKNOWN
    live.refresh()
    assert (
        "allowlist no longer verified, nothing will be official: bundle version 5 expired at" in caplog.text
    )
    # A newer bundle installed afterwards is taken without a restart.
    newer, _ = expiring(sign_bundle, 3600, version=6)
    path.write_bytes(newer)
    assert live.refresh()
    assert (live.current().version, live.current().verified) == (6, True)
