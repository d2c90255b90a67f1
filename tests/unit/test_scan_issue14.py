"""Issue 14 (scan on real scam messages) and issue 16 (custody) rules: structure over the whole
message, not memorised sentences. The texts here are written for the tests, in the shapes the
issue describes; none is a dev-set row."""

from __future__ import annotations

import pytest

from verifier.scan.scanner import scan

FLAGGED = ("high", "medium")


def _codes(text: str, **kwargs: object) -> set[str]:
    return {p.code for p in scan(text, **kwargs).patterns if p.severity in FLAGGED}  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "KRAKEN alert: unusual login detected on your account. Call us now at the number below.",
        "Suspicious withdrawal detected. If you need help, call this number immediately.",
    ],
)
def test_an_alert_then_a_call_in_another_sentence_is_vishing(text: str) -> None:
    assert "vishing.alert_call" in _codes(text)
    assert scan(text).risk == "high"


def test_a_warning_that_describes_vishing_is_not_flagged() -> None:
    text = (
        "Beware of scam texts: fraudsters send 'suspicious activity detected, call this number now'. "
        "We never ask you to call a number."
    )
    assert "vishing.alert_call" not in _codes(text)


def test_support_words_and_a_markdown_link_dressed_as_support() -> None:
    text = (
        "Hello, sorry for the trouble. Our support team handles this: open the "
        "[Live Support Chat](https://wallet-desk-7781.com/start) and follow the steps."
    )
    assert "off_platform.support_link" in _codes(text)


def test_support_words_and_a_link_whose_host_says_support() -> None:
    text = "Thanks for reporting. Please reach our support desk at https://quickfix-dappsupport.org for help."
    assert "off_platform.support_link" in _codes(text)


def test_a_maintainer_linking_documentation_is_not_a_support_link() -> None:
    text = "Thanks for the report. Fixed in v2.3, see https://github.com/example/project/releases for notes."
    assert not _codes(text)


def test_help_offered_through_a_private_telegram_contact() -> None:
    text = "I can help you get your wallet back, reach me on telegram https://t.me/walletfixer_jane"
    assert "off_platform.private_helper" in _codes(text)


def test_a_project_telegram_group_is_not_a_private_helper() -> None:
    text = "For usage questions please join our community group on Telegram: https://t.me/example_wallet_chat"
    assert "off_platform.private_helper" not in _codes(text)


def test_a_loss_story_that_names_a_recovery_outfit() -> None:
    text = (
        "I lost 3 BTC to a fake trading site and thought it was gone for good. A friend told me about "
        "Phoenix Asset Recovery and they helped me get most of it back."
    )
    assert {"recovery.named_service", "recovery.story"} & _codes(text)


def test_a_victim_who_mentions_the_secret_recovery_phrase_is_not_a_recovery_pitch() -> None:
    text = (
        "I lost my funds yesterday. I never shared my Secret Recovery Phrase, how did this happen? Any help?"
    )
    assert "recovery.named_service" not in _codes(text)
    assert "recovery.named_service_pitch" not in _codes(text)


def test_a_recovery_offer_for_a_fee() -> None:
    text = "We can handle the recovery of your wallet. Our service fee is 15% of what we get back."
    assert "recovery.offer_fee" in _codes(text)


def test_freezing_is_a_claim_for_a_wallet_but_not_for_an_exchange() -> None:
    wallet = "TP钱包账户异常时可以联系客服冻结账户。"
    exchange = "在中心化交易所,账户异常时平台可以冻结账户,这是交易所的风控措施。"
    freeze = [p for p in scan(wallet).patterns if p.code == "farm.account_freeze"]
    assert freeze and freeze[0].severity == "medium"
    freeze = [p for p in scan(exchange).patterns if p.code == "farm.account_freeze"]
    assert freeze and freeze[0].severity == "low"


@pytest.mark.parametrize("text", ["遇到问题时,应尽快与客服沟通。", "遇到問題時,應盡快與客服溝通。"])
def test_generic_content_farm_support_lines_in_both_scripts(text: str) -> None:
    assert scan(text).risk in FLAGGED


