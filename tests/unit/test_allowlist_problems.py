"""Why an allowlist did not verify, said in English and in Simplified Chinese.

Each kind of problem is made for real (throwaway Ed25519 keys, real signatures, real files) and
its whole message compared in both languages. The English is the text the messages had before
they moved to the catalogue: the API's ``problem`` field, logs and docs rely on it.
"""

from __future__ import annotations

import ast
import json
import re
import sys
import tomllib
import typing
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from typer.testing import CliRunner

import verifier
from tests.conftest import NOW, SignFn
from verifier.allowlist.bundleformat import canonical_bytes
from verifier.allowlist.model import Allowlist
from verifier.allowlist.store import load_allowlist, verify_bytes
from verifier.allowlist.trust import (
    MAX_BUNDLE_BYTES,
    Root,
    Signed,
    key_id,
    root_document,
    sign_document,
    verify_bundle,
    verify_root_update,
)
from verifier.allowlist.update import UpdateError
from verifier.cli import app, main
from verifier.errors import (
    AllowlistError,
    BundleFormatError,
    ExpiredBundleError,
    RollbackError,
    RootRotationError,
    SourceError,
    TamperedBundleError,
    UnknownKeyError,
    UnsignedBundleError,
)
from verifier.messages import Message, text

PACKAGE = Path(verifier.__file__).parent
SHIPPED = PACKAGE / "data" / "allowlist.json"


@dataclass(frozen=True)
class Keys:
    """The session's throwaway moderators, their root (2 of 3) and the bundle signer."""

    sign: SignFn
    root: Root
    moderators: list[Ed25519PrivateKey]


@pytest.fixture
def keys(sign_bundle: SignFn, test_root: Root, moderator_keys: list[Ed25519PrivateKey]) -> Keys:
    return Keys(sign_bundle, test_root, moderator_keys)


def short(*private: Ed25519PrivateKey) -> str:
    """Key ids as the messages list them: the first 12 hex digits, sorted, comma-separated."""
    return ", ".join(sorted(key_id(k.public_key())[:12] for k in private))


def envelope(signed: Any, signatures: Any = ()) -> bytes:
    return json.dumps({"signed": signed, "signatures": list(signatures)}).encode()


def root_bytes(
    public: list[Ed25519PrivateKey], signers: list[Ed25519PrivateKey], version: int = 2, threshold: int = 2
) -> bytes:
    document = root_document([k.public_key() for k in public], threshold=threshold, version=version)
    for key in signers:
        document = sign_document(document, key)
    return canonical_bytes(document)


def root_with(edit: Callable[[dict[str, Any]], None], keys: Keys) -> bytes:
    """A root document for the session's moderators with ``edit`` applied to its ``signed``."""
    document = json.loads(root_bytes(keys.moderators, [], version=1))
    edit(document["signed"])
    return json.dumps(document).encode()


def first_key(signed: dict[str, Any]) -> dict[str, Any]:
    return signed["keys"][sorted(signed["keys"])[0]]


def tampered(keys: Keys) -> bytes:
    document = json.loads(keys.sign(0, 1))
    document["signed"]["brands"]["acme"]["domains"][0]["value"] = "evil.com"
    return canonical_bytes(document)


def by_stranger(keys: Keys, stranger: Ed25519PrivateKey) -> bytes:
    return canonical_bytes(sign_document(json.loads(keys.sign(0)), stranger))


# Each case: (make the problem happen, English, Chinese). The make function raises.
Case = Callable[[Keys], tuple[Callable[[], object], str, str]]
STRANGER = Ed25519PrivateKey.generate()
NEWCOMERS = [Ed25519PrivateKey.generate() for _ in range(3)]


def _too_few(k: Keys) -> tuple[Callable[[], object], str, str]:
    return (
        lambda: verify_bundle(k.sign(1), k.root, now=NOW),
        "bundle: 1 valid signature(s) from trusted keys, 2 required",
        "名单：受信任密钥的有效签名有 1 个，至少需要 2 个",
    )


