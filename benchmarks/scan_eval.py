"""``verifier scan`` on real messages: precision and recall, and throughput in MB/s.

Run: ``python benchmarks/scan_eval.py``. A message counts as flagged when its risk is high or
medium. Throughput is measured on a corpus of about 8 MB built by repeating the messages with
filler paragraphs (typical text) and on adversarial inputs, on one core, in-process, as the
best CPU time of three runs.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter

from evaldata import DEV_DIR, run_header, shipped_allowlist

import verifier
from verifier.scan.scanner import scan

FLAGGED = ("high", "medium")
FILLER = [
    "Thanks for reaching out. Could you tell us which version of the app you use and what you see on screen?",
    "我昨天转账到交易所，但是一直没有到账，交易哈希已经附上，麻烦帮忙看一下。",
    "The transaction is still pending on the explorer; the gas price was low when I sent it.",
    "请问如何在钱包里添加自定义代币？我找不到合约地址的输入框。",
    "I updated to the latest release and the balance shows zero on BSC, but the explorer shows my tokens.",
]


def _messages() -> list[dict[str, str]]:
    with (DEV_DIR / "messages.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def quality(allowlist: verifier.Allowlist) -> None:
    rows = _messages()
    counts: Counter[str] = Counter()
    wrong: list[str] = []
    for row in rows:
        result = scan(row["text"], allowlist=allowlist)
        flagged = result.risk in FLAGGED
        truth = row["label"] == "scam"
        counts[("t" if flagged == truth else "f") + ("p" if flagged else "n")] += 1
        if flagged != truth:
            codes = [p.code for p in result.patterns]
            codes += [f"{c.verdict.value}:{c.normalized}" for c in result.channels]
            category = row.get("category", "")
            wrong.append(f"- {row['label']} {category} -> risk {result.risk} {codes[:4]}")
    precision = counts["tp"] / max(1, counts["tp"] + counts["fp"])
    recall = counts["tp"] / max(1, counts["tp"] + counts["fn"])
    source = DEV_DIR / "messages.jsonl"
    print(f"## Quality on {source} ({len(rows)} messages; flagged = risk high or medium)\n")
    headers = ["scam flagged (TP)", "scam missed (FN)", "benign flagged (FP)", "benign clear (TN)"]
    print("| " + " | ".join([*headers, "precision", "recall"]) + " |")
    print("|---|---|---|---|---|---|")
    cells = [counts["tp"], counts["fn"], counts["fp"], counts["tn"], f"{precision:.3f}", f"{recall:.3f}"]
    print("| " + " | ".join(map(str, cells)) + " |\n")
    if wrong:
        print("Errors:")
        print("\n".join(wrong))
        print()


def _corpus(target_bytes: int) -> str:
    rng = random.Random(7)
    texts = [row["text"] for row in _messages()]
    parts: list[str] = []
    size = 0
    while size < target_bytes:
        piece = rng.choice(texts) if rng.random() < 0.3 else rng.choice(FILLER)
        parts.append(piece)
        size += len(piece.encode("utf-8")) + 2
    return "\n\n".join(parts)


def throughput(allowlist: verifier.Allowlist, rounds: int = 3) -> None:
    # CPU time of this process, best of `rounds`: other processes on the machine inflate a
    # wall-clock figure far more than a run's own CPU time.
    print(
        "## Throughput (one core, in-process; 1 MB documents, each scanned whole; "
        f"CPU time, best of {rounds})\n"
    )
    print("| input | MB | seconds | MB/s |")
    print("|---|---|---|---|")
    corpus = _corpus(8_000_000)
    chunks = [corpus[i : i + 1_000_000] for i in range(0, len(corpus), 1_000_000)]
    adversarial = {
        "typical (messages + filler)": chunks,
        "one character repeated": ["a" * 1_000_000],
        "助记词 repeated": ["助记词" * 333_333],
        "digits and spaces": ["1 " * 500_000],
        "dots": ["a." * 500_000],
    }
    scan("warm up: load the rules", allowlist=allowlist)
    for name, documents in adversarial.items():
        megabytes = sum(len(d.encode("utf-8")) for d in documents) / 1e6
        seconds = float("inf")
        for _ in range(rounds):
            start = time.process_time()
            for document in documents:
                scan(document, allowlist=allowlist)
            seconds = min(seconds, time.process_time() - start)
        print(f"| {name} | {megabytes:.1f} | {seconds:.2f} | {megabytes / seconds:.1f} |")
    print()


def main() -> None:
    allowlist = shipped_allowlist()
    print(run_header("verifier scan evaluation") + "\n")
    quality(allowlist)
    throughput(allowlist)


if __name__ == "__main__":
    main()
