"""Scam-pattern rules: requests in English, 简体 and 繁體 match; warnings, restore guides and
code that mention the same secrets do not; matching stays linear on adversarial input."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from verifier.scan.clauses import RuleScan
from verifier.scan.lexicon import expand_term
from verifier.scan.matcher import compiled_rules
from verifier.scan.rules import (
    CATEGORIES,
    EXCERPT_CHARS,
    SEVERITIES,
    PatternMatch,
    RuleDataError,
    match_patterns,
    rules,
)
from verifier.scan.ruleset import spec_from_entry

STRONG = ("high", "medium")


def _codes(text: str) -> set[str]:
    return {m.rule.code for m in match_patterns(text)}


def _strong(text: str) -> list[PatternMatch]:
    return [m for m in match_patterns(text) if m.rule.severity in STRONG]


# text, the rule that must match it
POSITIVE = [
    # secret_request
    ("please send me your 12-word recovery phrase to verify", "secret.seed_request"),
    ("Kindly share your seed-phrase with our agent so we can restore access.", "secret.seed_request"),
    ("What is your private key? I need it to fix the sync.", "secret.seed_request"),
    ("请提供您的助记词进行验证", "secret.seed_request"),
    ("把私钥截图发给我，我帮你处理", "secret.seed_request"),
    ("請提供您的助記詞", "secret.seed_request"),
    ("請將私鑰發給客服人員", "secret.seed_request"),
    ("Type your seed phrase in the chat to verify your account.", "secret.seed_entry"),
    ("Enter their 12 or 24-word recovery phrase for 'verification'.", "secret.seed_entry"),
    ("请在以下链接中输入助记词", "secret.seed_entry"),
    ("請輸入助記詞進行驗證", "secret.seed_entry"),
    (
        "All users are required to validate their wallets using their recovery phrase.",
        "secret.wallet_validation",
    ),
    ("需要用助记词验证钱包", "secret.wallet_validation"),
    (
        "Never share your seed phrase with anyone except our agent: send it to him now.",
        "secret.exception_handover",
    ),
    ("助记词不要告诉任何人，除了我们的客服。", "secret.exception_handover"),
    ("To protect your assets, please update your 24-Word Phrase now.", "secret.update_request"),
    ("If this was not you, call +1 855 442 7794 immediately.", "vishing.call_if_not_you"),
    ("Call our 24/7 line now.", "vishing.call_line"),
    ("Follow the bot-actions to report this on the support E-mail box.", "off_platform.bot_template"),
    ("应尽快与客服沟通", "farm.support_channel_zh"),
    ("I can find your missing word, did you need a help?", "recovery.lost_secret_offer"),
    # remote_access
    ("download AnyDesk and give me the code", "remote.access_request"),
    ("Please install RustDesk so I can help you.", "remote.access_request"),
    ("下载向日葵远程协助", "remote.access_request"),
    ("打开ToDesk，把设备代码发给我", "remote.access_request"),
    ("請下載TeamViewer並告訴我識別碼", "remote.access_request"),
    ("We use TeamViewer QuickSupport for this.", "remote.tool"),
    # fake_dapp
    ("Synchronize your wallet at https://dapps-fix.web.app", "fake_dapp.wallet_fix_site"),
    ("Use the following link for node sync: walletrectify.pages.dev", "fake_dapp.wallet_fix_site"),
    ("请点击链接验证钱包", "fake_dapp.wallet_fix_site"),
    ("Connect your wallet to fix the issue.", "fake_dapp.connect_to_fix"),
    ("连接钱包即可修复异常", "fake_dapp.connect_to_fix"),
    ("請連接錢包以修復問題", "fake_dapp.connect_to_fix"),
    ("Use the ticket ID LIT12046 for rectification guidelines.", "fake_dapp.fix_terms"),
    ("Click on the live chat icon at the bottom corner of the page.", "fake_dapp.fix_terms"),
    # fee_request
    ("pay a 0.05 ETH unlock fee", "fee.unlock_fee"),
    ("You must pay a 10% tax before you can withdraw your funds.", "fee.unlock_fee"),
    ("提现需先缴纳20%的保证金", "fee.unlock_fee"),
    ("请支付解冻费后才能提现", "fee.unlock_fee"),
    ("請先繳納解凍費", "fee.unlock_fee"),
    ("A refundable security deposit is required.", "fee.scam_fee"),
    # recovery_offer
    ("He helped me get my funds back worth more than $40k", "recovery.testimonial"),
    ("I was scammed too, then Ack helped me recover my stolen crypto.", "recovery.testimonial"),
    ("We can recover your stolen funds, 100% guaranteed.", "recovery.offer"),
    ("我们可以帮您追回被盗的资产", "recovery.offer"),
    ("專業追回被盜資產，成功率高", "recovery.offer"),
    ("Ask about our crypto recovery service.", "recovery.service"),
    # off_platform
    ("text them through their number on WhatsApp +1 562-473-3934", "off_platform.redirect"),
    ("Please contact us on telegram t.me/quickresolves", "off_platform.redirect"),
    ("Send me a Direct, we've requested via DM", "off_platform.redirect"),
    ("请加微信联系客服", "off_platform.redirect"),
    ("有问题私聊我", "off_platform.redirect"),
    ("請加LINE聯繫客服", "off_platform.redirect"),
    # urgency
    ("Validate within 24 hours or your wallet will be suspended.", "urgency.deadline_threat"),
    ("请立即验证，否则冻结账户", "urgency.deadline_threat"),
    ("請立即處理，否則將被凍結", "urgency.deadline_threat"),
    ("请立即处理，否则将无法提现", "urgency.deadline_threat"),  # 无法 inside 将无法 negates nothing
    ("Act now!", "urgency.pressure"),
    # secrecy
    ("Don't tell anyone about this process.", "secrecy.keep_secret"),
    ("此事不要告诉家人", "secrecy.keep_secret"),
    ("不要告訴任何人", "secrecy.keep_secret"),
    # content_farm_claim
    ("TP钱包客服电话：400-xxx", "farm.phone_hotline"),
    ("You can call their 24/7 Metamask customer service hotline.", "farm.phone_hotline"),
    ("Call our support team for help.", "farm.phone_hotline"),
    ("TPWallet的人工服务电话是用户获取帮助的重要入口", "farm.phone_hotline"),
    ("imToken客服電話是多少", "farm.phone_hotline"),
    ("可以冻结账户", "farm.account_freeze"),
    ("最快可在2小时内冻结可疑地址", "farm.account_freeze"),
    ("官方可以幫你凍結帳戶", "farm.account_freeze"),
    ("TokenIM有权冻结该账户以保护其他用户的权益", "farm.account_freeze_zh"),
    ("資產凍結查詢：用戶需通過視頻核身驗證", "farm.account_freeze_zh"),
    ("reset your password via email", "farm.password_reset"),
    ("密码重置:如果忘记密码,客服能够提供指导步骤", "farm.password_reset"),
    ("转人工服务请按0", "farm.live_agent"),
    ("客服可以查看您的资产", "farm.live_agent"),
    ("注册账户后绑定邮箱", "farm.account_registration"),
    ("提交相关的身份验证资料,如身份证、护照", "farm.account_registration"),
    ("完成實名認證即可", "farm.account_registration"),
]


@pytest.mark.parametrize(("text", "code"), POSITIVE)
def test_scam_phrasings_match(text: str, code: str) -> None:
    assert code in _codes(text)


# Official warnings (quoted in scam_patterns.md §9 and dev messages, or paraphrased), restore
# guides, developer text and ordinary tickets: nothing high or medium.
NEGATIVE = [
    "MetaMask representatives will never ask for your Secret Recovery Phrase, even in a customer "
    "support scenario. If someone does ask for it, they are trying to scam you or steal your funds.",
    "No one from the Trust Wallet team will ask for your Recovery Phrase.\n"
    "Never share your recovery phrase with anyone.",
    "Never share the 24 words of your recovery phrase with anyone under any circumstances.\n\n"
    "Even with Ledger or what you would think is coming from Ledger. "
    "Ledger and Ledger support will never ask for them.",
    "Phantom is a self-custodial wallet, which means only you control your private keys. "
    "Phantom cannot reverse blockchain transactions, freeze assets, or recover stolen funds.",
    "Warning: Never share your Secret Recovery Phrase or private key with anyone. Anyone with access to "
    "either has full control of your wallet. "
    "Phantom Support will never ask for your recovery phrase or private key.",
    "As a reminder: Coinbase will never call you.",
    "Coinbase customer service agents will never ask you to install software on your device "
    "or remotely access your device.",
    "Coinbase staff will never ask you to send cryptocurrency to external addresses.",
    "Phantom will never DM, email, or ask you to send funds.",
    "We will never ask for your seed phrase.",
    "Do not share your private key, keystore file or mnemonic with anyone, including our support staff.",
    "If anyone asks for your seed phrase, it is a scam.",
    "beware of fake support",
    "Fake customer service agents will ask for your seed phrase.",
    "Beware of anyone who asks you to download AnyDesk or TeamViewer.",
    '🚫 Remember, there is no such thing as "Encrypt Wallet", "Node Sync", "Wallet Synchronization", '
    '"Rectification", "Remediation", "Fee Reduction", "NFT Mint" and so on. '
    'Those are all fake sites and imaginary "tech" sounding reasons to bait users to visit the bogus sites.',
    "官方客服绝不会要求用户提供助记词",
    "嚴禁向陌生人分享助記詞/私鑰",
    "never share your 助记词 with anyone",
    "助记词千万不要发给任何人",
    "请勿将私钥发给他人",
    "任何索要助记词的人都是骗子。",
    "在解决问题的时候索取用户的私钥或助记词来进行诈骗行为。",
    "谨防假冒客服，官方不会让您下载向日葵等远程软件。",
    "TokenPocket不会通过电话联系您，也没有客服电话。",
    "客服电话 暂时没有",
    "imToken cannot freeze your wallet account.",
    "钱包无法冻结，任何声称可以解冻的都是骗子",
    # a quoted scam line next to a sentence that names it, and a list under a heading
    "「请提供您的助记词进行验证。」这是典型的诈骗话术。",
    "Scammers will say things like:\n- Send me your seed phrase to verify\n- Download AnyDesk so I can help",
    # restore instructions: typing the phrase into the official app
    "Enter the mnemonic phrase in the correct order, set a password, and click Confirm Import.",
    "在导入钱包页面输入助记词，然后点击确认导入",
    "You can import it on another mobile device with your Secret Recovery Phrase.",
    "Back up your recovery phrase immediately, or you will lose your funds if the phone is lost.",
    "忘记密码只能通过助记词重新导入钱包",
    # developer text
    "const wallet = ethers.Wallet.fromPhrase(process.env.MNEMONIC); // provide your mnemonic in .env",
    "Set PRIVATE_KEY in your .env file, then run `npx hardhat run scripts/deploy.js`.",
    "Pass the privateKey to the signer; never commit the keystore JSON.",
    # ordinary tickets and real product features
    "Thanks for reaching out. Could you tell us which version of the app you use and what you see on screen?",
    "我昨天转账到交易所，但是一直没有到账，交易哈希已经附上，麻烦帮忙看一下。",
    "请问如何在钱包里添加自定义代币？我找不到合约地址的输入框。",
    "@jimnasium65 just update your wallet to v1.0.10 https://github.com/PirateNetwork/PirateWallet-Lite/releases/tag/1.0.10",
    "Sync Wallet lets you use the same wallet in the browser extension.",
    "Our dapp lets you connect your wallet to claim rewards after staking.",
    "Please share the ticket ID with me: https://trezor.io/support/technical/issue/",
    "this man redirected me to this [Bitcoin Support Requests](https://dappscustomersupport.web.app/) "
    "and asked me to contact support. i did same and they looted my all assets from wallet\n\n"
    "Beaware do not visit this site",
]


@pytest.mark.parametrize("text", NEGATIVE)
def test_warnings_and_benign_text_raise_no_risk(text: str) -> None:
    assert [(m.rule.code, m.excerpt) for m in _strong(text)] == []


# A negation word that does not negate the request.
NOT_NEGATED = [
    ("Don't worry, just send me your seed phrase.", "secret.seed_request"),
    ("If you have not received the tokens, please provide your recovery phrase.", "secret.seed_request"),
    ("I can't withdraw and they want me to pay an unlock fee.", "fee.unlock_fee"),
    ("I assure you I'm not a scam, text me on WhatsApp.", "off_platform.redirect"),
    ("不要担心，把助记词发给我就行", "secret.seed_request"),
    ("你现在无法提现，请先缴纳解冻费", "fee.unlock_fee"),
    ("We will never sell your data, but please send your private key to verify.", "secret.seed_request"),
]


@pytest.mark.parametrize(("text", "code"), NOT_NEGATED)
def test_negation_words_that_do_not_negate(text: str, code: str) -> None:
    assert code in _codes(text)


def test_every_rule_is_documented_and_exercised() -> None:
    loaded = rules()
    assert len({r.code for r in loaded}) == len(loaded)
    for rule in loaded:
        assert rule.category in CATEGORIES and rule.severity in SEVERITIES, rule.code
        assert rule.message_en.strip() and rule.message_zh.strip() and rule.source.strip(), rule.code
        assert any("\u4e00" <= c <= "\u9fff" for c in rule.message_zh), rule.code
    assert {r.category for r in loaded} == CATEGORIES
    assert {r.code for r in loaded} == {code for _, code in POSITIVE}


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ({"code": "x.y", "category": "secret_request", "severity": "high", "when": [["secret_noun"]],
          "message_en": "m", "message_zh": "信息", "source": ""}, "non-empty strings"),
        ({"code": "x.y", "category": "phishing", "severity": "high", "when": [["secret_noun"]],
          "message_en": "m", "message_zh": "信息", "source": "s"}, "unknown category"),
        ({"code": "x.y", "category": "secret_request", "severity": "high", "when": [],
          "message_en": "m", "message_zh": "信息", "source": "s"}, "`when`"),
        ({"code": "x.y", "category": "secret_request", "severity": "high", "when": [["secret_noun"]],
          "message_en": "m", "message_zh": "信息", "source": "s", "regex": "a+"}, "unknown keys"),
    ],
)  # fmt: skip
def test_malformed_rule_is_refused(entry: dict[str, object], problem: str) -> None:
    with pytest.raises(RuleDataError, match=problem):
        spec_from_entry("test.toml", entry)


def test_term_alternatives_expand() -> None:
    assert expand_term("Fee{s|}") == ["fee", "fees"]
    assert expand_term("{12|24} word{s|}") == ["12 word", "12 words", "24 word", "24 words"]
    assert expand_term("don’t  tell") == ["don't tell"]


# Pieces of text where cues start, end and cross sentence ends.
_PIECES = [
    "never ", "do not", "don't", "worry", "share", "your seed phrase", "scam", "but ", "if anyone asks",
    "不要", "助记词", "骗子", "但是", "不会", "\"", "'", " ", "\n", "\n\n", ". ", "。", "! ", "？", ";", "…",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40))
@example(["do not", "\n", "worry", " about ", "your seed phrase", ". ", "never ", "share"])  # runs on
def test_cues_read_for_neighbouring_sentences_are_those_of_each_sentence_alone(pieces: list[str]) -> None:
    text = "".join(pieces)
    together, alone = RuleScan(text, compiled_rules()), RuleScan(text, compiled_rules())
    runs = [m.span() for m in compiled_rules().sentence_end.finditer(text)]
    for scan in (together, alone):
        scan.ends = [start for start, _ in runs]
        scan.starts = [0, *(end for _, end in runs)]
        scan.stops = [*scan.ends, len(text)]
    together.read_cues(list(range(len(runs) + 1)))
    for sentence in range(len(runs) + 1):
        assert together.cues(sentence) == alone.cues(sentence)
        assert together.framed(sentence) == alone.framed(sentence)


def test_spans_excerpts_order_and_one_match_per_rule_and_sentence() -> None:
    text = (
        "Hello.\nPlease send me your seed phrase, and send me your private key too.\n\n"
        "Then download   AnyDesk\tand give me the code. Also send your mnemonic."
    )
    found = match_patterns(text)
    assert [m.span[0] for m in found] == sorted(m.span[0] for m in found)
    assert [m.rule.code for m in found].count("secret.seed_request") == 2  # two sentences
    for match in found:
        start, end = match.span
        assert 0 <= start < end <= len(text)
        assert len(match.excerpt) <= EXCERPT_CHARS and "\n" not in match.excerpt and "\t" not in match.excerpt
        assert " ".join(text[start:end].split()) in match.excerpt
    remote = next(m for m in found if m.rule.code == "remote.access_request")
    assert text[remote.span[0] : remote.span[1]].startswith("download")


def test_long_match_excerpt_is_cut_to_one_line() -> None:
    text = "Send " + "x" * 40 + " to me: your seed phrase" + " y" * 200
    (match,) = [m for m in match_patterns(text) if m.rule.code == "secret.seed_request"]
    assert len(match.excerpt) <= EXCERPT_CHARS


def test_case_and_offsets_survive_lower_casing() -> None:
    text = "İİİ SEND ME YOUR SEED PHRASE"  # "İ" lower-cases to two characters
    (match,) = [m for m in match_patterns(text) if m.rule.code == "secret.seed_request"]
    assert text[match.span[0] : match.span[1]].startswith("SEND ME YOUR SEED")


def test_nothing_to_find() -> None:
    assert match_patterns("") == []
    assert match_patterns("The weather is nice today. 今天天气不错。") == []


# Each makes about n characters.
ADVERSARIAL: dict[str, Callable[[int], str]] = {
    "one letter": lambda n: "a" * n,
    "seed and space": lambda n: "seed " * (n // 5),
    "助记词": lambda n: "助记词" * (n // 3),
    "request without punctuation": lambda n: "send me your seed phrase " * (n // 25),
    "negated requests": lambda n: "never send seed phrase 不要发给助记词 " * (n // 35),
    "digits": lambda n: "1 " * (n // 2),
    "dots": lambda n: "a." * (n // 2),
    "quotes": lambda n: '"' * n,
    "separators": lambda n: "seed - - - phrase " * (n // 18),
}


def _seconds(text: str) -> float:
    # CPU time, best of 3: other processes on the machine must not make a linear run look quadratic.
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        match_patterns(text)
        best = min(best, time.process_time() - start)
    return best


@pytest.mark.parametrize("make", ADVERSARIAL.values(), ids=list(ADVERSARIAL))
def test_adversarial_megabyte_is_linear(make: Callable[[int], str]) -> None:
    # Ten times the input: 10x the time if linear, 100x if quadratic. A linear pass that keeps
    # a match per character (助记词 repeated) measures 13-17x, up to 32x in a CI run: CPU caches
    # and the garbage collector's full passes grow with what is alive. 50 separates the two.
    tenth, full = make(100_000), make(1_000_000)
    rules()  # loading is not part of the measure
    ratio = _seconds(full) / max(_seconds(tenth), 1e-4)
    assert ratio < 50, f"0.1 MB -> 1 MB took {ratio:.1f}x longer"
