"""Train the small character n-gram model of ``verifier/scan/model.py`` on the dev messages.

Run (from ``benchmarks/``): ``python scan_model_train.py`` writes
``verifier/scan/model_weights.json``. Training uses ``../shared/eval/dev/messages.jsonl`` only
(never the held-out set), in file order, so the file is the same on every run. The threshold is
the one ``scan_eval.py`` reports for rules plus model cross-validated by source; keep the two in
step when either changes.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from evaldata import DEV_DIR

from verifier.scan import model

KEEP = 2000  # weights kept (largest magnitude): the file stays small (CV: same flags as all weights)
# Scam-like above this score: at 0.5 cross-validation gains more (scan_eval_results.md), but
# short honest lines with a phone number or a help address score 0.5 to 0.9.
THRESHOLD = 1.0
OUT = Path(__file__).resolve().parent.parent / "verifier" / "scan" / "model_weights.json"


def rows() -> list[dict[str, str]]:
    with (DEV_DIR / "messages.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def fit(texts: list[str], labels: list[bool], keep: int = KEEP) -> model.Model:
    weights, bias = model.train(texts, labels)
    return model.Model(model.strongest(weights, keep), bias, THRESHOLD)


def main() -> None:
    data = rows()
    texts = [r["text"] for r in data]
    labels = [r["label"] == "scam" for r in data]
    weights, bias = model.train(texts, labels)
    digest = hashlib.sha256((DEV_DIR / "messages.jsonl").read_bytes()).hexdigest()
    about = {
        "trained_on": "../shared/eval/dev/messages.jsonl (dev set only)",
        "sha256": digest,
        "messages": len(data),
        "command": "cd benchmarks && python scan_model_train.py",
        "features": f"character {model.NGRAMS[0]}- to {model.NGRAMS[1]}-grams, lowercased, digits as 0",
        "kept_weights": KEEP,
    }
    OUT.write_text(model.to_json(model.strongest(weights, KEEP), bias, THRESHOLD, about) + "\n", "utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes) from {len(data)} messages")


if __name__ == "__main__":
    main()