def test_a_generic_support_line_about_an_exchange_is_not_flagged() -> None:
    assert scan("在交易所遇到问题时,应尽快与客服沟通。").risk not in FLAGGED


def test_a_bare_phone_number_as_wallet_support_names_the_verified_list() -> None:
    en = scan("For wallet support call 1 (888) 731-6334 now.")
    zh = scan("钱包客服电话 ☎️1*(888) 731-6334", lang="zh")
    assert en.risk == "high" and "verified list publishes a phone support line" in en.reply
    assert zh.risk == "high" and "已验证名单中" in zh.reply and "电话客服" in zh.reply


def test_the_reply_names_every_high_channel() -> None:
    hosts = ["metamask-support.com", "metamask-help.net", "metamask-fix.org", "metamask-desk.xyz"]
    result = scan("MetaMask support: " + ", ".join(hosts))
    high = [c.normalized for c in result.channels if c.verdict.value == "lookalike"]
    assert len(high) >= 4
    assert all(host in result.reply for host in high)


def test_a_lookalike_named_in_a_warning_does_not_make_the_text_a_scam() -> None:
    text = "The domain metamask-support.com is a phishing website impersonating MetaMask. Do not use it."
    result = scan(text)
    assert any(c.verdict.value == "lookalike" for c in result.channels)
    assert result.risk not in ("high",)


def test_a_greeting_addressee_is_not_a_contact() -> None:
    text = "@someone you will get better support from the team, read the docs first"
    assert "off_platform.private_helper" not in _codes(text)


