"""The second anchor: x0rz/phishing_catcher's ``score_domain``, brand names added as keywords.

phishing_catcher (github.com/x0rz/phishing_catcher, GPL-3.0) watches certificate transparency
and scores each new host name: suspicious TLDs, entropy, keywords found (brand names weigh 70,
as its users add them to ``external.yaml``), a Levenshtein distance of 1 from a strong keyword,
many hyphens or dots. Its code is not copied here: ``Catcher`` reads ``catch_phishing.py``,
``suspicious.yaml``, ``external.yaml`` and ``confusables.py`` from a checkout (or a bare git
directory) of that repository and runs its own ``entropy`` and ``score_domain`` functions, with
three library calls replaced by equivalents already installed here:

- ``Levenshtein.distance`` (python-Levenshtein) by ``rapidfuzz.distance.Levenshtein.distance``
  (the same edit distance);
- ``tld.get_tld(..., as_object=True, fail_silently=True)`` by the bundled Public Suffix List of
  ``tldextract`` (private suffixes included, as ``tld`` searches them), None without a suffix;
- ``confusables.unconfuse`` is the repository's own.

Give the checkout with ``--catcher-dir`` or ``PHISHING_CATCHER_DIR``; without either, it is cloned
from GitHub into a temporary directory (``git clone --depth 1``), and if that fails the report
says so and goes on without it.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tldextract
import yaml
from rapidfuzz.distance import Levenshtein

REPOSITORY = "https://github.com/x0rz/phishing_catcher"
THRESHOLD = 90  # its "[!] Suspicious" level (score >= 90); >= 100 is its bold red
BRAND_WEIGHT = 70  # what suspicious.yaml gives strong brand keywords (paypal, appleid ...)
FILES = ("catch_phishing.py", "suspicious.yaml", "external.yaml", "confusables.py")


class CatcherUnavailable(Exception):
    """No checkout given and none could be cloned, or the repository changed shape."""


@dataclass(frozen=True, slots=True)
class CatcherRun:
    scores: list[int]
    brands: list[str | None]  # the brand whose keyword is in the host (or one edit away)
    seconds: float
    source: str  # where the code came from, with its commit

    def flagged(self, threshold: int = THRESHOLD) -> list[bool]:
        return [s >= threshold for s in self.scores]

    @property
    def checks_per_second(self) -> float:
        return len(self.scores) / self.seconds if self.seconds else float("inf")


class _Tld:
    def __init__(self, subdomain: str, domain: str) -> None:
        self.subdomain = subdomain
        self.domain = domain


def _reader(directory: Path) -> tuple[Callable[[str], str], str]:
    """A function reading one file of the repository, and a description with the commit."""
    git = shutil.which("git")
    if (directory / "catch_phishing.py").is_file():
        commit = ""
        if git and (directory / ".git").exists():
            commit = subprocess.run(
                [git, "-C", str(directory), "rev-parse", "--short", "HEAD"],
                capture_output=True,
                text=True,
                check=False,
            ).stdout.strip()
        return (lambda name: (directory / name).read_text("utf-8")), f"{directory} {commit}".strip()
    if git and (directory / "HEAD").is_file():  # a bare repository

        def show(name: str) -> str:
            return subprocess.run(
                [git, "--git-dir", str(directory), "show", f"HEAD:{name}"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout

        commit = subprocess.run(
            [git, "--git-dir", str(directory), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        return show, f"{REPOSITORY} at {commit}"
    raise CatcherUnavailable(f"{directory} is not a phishing_catcher checkout")


def _functions(source: str, names: Sequence[str]) -> str:
    """The source of the top-level functions ``names`` of a module (nothing else runs)."""
    tree = ast.parse(source)
    picked = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name in names]
    if {node.name for node in picked} != set(names):
        raise CatcherUnavailable(f"catch_phishing.py no longer defines {', '.join(names)}")
    return "\n\n".join(ast.get_source_segment(source, node) or "" for node in picked)


class Catcher:
    """phishing_catcher's scorer, loaded from a checkout; use as a context manager."""

    def __init__(self, brand_keywords: dict[str, str], directory: Path | None = None) -> None:
        self.brand_keywords = brand_keywords  # keyword -> our brand id
        self.directory = directory or (
            Path(os.environ["PHISHING_CATCHER_DIR"]) if os.environ.get("PHISHING_CATCHER_DIR") else None
        )
        self._tmp: tempfile.TemporaryDirectory[str] | None = None

    def __enter__(self) -> Catcher:
        if self.directory is None:
            git = shutil.which("git")
            if git is None:
                raise CatcherUnavailable("no --catcher-dir and git is not on PATH")
            self._tmp = tempfile.TemporaryDirectory(prefix="catcher-")
            target = Path(self._tmp.name) / "phishing_catcher"
            try:
                subprocess.run(
                    [git, "clone", "-q", "--depth", "1", REPOSITORY, str(target)],
                    check=True,
                    capture_output=True,
                    timeout=120,
                )
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
                self.__exit__()
                raise CatcherUnavailable(f"git clone {REPOSITORY} failed") from exc
            self.directory = target
        read, self.source = _reader(self.directory)
        try:
            texts = {name: read(name) for name in FILES}
        except (OSError, subprocess.CalledProcessError) as exc:
            raise CatcherUnavailable(f"cannot read the repository: {exc}") from exc
        suspicious = yaml.safe_load(texts["suspicious.yaml"])
        external = yaml.safe_load(texts["external.yaml"]) or {}
        # As its __main__ does: external.yaml adds to (or replaces) suspicious.yaml.
        if external.get("override_suspicious.yaml") is True:
            suspicious = external
        else:
            suspicious["keywords"].update(external.get("keywords") or {})
            suspicious["tlds"].update(external.get("tlds") or {})
        for keyword in self.brand_keywords:
            suspicious["keywords"][keyword] = BRAND_WEIGHT
        confusables: dict[str, Any] = {}
        exec(compile(texts["confusables.py"], "confusables.py", "exec"), confusables)
        extract = tldextract.TLDExtract(
            cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True, include_psl_private_domains=True
        )

        def get_tld(domain: str, **_: object) -> _Tld | None:
            parts = extract(domain)
            return _Tld(parts.subdomain, parts.domain) if parts.suffix else None

        namespace: dict[str, Any] = {
            "re": __import__("re"),
            "math": __import__("math"),
            "distance": Levenshtein.distance,
            "get_tld": get_tld,
            "unconfuse": confusables["unconfuse"],
            "suspicious": suspicious,
        }
        code = _functions(texts["catch_phishing.py"], ("entropy", "score_domain"))
        exec(compile(code, "catch_phishing.py", "exec"), namespace)
        self.score_domain: Callable[[str], int] = namespace["score_domain"]
        return self

    def __exit__(self, *exc: object) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def brand_of(self, host: str) -> str | None:
        """The brand whose keyword is in ``host``, else one a word of it is one edit from."""
        for keyword, brand in self.brand_keywords.items():
            if keyword in host:
                return brand
        words = [w for w in host.replace("-", ".").split(".") if w]
        for keyword, brand in self.brand_keywords.items():
            if any(Levenshtein.distance(w, keyword) == 1 for w in words):
                return brand
        return None

    def run(self, hosts: Sequence[str]) -> CatcherRun:
        """Score each host as its certstream callback does (lowercased), timing the scoring."""
        score = self.score_domain
        lowered = [h.lower() for h in hosts]
        for host in lowered[:500]:
            score(host)
        start = time.perf_counter()
        scores = [score(h) for h in lowered]
        seconds = time.perf_counter() - start
        return CatcherRun(scores, [self.brand_of(h) for h in lowered], seconds, self.source)