def _tampered(k: Keys) -> tuple[Callable[[], object], str, str]:
    return (
        lambda: verify_bundle(tampered(k), k.root, now=NOW),
        "bundle: 0 valid signature(s) from trusted keys, 2 required; 2 signature(s) by trusted keys "
        "do not match the content, so it was changed after signing",
        "名单：受信任密钥的有效签名有 0 个，至少需要 2 个；有 2 个受信任密钥的签名与内容不符，"
        "说明内容在签名后被改动过",
    )


def _unknown_keys(k: Keys) -> tuple[Callable[[], object], str, str]:
    return (
        lambda: verify_bundle(by_stranger(k, STRANGER), k.root, now=NOW),
        "bundle: 1 valid signature(s) from trusted keys, 2 required; signatures by keys the root "
        f"does not trust: {short(STRANGER)}",
        "名单：受信任密钥的有效签名有 1 个，至少需要 2 个；"
        f"以下签名所用的密钥不受信任根信任：{short(STRANGER)}",
    )


def _expired(k: Keys) -> tuple[Callable[[], object], str, str]:
    return (
        lambda: verify_bundle(k.sign(0, 1, expires="2026-01-01T00:00:00Z"), k.root, now=NOW),
        "bundle version 5 expired at 2026-01-01T00:00:00Z",
        "名单版本 5 已于 2026-01-01T00:00:00Z 过期",
    )


def _rollback(k: Keys) -> tuple[Callable[[], object], str, str]:
    return (
        lambda: verify_bundle(k.sign(0, 1), k.root, now=NOW, highest_seen=7),
        "bundle version 5 is older than version 7 accepted before",
        "名单版本 5 比此前已接受的版本 7 更旧",
    )


def _format(data: bytes | Callable[[Keys], bytes], english: str, chinese: str) -> Case:
    def case(k: Keys) -> tuple[Callable[[], object], str, str]:
        raw = data(k) if callable(data) else data
        return lambda: verify_bundle(raw, k.root, now=NOW), english, chinese

    return case


def _root(edit: Callable[[dict[str, Any]], None], english: str, chinese: str) -> Case:
    def case(k: Keys) -> tuple[Callable[[], object], str, str]:
        return lambda: Root.from_json(root_with(edit, k)), english, chinese

    return case


def _content_malformed(k: Keys) -> tuple[Callable[[], object], str, str]:
    data = k.sign(0, 1, brands={"acme": {"domains": []}})  # signed, but a brand without a name
    return (
        lambda: verify_bytes(data, root=k.root, now=NOW, remember=False),
        "bundle content is malformed: KeyError('name')",
        "名单内容格式错误：KeyError('name')",
    )


def _rotation_version(k: Keys) -> tuple[Callable[[], object], str, str]:
    data = root_bytes(k.moderators, k.moderators, version=3)
    return (
        lambda: verify_root_update(k.root, data),
        "new root version 3 must be 2",
        "新信任根的版本号 3 应为 2",
    )


def _rotation_by_previous(k: Keys) -> tuple[Callable[[], object], str, str]:
    data = root_bytes(NEWCOMERS, NEWCOMERS)
    return (
        lambda: verify_root_update(k.root, data),
        "new root (by previous keys): 0 valid signature(s) from trusted keys, 2 required; "
        f"signatures by keys the root does not trust: {short(*NEWCOMERS)}",
        "新的信任根（按原有密钥）：受信任密钥的有效签名有 0 个，至少需要 2 个；"
        f"以下签名所用的密钥不受信任根信任：{short(*NEWCOMERS)}",
    )


def _rotation_by_own(k: Keys) -> tuple[Callable[[], object], str, str]:
    data = root_bytes(NEWCOMERS, [*k.moderators[:2], NEWCOMERS[0]])
    return (
        lambda: verify_root_update(k.root, data),
        "new root (by its own keys): 1 valid signature(s) from trusted keys, 2 required; "
        f"signatures by keys the root does not trust: {short(*k.moderators[:2])}",
        "新的信任根（按其自身的密钥）：受信任密钥的有效签名有 1 个，至少需要 2 个；"
        f"以下签名所用的密钥不受信任根信任：{short(*k.moderators[:2])}",
    )