def test_the_shipped_model_is_small_and_reads_only_message_sized_texts() -> None:
    from importlib import resources

    from verifier.scan.model import MAX_MODEL_CHARS, scam_like, shipped_model

    model = shipped_model()
    assert model is not None and len(model.weights) <= 5000
    assert resources.files("verifier.scan").joinpath("model_weights.json").read_bytes().__len__() < 100_000
    assert scam_like("x " * (MAX_MODEL_CHARS // 2 + 1)) is None
    assert scam_like("hello") is None  # too short to judge
    assert isinstance(scam_like("the build fails on linux when I run the tests with the new flag"), float)
    assert isinstance(scam_like("请问如何在钱包里添加自定义代币我找不到"), float)


def test_the_model_finding_is_named_only_when_asked_for_and_no_rule_flagged() -> None:
    text = "Hello, kindly contact the support team through the live chat to get your issue resolved today"
    assert "model.scam_like" not in [p.code for p in scan(text).patterns]  # off by default
    result = scan(text, use_model=True)
    codes = [p.code for p in result.patterns if p.severity != "low"]
    if "model.scam_like" in codes:
        assert result.risk == "medium" and codes == ["model.scam_like"]
    flagged_by_rules = scan("Send me your seed phrase now to verify your wallet", use_model=True)
    assert "model.scam_like" not in [p.code for p in flagged_by_rules.patterns]


def test_training_is_deterministic() -> None:
    from verifier.scan.model import train

    texts = ["call our support line +1 888", "the build fails on linux", "whatsapp support +1 562"]
    labels = [True, False, True]
    assert train(texts, labels, epochs=3) == train(texts, labels, epochs=3)


@pytest.mark.parametrize(
    "text",
    [
        "We will never ask you to pay a fee to recover your wallet.",
        "Support will never charge a fee. We can help you restore your wallet from your recovery phrase "
        "in the app.",
        "Reminder: we will not DM you. Our support team only answers in this repository, never on "
        "Telegram @anything.",
        "Trust Wallet support team: the explorer https://bscscan.com/tx/0xabc shows your transfer.",
        "Hi @user, please contact our support team at https://support.example.com for account issues.",
        "如果您遇到问题，请在App内提交工单，我们的客服会尽快回复。",
        "请注意:币安绝不会通过 WhatsApp 联系用户。切勿与群内任何人交流。",
        "如需帮助，请联系官方客服邮箱 support@token.im。",
        "警方提醒：近期有骗子冒充钱包客服，要求用户联系所谓的“在线客服”解冻资产，这是诈骗。",
        "去中心化钱包没有客服可以帮你冻结或解冻资产，助记词丢失无法找回。",
        "News: a man lost $200,000 after calling a fake Trust Wallet support number he found on Google.",
        "Victims told reporters they lost their savings after a so-called Crypto Recovery Specialist asked "
        "for upfront fees.",
        "Our help centre: for account issues open a ticket in the Binance app. Binance can freeze your "
        "account "
        "if suspicious activity is detected.",
    ],
)
def test_official_and_help_centre_lines_stay_clear(text: str) -> None:
    assert scan(text).risk not in FLAGGED, scan(text).to_dict()["patterns"]


def test_support_link_words_are_read_in_the_registrable_name_and_path_segments() -> None:
    from verifier.scan.hosts import is_support_link

    assert is_support_link("https://dappswebsupport.com/")
    assert is_support_link("http://example.ru/form.php")
    assert not is_support_link("support.example.com")
    assert not is_support_link("https://github.com/org/repo/issues/new?template=bug_form.yml")
    assert not is_support_link("https://platform.example.com/docs")


@pytest.mark.parametrize(
    "text",
    [
        "Hi @user, this has been escalated. Kindly reach our live support via the chat icon on "
        "https://walletsupport-desk.pages.dev to resolve.",
        "Thanks for reaching out, click [SUPPORT](https://rectify-node.netlify.app) to get this fixed",
        "Exodus Wallet Support Number +1-(805)-419-6O32 call now",
        "Rabby wallet customer care ☎ 1 8 0 0 5 5 5 0 1 9 9",
        "Defi Wallet support line 1*(888)*731*6334 available 24/7",
        "TronLink customer service: +1 ⇄ 855 ⇄ 442 ⇄ 7794",
        "Blockchain wallet help desk .(650).239.5384",
        "Coinbase: A withdrawal of 0.5 BTC was requested. If this wasn't you, call 1-888-555-0133.",
        "Your Ledger 2FA has been reset. If you did not request this, reach out to support at "
        "+1 (844) 555 0199.",
        "如遇帳戶凍結,請聯繫線上客服解凍。",
        "遇到提幣問題可以預約客服回電,客服會在24小時內聯繫您。",
        "I lost $45,000 to a fake investment platform until I found a recovery expert, contact him on "
        "WhatsApp +1 555 123 4567",
        "Your issue will be reviewed by a maintainer. To complete your request, send a mail to the support "
        "team at walletsupportdesk@gmail.com",
        "Please fill the form at https://forms.gle/abc123 and our team will contact you",
        "Dear user, your wallet needs validation. Visit https://dapp-validate.com/sync to avoid suspension",
    ],
)
def test_the_shapes_issue_14_names_are_flagged(text: str) -> None:
    assert scan(text).risk in FLAGGED


@pytest.mark.parametrize(
    "text",
    [
        "Please verify your wallet address on https://etherscan.io/address/0xabc",
        "Upgrade your wallet: https://github.com/org/wallet/releases/tag/v2 fixes the sync bug",
        "Go to acmewallet-docs.org to read the changelog.",
    ],
)
def test_honest_links_next_to_wallet_words_stay_clear(text: str) -> None:
    assert scan(text).risk not in FLAGGED


# Issue 14, second pass: shapes that recur across sources (cross-validation by source).


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (
            "Unusual sign-in on your wallet from a new device. If this wasn't you, follow the link to "
            "secure it: [ACME WALLET](https://acme-secure.web.app/login)",
            "vishing.alert_link",
        ),
        (
            "You need to contact the Trust Wallet support team directly. Follow the link to reach "
            "them: https://example-forms.com/trust-ticket",
            "off_platform.support_follow_link",
        ),
        ("資產凍結查詢：用戶需通過視頻核身驗證", "farm.account_freeze_zh"),
        (
            "Email me at wizard (AT) example.com. Website https://crypto-recovery-wizard.example "
            "WhatsApp +1 555 201 7788",
            "recovery.contact_card",
        ),
        (
            "Your issue was noted. Kindly report it to an agent for "
            "assistance on Telegram @wallet_desk_help.",
            "off_platform.agent_referral",
        ),
        (
            "Hello @user, visit our protocol page to report this for a quick resolution via "
            "[Dapps Portal](https://dapps-websupport.com/) and complete your request. Note: be careful.",
            "off_platform.our_support_link",
        ),
        ("مرحبا يرجى التواصل معنا عبر التلجرام لحل مشكلتك", "off_platform.redirect"),
        (
            "社交媒體：小狐狸錢包在微博、推特上都有官方帳號。用戶可以透過這些平台進行諮詢。",
            "farm.social_support_zh",
        ),
        (
            "I fixed the same thing with the help of a dev on Telegram: @walletdoctor_dev, message him.",
            "off_platform.redirect",
        ),
    ],
)
def test_second_pass_shapes(text: str, code: str) -> None:
    assert code in _codes(text)


