"""``verifier scan`` on real messages: precision and recall, and throughput in MB/s.

Run: ``python benchmarks/scan_eval.py`` (``--quality`` or ``--speed`` for one part). A message
counts as flagged when its risk is high or medium. Quality is reported on the whole dev set
(plain), by language (English; Chinese = zh, zh-Hans, zh-Hant) and by category, and
cross-validated by source: the messages are split into K folds that never share a source (a
GitHub repository, else a web host), and each fold is scanned with the phrases (rule terms),
free hosting entries and link words (the lists of rules/links.toml) that only that fold's messages contain
removed, i.e. with what the other
folds alone would justify. The rules are hand-written, not fitted, so this measures how much
the figures lean on wording seen only in the messages being scored. The n-gram model
(``verifier/scan/model.py``) is reported apart: rules alone, and rules plus a model trained on
the other folds only (``scan_model_train.fit``). Throughput is measured on
a corpus of about 8 MB built by repeating the messages with filler paragraphs (typical text)
and on adversarial inputs, on one core, in-process, as the best CPU time of three runs.
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock
from urllib.parse import urlsplit

from evaldata import DEV_DIR, run_header, shipped_allowlist
from scan_model_train import fit

import verifier
from verifier.scan import hosts, matcher, rules, scanner, structure
from verifier.scan.lexicon import term_key
from verifier.scan.model import Model
from verifier.scan.normalize import normalize
from verifier.scan.ruleset import load_rules
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


K_FOLDS = 5


def _flags(
    rows: list[dict[str, str]], allowlist: verifier.Allowlist, model: Model | None = None
) -> list[bool]:
    """Flags per message with the rules and ``model`` (None: the rules alone)."""
    with mock.patch.object(scanner, "shipped_model", return_value=model):
        return [scan(row["text"], allowlist=allowlist, use_model=True).risk in FLAGGED for row in rows]


def _fold_model(rows: list[dict[str, str]], fold: list[int], f: int) -> Model:
    """The n-gram model trained as scan_model_train.py does, on the messages outside fold f."""
    outside = [i for i in range(len(rows)) if fold[i] != f]
    return fit([rows[i]["text"] for i in outside], [rows[i]["label"] == "scam" for i in outside])


def _pr(rows: list[dict[str, str]], flags: list[bool]) -> tuple[Counter[str], float, float]:
    counts: Counter[str] = Counter()
    for row, flagged in zip(rows, flags, strict=True):
        truth = row["label"] == "scam"
        counts[("t" if flagged == truth else "f") + ("p" if flagged else "n")] += 1
    precision = counts["tp"] / max(1, counts["tp"] + counts["fp"])
    recall = counts["tp"] / max(1, counts["tp"] + counts["fn"])
    return counts, precision, recall


def _line(name: str, rows: list[dict[str, str]], flags: list[bool]) -> str:
    counts, precision, recall = _pr(rows, flags)
    cells = [name, len(rows), counts["tp"], counts["fn"], counts["fp"], counts["tn"]]
    return "| " + " | ".join(map(str, [*cells, f"{precision:.3f}", f"{recall:.3f}"])) + " |"


def _table(title: str, parts: list[tuple[str, list[dict[str, str]], list[bool]]]) -> None:
    print(title + "\n")
    print("| set | messages | scam flagged (TP) | scam missed (FN) | benign flagged (FP) | benign clear (TN) "
          "| precision | recall |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for name, rows, flags in parts:
        print(_line(name, rows, flags))
    print()


def _language_parts(
    name: str, rows: list[dict[str, str]], flags: list[bool]
) -> list[tuple[str, list[dict[str, str]], list[bool]]]:
    parts = [(name, rows, flags)]
    for lang, prefix in (("English", "en"), ("Chinese", "zh")):
        chosen = [i for i, row in enumerate(rows) if row.get("lang", "").startswith(prefix)]
        parts.append((f"{name}, {lang}", [rows[i] for i in chosen], [flags[i] for i in chosen]))
    return parts


def source_group(source: str) -> str:
    """The source a message comes from, as folds keep it together: a GitHub repository, else the
    web host."""
    parts = urlsplit(source)
    host = (parts.hostname or source).lower().removeprefix("www.").removeprefix("m.")
    segments = [p for p in parts.path.split("/") if p]
    if host in ("github.com", "gist.github.com") and segments:
        return f"{host}/{'/'.join(segments[:2]).lower()}"
    return host


def source_folds(rows: list[dict[str, str]], k: int = K_FOLDS) -> list[int]:
    """A fold number per message: groups of one source never split, folds about equal in size
    (largest group first into the smallest fold), deterministic."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        groups[source_group(row.get("source", ""))].append(i)
    sizes = [0] * k
    fold = [0] * len(rows)
    for _, members in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])):
        target = min(range(k), key=lambda f: (sizes[f], f))
        sizes[target] += len(members)
        for i in members:
            fold[i] = target
    return fold


