"""Run Python code against a copy of the package, outside this environment's editable install."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_outside(
    code: str, *args: str, path: list[Path], env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """``python -S -c code args`` with ``path`` first on PYTHONPATH and this environment's
    site-packages after it for the dependencies; -S skips the .pth files, among them the editable
    install's import hook, which would otherwise serve the work tree's ``verifier``.
    The C extension is not turned off by the caller's environment."""
    site_packages = [p for p in sys.path if p.endswith("site-packages")]
    full_env = {**os.environ, **(env or {}), "PYTHONPATH": os.pathsep.join([*map(str, path), *site_packages])}
    full_env.pop("VERIFIER_PURE_PYTHON", None)
    return subprocess.run(
        [sys.executable, "-S", "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full_env,
        cwd=path[0],
        check=False,
    )