def test_a_bare_name_after_telegram_is_a_handle() -> None:
    result = scan("I can help you with whatever, message me on telegram Walletfix_777")
    assert any(c.normalized == "telegram:walletfix_777" for c in result.channels)
    assert "off_platform.private_helper" in _codes("I can help you, message me on telegram Walletfix_777")


@pytest.mark.parametrize(
    "text", ["install telegram v10_2 first", "set the telegram bot_token and the telegram chat_id"]
)
def test_versions_and_settings_after_telegram_are_not_handles(text: str) -> None:
    assert not any((c.normalized or "").startswith("telegram:") for c in scan(text).channels)


def test_a_reply_addressee_does_not_become_a_telegram_contact() -> None:
    text = "@lovejiya0213 you will get better support on telegram, look up the project group"
    assert not any((c.normalized or "").startswith("telegram:") for c in scan(text).channels)
    assert scan(text).risk not in FLAGGED


@pytest.mark.parametrize(
    "text",
    [
        # Warnings, news, help centres, maintainers and victims quoting what they received.
        "Suspicious login detected on your Coinbase account. If this wasn't you, follow the link in "
        "the Coinbase app to secure your account.",
        "Thanks for the report. To reach our support team, follow "
        "the link below: https://support.metamask.io",
        "警方已冻结涉案账户，追回部分资金。",
        "去中心化钱包无法冻结您的资产，任何声称可以解冻的人都是骗子。",
        "Try https://btcrecover.readthedocs.io and if stuck, ask in our Telegram group.",
        "Coinbase support agents are available 24/7 in the Help Center.",
        "A support agent contacted the victim on Telegram and asked for the recovery phrase.",
        "Thanks for the report. A support agent will look into your ticket shortly.",
        "This PR adds a user agent header to resolve the support module crash.",
        "I contacted support through the app and an agent helped me resolve the sync issue. Thanks team!",
        "Our support team has seen fake pages such as wallet-rectify.pages.dev; "
        "do not enter your phrase there.",
        "Our support team will never ask you to fill a Google Form or visit a web.app page. "
        "Report any such comment.",
        "dont download it, it steals your crypto wallet, he took 365$ from my wallet "
        "dm me in telegram for proofs",
        "此时,“客服”显得非常热情,帮助刘先生下载了一个应用程序,并通过屏幕共享功能指导他进行操作。",
        'I got this SMS: "Coinbase: unusual sign-in detected. If this wasn\'t you call +1 855 555 0100". '
        "Is this real? I didn't call.",
        'Recovery scams target people who lost crypto: "I lost $50k until I found Wizard Recovery, contact '
        'them on WhatsApp". These are fake testimonials.',
        "Send me your private keys, and I will help empty your wallet, no need for moon, only Lambo!!",
        "常见问题：如何联系客服？imToken 不提供电话客服，请在 App 内“我的-帮助与反馈”提交问题。",
        "@suiet users: please report usage issues in our official Discord channel or Telegram channel "
        "https://t.me/example_dev. Our support team is committed to assisting you there.",
        "The maintainer @alice is on vacation; message her on Matrix when she's back.",
        "My wallet was hacked yesterday. I tried the Data Recovery tool but nothing works, any ideas?",
        "Security notice: we detected unusual activity on some accounts and reset their sessions. Log in "
        "through the app to continue; we will never ask you to call a number.",
        "在设置中可以修改钱包自动锁定的时间。",
        "TP钱包不会通过微博私信联系用户，请勿相信。",
        "Our support team cannot see your wallet or your funds. For help, use the Help button in the app.",
        "Security researchers found that the attackers used netlify.app and vercel.app pages titled "
        '"Wallet Support" to collect recovery phrases.',
        "关注TP钱包官方推特获取最新公告，谨防假冒账号私信。",
        "币安在微博上有官方账号，用户可以咨询。",
        "质押后资产锁定期为30天，到期自动解锁。",
    ],
)
def test_second_pass_honest_lines_stay_clear(text: str) -> None:
    assert scan(text).risk not in FLAGGED, [(p.code, p.severity) for p in scan(text).patterns]


