"""The distribution name: free on PyPI, the same everywhere, and never the unrelated `verifier`.

`verifier` on PyPI is another project (2019); a doc line `pip install 'verifier[telegram]'` would
install that (issue 12, finding 9). The distribution is `wallet-support-verifier`; the import name
and the command stay `verifier`. These tests read every text a user copies install lines from and
fail on an install of any other name.
"""

from __future__ import annotations

import importlib.metadata
import re
import shlex
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NAME = "wallet-support-verifier"

# Third-party names a doc may install besides ours (kept short on purpose).
OTHER_ALLOWED = {"pip", "setuptools", "wheel"}

# `pip install`, `pip3 install`, `python -m pip install`, `uv pip install`, `pipx install`, `uv add`
INSTALL = re.compile(r"(?:\bpip3?\s+install|\bpipx\s+install|\buv\s+add)\b([^\n`]*)")


def canonical(name: str) -> str:
    """PEP 503 normalisation: runs of -, _ and . are one -, case-folded."""
    return re.sub(r"[-_.]+", "-", name).lower()


def texts() -> list[Path]:
    files = [ROOT / "README.md", ROOT / "pyproject.toml", ROOT / ".ci" / "run", ROOT / "tests" / "run"]
    files += sorted((ROOT / ".github").rglob("*.yml"))
    for folder in ("docs", "examples"):
        files += sorted(
            p
            for p in (ROOT / folder).rglob("*")
            if p.is_file() and p.suffix in {".md", ".py", ".txt", ".toml", ".sh", ".rst"}
        )
    files += sorted((ROOT / "verifier").rglob("*.py"))
    files.append(ROOT / "verifier" / "data" / "messages.toml")
    return files


# Words of a sentence that follow an install command in prose ("run pip install -e . again").
PROSE = {"again", "compiles", "first", "then", "when"}
REQUIREMENT = re.compile(r"([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?(?:\s*[<>=!~;@].*)?")


def requirements_installed(line: str) -> list[str]:
    """The package names an install line names (options, local paths and prose after it left out)."""
    line = line.split(" #", 1)[0]
    # Stop at a shell separator: `pip install -e . && verifier check ...`.
    line = re.split(r"&&|\|\||;|\|", line, maxsplit=1)[0]
    try:
        words = shlex.split(line)
    except ValueError:
        words = [w.strip("'\"") for w in line.split()]
    names = []
    skip_next = False
    for word in words:
        if skip_next:
            skip_next = False
            continue
        if word in {"-r", "--requirement", "-c", "--constraint", "-i", "--index-url", "--extra-index-url"}:
            skip_next = True
            continue
        if word.startswith("-"):
            continue
        if word.startswith((".", "/", "~")) or "://" in word:
            continue  # a local path (the checkout) or a URL: no registry name involved
        requirement = REQUIREMENT.fullmatch(word.rstrip("`'\",.:)"))
        if requirement is None or requirement.group(1) in PROSE:
            break  # the sentence goes on: no more requirements
        names.append(requirement.group(1))
    return names


def test_the_name_checker_catches_the_trap() -> None:
    assert requirements_installed(" 'verifier[telegram]'") == ["verifier"]
    assert requirements_installed(" verifier") == ["verifier"]
    assert requirements_installed(" -q Verifier==1.0.0") == ["Verifier"]
    assert requirements_installed(" -e . && .venv/bin/verifier check x") == []
    assert requirements_installed(" -e '.[server]'        # FastAPI") == []
    assert requirements_installed(" 'wallet-support-verifier[server]'`") == [NAME]
    assert requirements_installed(" 'wallet-support-verifier[server]' (from a checkout") == [NAME]
    assert requirements_installed(' -e . again"') == []
    assert requirements_installed(" pip verifier") == ["pip", "verifier"]
    assert canonical("Wallet_Support.Verifier") == NAME


def test_pyproject_uses_the_free_name_and_keeps_the_command() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == NAME
    assert project["scripts"] == {"verifier": "verifier.cli:main"}
    for extra, requirements in project["optional-dependencies"].items():
        for requirement in requirements:
            base = canonical(re.match(r"[A-Za-z0-9._-]+", requirement).group(0))  # type: ignore[union-attr]
            assert base != "verifier", f"extra {extra} requires the unrelated PyPI project: {requirement}"
            if base == NAME:
                assert "[" in requirement, f"extra {extra} names the project itself without extras"


def test_every_install_line_names_this_distribution() -> None:
    bad = []
    seen = 0
    for path in texts():
        text = path.read_text(encoding="utf-8")
        for match in INSTALL.finditer(text):
            seen += 1
            for name in requirements_installed(match.group(1)):
                if canonical(name) not in {NAME} | OTHER_ALLOWED:
                    line = text.count("\n", 0, match.start()) + 1
                    bad.append(f"{path.relative_to(ROOT)}:{line}: {name}: {match.group(0).strip()}")
    assert seen >= 4, "install lines were not found: the pattern is broken"
    assert not bad, "install of another distribution name:\n" + "\n".join(bad)


def test_no_doc_names_an_extra_of_the_unrelated_project() -> None:
    # "extra `verifier[server]`" in prose leads to the same wrong install.
    bad = []
    for path in texts():
        if path.suffix == ".py" and path.is_relative_to(ROOT / "verifier"):
            continue  # docstrings inside the package are not install instructions
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"(?<![\w-])verifier\[", text):
            line = text.count("\n", 0, match.start()) + 1
            bad.append(f"{path.relative_to(ROOT)}:{line}")
    assert not bad, "an extra of `verifier` (the unrelated PyPI project):\n" + "\n".join(bad)


def test_readme_starts_with_the_two_set_up_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.startswith(
        "```sh\n"
        "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/verifier check tokenpocket.pro\n"
        "bash tests/run\n"
        "```\n"
    )


def test_installed_metadata_has_the_new_name() -> None:
    dist = importlib.metadata.distribution(NAME)
    assert canonical(dist.metadata["Name"]) == NAME
    assert (
        dist.version
        == tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    )
    assert NAME in {canonical(d) for d in importlib.metadata.packages_distributions().get("verifier", [])}
    commands = {e.name: e.value for e in dist.entry_points if e.group == "console_scripts"}
    assert commands == {"verifier": "verifier.cli:main"}


def test_no_installed_distribution_is_the_unrelated_one() -> None:
    # A stale `verifier` egg-info or dist-info (left by an install before the rename) would make
    # importlib.metadata and pip report the wrong project.
    try:
        stale = importlib.metadata.distribution("verifier")
    except importlib.metadata.PackageNotFoundError:
        return
    pytest.fail(
        f"a distribution named 'verifier' is installed ({stale.locate_file('')}): an install from before "
        "the rename to wallet-support-verifier; remove it with `.venv/bin/pip uninstall -y verifier` "
        "(and any verifier.egg-info in the checkout), then `.venv/bin/pip install -e '.[dev]'`"
    )
