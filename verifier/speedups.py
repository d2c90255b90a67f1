"""The optional C hot path (``verifier/_speedups.c``) and the switch between it and pure Python.

The extension is built by ``pip install`` when a C compiler is there. Every function in it does
exactly what a Python function of verifier does, for the inputs it takes, and hands the rest to
Python; ``tests/unit/test_speedups.py`` compares the two on the evaluation data and generated
input. ``VERIFIER_PURE_PYTHON=1`` turns the extension off. A build compiled from another
version of the C source than the one beside it (edited since ``pip install``) is not used.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import fields
from importlib import resources
from types import ModuleType
from typing import Any, TypeVar, cast

__all__ = ["maker", "native", "native_problem"]

T = TypeVar("T")


def _load() -> tuple[ModuleType | None, str]:
    if os.environ.get("VERIFIER_PURE_PYTHON", "") not in ("", "0"):
        return None, "turned off by VERIFIER_PURE_PYTHON"
    try:
        from verifier import _speedups  # noqa: PLC0415
    except ImportError as exc:
        return None, f"not built ({exc})"
    source = resources.files("verifier").joinpath("_speedups.c")
    if source.is_file():
        digest = hashlib.sha256(source.read_bytes()).hexdigest()
        if digest != _speedups.SOURCE_SHA256:
            return None, "built from an older verifier/_speedups.c: run pip install -e . again"
    return _speedups, ""


native, native_problem = _load()


def maker(
    cls: type[T],
    names: tuple[str, ...] | None = None,
    *,
    acyclic: bool = False,
    constants: tuple[object, ...] = (),
) -> Callable[..., T]:
    """A constructor taking the slots ``names`` of ``cls`` (a slotted dataclass's fields when
    not given) by position, in order.

    With the extension it fills the slots directly: a frozen dataclass's ``__init__`` sets each
    field through ``object.__setattr__``, which was a large share of a check. Without it, the
    dataclass itself, or for ``names`` the same slots set one by one. ``acyclic``: ``cls`` is
    frozen, and a value whose fields cannot lead back to it (strings, numbers, tuples of those,
    dicts of those that it owns, values of other acyclic classes) is left out of the cyclic
    garbage collector's work by the extension; with any other field it stays tracked. Fields that
    are one of ``constants`` (enum members: module-level values that hold nothing) count as plain.
    """
    if names is None:
        if native is None:
            return cls
        names = tuple(f.name for f in fields(cast(Any, cls)))
    if native is not None:
        constructor: Callable[..., T] = native.Maker(cls, names, untrack=acyclic, constants=constants)
        return constructor
    slots = names

    def build(*values: object) -> T:
        obj: T = object.__new__(cls)
        for name, value in zip(slots, values, strict=True):
            object.__setattr__(obj, name, value)
        return obj

    return build
