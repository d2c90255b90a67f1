"""The shipped brands after the issue-16 audit: coverage, aliases users type, the audit's fixes,
and the context rules that keep dictionary-word brand names from flagging ordinary sites."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

import verifier
from verifier import Verdict
from verifier.allowlist.store import default_allowlist

BRANDS = Path("allowlists/brands")


def test_at_least_forty_brands_each_with_custody_and_evidence() -> None:
    files = sorted(BRANDS.glob("*.toml"))
    assert len(files) >= 40
    for path in files:
        data = tomllib.loads(path.read_text("utf-8"))
        assert data["custody"] in ("self", "exchange"), path
        assert data.get("domains"), path
        for kind in ("domains", "emails", "handles"):
            for entry in data.get(kind, []):
                assert entry["evidence"].startswith("https://") and entry["checked"], (path, entry)
    assert len(default_allowlist().brands) == len(files)


@pytest.mark.parametrize(
    ("alias", "brand"),
    [
        ("小狐狸", "metamask"),
        ("小狐狸钱包", "metamask"),
        ("欧易", "okxwallet"),
        ("币安", "binance"),
        ("火币", "htx"),
        ("比特派", "bitpie"),
        ("麦子钱包", "mathwallet"),
        ("波宝钱包", "tronlink"),
        ("库币", "kucoin"),
        ("Ledger Wallet", "ledger"),
        ("Huobi", "htx"),
        ("XUMM", "xaman"),
        ("Sui Wallet", "slush"),
    ],
)
def test_aliases_users_type(alias: str, brand: str) -> None:
    assert default_allowlist().brand(alias).id == brand


@pytest.mark.parametrize(
    ("value", "platform", "verdict"),
    [
        # a report destination named by OKX, never an OKX support channel
        ("@notoscam", "telegram", Verdict.UNKNOWN),
        ("support@safepal.io", None, Verdict.OFFICIAL),
        ("https://phantom.app/download", None, Verdict.OFFICIAL),
        ("help.exodus.com", None, Verdict.OFFICIAL),
        ("support.kraken.com", None, Verdict.OFFICIAL),
        ("cs@ellipal.com", None, Verdict.OFFICIAL),
        ("@TronLinkWallet", "x", Verdict.OFFICIAL),
    ],
)
def test_audited_entries(value: str, platform: str | None, verdict: Verdict) -> None:
    assert verifier.check(value, platform=platform).verdict is verdict


@pytest.mark.parametrize(
    ("host", "brand"),
    [
        ("atomic-wallet-support.com", "atomicwallet"),
        ("atomic-restore.com", "atomicwallet"),
        ("rainbow-wallet-connect.com", "rainbow"),
        ("gateio-login.com", "gate"),
        ("backpack-airdrop.xyz", "backpack"),
        ("exoduswallet-sync.net", "exodus"),
        ("zerion-claim.com", "zerion"),
        ("kraken-support.com", "kraken"),
        ("guarda-login.com", "guarda"),
        ("bitpie-kefu.com", "bitpie"),
        ("huobi-login.com", "htx"),
        ("xverse-app.io", "xverse"),
    ],
)
def test_new_brands_imitated(host: str, brand: str) -> None:
    result = verifier.check(host, use_denylist=False)
    assert (result.verdict, result.brand) == (Verdict.LOOKALIKE, brand)


@pytest.mark.parametrize(
    "host",
    [
        # real benign hosts (real_benign_domains.jsonl) the new names flagged before the rules
        "atomic-corals.de",
        "digital-rainbow-dolls.tk",
        "ilikerainbows.co.uk",
        "rainbowloompattern.com",
        "agent.sk",
        "secretagentclub.tk",
        "judithsargentini.nl",
        "backpacker.dating",
        "safeguardace.com",
        "blockchainaiintegra.com",
        "firebaseapp.com",
        "verse.jp",
        # ordinary names around the dictionary words
        "backpacking.com",
        "exodus-travels.com",
        "wasabi-sushi.com",
        "argentina.com",
    ],
)
def test_dictionary_word_names_need_context(host: str) -> None:
    assert verifier.check(host, use_denylist=False).verdict is Verdict.UNKNOWN
