"""The C extension built with AddressSanitizer and UndefinedBehaviorSanitizer, driven hard.

A copy of the package gets ``_speedups.c`` compiled with ``-fsanitize=address,undefined``; a
subprocess loads that copy with the sanitizer runtimes preloaded and runs every evaluation host
(a share of them), generated hostile host names and the misuse cases through both the C and the
Python path on four allowlists (and a share of them on two with large deletion indexes), comparing
the answers. Any out-of-bounds access, use after free or undefined behaviour aborts the subprocess,
and the test fails with the sanitizer's report.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.integration.outside import run_outside

ROOT = Path(__file__).resolve().parents[2]

DRIVER = r"""
import random, sys
import verifier, verifier.speedups as speedups
assert speedups.native is not None and speedups.native.__file__.startswith(sys.argv[1]), (
    speedups.native_problem, getattr(speedups.native, "__file__", None))
from tests.unit import test_speedups as T

hosts = list(T._evaluation_hosts() or ())[::10]
rng = random.Random(11)
letters = "abcdefghijklmnopqrstuvwxyz0123456789-"
odd = "mrnl1I0o_.-xn" + "\u0430\u043e\u0441\u0435\u03bf\u2177\u00e9\u4e2d"
suffixes = ["com", "co.uk", "github.io", "pages.dev", "ck", "example", "zz", "kawasaki.jp", "io", "pro"]
for _ in range(4000):
    kind = rng.randrange(6)
    if kind == 0:  # long and boundary labels
        label = "".join(rng.choice(letters) for _ in range(rng.choice([1, 5, 62, 63, 64, 70])))
    elif kind == 1:  # punycode bodies, garbage or huge
        label = "xn--" + "".join(rng.choice(letters) for _ in range(rng.randrange(0, 60)))
    elif kind == 2:  # characters whose skeleton expands, look-alikes, separators
        label = "".join(rng.choice(odd) for _ in range(rng.randrange(1, 64)))
    elif kind == 3:  # brands with edits and keywords
        brand = rng.choice(["tokenpocket", "metamask", "phantom", "ledger", "okx", "trustwallet"])
        i = rng.randrange(len(brand) + 1)
        label = brand[:i] + rng.choice(["", "0", "rn", "-", "_"]) + brand[i:] + rng.choice(
            ["", "-support", "-kefu", "_help", "-login-app", "official"])
    elif kind == 4:  # many labels
        parts = ["tokenpocket", "pro", "a", "evil", "metamask.io"]
        label = ".".join(rng.choice(parts) for _ in range(rng.randrange(2, 40)))
    else:
        label = "".join(chr(rng.randrange(1, 0x3000)) for _ in range(rng.randrange(0, 20)))
    hosts.append(label + "." + rng.choice(suffixes) + rng.choice(["", ".", ".."]))
hosts += ["", ".", "a" * 2100, "m" * 63 + ".com", "\u2177" * 63 + ".com", "xn--" + "9" * 59 + ".com"]
# the embedded finder and _subdomain in C: brand names glued, split and misspelt in many labels,
# beside crypto context and other trades, on hosting platforms, with labels at the length limits
embedded = T.index_for(T._allowlist("shipped")).domains.embedded
pieces = [*sorted(embedded.halves), *sorted(embedded.rules.context), *sorted(embedded.other_settings),
          "metamask", "ledger", "okx", "trust", "token", "phantom", "wallet", "m", "rn", "0", "_"]
platforms = sorted(embedded.platforms)
for _ in range(3000):
    labels = []
    for _ in range(rng.choice([1, 1, 2, 3, 5, 40])):
        label = rng.choice(["", "-", "_"]).join(rng.choice(pieces) for _ in range(rng.randrange(1, 12)))
        labels.append(label[: rng.choice([63, 63, 64, 200])] or "a")
    hosts.append(".".join(labels) + "." + rng.choice([*suffixes, *platforms[:20]]))