def _term_keys_hit(text: str) -> set[str]:
    """The rule terms (as keys) found in a message, after normalization."""
    normalized = normalize(text)
    padded = " " + normalized.text.lower()
    if len(padded) != len(normalized.text) + 1:
        return set()
    compiled = matcher.compiled_rules()
    return {term_key(padded[start + 1 : end + 1]) for start, end, _ in compiled.terms.find(padded)}


def _hosts_hit(text: str, allowlist: verifier.Allowlist) -> set[str]:
    """The free hosting entries and link words (rules/links.toml, as "word:...") a message's
    links hold."""
    result = scan(text, allowlist=allowlist)
    links = [c.input for c in result.channels] + [c.normalized or "" for c in result.channels]
    found = {entry for entry in hosts.free_hosting() for link in links if _entry_matches(entry, link)}
    lowered = [link.lower() for link in links]
    found |= {f"word:{word}" for word in hosts.link_words() if any(word in link for link in lowered)}
    found |= {f"path:{word}" for word in hosts.link_path_words() if any(word in link for link in lowered)}
    found |= {
        f"recovery:{word}" for word in hosts.recovery_link_words() if any(word in link for link in lowered)
    }
    shown = [m.group(1).lower() for m in hosts._markdown_link().finditer(text)]
    return found | {f"text:{word}" for word in hosts.link_text_words() if any(word in s for s in shown)}


def _entry_matches(entry: str, link: str) -> bool:
    with mock.patch.object(hosts, "free_hosting", return_value=(entry,)):
        return hosts.is_free_host(link)


@contextmanager
def _without(terms_out: set[str], hosts_out: set[str]) -> Iterator[None]:
    """The scanner with some rule terms (by key) and free hosting entries removed."""
    specs, terms = load_rules()
    kept = {name: [t for t in values if term_key(t) not in terms_out] for name, values in terms.items()}
    kept = {name: values or ["\u0000never\u0000"] for name, values in kept.items()}
    ablated = matcher.Matcher(specs, kept)
    entries = tuple(e for e in hosts.free_hosting() if e not in hosts_out)
    words = tuple(w for w in hosts.link_words() if f"word:{w}" not in hosts_out)
    path_words = tuple(w for w in hosts.link_path_words() if f"path:{w}" not in hosts_out)
    recovery_words = tuple(w for w in hosts.recovery_link_words() if f"recovery:{w}" not in hosts_out)
    text_words = tuple(w for w in hosts.link_text_words() if f"text:{w}" not in hosts_out)
    with (
        mock.patch.object(rules, "compiled_rules", return_value=ablated),
        mock.patch.object(structure, "compiled_rules", return_value=ablated),
        mock.patch.object(hosts, "free_hosting", return_value=entries),
        mock.patch.object(hosts, "link_words", return_value=words),
        mock.patch.object(hosts, "link_path_words", return_value=path_words),
        mock.patch.object(hosts, "recovery_link_words", return_value=recovery_words),
        mock.patch.object(hosts, "link_text_words", return_value=text_words),
    ):
        yield


def cross_validated(
    rows: list[dict[str, str]], allowlist: verifier.Allowlist, k: int = K_FOLDS, *, with_model: bool = False
) -> list[bool]:
    """Flags per message, each scanned without the terms and hosts only its own fold holds
    (and, ``with_model``, with the n-gram model trained on the other folds only)."""
    fold = source_folds(rows, k)
    keys = [_term_keys_hit(row["text"]) for row in rows]
    hosts_of = [_hosts_hit(row["text"], allowlist) for row in rows]
    flags = [False] * len(rows)
    for f in range(k):
        inside = [i for i in range(len(rows)) if fold[i] == f]
        outside = [i for i in range(len(rows)) if fold[i] != f]
        seen_out = set().union(*(keys[i] for i in outside))
        terms_out = set().union(*(keys[i] for i in inside)) - seen_out
        hosts_seen_out = set().union(*(hosts_of[i] for i in outside))
        hosts_out = set().union(*(hosts_of[i] for i in inside)) - hosts_seen_out
        model = _fold_model(rows, fold, f) if with_model else None
        with _without(terms_out, hosts_out), mock.patch.object(scanner, "shipped_model", return_value=model):
            for i in inside:
                flags[i] = scan(rows[i]["text"], allowlist=allowlist, use_model=True).risk in FLAGGED
    return flags


