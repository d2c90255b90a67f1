"""The moderator flow end to end with throwaway keys: init-root, build, sign, verify, lint, diff."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from typer.testing import CliRunner

from tests.conftest import TEST_SOURCES
from verifier.cli import app

runner = CliRunner()


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def _write_keys(directory: Path, count: int = 3) -> list[tuple[Path, Path]]:
    pairs = []
    for index in range(count):
        key = Ed25519PrivateKey.generate()
        private = directory / f"mod-{index}.pem"
        public = directory / f"mod-{index}.pub.pem"
        private.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        public.write_bytes(
            key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
        pairs.append((private, public))
    return pairs


def test_moderator_flow(tmp_path: Path) -> None:
    sources = tmp_path / "allowlists"
    shutil.copytree(TEST_SOURCES, sources)
    keys = _write_keys(tmp_path)
    root = sources / "root.json"
    code, out, _ = invoke(
        "allowlist", "init-root", *[a for _, pub in keys for a in ("--key", pub)], "--out", root
    )
    assert code == 0, out
    for private, _ in keys:
        assert invoke("allowlist", "sign", "--key", private, root)[0] == 0
    bundle = tmp_path / "out" / "allowlist.json"
    code, out, _ = invoke("allowlist", "build", "--sources", sources, "--out", bundle)
    assert code == 0 and "0 signature(s) kept" in out
    first = bundle.read_bytes()
    assert invoke("allowlist", "build", "--sources", sources, "--out", bundle)[0] == 0
    assert bundle.read_bytes() == first  # deterministic

    code, _, err = invoke("allowlist", "verify", bundle, "--root", root)
    assert code == 3 and "0 valid signature(s)" in err
    assert invoke("allowlist", "sign", "--key", keys[0][0], bundle)[0] == 0
    code, _, err = invoke("allowlist", "verify", bundle, "--root", root)
    assert code == 3 and "1 valid signature(s) from trusted keys, 2 required" in err
    assert invoke("allowlist", "sign", "--key", keys[0][0], bundle)[0] == 0  # same key again: still one
    assert len(json.loads(bundle.read_text())["signatures"]) == 1
    assert invoke("allowlist", "sign", "--key", keys[2][0], bundle)[0] == 0
    code, out, _ = invoke("allowlist", "verify", bundle, "--root", root)
    assert code == 0 and "signed by 2 of 3 trusted keys (threshold 2)" in out

    # Rebuilding unchanged sources keeps the signatures; --check agrees.
    code, out, _ = invoke("allowlist", "build", "--sources", sources, "--out", bundle)
    assert "2 signature(s) kept" in out
    assert invoke("allowlist", "build", "--sources", sources, "--out", bundle, "--check")[0] == 0

    # A source change makes --check fail and a rebuild drops the signatures.
    acme = sources / "brands" / "acme.toml"
    acme.write_text(acme.read_text().replace("AcmeWallet_Official", "AcmeWallet_News"))
    code, _, err = invoke("allowlist", "build", "--sources", sources, "--out", bundle, "--check")
    assert code == 1 and "does not match the sources" in err
    old = tmp_path / "old.json"
    shutil.copy(bundle, old)
    code, out, _ = invoke("allowlist", "build", "--sources", sources, "--out", bundle)
    assert "0 signature(s) kept" in out
    code, out, _ = invoke("allowlist", "diff", old, bundle)
    assert code == 0
    assert "- handle telegram:@acmewallet_official" in out  # normalized values: telegram is case-insensitive
    assert "+ handle telegram:@acmewallet_news evidence https://acmewallet.com/contact" in out


def test_sign_with_a_missing_or_wrong_key_is_a_clear_error(tmp_path: Path) -> None:
    bundle = tmp_path / "allowlist.json"
    bundle.write_text(Path("verifier/data/allowlist.json").read_text())
    code, _, err = invoke("allowlist", "sign", "--key", tmp_path / "nope.pem", bundle)
    assert code == 1 and "cannot load the private key" in err
    public = _write_keys(tmp_path, 1)[0][1]
    code, _, err = invoke("allowlist", "sign", "--key", public, bundle)
    assert code == 1 and "cannot load the private key" in err


def test_lint_reports_file_and_line(tmp_path: Path) -> None:
    sources = tmp_path / "allowlists"
    shutil.copytree(TEST_SOURCES, sources)
    zeta = sources / "brands" / "zeta.toml"
    zeta.write_text(
        zeta.read_text() + '\n[[domains]]\nvalue = "acmewallet.com"\nsubdomains = false\n'
        'evidence = "https://zeta.exchange/x"\nchecked = 2026-01-02\n'
    )
    code, out, _ = invoke("allowlist", "lint", "--sources", sources)
    assert code == 1
    line = zeta.read_text().splitlines().index('value = "acmewallet.com"') + 1
    assert f"{zeta}:{line}: " in out
    assert "acme" in out


def test_lint_of_the_repository_sources_is_clean() -> None:
    code, out, _ = invoke("allowlist", "lint")
    assert code == 0, out


def test_build_reports_source_problems(tmp_path: Path) -> None:
    sources = tmp_path / "allowlists"
    shutil.copytree(TEST_SOURCES, sources)
    (sources / "brands" / "bad.toml").write_text(
        'id = "bad"\nname = "Bad"\n[[domains]]\nvalue = "not a host"\n'
    )
    code, _, err = invoke("allowlist", "build", "--sources", sources, "--out", tmp_path / "b.json")
    assert code == 1
    assert f"{sources / 'brands' / 'bad.toml'}:4: domains value 'not a host'" in err


def test_diff_of_a_malformed_file_is_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    code, _, err = invoke("allowlist", "diff", bad)
    assert code == 1 and str(bad) in err