# Reviewer findings on the second pass (new texts, not from dev): each example, plus variants of
# the same shape, so the rules are fitted to shapes and not to these sentences.
@pytest.mark.parametrize(
    "text",
    [
        # A. A refusal elsewhere in the message (a safety footer) leaves the claim standing.
        "Hello @kai\nThanks for reporting. Kindly reach our support team via [Live Chat]"
        "(https://dapp-resolve.web.app) with ticket ID TW-2231.\nNote: "
        "support will never ask for your seed phrase.",
        "Hi @x, no one on GitHub can fix account issues. Please use the live support desk: "
        "[SUPPORT](https://chain-desk.pages.dev)",
        "Hi, the devs won't see account problems here. Talk to the help desk: "
        "[Open Ticket](https://helpdesk-wallet.vercel.app)",
        "Hello @rui, please visit our dedicated support desk: [Wallet Support Desk]"
        "(https://walletsupportdesk-live.com). Never share your phrase with anyone else.",
        "Hi @omar, never share your seed phrase publicly. For help with this, open a ticket with our "
        "support team here: [Support Ticket](https://dapp-resolve.web.app)",
        "Nobody in this repo handles wallet sync errors.\nOpen a case with the support team: "
        "https://sync-resolve-desk.netlify.app",
        "imToken不提供电话客服，但用户可以通过在线人工客服申请解冻钱包资产。",
        "TP钱包不提供电话客服，但是可以通过在线客服工单申请解冻。",
        # B. Cues that read as warnings but are not.
        "If you see a pending transaction error, kindly report it on the support live chat: "
        "[Live Chat](https://tx-support-desk.netlify.app)",
        "If you see a sync error, open a ticket with support here: https://wallet-fix-desk.web.app",
        "所谓人工客服，就是TP钱包官方客服人员在线为用户处理钱包冻结、找回助记词等问题。",
        "TP钱包客服自称可以在24小时内帮助用户解冻资产，联系在线客服即可。",
        "Is it real that Exodus has live support? Yes! Call Exodus customer care at +1-(844)-771-2093.",
        "Is it legit that MetaMask has a helpline? Yes, call MetaMask support at +1 (877) 410-5563.",
        "Hello @mira, to protect your wallet from hackers trying to steal funds, kindly complete "
        "validation at [Secure Portal](https://wallet-guard-center.web.app).",
        # C. A testimonial that names the genre still gives the outfit's contact.
        "There are so many recovery scams out there that I almost gave up, but Apex Recovery Hackers got "
        "my 2 BTC back. Email apexrecoveryhack@gmail.com",
        "I read about so many recovery scams, yet Cyber Genie Hackers restored my lost USDT. "
        "WhatsApp them +1 (302) 555-0188",
        "I lost $40k and ignored the fake reviews until I found Spy Wizard Recovery. They helped me "
        "recover everything. WhatsApp +1 (415) 880-2231",
        # D. An agent reached off the platform.
        "Hello @kai, please report this issue on the support portal to an agent for assistance: "
        "https://walletrectify-desk.web.app",
        "An agent will assist you with the refund, message our desk on Telegram @wallet_refund_desk.",
        # E, H. A recovery card that lists Discord among its contacts.
        "Contact the recovery team at cryptorescue-hackers.com or on "
        "Telegram / Discord, they got my funds back",
        "Email: info@bitrecoverypros.com WhatsApp: +1 (661) 555-0142 "
        "Website: bitrecoverypros.com Discord: brp#2231",
        # F. A referral to someone else for a lost wallet.
        "Lost access to your wallet? There is a dev on Telegram @fixdev99 who can recover it, dm him now.",
    ],
)
def test_reviewer_scams_flag(text: str) -> None:
    assert scan(text).risk in FLAGGED