def _set(key: str, value: object) -> Callable[[dict[str, Any]], None]:
    return lambda signed: signed.__setitem__(key, value)


def _key_edit(edit: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    return lambda signed: edit(first_key(signed))


def _swap_key_id(signed: dict[str, Any]) -> None:
    kid = sorted(signed["keys"])[0]
    signed["keys"]["0" * 64] = signed["keys"].pop(kid)


CASES = [
    pytest.param(_too_few, UnsignedBundleError, "signatures.too_few", id="too-few-signatures"),
    pytest.param(_tampered, TamperedBundleError, "signatures.tampered", id="tampered"),
    pytest.param(_unknown_keys, UnknownKeyError, "signatures.unknown_keys", id="unknown-keys"),
    pytest.param(_expired, ExpiredBundleError, "bundle.expired", id="expired"),
    pytest.param(_rollback, RollbackError, "bundle.rollback", id="rollback"),
    pytest.param(
        _format(
            b" " * (MAX_BUNDLE_BYTES + 1),
            "file is larger than 8388608 bytes",
            "文件超过 8388608 字节的上限",
        ),
        BundleFormatError,
        "document.too_large",
        id="too-large",
    ),
    pytest.param(
        _format(
            b"not json",
            "not valid UTF-8 JSON: Expecting value: line 1 column 1 (char 0)",
            "不是有效的 UTF-8 JSON（解析器报告：Expecting value: line 1 column 1 (char 0)）",
        ),
        BundleFormatError,
        "document.not_json",
        id="not-json",
    ),
    pytest.param(
        _format(
            b"\xff\xfe",
            "not valid UTF-8 JSON: 'utf-8' codec can't decode byte 0xff in position 0: invalid start byte",
            "不是有效的 UTF-8 JSON（解析器报告：'utf-8' codec can't decode byte 0xff in position 0: "
            "invalid start byte）",
        ),
        BundleFormatError,
        "document.not_json",
        id="not-utf8",
    ),
    pytest.param(
        _format(
            b'{"signed": {"version": ' + b"9" * 5000 + b"}, " + b'"signatures": []}',
            "not valid UTF-8 JSON: Exceeds the limit (4300 digits) for integer string conversion: "
            "value has 5000 digits; use sys.set_int_max_str_digits() to increase the limit",
            "不是有效的 UTF-8 JSON（解析器报告：Exceeds the limit (4300 digits) for integer string "
            "conversion: value has 5000 digits; use sys.set_int_max_str_digits() to increase the limit）",
        ),
        BundleFormatError,
        "document.not_json",
        id="over-long-integer",
    ),
    pytest.param(
        _format(
            lambda k: envelope({**json.loads(k.sign(0, 1))["signed"], "weight": 1.5}),
            "floats are not allowed in canonical bundle JSON",
            "规范 JSON 中不允许出现小数（浮点数）",
        ),
        BundleFormatError,
        "document.float",
        id="float",
    ),
    pytest.param(
        _format(
            b'{"signed": {"version": NaN}, "signatures": []}',
            "floats are not allowed in canonical bundle JSON",
            "规范 JSON 中不允许出现小数（浮点数）",
        ),
        BundleFormatError,
        "document.float",
        id="nan",
    ),
    pytest.param(
        _format(
            b"[]",
            'expected an object with exactly "signed" and "signatures"',
            '应为只含 "signed" 和 "signatures" 两个字段的对象',
        ),
        BundleFormatError,
        "document.not_envelope",
        id="not-an-envelope",
    ),
    pytest.param(
        _format(
            envelope([]),
            '"signed" must be an object and "signatures" a list',
            '"signed" 必须是对象，"signatures" 必须是列表',
        ),
        BundleFormatError,
        "document.envelope_types",
        id="envelope-types",
    ),
    pytest.param(
        _format(
            envelope({"_type": "verifier-root"}),
            "\"signed._type\" must be 'verifier-allowlist'",
            "\"signed._type\" 必须是 'verifier-allowlist'",
        ),
        BundleFormatError,
        "document.wrong_type",
        id="wrong-type",
    ),
    pytest.param(
        _format(
            envelope({"_type": "verifier-allowlist"}, [{"keyid": 1, "sig": "00"}]),
            'each signature must be {"keyid": str, "sig": str}',
            '每个签名都必须是 {"keyid": str, "sig": str} 的形式',
        ),
        BundleFormatError,
        "document.signature_entry",
        id="signature-entry",
    ),
    pytest.param(
        _format(
            lambda k: k.sign(0, 1, version=0),
            '"version" must be a positive integer',
            '"version" 必须是正整数',
        ),
        BundleFormatError,
        "bundle.version",
        id="bad-version",
    ),
    pytest.param(
        _format(
            lambda k: k.sign(0, 1, expires=20270522),
            '"expires" must be a string such as 2027-05-22T00:00:00Z',
            '"expires" 必须是字符串，例如 2027-05-22T00:00:00Z',
        ),
        BundleFormatError,
        "bundle.expires_type",
        id="expires-not-a-string",
    ),
    pytest.param(
        _format(
            lambda k: k.sign(0, 1, expires="next year"),
            "\"expires\" is not YYYY-MM-DDTHH:MM:SSZ: 'next year'",
            "\"expires\" 不符合 YYYY-MM-DDTHH:MM:SSZ 格式：'next year'",
        ),
        BundleFormatError,
        "bundle.expires_format",
        id="expires-format",
    ),
    pytest.param(
        _format(
            lambda k: k.sign(0, 1, brands=[]),
            '"brands" must be an object and "denylist" a list',
            '"brands" 必须是对象，"denylist" 必须是列表',
        ),
        BundleFormatError,
        "bundle.brands_type",
        id="brands-type",
    ),
    pytest.param(_content_malformed, BundleFormatError, "bundle.content_malformed", id="content-malformed"),
    pytest.param(
        _root(
            _set("threshold", 0),
            "root needs a positive version, a positive threshold and keys",
            "信任根必须有正整数的版本号、正整数的签名门槛和密钥",
        ),
        BundleFormatError,
        "root.shape",
        id="root-shape",
    ),
    pytest.param(
        _root(
            _set("threshold", 4),
            "root threshold 4 is more than its 3 keys",
            "信任根的签名门槛 4 超过了其密钥数量（3 个）",
        ),
        BundleFormatError,
        "root.threshold",
        id="root-threshold",
    ),
    pytest.param(
        _root(
            _key_edit(_set("keytype", "rsa")),
            "root key {kid} is not ed25519",
            "信任根中的密钥 {kid} 不是 ed25519 密钥",
        ),
        BundleFormatError,
        "root.key_not_ed25519",
        id="root-key-not-ed25519",
    ),
    pytest.param(
        _root(
            _key_edit(_set("keyval", {"public": "not hex"})),
            "root key {kid} is malformed",
            "信任根中的密钥 {kid} 格式错误",
        ),
        BundleFormatError,
        "root.key_malformed",
        id="root-key-malformed",
    ),
    pytest.param(
        _root(
            _swap_key_id,
            "root key id 000000000000 does not match its key bytes",
            "信任根中的密钥 ID 000000000000 与密钥内容不符",
        ),
        BundleFormatError,
        "root.key_id_mismatch",
        id="root-key-id-mismatch",
    ),
    pytest.param(_rotation_version, RootRotationError, "root.version_step", id="root-version-step"),
    pytest.param(
        _rotation_by_previous, UnknownKeyError, "signatures.unknown_keys", id="root-not-signed-by-previous"
    ),
    pytest.param(_rotation_by_own, UnknownKeyError, "signatures.unknown_keys", id="root-not-signed-by-own"),
]


@pytest.mark.parametrize(("case", "error", "code"), CASES)
def test_each_problem_is_said_in_english_as_before_and_in_chinese(
    keys: Keys, case: Case, error: type[AllowlistError], code: str
) -> None:
    make, english, chinese = case(keys)
    first = sorted(key_id(k.public_key()) for k in keys.moderators)[0][:12]
    english, chinese = english.replace("{kid}", first), chinese.replace("{kid}", first)
    with pytest.raises(error) as caught:
        make()
    problem = caught.value
    assert type(problem) is error
    assert problem.code == code
    assert str(problem) == english
    assert (problem.text("en"), problem.text("zh")) == (english, chinese)
    assert problem.problem == Message(code, problem.params)


def test_a_bundle_that_cannot_be_read_is_said_in_both_languages(tmp_path: Path) -> None:
    absent = tmp_path / "absent.json"
    allowlist = load_allowlist(absent)
    assert allowlist.problem == f"cannot read {absent}: No such file or directory"
    assert allowlist.problem_text("en") == allowlist.problem
    assert allowlist.problem_text("zh") == f"无法读取 {absent}：文件或目录不存在"
    assert [p.code for p in allowlist.problems] == ["bundle.unreadable"]


def test_an_unusual_os_error_keeps_the_systems_words_in_chinese(tmp_path: Path) -> None:
    too_long = tmp_path / ("x" * 300)
    allowlist = load_allowlist(too_long)
    assert allowlist.problem == f"cannot read {too_long}: File name too long"
    assert allowlist.problem_text("zh") == f"无法读取 {too_long}：File name too long"


def test_a_given_file_is_named_in_its_problem(keys: Keys, tmp_path: Path) -> None:
    path = tmp_path / "bundle.json"
    path.write_bytes(keys.sign(0))
    allowlist = load_allowlist(path, root=keys.root, now=NOW)
    assert allowlist.verified is False
    assert allowlist.problem == f"{path}: bundle: 1 valid signature(s) from trusted keys, 2 required"
    assert allowlist.problem_text("zh") == f"{path}：名单：受信任密钥的有效签名有 1 个，至少需要 2 个"
    assert allowlist.problem_text("zh-CN") == allowlist.problem_text("zh")
    assert [p.code for p in allowlist.problems] == ["bundle.in_file"]
    assert allowlist.problems[0].params["problem"] == Message(
        "signatures.too_few", {"what": Message("signatures.of.bundle"), "valid": 1, "threshold": 2}
    )


def test_the_installed_and_the_shipped_bundle_are_both_named(keys: Keys, isolated_state: Path) -> None:
    installed = isolated_state / "allowlist.json"
    installed.write_bytes(keys.sign(0, 1, expires="2026-01-01T00:00:00Z"))
    shipped = json.loads(SHIPPED.read_bytes())
    untrusted = ", ".join(sorted(s["keyid"][:12] for s in shipped["signatures"]))
    allowlist = load_allowlist(root=keys.root, directory=isolated_state, now=NOW)
    assert allowlist.verified is False
    assert allowlist.problem == (
        f"{installed}: bundle version 5 expired at 2026-01-01T00:00:00Z; "
        "shipped bundle: bundle: 0 valid signature(s) from trusted keys, 2 required; "
        f"signatures by keys the root does not trust: {untrusted}"
    )
    assert allowlist.problem_text("zh") == (
        f"{installed}：名单版本 5 已于 2026-01-01T00:00:00Z 过期；"
        "随软件安装的名单：名单：受信任密钥的有效签名有 0 个，至少需要 2 个；"
        f"以下签名所用的密钥不受信任根信任：{untrusted}"
    )


def test_a_verified_allowlist_has_no_problem(allowlist: Allowlist) -> None:
    assert (allowlist.problem, allowlist.problems) == (None, ())
    assert allowlist.problem_text("zh") is None


def test_an_allowlist_given_only_english_gives_it_in_every_language() -> None:
    allowlist = Allowlist.empty("the test said so")
    assert allowlist.problem_text("en") == allowlist.problem_text("zh") == "the test said so"


def test_source_errors_keep_their_lines_and_say_how_many_in_chinese() -> None:
    error = SourceError(["a.toml:1: bad", "b.toml:2: worse"])
    assert str(error) == "a.toml:1: bad\nb.toml:2: worse"
    assert error.text("zh") == "名单源文件中有 2 处问题：\na.toml:1: bad\nb.toml:2: worse"


# Every problem code in the catalogue, in both languages.

CATALOGUE: dict[str, dict[str, str]] = tomllib.loads(
    resources.files("verifier.data").joinpath("messages.toml").read_text("utf-8")
)


def _subclasses(cls: type) -> set[str]:
    found = {cls.__name__}
    for sub in cls.__subclasses__():
        found |= _subclasses(sub)
    return found


def _codes_used() -> dict[str, str]:
    """Each literal code given to an AllowlistError (or subclass), a Message, ``text`` or
    ``reason`` in verifier/, with where; codes built at run time are listed from their sources.

    An AllowlistError given anything but a code (an f-string of English) fails here.
    """
    errors = _subclasses(AllowlistError) | {UpdateError.__name__}
    used: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else ""
            )
            first = node.args[0]
            literal = (
                first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
            )
            where = f"{path.relative_to(PACKAGE)}:{node.lineno}"
            if name in errors and name != "SourceError":  # SourceError takes the lint's lines
                # a literal code, or the code of a FetchError passed on as an UpdateError's
                assert literal is not None or ast.unparse(first) == "exc.code", f"{where}: not a code"
            elif name == "__init__" and path.name == "errors.py" and literal and "." in literal:
                pass  # SourceError's own code
            elif not isinstance(func, ast.Name) or name not in ("Message", "text", "reason"):
                continue
            if literal is not None:
                used[literal] = where
    for what in typing.get_args(Signed):
        used[f"signatures.of.{what}"] = "trust.check_signatures"
    for code in CATALOGUE:
        if code.startswith("os_error."):
            used[code] = "messages.os_reason"
    return used


