"""Dump ``verifier scan`` results as JSON lines, to compare the output of two versions.

Run: ``python benchmarks/scan_compare.py OUT.jsonl`` then ``diff`` (or ``cmp``) two such files.
It scans every dev message (plain, and with ``use_model=True``, in English and Chinese), the
8 MB typical corpus of ``scan_eval.py`` in 1 MB documents, the adversarial inputs of its
throughput table, and small variants of them (so a difference shows on a short text too).
"""

from __future__ import annotations

import hashlib
import json
import sys

from evaldata import shipped_allowlist
from scan_eval import _corpus, _messages

from verifier.scan.scanner import scan

ADVERSARIAL = {
    "one character repeated": "a" * 1_000_000,
    "助记词 repeated": "助记词" * 333_333,
    "digits and spaces": "1 " * 500_000,
    "dots": "a." * 500_000,
    '"a.b@" repeated': "a.b@" * 250_000,
    '"x@a.co " repeated': "x@a.co " * 142_857,
    "zero-width spaces between letters": "s\u200be\u200be\u200bd " * 125_000,
    "spaced letters": "s e e d  p h r a s e " * 47_620,
    "leet words": "s33d phr4se pr1vate k3y " * 41_667,
}


def main() -> None:
    allowlist = shipped_allowlist()
    lines: list[str] = []

    def emit(name: str, document: str, **kwargs: object) -> None:
        result = json.dumps(scan(document, allowlist=allowlist, **kwargs).to_dict(), ensure_ascii=False)
        if len(result) > 20_000:  # a 1 MB document: its digest and size, not the whole JSON
            result = f"{len(result)} {hashlib.sha256(result.encode()).hexdigest()}"
        lines.append(f"{name}\t{result}\n")

    for i, row in enumerate(_messages()):
        emit(f"dev {i}", row["text"])
        emit(f"dev {i} zh model", row["text"], lang="zh", use_model=True)
    corpus = _corpus(8_000_000)
    for i in range(0, len(corpus), 1_000_000):
        emit(f"corpus {i}", corpus[i : i + 1_000_000])
    for name, document in ADVERSARIAL.items():
        emit(name, document)
        for size in (30, 200, 3000):
            emit(f"{name} {size}", document[:size])
    with open(sys.argv[1], "w", encoding="utf-8") as out:
        out.writelines(lines)


if __name__ == "__main__":
    main()