@pytest.mark.parametrize(
    "text",
    [
        # A. A refusal in the clause of the channel still makes a notice.
        "We've seen fake replies. We will never ask you to fill a Google Form or visit a web.app page.",
        "Support will never DM you on Telegram; open tickets only in the app.",
        # D. Wallets' own agents, in the app or on their site.
        "If the article didn't solve it, tap 'Contact us' in the app and "
        "a support agent will help you within 24 hours.",
        "We don't handle account questions here. Open the in-app chat; a "
        "support agent can assist you with the refund.",
        "Victims said an 'agent' offered assistance over the phone and "
        "asked them to read out their recovery phrase.",
        "Open a request from the Help Center and a support agent will help you resolve it by email.",
        # E. Reports and warnings about a recovery outfit.
        "The FBI said the operators of fundsrecoverypro.com contacted "
        "victims on WhatsApp and demanded upfront fees.",
        "Do not trust cryptorecoverywizards.net — they message on WhatsApp and take fees.",
        "Police say fastcoinrecovery.net reached victims by phone and "
        "on Telegram, then vanished with the money.",
        # F. Maintainers referring to each other.
        "For the Rust bindings ask Alex, he's on Discord and Telegram, message him there.",
        "Bob maintains the Android build; he is on WhatsApp, text him about the release date.",
        # G. Contracts, bridges, pools and issuers freeze funds.
        "协议暂停后，用户在池子里的资金被冻结了三天，团队已发布事后报告。",
        "我的资金被冻结在跨链桥合约里，官方说升级完成后会自动解冻。",
        "Tether 可以冻结 USDT 合约中的地址，黑客地址中的资金已被冻结。",
        "Circle 冻结了与该事件相关的 USDC 地址。",
        "The bridge contract froze the account during the upgrade and will unfreeze it after the migration.",
    ],
)
def test_reviewer_honest_lines_stay_clear(text: str) -> None:
    assert scan(text).risk not in FLAGGED, [(p.code, p.severity) for p in scan(text).patterns]


def test_a_maintainer_referral_next_to_a_brand_fires_no_rule() -> None:
    # The handle itself is still shown as not official for Ledger (the channel check, not a rule).
    text = (
        "The Ledger plugin is maintained by Tom; he's on Telegram as "
        "@tomdev, message him if you want to help with the port."
    )
    assert not _codes(text)


@pytest.mark.parametrize(
    "text",
    [
        "@rkoval99 Thanks for opening this issue. To speed things up, file your complaint with the help "
        "team at suppportdesk.walletline@gmail.com",
        "@danielo-rs this was escalated. Please email customercare.exodusassist@outlook.com with your "
        "wallet address and the problem and you will be attended to.",
        "Write to walletservice.desk@yahoo.com for help with the stuck transaction.",
    ],
)
def test_a_free_mail_address_named_as_a_desk_is_off_platform(text: str) -> None:
    assert "off_platform.freemail_desk" in _codes(text)


def test_a_rescue_outfit_is_a_recovery_name() -> None:
    text = (
        "I was scammed out of $18k by a romance scammer and Agent Morrison from Digital Asset Rescue "
        "recovered it. Email: morrisonrescue [at] gmail [dot] com"
    )
    assert scan(text).risk in FLAGGED


@pytest.mark.parametrize(
    "text",
    [
        "Someone replied to my issue with a link to 'wallet-support-live.web.app' saying to open a ticket. "
        "I entered my seed phrase and everything was drained. Please take that site down.",
        "Got an SMS saying 'If this wasn't you, call +1 866...' about a Kraken withdrawal I never made. "
        "Reported it as spam.",
        "The 'recovery expert' I paid $3,000 to get back my stolen ETH disappeared. Don't trust anyone "
        "in these comments offering to recover funds.",
    ],
)
def test_a_victim_telling_what_was_done_is_not_flagged(text: str) -> None:
    assert scan(text).risk not in FLAGGED, [(p.code, p.severity) for p in scan(text).patterns]


