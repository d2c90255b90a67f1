"""Whatever a log or a log list sends, the parsers answer with a WatchError, never a traceback;
one unreadable entry is counted and passed over."""

from __future__ import annotations

import contextlib
import json
import struct
import warnings

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.watchlog import Entry, Issuer, StubLog, log_list, make_cert, make_pair, precert_entry, x509_entry
from verifier.watch import LogFormatError, WatchError, parse_log_list
from verifier.watch.names import LoggedCertificate
from verifier.watch.rfc6962 import parse_entries, parse_leaf, parse_sth
from verifier.watch.tiled import parse_checkpoint, parse_data_tile

ISSUER = Issuer.make()
LOG = StubLog("hostile")
LOG.port = 1
SPEC = parse_log_list(log_list([LOG])).logs[0]
TILED = parse_log_list(log_list(tiled=[LOG])).logs[0]
GOOD = x509_entry(make_cert(ISSUER, ["a.example"], 2), ISSUER)


def _total(call, *args) -> None:  # type: ignore[no-untyped-def]
    try:
        entries = call(*args)
    except WatchError:
        return
    for entry in entries if isinstance(entries, list) else []:
        with contextlib.suppress(LogFormatError):
            LoggedCertificate.parse(entry).names  # noqa: B018 (reading it is the test)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes(data: bytes) -> None:
    _total(parse_leaf, data, data, 0)
    _total(parse_data_tile, data, 0, 1)
    _total(parse_checkpoint, data, TILED)
    _total(parse_sth, data, SPEC)
    _total(parse_entries, data, 0, 5)
    _total(parse_log_list, data)


PRECERT = precert_entry(make_pair(ISSUER, ["p.example", "*.q.example"], 77, cn="r.example"), ISSUER)


@settings(max_examples=500, deadline=None)
@given(
    st.sampled_from([GOOD.leaf(), PRECERT.leaf()]),
    st.lists(st.tuples(st.integers(0), st.integers(0, 255)), min_size=1, max_size=3),
)
def test_bytes_changed_in_a_leaf(leaf: bytes, changes: list[tuple[int, int]]) -> None:
    """cryptography raises more than ValueError: InvalidVersion (found here), TypeError (in 60,000 runs)."""
    changed = bytearray(leaf)
    for position, value in changes:
        changed[position % len(changed)] = value
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _total(lambda: [parse_leaf(bytes(changed), b"", 0)])
        with contextlib.suppress(WatchError):
            cert = LoggedCertificate.parse(parse_leaf(bytes(changed), b"", 0))
            assert (
                isinstance(cert.key, str)
                and isinstance(cert.issuer, str)
                and isinstance(cert.not_before, str)
            )


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none() | st.integers() | st.text(max_size=20),
        lambda c: st.lists(c) | st.dictionaries(st.text(max_size=10), c),
        max_leaves=20,
    )
)
def test_json_shapes(value: object) -> None:
    body = json.dumps(value).encode()
    _total(parse_sth, body, SPEC)
    _total(parse_entries, body, 0, 5)
    _total(parse_log_list, body)
    _total(parse_entries, json.dumps({"entries": [value]}).encode(), 0, 5)


def test_a_bad_entry_is_passed_over() -> None:
    garbage = Entry(b"\x00\x01\x02", b"", None, [])
    not_a_cert = Entry(struct.pack(">QH", 1, 0) + b"\x00\x00\x04junk", b"", None, [])
    log = StubLog("mixed")
    log.entries = [GOOD, garbage, not_a_cert, GOOD]
    entries = parse_entries(log.get_entries({"start": ["0"], "end": ["3"]}), 0, 4)
    assert [e.index for e in entries] == [0, 1, 2, 3]
    assert entries[1].problem is not None and entries[2].problem is None
    readable = []
    for entry in entries:
        try:
            readable.append(LoggedCertificate.parse(entry).names)
        except LogFormatError:
            readable.append(None)
    assert readable == [("a.example",), None, None, ("a.example",)]
