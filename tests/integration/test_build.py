"""The package as pip builds it: with the C extension, and without a working compiler.

The extension is optional (setup.py): a machine without a C compiler must still get a working
verifier, in pure Python, with the same answers.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.integration.outside import run_outside

ROOT = Path(__file__).resolve().parents[2]
CHECK = "import json, verifier, verifier.speedups as s; r = verifier.check('tokenpocket-support.com');"
CHECK += "print(json.dumps([s.native is not None, s.native_problem, r.verdict.value, r.technique, r.matched,"
CHECK += " verifier.__file__, getattr(s.native, '__file__', None)]))"


def source_copy(target: Path) -> Path:
    """The project as a clean clone has it: no build directory or extension built in place,
    which setuptools would reuse instead of compiling."""
    ignored = shutil.ignore_patterns(
        ".venv", "build", "*.egg-info", "__pycache__", "*.so", ".*_cache", ".git"
    )
    shutil.copytree(ROOT, target, ignore=ignored)
    return target


def build_wheel(out: Path, env: dict[str, str]) -> Path:
    source = source_copy(out.parent / "source")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        check=False,
    )
    if done.returncode != 0 and "No matching distribution" in done.stderr:
        pytest.skip(f"the build backend could not be installed: {done.stderr.strip()[-200:]}")
    assert done.returncode == 0, done.stderr
    (wheel,) = out.glob("wallet_support_verifier-*.whl")  # the distribution name (pyproject.toml)
    return wheel


def run_from(wheel: Path, target: Path) -> list[object]:
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    done = run_outside(CHECK, path=[target])
    assert done.returncode == 0, done.stderr
    result: list[object] = json.loads(done.stdout)
    return result


@pytest.mark.skipif(sys.platform != "linux", reason="builds with the system compiler as CI does")
def test_wheel_without_a_compiler_runs_in_pure_python(tmp_path: Path) -> None:
    env = {**os.environ, "CC": "/bin/false", "CXX": "/bin/false", "LDSHARED": "/bin/false"}
    wheel = build_wheel(tmp_path / "dist", env)
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    assert not [n for n in names if n.endswith(".so")], names
    assert "verifier/data/allowlist.json" in names and "verifier/lookalike/confusables.txt" in names
    native, problem, verdict, technique, matched, package, _ = run_from(wheel, tmp_path / "site")
    assert str(package).startswith(str(tmp_path / "site"))
    assert native is False and "not built" in str(problem)
    assert (verdict, technique, matched) == ("lookalike", "combosquat", "tokenpocket.pro")


@pytest.mark.skipif(sys.platform != "linux", reason="builds with the system compiler as CI does")
def test_wheel_with_a_compiler_carries_the_extension(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path / "dist", dict(os.environ))
    with zipfile.ZipFile(wheel) as archive:
        assert [n for n in archive.namelist() if n.startswith("verifier/_speedups") and n.endswith(".so")]
    native, problem, verdict, technique, matched, package, extension = run_from(wheel, tmp_path / "site")
    assert str(package).startswith(str(tmp_path / "site")) and str(extension).startswith(
        str(tmp_path / "site")
    )
    assert native is True, problem
    assert (verdict, technique, matched) == ("lookalike", "combosquat", "tokenpocket.pro")
