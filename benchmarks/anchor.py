"""The anchor: MetaMask's eth-phishing-detect, installed from npm into a temporary directory.

It is configured with its own fuzzylist and allowlist (whitelist) but an empty blocklist, so
it judges every domain by resemblance alone, as our detector does for unseen domains. The
check loop is timed inside node (not node's start-up or the pipe), the fastest of three passes,
as ours is timed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "eth-phishing-detect"
VERSION = "1.2.0"  # the newest on npm when this was written (`npm view eth-phishing-detect versions`)
INSTALL_TIMEOUT = 180

# Reads hosts from stdin (one a line), prints "flagged<TAB>type<TAB>match" per host, then one
# "#timing {json}" line. Handles the v1 config.json (fuzzylist/whitelist/blacklist/tolerance)
# and the later shape with several named configs (the MetaMask one is used).
_RUNNER = r"""
"use strict";
const path = require("path");
const pkg = path.join(__dirname, "node_modules", "eth-phishing-detect");
const PhishingDetector = require(path.join(pkg, "src", "detector.js"));
const config = require(path.join(pkg, "src", "config.json"));
const WARMUP = 2000;
const PASSES = 3;

function withTolerance(opts, tolerance) {
  if (tolerance !== undefined) opts.tolerance = tolerance;
  return opts;
}

function detectorOptions(cfg) {
  if (Array.isArray(cfg.fuzzylist)) {
    return withTolerance({
      fuzzylist: cfg.fuzzylist,
      whitelist: cfg.whitelist || cfg.allowlist || [],
      blacklist: [],
    }, cfg.tolerance);
  }
  const named = Object.entries(cfg).filter(([, c]) => c && Array.isArray(c.fuzzylist));
  const [, c] = named.find(([k]) => /metamask|eth_phishing_detect/i.test(k)) || named[0];
  return [withTolerance({
    name: "MetaMask",
    version: c.version !== undefined ? c.version : (cfg.version || 1),
    fuzzylist: c.fuzzylist,
    allowlist: c.allowlist || c.whitelist || [],
    blocklist: [],
  }, c.tolerance !== undefined ? c.tolerance : cfg.tolerance)];
}

const options = detectorOptions(config);
const detector = new PhishingDetector(options);
const hosts = require("fs").readFileSync(0, "utf8").split("\n").filter((h) => h.length > 0);
for (let i = 0; i < Math.min(WARMUP, hosts.length); i++) detector.check(hosts[i]);
const results = new Array(hosts.length);
let seconds = Infinity;
for (let pass = 0; pass < PASSES; pass++) {  // the fastest of PASSES timed passes
  const start = process.hrtime.bigint();
  for (let i = 0; i < hosts.length; i++) results[i] = detector.check(hosts[i]);
  seconds = Math.min(seconds, Number(process.hrtime.bigint() - start) / 1e9);
}
const lines = results.map((r) => `${r.result ? 1 : 0}\t${r.type}\t${r.match || ""}`);
const single = Array.isArray(options) ? options[0] : options;
lines.push("#timing " + JSON.stringify({
  seconds, checks: hosts.length, fuzzylist: single.fuzzylist,
  allowlist: (single.allowlist || single.whitelist).length, tolerance: single.tolerance,
  node: process.version,
}));
process.stdout.write(lines.join("\n") + "\n");
"""


@dataclass(frozen=True, slots=True)
class AnchorVerdict:
    flagged: bool
    kind: str  # eth-phishing-detect's "type": fuzzy, whitelist, all ...
    match: str  # the fuzzylist domain it resembles


@dataclass(frozen=True, slots=True)
class AnchorRun:
    verdicts: list[AnchorVerdict]
    seconds: float  # the check loop only
    package: str  # eth-phishing-detect@1.2.0
    node: str
    fuzzylist: list[str]
    allowlist_size: int
    tolerance: int | None

    @property
    def checks_per_second(self) -> float:
        return len(self.verdicts) / self.seconds if self.seconds else float("inf")


class AnchorUnavailable(Exception):
    """npm or node is missing, the registry is unreachable, or the package changed shape."""


class Anchor:
    """eth-phishing-detect installed in a temporary directory; use as a context manager."""

    def __init__(self, version: str = VERSION) -> None:
        self.version = version
        self._tmp: tempfile.TemporaryDirectory[str] | None = None

    def __enter__(self) -> Anchor:
        node, npm = shutil.which("node"), shutil.which("npm")
        if node is None or npm is None:
            raise AnchorUnavailable("node or npm is not on PATH")
        self._tmp = tempfile.TemporaryDirectory(prefix="anchor-")
        self.directory = Path(self._tmp.name)
        self.node = node
        command = [npm, "install", "--prefix", str(self.directory), f"{PACKAGE}@{self.version}"]
        command += ["--no-audit", "--no-fund", "--no-save", "--loglevel=error"]
        try:
            subprocess.run(command, check=True, capture_output=True, text=True, timeout=INSTALL_TIMEOUT)
        except subprocess.CalledProcessError as exc:
            self.__exit__(None, None, None)
            message = " ".join(exc.stderr.split())[:300]
            raise AnchorUnavailable(f"npm install failed: {message}") from exc
        except subprocess.TimeoutExpired as exc:
            self.__exit__(None, None, None)
            raise AnchorUnavailable(f"npm install took over {INSTALL_TIMEOUT}s") from exc
        (self.directory / "runner.js").write_text(_RUNNER, "utf-8")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def run(self, hosts: Sequence[str]) -> AnchorRun:
        """Check each host (ASCII, one per call); the order of results follows ``hosts``."""
        proc = subprocess.run(
            [self.node, str(self.directory / "runner.js")],
            input="\n".join(hosts) + "\n",
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            raise AnchorUnavailable(f"the node runner failed: {proc.stderr.strip()[-500:]}")
        lines = proc.stdout.splitlines()
        info = json.loads(lines[-1].removeprefix("#timing "))
        verdicts = []
        for line in lines[:-1]:
            flagged, kind, match = line.split("\t")
            verdicts.append(AnchorVerdict(flagged == "1", kind, match))
        if len(verdicts) != len(hosts):
            raise AnchorUnavailable(f"the runner answered {len(verdicts)} of {len(hosts)} hosts")
        return AnchorRun(
            verdicts,
            float(info["seconds"]),
            f"{PACKAGE}@{self.version}",
            str(info["node"]),
            [str(d) for d in info["fuzzylist"]],
            int(info["allowlist"]),
            info.get("tolerance"),
        )
