"""Write benchmarks/data/negatives.txt: benign domains for the lookalike false-positive rate.

There is no top-sites list offline, so the negatives come from lists of real, registered
domains that are on this machine or on PyPI:

1. curated: benchmarks/data/negatives_curated.txt, hand-picked well-known sites, several of
   them near wallet brand words (trustpilot.com, phantomjs.org, ledger-accounting.org ...).
2. psl-private: the PRIVATE section of the Public Suffix List snapshot bundled in tldextract
   (entries such as blogspot.com, github.io, herokuapp.com: wildcards and "!" stripped, each
   reduced to its ICANN registrable domain).
3. psl-owners: the homepages of the companies that submitted those entries (the
   "// Company : https://..." comment lines), reduced to registrable domains.
4. disposable: the domain list of the PyPI package disposable-email-domains (pinned version,
   fetched with ``pip download``; skip with --no-disposable). It is not vetted, so names that
   carry a wallet brand's name verbatim are left out: they cannot be asserted benign.

Every source is deduplicated against the ones before it, and domains that are official in the
shipped allowlist (or inside an official zone) are dropped. The output is deterministic for a
given tldextract and disposable-email-domains version.

    .venv/bin/python benchmarks/build_negatives.py [--no-disposable] [--out PATH]
"""

from __future__ import annotations

import argparse
import ast
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable
from importlib import metadata, resources
from pathlib import Path

import tldextract
from evaldata import NEGATIVES, is_official, shipped_allowlist

import verifier

HERE = Path(__file__).resolve().parent
CURATED = HERE / "data" / "negatives_curated.txt"
DISPOSABLE_PACKAGE = "disposable-email-domains"
DISPOSABLE_VERSION = "0.0.293"
PSL_FILE = ".tld_set_snapshot"  # tldextract's bundled copy of public_suffix_list.dat
MIN_BRAND_NAME = 6  # shorter brand labels ("okx", "token") are ordinary substrings

_HOST_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_OWNER_RE = re.compile(r"^//\s*[^:]+?\s*:\s*(https?://\S+)")


def icann_extractor() -> tldextract.TLDExtract:
    """The bundled PSL, ICANN section only: ``x.blogspot.com`` -> registrable ``blogspot.com``."""
    return tldextract.TLDExtract(
        cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True, include_psl_private_domains=False
    )


def registrable(extract: tldextract.TLDExtract, host: str) -> str | None:
    """ICANN registrable domain of ``host``, or None when it has none (a bare suffix)."""
    host = host.strip().strip(".").lower()
    if not _HOST_RE.match(host):
        return None
    parts = extract(host)
    return f"{parts.domain}.{parts.suffix}" if parts.domain and parts.suffix else None


def psl_private_section() -> list[str]:
    """Lines between the PRIVATE DOMAINS markers of tldextract's PSL snapshot."""
    text = resources.files("tldextract").joinpath(PSL_FILE).read_text("utf-8")
    begin = text.index("===BEGIN PRIVATE DOMAINS===")
    end = text.index("===END PRIVATE DOMAINS===")
    return text[begin:end].splitlines()[1:]


