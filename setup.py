"""Builds the optional C extension verifier._speedups; everything else is in pyproject.toml.

The extension is optional: when it cannot be compiled the build goes on and verifier runs
the same checks in pure Python. The SHA-256 of the C source is compiled in, so a build older
than the source beside it is noticed and not used (verifier/speedups.py).
"""

import hashlib
from pathlib import Path

from setuptools import Extension, setup

SOURCE = "verifier/_speedups.c"
DIGEST = hashlib.sha256((Path(__file__).parent / SOURCE).read_bytes()).hexdigest()

setup(
    ext_modules=[
        Extension(
            "verifier._speedups",
            [SOURCE],
            define_macros=[("SOURCE_SHA256", f'"{DIGEST}"')],
            optional=True,
        )
    ]
)
