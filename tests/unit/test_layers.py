"""Which modules may import which (issue 19): the layers stay one-directional, read from the
source with ``ast`` (every import, also those inside functions), so a new edge fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "verifier"


def imports_of(path: Path) -> set[str]:
    """The verifier modules ``path`` imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name == "verifier" or name.startswith("verifier.")}


def _modules(pattern: str) -> list[Path]:
    paths = sorted(PACKAGE.glob(pattern))
    assert paths, pattern
    return paths


def _under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


@pytest.mark.parametrize("path", _modules("net/*.py"), ids=lambda p: p.name)
def test_the_fetching_layer_needs_only_url_parsing_and_the_errors(path: Path) -> None:
    allowed = ("verifier.net", "verifier.errors", "verifier.channels.weburl")
    assert {n for n in imports_of(path) if not _under(n, allowed)} == set()


@pytest.mark.parametrize("path", _modules("allowlist/*.py"), ids=lambda p: p.name)
def test_the_allowlist_does_not_reach_up_to_the_page_fetcher_or_online_checks(path: Path) -> None:
    above = ("verifier.net.page", "verifier.online", "verifier.service", "verifier.cli")
    assert {n for n in imports_of(path) if _under(n, above)} == set()


def test_verifying_a_bundle_does_not_load_the_toml_source_reader() -> None:
    for name in ("trust.py", "bundleformat.py"):
        found = imports_of(PACKAGE / "allowlist" / name)
        assert not {n for n in found if _under(n, ("verifier.allowlist.bundle", "verifier.allowlist.source"))}


def test_the_catalogue_is_the_bottom_and_model_does_not_import_messages() -> None:
    assert imports_of(PACKAGE / "catalogue.py") == set()
    assert not {n for n in imports_of(PACKAGE / "model.py") if _under(n, ("verifier.messages",))}


@pytest.mark.parametrize("path", _modules("service/*.py"), ids=lambda p: p.name)
def test_the_application_does_not_import_the_server_tuning(path: Path) -> None:
    assert {n for n in imports_of(path) if _under(n, ("verifier.service.server",))} == set()