CODES_USED = _codes_used()


def test_the_scan_for_codes_finds_the_problems() -> None:
    for code in ("bundle.expired", "signatures.tampered", "root.version_step", "update.not_https"):
        assert code in CODES_USED
    assert len(CODES_USED) > 40


@pytest.mark.parametrize("code", sorted(CODES_USED))
def test_every_code_used_has_english_and_chinese(code: str) -> None:
    entry = CATALOGUE.get(code)
    assert entry is not None, f"{code} ({CODES_USED[code]}) is not in messages.toml"
    assert set(entry) == {"en", "zh"}, code
    english, chinese = entry["en"], entry["zh"]
    if not code.startswith("os_error."):  # those say in Chinese what {strerror} says in English
        assert _placeholders(english) <= _placeholders(chinese), code
    if re.search("[A-Za-z]", re.sub(r"{\w+}", "", english)):
        assert re.search("[\u4e00-\u9fff]", chinese), f"{code}: the Chinese has no Chinese in it"


def _placeholders(template: str) -> set[str]:
    return set(re.findall(r"(?<!{){(\w+)}", template))


def test_update_errors_from_a_fetch_keep_its_code() -> None:
    error = UpdateError("fetch.http_status", url="https://mirror.test/a.json", status=404)
    assert str(error) == "https://mirror.test/a.json answered HTTP 404"
    assert error.text("zh") == "https://mirror.test/a.json 返回了 HTTP 404"
    assert text("update.not_https", "en") == (
        "update URLs must be https:// (plain http only for a loopback test server)"
    )