@pytest.mark.parametrize(
    "text",
    [
        "If your wallet was drained, open a ticket with support here: https://drain-claim-desk.web.app",
        "Hi @lee, if your tokens disappeared, kindly reach our support team via "
        "[Live Chat](https://token-restore-desk.pages.dev)",
    ],
)
def test_a_bot_that_opens_with_the_loss_still_flags(text: str) -> None:
    assert scan(text).risk in FLAGGED


@pytest.mark.parametrize(
    "text",
    [
        "Still stuck? A live agent is available to help you via chat from 9am to 5pm.",
        "To reach a live person, use the chat in the app.",
    ],
)
def test_a_live_agent_in_the_app_is_honest(text: str) -> None:
    assert scan(text).risk not in FLAGGED, [(p.code, p.severity) for p in scan(text).patterns]


@pytest.mark.parametrize(
    "text",
    [
        "How do I talk to a live person at Rabby Wallet? Dial +1 ➤ 844 ➤ 609 ➤ 3317 to reach Rabby "
        "support directly, available around the clock.",
        "Speak to a live agent now on WhatsApp +44 7700 900123 for your wallet issue.",
        "A live support agent is waiting: [Start chat](https://wallet-live-agent.web.app)",
    ],
)
def test_a_live_agent_off_the_platform_flags(text: str) -> None:
    assert scan(text).risk in FLAGGED


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        (
            "Hello @dev, the team won't handle wallet issues here, kindly reach the support desk: "
            "https://wallet-desk-support.vercel.app",
            True,
        ),
        ("imToken从不提供电话客服，不过您可以联系在线客服解冻资产。", True),
        (
            "Nobody from the team will send you a forms.gle link or a web.app support page. "
            "Ignore such replies.",
            False,
        ),
        ("Our support team never uses web.app or pages.dev pages. For help, use the in-app chat.", False),
        ("TP钱包绝不会通过电话联系用户解冻资产，请通过App内的帮助中心提交问题。", False),
    ],
)
def test_a_refusal_governs_its_own_clause_only(text: str, flagged: bool) -> None:
    assert (scan(text).risk in FLAGGED) is flagged, [(p.code, p.severity) for p in scan(text).patterns]


@pytest.mark.parametrize(
    "text",
    [
        "We've seen bots replying to issues with a Google Form asking for your seed phrase. "
        "We will never ask you to fill a form with your recovery phrase.",
        "Spam bots post Google Forms that ask for your recovery phrase; do not fill them.",
    ],
)
def test_a_report_about_the_bots_is_a_warning(text: str) -> None:
    assert scan(text).risk not in FLAGGED, [(p.code, p.severity) for p in scan(text).patterns]


def test_an_exchange_appeal_to_unfreeze_is_not_a_recovery_service() -> None:
    text = (
        "币安账户被冻结怎么办？如系统检测到异常，账户可能被临时冻结。"
        "您可以登录后按照提示完成身份验证，或通过在线客服申诉解冻。"
    )
    assert scan(text).risk not in FLAGGED, [(p.code, p.severity) for p in scan(text).patterns]
    assert scan("TP钱包被冻结了？联系在线客服申诉解冻钱包资产。").risk in FLAGGED


@pytest.mark.parametrize(
    "text",
    [
        "@lumi-node thanks, we see this a lot. It will be resolved faster through our help form here "
        "https://form.jotform.com/241883310042 - fill it and a technician will contact you.",
        "A technician will review your wallet once you submit https://forms.gle/xYz12AbC",
    ],
)
def test_a_help_form_or_technician_on_a_form_service_is_off_platform(text: str) -> None:
    assert scan(text).risk in FLAGGED


def test_an_article_quoting_a_testimonial_with_its_number_stays_clear() -> None:
    text = (
        'Recovery scams post fake testimonials like "I lost $50k until I found Wizard Recovery, contact '
        'them on WhatsApp +1 415 555 0199". These are fake.'
    )
    assert scan(text).risk not in FLAGGED, [(p.code, p.severity) for p in scan(text).patterns]
