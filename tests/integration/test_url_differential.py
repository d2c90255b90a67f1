"""verifier's host and path against Node's ``new URL()`` (the WHATWG parser browsers follow).

A bounded sample of the generated and mutated URLs of tests/urlcorpus.py on every run; the
full campaign (100,000 URLs or more, other seeds) is ``python benchmarks/url_differential.py``.
Node runs once per batch. A difference prints the text, so it can be added to a table test.
"""

from __future__ import annotations

import shutil

import pytest

from tests.urlcorpus import differences, urls

SAMPLE = 30_000


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_verifier_reads_urls_as_node_does() -> None:
    texts = list(urls(SAMPLE, seed=12))
    found, counts = differences(texts)
    assert not found, f"{len(found)} of {len(texts)} differ, first: {found[:10]}"
    # The sample reaches every comparison, so a broken generator cannot pass by saying nothing.
    assert counts["url"] > 1000 and counts["handle"] > 1000 and counts["official"] > 100, counts
    assert counts["node refused"] > 1000, counts