def test_checks_say_the_problem_in_the_asked_language(keys: Keys, tmp_path: Path) -> None:
    path = tmp_path / "bundle.json"
    path.write_bytes(keys.sign(0, 1, version=6, expires="2026-01-01T00:00:00Z"))
    unverified = load_allowlist(path, root=keys.root, now=NOW)
    english = verifier.check("acmewallet.com", allowlist=unverified)
    chinese = verifier.check("acmewallet.com", lang="zh", allowlist=unverified)
    said = {r.code: r.message for r in english.reasons}, {r.code: r.message for r in chinese.reasons}
    assert said[0]["allowlist.unverified"] == (
        f"The allowlist could not be verified ({path}: bundle version 6 expired at "
        "2026-01-01T00:00:00Z); nothing can be confirmed as official."
    )
    assert said[1]["allowlist.unverified"] == (
        f"官方渠道名单无法通过验证（{path}：名单版本 6 已于 2026-01-01T00:00:00Z 过期）；"
        "无法确认任何渠道为官方渠道。"
    )
    assert chinese.verdict is english.verdict is verifier.Verdict.UNKNOWN


def test_scan_results_say_the_problem_in_the_asked_language(keys: Keys, tmp_path: Path) -> None:
    path = tmp_path / "bundle.json"
    path.write_bytes(keys.sign(0, 1, version=6))
    seen = tmp_path / "state"
    seen.mkdir()
    (seen / "state.json").write_text(json.dumps({"highest_version": 9}), "utf-8")
    rolled_back = load_allowlist(path, root=keys.root, now=NOW, directory=seen)
    assert rolled_back.verified is False
    report = verifier.scan("call acmewallet.com support", lang="zh", allowlist=rolled_back)
    reasons = [r.message for c in report.channels for r in c.reasons if r.code == "allowlist.unverified"]
    assert reasons == [
        f"官方渠道名单无法通过验证（{path}：名单版本 6 比此前已接受的版本 9 更旧）；"
        "无法确认任何渠道为官方渠道。"
    ]


