# Types of the optional C extension built from _speedups.c (see verifier/speedups.py).
from collections.abc import Callable
from typing import Any

SOURCE_SHA256: str

class Maker:
    def __init__(
        self,
        cls: type[Any],
        names: tuple[str, ...],
        /,
        *,
        untrack: bool = False,
        constants: tuple[object, ...] = (),
    ) -> None: ...
    def __call__(self, *fields: object) -> Any: ...

class HostParser:
    def __init__(
        self,
        *,
        suffixes: Callable[[], tuple[frozenset[str], ...]],
        not_in_labels: Any,
        is_normalized: Callable[[str, str], bool],
        maker: Maker,
        kind_url: Any,
    ) -> None: ...
    def parse(self, raw: str, /) -> Any: ...

class DomainMatcher:
    def __init__(self, **tables: Any) -> None: ...
    def find(self, host: str, registrable: str, host_unicode: str, /) -> Any: ...

def osa(a: str, b: str, /) -> int: ...
