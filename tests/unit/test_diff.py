"""diff_bundles and render_diff: each kind of change, as data and as the reviewer reads it."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from verifier.allowlist.bundle import build_bundle
from verifier.allowlist.diff import Change, FieldChange, diff_bundles, load_bundle_file, render_diff
from verifier.errors import BundleFormatError

EVIDENCE = "https://acmewallet.com/support"


def _domain(value: str = "acmewallet.com", **changes: Any) -> dict[str, Any]:
    entry = {
        "value": value,
        "display": value,
        "subdomains": True,
        "evidence": EVIDENCE,
        "checked": "2026-11-01",
    }
    return {**entry, **changes}


def _brand(**changes: Any) -> dict[str, Any]:
    brand = {
        "name": "Acme Wallet",
        "aliases": ["Acme"],
        "default_region": "US",
        "custody": "self",
        "no_phone_support": None,
        "unrelated": [],
        "domains": [_domain()],
        "emails": [
            {
                "value": "help@acmewallet.com",
                "display": "help@acmewallet.com",
                "evidence": EVIDENCE,
                "checked": "2026-11-01",
            }
        ],
        "phones": [],
        "handles": [
            {
                "value": "acme_help",
                "display": "acme_help",
                "platform": "telegram",
                "evidence": EVIDENCE,
                "checked": "2026-11-01",
            }
        ],
    }
    return {**brand, **changes}


def _bundle() -> dict[str, Any]:
    signed = {
        "_type": "verifier-allowlist",
        "spec_version": "1",
        "version": 1,
        "expires": "2027-06-01T00:00:00Z",
        "brands": {"acme": _brand()},
        "denylist": [],
    }
    return {"signed": signed, "signatures": [{"keyid": "k1", "sig": "00"}]}


DENIED_PHONE = {
    "kind": "phone",
    "value": "+15624733934",
    "display": "+1 562 473 3934",
    "claimed_brand": "acme",
    "evidence": "https://reports.example.org/1",
    "checked": "2026-11-01",
}


def _release(s: dict[str, Any]) -> None:
    s["version"] = 2
    s["expires"] = "2027-07-01T00:00:00Z"


def _add_domain(s: dict[str, Any]) -> None:
    s["brands"]["acme"]["domains"].append(_domain("acme.io", subdomains=False))


def _remove_handle(s: dict[str, Any]) -> None:
    s["brands"]["acme"]["handles"] = []


def _change_evidence(s: dict[str, Any]) -> None:
    s["brands"]["acme"]["emails"][0]["evidence"] = "https://acmewallet.com/contact"


def _change_checked_and_subdomains(s: dict[str, Any]) -> None:
    s["brands"]["acme"]["domains"][0].update(checked="2026-11-20", subdomains=False)


def _brand_fields(s: dict[str, Any]) -> None:
    s["brands"]["acme"].update(
        name="Acme", aliases=["Acme", "阿克米"], default_region="CN", custody="exchange"
    )


def _no_phone_support(s: dict[str, Any]) -> None:
    s["brands"]["acme"]["no_phone_support"] = {
        "evidence": "https://acmewallet.com/p",
        "checked": "2026-11-02",
    }


def _add_brand(s: dict[str, Any]) -> None:
    s["brands"]["bolt"] = _brand(
        name="Bolt", aliases=[], handles=[], emails=[], domains=[_domain("bolt.com")]
    )


def _remove_brand(s: dict[str, Any]) -> None:
    del s["brands"]["acme"]


def _deny(s: dict[str, Any]) -> None:
    s["denylist"].append(dict(DENIED_PHONE))


def _spec_version(s: dict[str, Any]) -> None:
    s["spec_version"] = "2"


RENDERED: list[tuple[Callable[[dict[str, Any]], None], str]] = [
    (_release, "version 1 -> 2, expires 2027-06-01T00:00:00Z -> 2027-07-01T00:00:00Z"),
    (_add_domain, "version 1 (unchanged)\nacme (Acme Wallet)\n  + domain acme.io evidence " + EVIDENCE),
    (_remove_handle, "version 1 (unchanged)\nacme (Acme Wallet)\n  - handle telegram:@acme_help"),
    (
        _change_evidence,
        "version 1 (unchanged)\nacme (Acme Wallet)\n"
        f"  ~ email help@acmewallet.com: evidence {EVIDENCE} -> https://acmewallet.com/contact",
    ),
    (
        _change_checked_and_subdomains,
        "version 1 (unchanged)\nacme (Acme Wallet)\n"
        "  ~ domain acmewallet.com: checked 2026-11-01 -> 2026-11-20; subdomains yes -> no",
    ),
    (
        _brand_fields,
        "version 1 (unchanged)\nacme (Acme)\n  ~ aliases: Acme -> Acme, 阿克米\n"
        "  ~ custody: self -> exchange\n"
        "  ~ default_region: US -> CN\n  ~ name: Acme Wallet -> Acme",
    ),
    (
        _no_phone_support,
        "version 1 (unchanged)\nacme (Acme Wallet)\n"
        "  ~ no_phone_support: (none) -> checked 2026-11-02 evidence https://acmewallet.com/p",
    ),
    (
        _add_brand,
        "version 1 (unchanged)\nbolt (Bolt) [new brand]\n"
        "  custody: self\n  default_region: US\n  name: Bolt\n"
        f"  + domain bolt.com (subdomains) evidence {EVIDENCE}",
    ),
    (
        _remove_brand,
        "version 1 (unchanged)\nacme (Acme Wallet) [removed brand]\n  - domain acmewallet.com\n"
        "  - email help@acmewallet.com\n  - handle telegram:@acme_help",
    ),
    (
        _deny,
        "version 1 (unchanged)\ndenylist\n"
        "  + phone +15624733934 (claimed acme) evidence https://reports.example.org/1",
    ),
    (_spec_version, "version 1 (unchanged), spec_version 1 -> 2"),
]


@pytest.mark.parametrize(("change", "expected"), RENDERED, ids=[c.__name__.strip("_") for c, _ in RENDERED])
def test_each_change_is_rendered(change: Callable[[dict[str, Any]], None], expected: str) -> None:
    old = _bundle()
    new = copy.deepcopy(old)
    change(new["signed"])
    assert render_diff(diff_bundles(old, new)) == expected


def test_reverse_diff_marks_the_opposite_change() -> None:
    old = _bundle()
    new = copy.deepcopy(old)
    _deny(new["signed"])
    _add_domain(new["signed"])
    forward, backward = diff_bundles(old, new), diff_bundles(new, old)
    assert [e.change for e in forward.denylist] == [Change.ADDED]
    assert [e.change for e in backward.denylist] == [Change.REMOVED]
    assert [(e.change, e.label) for e in backward.brands[0].entries] == [(Change.REMOVED, "acme.io")]
    assert render_diff(backward).endswith("denylist\n  - phone +15624733934")


def test_changes_are_ordered_added_removed_changed() -> None:
    old = _bundle()
    new = copy.deepcopy(old)
    _remove_handle(new["signed"])
    _change_evidence(new["signed"])
    _add_domain(new["signed"])
    marks = [e.change for e in diff_bundles(old, new).brands[0].entries]
    assert marks == [Change.ADDED, Change.REMOVED, Change.CHANGED]


def test_display_change_is_a_change() -> None:
    old = _bundle()
    new = copy.deepcopy(old)
    new["signed"]["brands"]["acme"]["handles"][0]["display"] = "Acme_Help"
    (entry,) = diff_bundles(old, new).brands[0].entries
    assert entry.fields == (FieldChange("display", "acme_help", "Acme_Help"),)


def test_identical_content_has_no_changes_whatever_the_signatures() -> None:
    old = _bundle()
    new = copy.deepcopy(old)
    new["signatures"] = []
    diff = diff_bundles(old, new)
    assert diff.empty
    assert render_diff(diff) == "no changes"
    assert json.loads(json.dumps(diff.to_dict()))["version"] == {"name": "version", "old": "1", "new": "1"}


def test_version_field_change_reads_old_to_new() -> None:
    old = _bundle()
    new = copy.deepcopy(old)
    _release(new["signed"])
    diff = diff_bundles(old, new)
    assert str(diff.version) == "version 1 -> 2"
    assert not diff.empty


@pytest.mark.parametrize(
    "bundle", [{}, {"signed": {"brands": []}}, {"signed": {"brands": {"a": {"domains": [1]}}}}]
)
def test_malformed_bundle_is_a_format_error(bundle: dict[str, Any]) -> None:
    with pytest.raises(BundleFormatError, match="malformed"):
        diff_bundles(bundle, _bundle())


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read the bundle"),
        (b"\xff\xfe", "not UTF-8"),
        (b'{\n  "signed": \n}', r"bundle.json:3: the bundle is not valid JSON: Expecting value"),
        (
            b'{"signed": {"version": ' + b"9" * 5000 + b"}}",
            r"bundle.json:1: the bundle is not valid JSON: Exceeds",
        ),
        (b"[1, 2]", "not a bundle"),
        (b'{"signatures": []}', "not a bundle"),
    ],
)
def test_load_bundle_file_errors_name_the_file(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "bundle.json"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(BundleFormatError, match=message) as caught:
        load_bundle_file(path)
    assert str(caught.value).startswith(str(path))


def test_load_bundle_file_reads_a_built_bundle(tmp_path: Path) -> None:
    path = tmp_path / "bundle.json"
    bundle = build_bundle(Path("allowlists"))
    path.write_text(json.dumps(bundle, ensure_ascii=False), "utf-8")
    assert load_bundle_file(path) == bundle
    assert render_diff(diff_bundles(bundle, load_bundle_file(path))) == "no changes"