# `verifier check` and `verifier scan` with a bundle that does not verify: exit 3, and the
# problem said in --lang, on stderr and in the result's reasons.


@pytest.fixture
def untrusted_bundle(sign_bundle: SignFn, tmp_path: Path) -> Path:
    """A bundle signed by the session's throwaway keys, which the shipped root does not trust."""
    path = tmp_path / "bundle.json"
    path.write_bytes(sign_bundle(0, 1))
    return path


def _untrusted_problem(path: Path, moderators: list[Ed25519PrivateKey], lang: str) -> str:
    ids = short(*moderators[:2])
    if lang == "en":
        return (
            f"{path}: bundle: 0 valid signature(s) from trusted keys, 2 required; "
            f"signatures by keys the root does not trust: {ids}"
        )
    return (
        f"{path}：名单：受信任密钥的有效签名有 0 个，至少需要 2 个；以下签名所用的密钥不受信任根信任：{ids}"
    )


EXIT_LINE = {
    "en": "The allowlist could not be verified ({problem}): no result can be official. "
    "Reinstall verifier or run `verifier update`.\n",
    "zh": "官方名单未通过验证（{problem}）：任何结果都不能视为官方。"
    "请重新安装 verifier 或运行 `verifier update`。\n",
}
REASON = {
    "en": "The allowlist could not be verified ({problem}); nothing can be confirmed as official.",
    "zh": "官方渠道名单无法通过验证（{problem}）；无法确认任何渠道为官方渠道。",
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_check_exits_3_saying_the_problem_in_the_asked_language(
    untrusted_bundle: Path,
    moderator_keys: list[Ed25519PrivateKey],
    lang: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    problem = _untrusted_problem(untrusted_bundle, moderator_keys, lang)
    argv = ["check", "acmewallet.com", "--allowlist", str(untrusted_bundle), "--lang", lang]
    result = CliRunner().invoke(app, argv)
    assert (result.exit_code, result.stderr) == (3, EXIT_LINE[lang].format(problem=problem))
    assert f"  - {REASON[lang].format(problem=problem)}\n" in result.stdout
    monkeypatch.setattr(sys, "argv", ["verifier", *argv])  # the quick path of main() says the same
    with pytest.raises(SystemExit) as exit_info:
        main()
    quick = capsys.readouterr()
    assert (exit_info.value.code, quick.out, quick.err) == (3, result.stdout, result.stderr)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_scan_exits_3_saying_the_problem_in_the_asked_language(
    untrusted_bundle: Path, moderator_keys: list[Ed25519PrivateKey], lang: str
) -> None:
    problem = _untrusted_problem(untrusted_bundle, moderator_keys, lang)
    argv = ["scan", "-", "--json", "--allowlist", str(untrusted_bundle), "--lang", lang]
    result = CliRunner().invoke(app, argv, input="Support: acmewallet.com")
    assert (result.exit_code, result.stderr) == (3, EXIT_LINE[lang].format(problem=problem))
    reasons = [r for c in json.loads(result.stdout)["channels"] for r in c["reasons"]]
    assert {"code": "allowlist.unverified", "message": REASON[lang].format(problem=problem)} in reasons