def psl_private(extract: tldextract.TLDExtract, lines: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for line in lines:
        entry = line.strip()
        if not entry or entry.startswith("//"):
            continue
        entry = entry.lstrip("!").removeprefix("*.")
        try:
            ascii_entry = entry.encode("idna").decode("ascii")
        except UnicodeError:
            continue
        domain = registrable(extract, ascii_entry)
        if domain:
            out.add(domain)
    return out


def psl_owners(extract: tldextract.TLDExtract, lines: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for line in lines:
        match = _OWNER_RE.match(line.strip())
        if not match:
            continue
        host = match.group(1).split("://", 1)[1].split("/", 1)[0].split(":", 1)[0]
        domain = registrable(extract, host)
        if domain:
            out.add(domain)
    return out


def curated(path: Path) -> set[str]:
    out: set[str] = set()
    for line in path.read_text("utf-8").splitlines():
        host = line.split("#", 1)[0].strip().lower()
        if host:
            if not _HOST_RE.match(host):
                raise SystemExit(f"{path}: not a host name: {host!r}")
            out.add(host)
    return out


def disposable(version: str) -> set[str]:
    """The ``blocklist`` set of disposable-email-domains, read from its wheel without importing it."""
    with tempfile.TemporaryDirectory(prefix="negatives-") as tmp:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--only-binary=:all:",
                "--dest",
                tmp,
                f"{DISPOSABLE_PACKAGE}=={version}",
            ],
            check=True,
        )
        wheel = next(Path(tmp).glob("*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            source = archive.read("disposable_email_domains/__init__.py").decode("utf-8")
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "blocklist" for t in node.targets
        ):
            return {d.lower() for d in ast.literal_eval(node.value) if _HOST_RE.match(d.lower())}
    raise SystemExit(f"{DISPOSABLE_PACKAGE} {version}: no blocklist found")


def brand_names(allowlist: verifier.Allowlist) -> set[str]:
    """Distinctive wallet names (brand ids and official labels of 6+ letters): metamask, ledger ..."""
    names = set()
    for brand in allowlist.brands.values():
        names.add(brand.id)
        for entry in brand.entries:
            if entry.kind is verifier.ChannelKind.URL:
                names.add(entry.value.split(".")[-2] if "." in entry.value else entry.value)
    return {n for n in names if len(n) >= MIN_BRAND_NAME}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=NEGATIVES)
    parser.add_argument("--no-disposable", action="store_true", help="skip the PyPI download")
    args = parser.parse_args(argv)

    allowlist = shipped_allowlist()
    extract = icann_extractor()
    private_lines = psl_private_section()
    tld_version = metadata.version("tldextract")
    sources: list[tuple[str, str, set[str]]] = [
        ("curated", f"{CURATED.relative_to(HERE.parent)} (hand-picked)", curated(CURATED)),
        (
            "psl-private",
            f"PRIVATE section of the PSL snapshot in tldextract {tld_version} ({PSL_FILE}),"
            " entries reduced to ICANN registrable domains",
            psl_private(extract, private_lines),
        ),
        (
            "psl-owners",
            f"homepages of the PRIVATE section's submitters (comment lines), tldextract {tld_version}",
            psl_owners(extract, private_lines),
        ),
    ]
    dropped_brand: list[str] = []
    if not args.no_disposable:
        names = brand_names(allowlist)
        domains = disposable(DISPOSABLE_VERSION)
        dropped_brand = sorted(d for d in domains if any(n in d for n in names))
        sources.append(
            (
                "disposable",
                f"PyPI {DISPOSABLE_PACKAGE}=={DISPOSABLE_VERSION} (blocklist); dropped for carrying"
                f" a wallet name verbatim: {', '.join(dropped_brand) or 'none'}",
                domains.difference(dropped_brand),
            )
        )

    seen: set[str] = set()
    dropped_official: set[str] = set()
    kept: list[tuple[str, str, list[str]]] = []
    for name, description, domains in sources:
        official = {d for d in domains if is_official(d, allowlist)}
        dropped_official |= official
        fresh = sorted(domains - seen - official)
        seen.update(domains)
        kept.append((name, description, fresh))

    lines = [
        "# Benign domains for benchmarks/lookalike_eval.py (false-positive rate): none imitates a wallet.",
        "# Generated by benchmarks/build_negatives.py; do not edit by hand. Sources, in order (each",
        "# deduplicated against the ones above it; '# source: NAME' starts its section below):",
    ]
    lines += [f"#   {name}: {len(fresh)} -- {description}" for name, description, fresh in kept]
    lines.append(
        f"# Dropped as official in the shipped allowlist: {', '.join(sorted(dropped_official)) or 'none'}"
    )
    for name, _, fresh in kept:
        lines.append(f"# source: {name}")
        lines.extend(fresh)
    args.out.write_text("\n".join(lines) + "\n", "utf-8")

    for name, _, fresh in kept:
        print(f"{name:12} {len(fresh):6}")
    print(f"{'total':12} {sum(len(f) for _, _, f in kept):6}  -> {args.out}")
    if dropped_official:
        print(f"dropped as official: {', '.join(sorted(dropped_official))}")
    if dropped_brand:
        print(f"dropped from disposable (wallet name inside): {', '.join(dropped_brand)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