# large deletion indexes (1,000 synthetic brands; names sharing variants past MAX_NEAR, 63 letters):
# a share of the hosts above, and names a few edits from their officials
large = {
    name: hosts[::6] + T._near_miss_hosts(T._allowlist(name), 600, seed=3) for name in T.LARGE_ALLOWLISTS
}
large["dense"] += [T.DENSE_STEM + "zz.com", "z" + T.DENSE_STEM * 7 + "abcdxf.com", T.DENSE_STEM * 8 + ".com"]

mismatches = 0
for name in ("shipped", "unrelated", "crowded", "acme", *T.LARGE_ALLOWLISTS):
    allowlist = T._allowlist(name)
    for host in large.get(name, hosts):
        native = T._outcome(host, allowlist)
        with T._pure_python(allowlist):
            pure = T._outcome(host, allowlist)
        pair = T._lookalikes(host, allowlist)
        if native != pure or (pair is not None and pair[0] != pair[1]):
            mismatches += 1
            print("MISMATCH", name, repr(host), native, pure, pair)

# misuse: wrong types and counts, uninitialised and cleared objects
native = speedups.native
calls = [
    lambda: native.osa("a"), lambda: native.osa(1, 2), lambda: native.osa("a" * 300, "b"),
    lambda: native.Maker(object, ("x",)), lambda: native.Maker.__new__(native.Maker)(),
    lambda: native.HostParser.__new__(native.HostParser).parse("a.com"),
    lambda: native.DomainMatcher.__new__(native.DomainMatcher).find("a.com", "a.com", "a.com"),
    lambda: native.DomainMatcher(index=None, officials=(1,), forms=(), scan=True),
]
for call in calls:
    try:
        call()
    except (TypeError, ValueError):
        pass
print("checked", len(hosts), "hosts on 4 allowlists and", sum(map(len, large.values())), "on",
      len(large), "large ones;", mismatches, "mismatches")
sys.exit(1 if mismatches else 0)
"""


def _runtime(name: str, compiler: str) -> str | None:
    found = subprocess.run(
        [compiler, f"-print-file-name={name}"], capture_output=True, text=True, check=False
    )
    path = found.stdout.strip()
    return path if found.returncode == 0 and os.path.isabs(path) and os.path.exists(path) else None


def test_the_extension_under_address_and_undefined_behaviour_sanitizers(tmp_path: Path) -> None:
    compiler = shutil.which("gcc")
    if sys.platform != "linux" or compiler is None:
        pytest.skip("needs gcc on Linux")
    runtimes = [_runtime("libasan.so", compiler), _runtime("libubsan.so", compiler)]
    if None in runtimes:
        pytest.skip("gcc has no sanitizer runtimes here")
    package = tmp_path / "verifier"
    shutil.copytree(ROOT / "verifier", package, ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.pyc"))
    source = package / "_speedups.c"
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    built = package / f"_speedups{sysconfig.get_config_var('EXT_SUFFIX')}"
    compile_run = subprocess.run(
        [
            compiler,
            "-shared",
            "-fPIC",
            "-O1",
            "-g",
            "-fsanitize=address,undefined",
            "-fno-omit-frame-pointer",
            "-fno-sanitize-recover=undefined",
            f'-DSOURCE_SHA256="{digest}"',
            f"-I{sysconfig.get_paths()['include']}",
            str(source),
            "-o",
            str(built),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert compile_run.returncode == 0, compile_run.stderr
    env = {
        "LD_PRELOAD": " ".join(r for r in runtimes if r),
        "ASAN_OPTIONS": "detect_leaks=0:abort_on_error=1",
        "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1",
        "PYTHONMALLOC": "malloc",
    }
    # the sanitized copy first, then the repository root for the tests' helpers
    done = run_outside(DRIVER, str(tmp_path), path=[tmp_path, ROOT], env=env, timeout=900)
    assert done.returncode == 0, (done.stdout[-3000:], done.stderr[-6000:])
    assert "0 mismatches" in done.stdout