def quality(allowlist: verifier.Allowlist) -> None:
    rows = _messages()
    flags = _flags(rows, allowlist)
    source = DEV_DIR / "messages.jsonl"
    print(f"## Quality on {source} ({len(rows)} messages; flagged = risk high or medium)\n")
    _table("Plain, rules alone (every dev message):", _language_parts("dev", rows, flags))
    folds = source_folds(rows)
    cv = cross_validated(rows, allowlist)
    sizes = Counter(folds)
    print(f"Cross-validated by source: {K_FOLDS} folds of {[sizes[f] for f in range(K_FOLDS)]} messages, "
          f"{len({source_group(r.get('source', '')) for r in rows})} sources.\n")  # fmt: skip
    _table("Cross-validated, rules alone (each fold without the terms, hosts and link words it alone holds):",
           _language_parts("dev, CV", rows, cv))  # fmt: skip
    cv_model = cross_validated(rows, allowlist, with_model=True)
    _table("Cross-validated, rules + n-gram model (as above; the model trained on the other folds only):",
           _language_parts("dev, CV, +model", rows, cv_model))  # fmt: skip
    shipped = scanner.shipped_model()
    if shipped is not None:
        in_sample = _flags(rows, allowlist, shipped)
        _table("Plain, rules + shipped model (trained on these same messages: in-sample, optimistic):",
               _language_parts("dev, +model", rows, in_sample))  # fmt: skip
    by_category: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        by_category[(row["label"], row.get("category", ""))].append(i)
    print("By category (flagged / messages; rules alone plain and cross-validated, rules + model CV):\n")
    print("| label | category | messages | flagged | flagged (CV) | flagged (CV, +model) |")
    print("|---|---|---|---|---|---|")
    for (label, category), members in sorted(by_category.items()):
        cells = [label, category, len(members), sum(flags[i] for i in members), sum(cv[i] for i in members),
                 sum(cv_model[i] for i in members)]  # fmt: skip
        print("| " + " | ".join(map(str, cells)) + " |")
    print()
    wrong = []
    with mock.patch.object(scanner, "shipped_model", return_value=None):
        for i, (row, flagged) in enumerate(zip(rows, flags, strict=True)):
            if flagged != (row["label"] == "scam"):
                result = scan(row["text"], allowlist=allowlist)
                codes = [p.code for p in result.patterns]
                codes += [f"{c.verdict.value}:{c.normalized}" for c in result.channels]
                wrong.append(
                    f"- #{i} {row['label']} {row.get('category', '')} -> risk {result.risk} {codes[:4]}"
                )
    if wrong:
        print("Errors (plain, rules alone; #n = the n-th message of messages.jsonl, from 0):")
        print("\n".join(wrong))
        print()
    _cv_errors(rows, flags, cv, folds)


def _cv_errors(rows: list[dict[str, str]], flags: list[bool], cv: list[bool], folds: list[int]) -> None:
    """The messages cross-validation gets wrong, misses then false alarms, with their fold and
    source, whether the plain run gets them right, and the start of the text: what to read for
    shapes that recur across sources."""
    lines = []
    for kind, scam in (("missed", True), ("false alarm", False)):
        for i, row in enumerate(rows):
            if (row["label"] == "scam") == scam and cv[i] != scam:
                text = " ".join(row["text"].split())
                plain = "also plain" if flags[i] != scam else "plain right"
                lines.append(f"- {kind} #{i} fold {folds[i]} {row.get('category', '')} ({plain}; "
                             f"{source_group(row.get('source', ''))}): {text[:90]}")  # fmt: skip
    if lines:
        print("Errors (cross-validated, rules alone):")
        print("\n".join(lines))
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
        '"a.b@" repeated (issue 12)': ["a.b@" * 250_000],
        '"x@a.co " repeated': ["x@a.co " * 142_857],
        "zero-width spaces between letters": ["s\u200be\u200be\u200bd " * 125_000],
        "spaced letters": ["s e e d  p h r a s e " * 47_620],
        "leet words": ["s33d phr4se pr1vate k3y " * 41_667],
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
    if "--speed" not in sys.argv:
        quality(allowlist)
    if "--quality" not in sys.argv:
        throughput(allowlist)


if __name__ == "__main__":
    main()
