"""The CLI through typer's runner, on the shipped allowlist and on test bundles."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import SignFn
from verifier.cli import app, main, quick_check_arguments

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_official_domain_json() -> None:
    code, out, _ = run("check", "tokenpocket.pro", "--json")
    data = json.loads(out)
    assert code == 0
    assert (data["verdict"], data["brand"], data["matched"]) == ("official", "tokenpocket", "tokenpocket.pro")
    assert data["allowlist"]["verified"] is True


def test_phone_for_brand_without_published_number_is_not_official() -> None:
    code, out, _ = run("check", "+86 400-800-1234", "--brand", "tokenpocket", "--json")
    data = json.loads(out)
    assert code == 1
    assert data["verdict"] == "not_official"
    assert data["normalized"] == "+864008001234"
    assert data["reasons"][0]["code"] in ("phone.no_phone_support", "phone.none_listed")


def test_brand_alias_in_chinese_and_chinese_output() -> None:
    code, out, _ = run("check", "+86 400-800-1234", "--brand", "TP钱包", "--lang", "zh")
    assert code == 1
    assert "非官方" in out
    assert "电话" in out


def test_phantom_says_no_phone_support() -> None:
    code, out, _ = run("check", "+1 855 699 8683", "--brand", "phantom", "--json")
    data = json.loads(out)
    assert code == 1
    assert data["reasons"][0]["code"] == "phone.no_phone_support"
    assert "help.phantom.com" in data["reasons"][0]["message"]


def test_invalid_input_exits_2_with_invalid_verdict() -> None:
    code, out, _ = run("check", "@@@", "--json")
    assert code == 2
    assert json.loads(out)["verdict"] == "invalid"


def test_userinfo_trick_is_not_official() -> None:
    code, out, _ = run("check", "https://tokenpocket.pro@evil.example/", "--json")
    data = json.loads(out)
    assert code == 1
    assert data["verdict"] != "official"
    assert data["normalized"] == "evil.example"


def test_unknown_brand_is_a_usage_error() -> None:
    code, _, err = run("check", "tokenpocket.pro", "--brand", "nosuchwallet")
    assert code == 2
    assert "unknown brand 'nosuchwallet'" in err


def test_bad_kind_is_a_usage_error() -> None:
    code, _, _ = run("check", "tokenpocket.pro", "--kind", "fax")
    assert code == 2


def test_human_output_has_verdict_and_reasons() -> None:
    code, out, _ = run("check", "help.tokenpocket.pro")
    assert code == 0
    assert out.startswith("✓ OFFICIAL")
    assert "tokenpocket.pro" in out
    assert "signature verified" in out


@pytest.mark.parametrize("signers", [(0,), ()])
def test_unverifiable_bundle_exits_3_and_never_official(
    sign_bundle: SignFn, tmp_path: Path, signers: tuple[int, ...]
) -> None:
    # The shipped root does not trust the throwaway keys, and one signature is below threshold anyway.
    path = tmp_path / "bundle.json"
    path.write_bytes(sign_bundle(*signers))
    code, out, err = run("check", "acmewallet.com", "--allowlist", str(path), "--json")
    data = json.loads(out)
    assert code == 3
    assert data["verdict"] != "official"
    assert data["allowlist"]["verified"] is False
    assert "could not be verified" in err


def test_tampered_copy_of_shipped_bundle_exits_3(tmp_path: Path) -> None:
    shipped = Path("verifier/data/allowlist.json").read_bytes()
    tampered = shipped.replace(b'"tokenpocket.pro"', b'"tokenpocket.pw"', 1)
    assert tampered != shipped
    path = tmp_path / "allowlist.json"
    path.write_bytes(tampered)
    code, _, err = run("check", "tokenpocket.pro", "--allowlist", str(path))
    assert code == 3
    assert "changed after signing" in err
    code, _, err = run("allowlist", "verify", str(path))
    assert code == 3
    assert "does not verify" in err


QUICK = [
    ("check", "tokenpocket.pro"),
    ("check", "tokenpocket.pro", "--json"),
    ("check", "--json", "help.tokenpocket.pro"),
    ("check", "xn--tokenpocet-cui.pro", "--lang", "zh"),
    ("check", "+86 400-800-1234", "--brand", "TP钱包", "--lang", "zh"),
    ("check", "+1 855 699 8683", "-b", "phantom", "--json"),
    ("check", "8556998683", "--region", "US", "--kind", "phone"),
    ("check", "TokenPocket_Support", "--platform", "telegram", "--json"),
    ("check", "tokenpocket.pro", "--brand", "nosuchwallet"),
    ("check", "tokenpocket.pro", "--brand", "nosuchwallet", "--lang", "zh"),
    ("check", "@@@", "--json"),
    ("check", "", "--json"),
]


@pytest.mark.parametrize("argv", QUICK)
def test_main_reads_plain_checks_itself_with_typers_output(
    argv: tuple[str, ...], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert quick_check_arguments(list(argv)) is not None
    monkeypatch.setattr(sys, "argv", ["verifier", *argv])
    with pytest.raises(SystemExit) as exit_info:
        main()
    quick = capsys.readouterr()
    assert (exit_info.value.code, quick.out, quick.err) == run(*argv)


@pytest.mark.parametrize(
    "argv",
    [
        ("check",),
        ("check", "--help"),
        ("check", "tokenpocket.pro", "--brand=tokenpocket"),
        ("check", "tokenpocket.pro", "--json", "--json"),
        ("check", "tokenpocket.pro", "--lang", "fr"),
        ("check", "tokenpocket.pro", "--kind", "fax"),
        ("check", "tokenpocket.pro", "--brand", "--json"),
        ("check", "tokenpocket.pro", "--brand"),
        ("check", "tokenpocket.pro", "other.example"),
        ("check", "--", "-1 855 699 8683"),
        ("check", "tokenpocket.pro", "--allowlist", "bundle.json"),
        ("scan", "-"),
        (),
    ],
)
def test_everything_else_goes_through_typer(argv: tuple[str, ...]) -> None:
    assert quick_check_arguments(list(argv)) is None


def test_interrupted_quick_check_ends_as_typer_ends_it(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("verifier.cli.check_value", interrupted)
    monkeypatch.setattr(sys, "argv", ["verifier", "check", "tokenpocket.pro"])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == run("check", "tokenpocket.pro")[0] == 130


@pytest.mark.parametrize(
    "args", [("check", "tokenpocket.pro"), ("check", "tokenpocket.pro", "--brand=tokenpocket")]
)
def test_closed_output_pipe_exits_1_quietly_both_ways(args: tuple[str, ...]) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "verifier", *args, "--json"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (1, b"")


def test_a_plain_check_imports_neither_typer_nor_the_other_commands() -> None:
    """A fresh ``verifier check VALUE`` loads what the check needs: not typer (nor click), the
    scanner, the batch, serve, watch or update code, the network clients or package metadata."""
    code = (
        "import sys\n"
        "from verifier.cli import main\n"
        "sys.argv = ['verifier', 'check', 'example-shop.com', '--json']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exc:\n"
        "    status = exc.code\n"
        "heavy = ['typer', 'click', 'rich', 'httpx', 'http.server', 'importlib.metadata',\n"
        "         'verifier.scan', 'verifier.cli_batch', 'verifier.cli_allowlist', 'verifier.cli_watch',\n"
        "         'verifier.cli_serve', 'verifier.cli_denylist', 'verifier.service', 'verifier.online']\n"
        "print(status, [name for name in heavy if name in sys.modules], file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.stderr.strip() == "1 []"
    assert json.loads(done.stdout)["verdict"] == "unknown"


def test_the_app_is_built_once_with_every_command() -> None:
    import typer

    from verifier import cli

    assert cli.app is app
    names = set(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    assert names == {"check", "scan", "update", "serve", "watch", "allowlist", "denylist", "suffixes"}
    with pytest.raises(AttributeError):
        cli.no_such_name  # type: ignore[attr-defined]  # noqa: B018
