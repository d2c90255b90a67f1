"""Shared fixtures: throwaway moderator keys, a signed test bundle, an isolated state dir."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from verifier.allowlist.bundle import build_bundle
from verifier.allowlist.bundleformat import canonical_bytes
from verifier.allowlist.model import Allowlist
from verifier.allowlist.store import verify_bytes
from verifier.allowlist.trust import Root, root_document, sign_document

TEST_SOURCES = Path(__file__).parent / "data" / "allowlists"
NOW = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def isolated_state(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """Every test gets its own state directory, so none touches the user's."""
    state = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("VERIFIER_STATE_DIR", str(state))
    yield state


@pytest.fixture(scope="session")
def moderator_keys() -> list[Ed25519PrivateKey]:
    return [Ed25519PrivateKey.generate() for _ in range(3)]


@pytest.fixture(scope="session")
def test_root(moderator_keys: list[Ed25519PrivateKey]) -> Root:
    document = root_document([k.public_key() for k in moderator_keys], threshold=2, version=1)
    for key in moderator_keys:
        document = sign_document(document, key)
    return Root.from_json(canonical_bytes(document))


@pytest.fixture(scope="session")
def unsigned_bundle() -> dict[str, Any]:
    return build_bundle(TEST_SOURCES)


SignFn = Callable[..., bytes]


@pytest.fixture(scope="session")
def sign_bundle(moderator_keys: list[Ed25519PrivateKey], unsigned_bundle: dict[str, Any]) -> SignFn:
    """Return bundle bytes signed by the given key indexes, with ``signed`` fields overridden."""

    def sign(*signers: int, **overrides: Any) -> bytes:
        document: dict[str, Any] = {"signed": {**unsigned_bundle["signed"], **overrides}, "signatures": []}
        for index in signers:
            document = sign_document(document, moderator_keys[index])
        return canonical_bytes(document)

    return sign


@pytest.fixture
def allowlist(sign_bundle: SignFn, test_root: Root, isolated_state: Path) -> Allowlist:
    """The verified test allowlist (brands acme and zeta)."""
    return verify_bytes(sign_bundle(0, 1), root=test_root, directory=isolated_state, now=NOW)
