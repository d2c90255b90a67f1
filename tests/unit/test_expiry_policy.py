"""The release policy: a bundle expires 180 to 400 days after it is signed. build, lint and sign
refuse anything else; verify refuses more than 400 days ahead, and with --release fewer than 180."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from typer.testing import CliRunner

from tests.conftest import TEST_SOURCES
from verifier.allowlist.bundle import build_bundle, write_bundle
from verifier.allowlist.trust import policy_problem
from verifier.cli import app

runner = CliRunner()


def _stamp(days: int) -> str:
    """Midnight UTC ``days`` days from today, read when the test runs (a suite that crosses
    midnight must not shift every boundary by a day); the cases keep a day's margin each side."""
    today = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return (today + dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sources(tmp_path: Path, days: int) -> Path:
    sources = tmp_path / "allowlists"
    shutil.copytree(TEST_SOURCES, sources)
    (sources / "release.toml").write_text(f"version = 5\nexpires = {_stamp(days)}\n", "utf-8")
    return sources


@pytest.mark.parametrize(
    ("days", "code"), [(182, None), (399, None), (150, "too_soon"), (420, "beyond_policy")]
)
def test_the_policy_is_180_to_400_days_after_signing(days: int, code: str | None) -> None:
    problem = policy_problem(_stamp(days), dt.datetime.now(dt.UTC))
    assert (problem is None) if code is None else f"[bundle.expires_{code}]" in (problem or "")


@pytest.mark.parametrize("days", [30, 178, 402])
def test_build_and_lint_refuse_a_release_outside_the_policy(tmp_path: Path, days: int) -> None:
    sources = _sources(tmp_path, days)
    out = tmp_path / "out" / "allowlist.json"
    built = runner.invoke(app, ["allowlist", "build", "--sources", str(sources), "--out", str(out)])
    assert built.exit_code == 3 and "release policy" in built.stderr and not out.exists()
    linted = runner.invoke(app, ["allowlist", "lint", "--sources", str(sources)])
    assert linted.exit_code == 1 and "release policy" in linted.stdout


def test_sign_refuses_and_verify_release_refuses_a_bundle_expiring_too_soon(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    pem = tmp_path / "k.pem"
    pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    bundle = tmp_path / "allowlist.json"
    write_bundle(build_bundle(_sources(tmp_path, 100)), bundle)
    signed = runner.invoke(app, ["allowlist", "sign", "--key", str(pem), str(bundle)])
    assert signed.exit_code == 3 and "[bundle.expires_too_soon]" in signed.stderr


def test_verify_warns_when_the_shipped_bundle_is_under_180_days_and_refuses_with_release(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from verifier import cli_allowlist

    shipped = Path("verifier/data/allowlist.json")
    plain = runner.invoke(app, ["allowlist", "verify", str(shipped)])
    assert plain.exit_code == 0, plain.stderr
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=200)  # as if run 200 days from now

    class _Later(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> dt.datetime:  # type: ignore[override]
            return later

    monkeypatch.setattr(cli_allowlist.dt, "datetime", _Later)
    warned = runner.invoke(app, ["allowlist", "verify", str(shipped)])
    assert warned.exit_code == 0 and "[bundle.expires_too_soon]" in warned.stderr
    refused = runner.invoke(app, ["allowlist", "verify", "--release", str(shipped)])
    assert refused.exit_code == 3 and "[bundle.expires_too_soon]" in refused.stderr
