"""``verifier.scan`` and ``verifier scan`` on the texts the issue names, in both languages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from verifier.cli import app
from verifier.scan.scanner import MAX_SCAN_CHARS, ScanTooLarge, scan

FARM_PAGE = """TP钱包客服电话：全方位服务指南
TP钱包（TokenPocket）为用户提供7×24小时人工客服，客服电话：400-800-1234。
如果您忘记了密码，客服可以通过邮箱帮您重置密码；遇到问题也可以申请远程协助，客服会通过向日葵远程控制帮您解决。
账户异常时，可联系客服冻结账户。"""

SEED_DM = (
    "Hello, this is TokenPocket Support. We detected a problem with your wallet. "
    "To fix it, please send me your 12-word recovery phrase so I can verify your account."
)

OFFICIAL_NOTICE = (
    "TokenPocket官方提醒：TokenPocket 不会以任何理由向您索要助记词或私钥，"
    "任何索要助记词的都是骗子。请认准官网 https://tokenpocket.pro 。"
)

LOOKALIKE_MESSAGE = (
    "TokenPocket: your wallet needs attention, visit https://tokenpocket-support.com to continue."
)


def test_content_farm_page_is_high_with_its_claims() -> None:
    result = scan(FARM_PAGE)
    assert result.risk == "high"
    assert "tokenpocket" in result.brands
    categories = {p.category for p in result.patterns}
    assert "content_farm_claim" in categories
    assert "remote_access" in categories
    phones = [c for c in result.channels if c.kind is not None and c.kind.value == "phone"]
    assert phones and phones[0].verdict.value == "not_official"


def test_seed_phrase_request_is_high() -> None:
    result = scan(SEED_DM)
    assert result.risk == "high"
    assert any(p.category == "secret_request" and p.severity == "high" for p in result.patterns)


def test_official_warning_is_none() -> None:
    result = scan(OFFICIAL_NOTICE)
    assert result.risk == "none", result.to_dict()
    assert [c.verdict.value for c in result.channels] == ["official"]


def test_lookalike_link_makes_it_high() -> None:
    result = scan(LOOKALIKE_MESSAGE)
    assert result.risk == "high"
    assert [(c.verdict.value, c.matched) for c in result.channels] == [("lookalike", "tokenpocket.pro")]


def test_reply_names_the_problem_and_official_channels_in_both_languages() -> None:
    english = scan(LOOKALIKE_MESSAGE).reply
    assert "tokenpocket-support.com" in english
    assert "tokenpocket.pro" in english
    chinese = scan(FARM_PAGE, lang="zh").reply
    assert "诈骗" in chinese and "tokenpocket.pro" in chinese


def test_html_ignores_scripts_and_reads_links() -> None:
    page = (
        "<html><head><style>.x{}</style><script>var seed='send your seed phrase';</script></head>"
        '<body><p>TokenPocket help: <a href="https://tokenpocket-support.com/login">click</a></p></body></html>'
    )
    result = scan(page, html=True)
    assert result.risk == "high"
    assert not any(p.category == "secret_request" for p in result.patterns)


def test_explicit_brand_is_used_for_channels() -> None:
    result = scan("Call us on +1 855 699 8683 for help with your wallet.", brand="phantom")
    assert result.channels[0].verdict.value == "not_official"
    assert result.channels[0].reasons[0].code == "phone.no_phone_support"
    assert result.risk == "high"


def test_too_large_is_refused() -> None:
    with pytest.raises(ScanTooLarge):
        scan("a" * (MAX_SCAN_CHARS + 1))


def test_json_shape() -> None:
    data = scan(SEED_DM).to_dict()
    assert list(data) == ["risk", "channels", "patterns", "brands", "reply"]
    pattern = data["patterns"][0]
    assert list(pattern) == ["category", "code", "severity", "span", "excerpt", "message"]
    start, end = pattern["span"]
    assert 0 <= start < end <= len(SEED_DM)


runner = CliRunner()


def test_cli_scan_file_and_exit_codes(tmp_path: Path) -> None:
    bad = tmp_path / "dm.txt"
    bad.write_text(SEED_DM, "utf-8")
    result = runner.invoke(app, ["scan", str(bad), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["risk"] == "high"
    good = tmp_path / "notice.txt"
    good.write_text(OFFICIAL_NOTICE, "utf-8")
    result = runner.invoke(app, ["scan", str(good)])
    assert result.exit_code == 0
    assert "Suggested reply" in result.stdout


def test_cli_scan_stdin_in_chinese() -> None:
    result = runner.invoke(app, ["scan", "-", "--lang", "zh"], input=FARM_PAGE)
    assert result.exit_code == 1
    assert "风险: 高" in result.stdout


def test_cli_scan_errors_are_clear(tmp_path: Path) -> None:
    result = runner.invoke(app, ["scan", str(tmp_path / "missing.txt")])
    assert result.exit_code == 2 and "cannot read" in result.stderr
    big = tmp_path / "big.txt"
    big.write_text("a" * (MAX_SCAN_CHARS + 10), "utf-8")
    result = runner.invoke(app, ["scan", str(big)])
    assert result.exit_code == 2 and "too large" in result.stderr


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        ("TokenPocket, tokenpocket and TP钱包", {"tokenpocket": 3}),
        ("an okx wallet, not bookxwallet: OKXWallet!", {"okxwallet": 2}),  # ASCII: whole words
        ("Trust Wallet or TrustWallet", {"trustwallet": 2}),
        ("TP钱包TP钱包", {"tokenpocket": 2}),  # Chinese names need no word boundary
        ("nothing here", {}),
    ],
)
def test_brand_mentions_are_counted_per_name(text: str, counts: dict[str, int]) -> None:
    from verifier.allowlist.store import default_allowlist
    from verifier.scan.mentions import brand_mentions

    assert dict(brand_mentions(default_allowlist()).find(text)) == counts


def test_importing_verifier_compiles_no_scan_pattern() -> None:
    # `import verifier` loads the scan modules eagerly; their patterns compile on first use.
    code = (
        "import re, sys\n"
        "callers = []\n"
        "compile_ = re._compile\n"
        "def spy(*args, **kwargs):\n"
        "    callers.append(sys._getframe(2).f_globals.get('__name__', ''))\n"
        "    return compile_(*args, **kwargs)\n"
        "re._compile = spy\n"
        "import verifier\n"
        "print(sorted({c for c in callers if c.startswith('verifier.scan')}))\n"
    )
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"
