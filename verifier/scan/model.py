"""A small linear model over character n-grams: a second opinion for message-sized texts that
no rule names (issue 14).

The rules stay the named reasons; the model adds one finding, ``model.scam_like``, when a short
text reads like the scam messages it was trained on and no rule flagged it. It is logistic
regression over the set of character 2- to 4-grams of the lowercased text (digits read as 0,
whitespace collapsed), trained on the dev messages only by ``benchmarks/scan_model_train.py``
and shipped as ``scan/model_weights.json`` (the strongest weights only). Pure Python, no
dependencies; texts shorter than ``MIN_MODEL_WORDS`` words or longer than ``MAX_MODEL_CHARS``
are left to the rules (the model was
trained on messages, not pages, and reading a page's n-grams would cost more than the rules).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

MAX_MODEL_CHARS = 20_000
MIN_MODEL_WORDS = 10  # words or Chinese characters: "hello" or a subject line is too little to judge
NGRAMS = (2, 4)


@cache
def _folding() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Compiled on first use (none at import)."""
    return re.compile(r"\s+"), re.compile(r"[0-9]")


@cache
def _word() -> re.Pattern[str]:
    return re.compile(r"[^\W\d_\u3400-\u9fff]+|[\u3400-\u9fff]")


def _size(text: str, enough: int = MIN_MODEL_WORDS) -> int:
    """Words (and Chinese characters, one each) in the text, counted up to ``enough``."""
    count = 0
    for _ in _word().finditer(text):
        count += 1
        if count >= enough:
            break
    return count


@dataclass(frozen=True, slots=True)
class Model:
    """Weights per n-gram, a bias and the score above which a text counts as scam-like."""

    weights: dict[str, float]
    bias: float
    threshold: float

    def score(self, text: str) -> float:
        grams = features(text)
        get = self.weights.get
        return self.bias + sum(get(g, 0.0) for g in grams) / math.sqrt(len(grams) + 1)


def features(text: str) -> set[str]:
    """The set of character n-grams of a text, as the model reads it."""
    spaces, digits = _folding()
    folded = " " + digits.sub("0", spaces.sub(" ", text.lower())) + " "
    low, high = NGRAMS
    return {folded[i : i + n] for n in range(low, high + 1) for i in range(len(folded) - n + 1)}


def train(
    texts: Sequence[str], labels: Sequence[bool], *, epochs: int = 30, rate: float = 0.2, decay: float = 1e-3
) -> tuple[dict[str, float], float]:
    """Logistic regression by stochastic gradient descent, in the given order (deterministic)."""
    rows = [features(t) for t in texts]
    weights: dict[str, float] = {}
    bias = 0.0
    for _ in range(epochs):
        for grams, label in zip(rows, labels, strict=True):
            scale = math.sqrt(len(grams) + 1)
            z = bias + sum(weights.get(g, 0.0) for g in grams) / scale
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            step = rate * (p - (1.0 if label else 0.0))
            bias -= step
            for g in grams:
                weights[g] = weights.get(g, 0.0) - step / scale
        for g in weights:
            weights[g] *= 1.0 - decay
    return weights, bias


def strongest(weights: dict[str, float], keep: int) -> dict[str, float]:
    """The ``keep`` weights of largest magnitude, rounded for a small file."""
    chosen = sorted(weights.items(), key=lambda item: (-abs(item[1]), item[0]))[:keep]
    return {gram: round(weight, 4) for gram, weight in sorted(chosen)}


def to_json(weights: dict[str, float], bias: float, threshold: float, about: dict[str, object]) -> str:
    return json.dumps(
        {"about": about, "bias": round(bias, 4), "threshold": threshold, "weights": weights},
        ensure_ascii=False,
        sort_keys=True,
        indent=0,
    )


def from_json(data: str) -> Model:
    raw = json.loads(data)
    return Model(
        {str(k): float(v) for k, v in raw["weights"].items()}, float(raw["bias"]), float(raw["threshold"])
    )


@cache
def shipped_model() -> Model | None:
    """The model shipped with the package, or None when there is none."""
    path = resources.files("verifier.scan").joinpath("model_weights.json")
    if not path.is_file():
        return None
    return from_json(path.read_text("utf-8"))


def scam_like(text: str, model: Model | None = None) -> float | None:
    """The model's score for a message-sized text (None when too long or no model)."""
    model = model if model is not None else shipped_model()
    if model is None or len(text) > MAX_MODEL_CHARS or _size(text) < MIN_MODEL_WORDS:
        return None
    return model.score(text)


def flags(scores: Iterable[float | None], threshold: float) -> list[bool]:
    return [s is not None and s > threshold for s in scores]
