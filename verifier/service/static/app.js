// The help-site page: one form that asks /v1/check or /v1/scan and explains the answer.
// Plain ES2020, no build step, no external resources; the page's CSP allows only /static/*.
"use strict";

(() => {
  const STRINGS = {
    en: {
      docTitle: "Is this really official support? · verifier",
      skip: "Skip to the check",
      title: "Is this really the wallet's official support?",
      lede: "Paste a phone number, link, email, social handle or a whole message. It is compared with the signed list of every wallet's official channels.",
      valueLabel: "Number, link, handle or message",
      valueHint: "Press Enter to check; Shift+Enter starts a new line.",
      brandLabel: "Wallet brand",
      brandAuto: "Detect automatically",
      modeLegend: "Read it as",
      modeAuto: "Automatic",
      modeCheck: "One number, link or handle",
      modeScan: "A whole message",
      submit: "Check",
      checking: "Checking…",
      resultHeading: "Result",
      tipsHeading: "What real wallet support never does",
      tip1: "Ask for your recovery phrase (seed words, 助记词) or private key.",
      tip2: "Ask you to install AnyDesk, TeamViewer, 向日葵, ToDesk or any remote-control app.",
      tip3: "Charge a fee to \u201cunlock\u201d, \u201cunfreeze\u201d or \u201cvalidate\u201d your wallet.",
      tip4: "Call you, or run a phone hotline for a self-custody wallet.",
      apiDocs: "API documentation",
      listState: "Official list version {version}, valid until {expires}.",
      listUnverified: "The list of official channels is not verified — nothing can be confirmed official.",
      listProblem: "Reason: {problem}",
      listLoadError: "The list of official channels could not be loaded: {message}",
      emptyInput: "Paste a number, link, handle or message first.",
      networkError: "The verifier service could not be reached. Check your connection and try again.",
      httpError: "The service answered with an error (HTTP {status}).",
      badAnswer: "The service sent an answer this page cannot read.",
      readAsCheck: "Checked as one number, link or handle.",
      readAsScan: "Read as a whole message.",
      factInput: "You entered",
      factKind: "Read as",
      factBrand: "Brand",
      factMatchedOfficial: "Listed official value",
      factMatchedLookalike: "Official value it imitates",
      factTechnique: "How it imitates",
      reasonsHeading: "Why",
      officialHeading: "{brand}'s official channels",
      officialOnly: "Contact {brand} only through these:",
      noPhone: "{brand} has no phone support. Any phone number claiming to be its support is fake.",
      evidence: "source",
      checkedOn: "checked {date}",
      patternsHeading: "Warning signs",
      channelsHeading: "Numbers, links and handles found",
      summaryHeading: "Summary",
      noPatterns: "No known scam wording was found.",
      unverifiedNote: "The list of official channels is not verified, so nothing can be confirmed official.",
      kind_url: "Website or link",
      kind_email: "Email address",
      kind_phone: "Phone number",
      kind_handle: "Account on {platform}",
      kind_handle_any: "Social media account",
      severity_high: "High",
      severity_medium: "Medium",
      severity_low: "Low",
      verdict_official: "Official",
      verdict_lookalike: "Fake: imitates an official channel",
      verdict_known_scam: "Known scam",
      verdict_not_official: "Not official",
      verdict_unknown: "Unknown: cannot be confirmed",
      verdict_invalid: "Not recognised",
      verdictText_official: "This is listed as an official channel of {brand}.",
      verdictText_lookalike: "It resembles {matched} but is not official. Do not contact it and never share your recovery phrase.",
      verdictText_known_scam: "It has been reported as a fake support channel. Do not contact it.",
      verdictText_not_official: "It is not one of {brand}'s official channels. Do not trust it.",
      verdictText_unknown: "Nothing links it to a wallet's official channels. Unknown does not mean safe.",
      verdictText_invalid: "This does not look like a phone number, link, email address or handle.",
      risk_high: "High risk: this looks like a fake-support scam",
      risk_medium: "Medium risk: be careful",
      risk_low: "Low risk: some warning signs",
      risk_none: "No scam signs found",
      riskText_high: "Stop here. Do not reply, call, click or share anything.",
      riskText_medium: "Parts of this message are typical of fake support. Check every contact below.",
      riskText_low: "A few details deserve a second look.",
      riskText_none: "Nothing known was found. This does not prove the message is safe.",
      technique_homoglyph: "look-alike characters",
      technique_typo: "a misspelling of the official name",
      technique_bitsquat: "a one-character change",
      technique_combosquat: "extra words added to the brand name",
      technique_subdomain: "the brand name placed in front of another site",
      "technique_tld-swap": "a different domain ending",
      technique_userinfo: "a disguised address before an @",
      "technique_handle-variant": "a variant of the official account name",
      "technique_freemail-brand": "the brand name on a free email service",
      "technique_local-part": "the brand name in someone else's email address",
      platform_wechat: "WeChat",
      platform_weibo: "Weibo",
      platform_x: "X (Twitter)",
    },
    zh: {
      docTitle: "这真的是官方客服吗？· verifier",
      skip: "跳到查询",
      title: "这真的是钱包的官方客服吗？",
      lede: "粘贴电话号码、链接、邮箱、社交账号或整段消息，与经签名的各钱包官方渠道名单比对。",
      valueLabel: "号码、链接、账号或消息",
      valueHint: "按 Enter 查询；按 Shift+Enter 换行。",
      brandLabel: "钱包品牌",
      brandAuto: "自动识别",
      modeLegend: "识别方式",
      modeAuto: "自动",
      modeCheck: "单个号码、链接或账号",
      modeScan: "整段消息",
      submit: "查询",
      checking: "正在查询…",
      resultHeading: "结果",
      tipsHeading: "真正的钱包客服绝不会",
      tip1: "索要你的助记词或私钥。",
      tip2: "让你安装 AnyDesk、TeamViewer、向日葵、ToDesk 等远程控制软件。",
      tip3: "以“解冻”“解锁”“验证钱包”为名收取任何费用。",
      tip4: "给你打电话，或为去中心化钱包开设客服热线。",
      apiDocs: "API 文档",
      listState: "官方名单版本 {version}，有效期至 {expires}。",
      listUnverified: "官方渠道名单未通过验证——目前无法确认任何渠道为官方。",
      listProblem: "原因：{problem}",
      listLoadError: "无法加载官方渠道名单：{message}",
      emptyInput: "请先粘贴号码、链接、账号或消息。",
      networkError: "无法连接查询服务，请检查网络后重试。",
      httpError: "服务返回错误（HTTP {status}）。",
      badAnswer: "服务返回的内容无法读取。",
      readAsCheck: "已按单个号码、链接或账号查询。",
      readAsScan: "已按整段消息分析。",
      factInput: "你输入的",
      factKind: "类型",
      factBrand: "品牌",
      factMatchedOfficial: "名单中的官方渠道",
      factMatchedLookalike: "被冒充的官方渠道",
      factTechnique: "冒充手法",
      reasonsHeading: "原因",
      officialHeading: "{brand} 的官方渠道",
      officialOnly: "只通过以下渠道联系 {brand}：",
      noPhone: "{brand} 没有电话客服。任何自称其客服的电话号码都是假的。",
      evidence: "来源",
      checkedOn: "核实于 {date}",
      patternsHeading: "危险信号",
      channelsHeading: "消息中的号码、链接和账号",
      summaryHeading: "总结",
      noPatterns: "未发现已知的诈骗话术。",
      unverifiedNote: "官方渠道名单未通过验证，因此无法确认任何渠道为官方。",
      kind_url: "网站或链接",
      kind_email: "邮箱地址",
      kind_phone: "电话号码",
      kind_handle: "{platform} 账号",
      kind_handle_any: "社交账号",
      severity_high: "高",
      severity_medium: "中",
      severity_low: "低",
      verdict_official: "官方渠道",
      verdict_lookalike: "假冒：模仿官方渠道",
      verdict_known_scam: "已知诈骗",
      verdict_not_official: "非官方",
      verdict_unknown: "未知：无法确认",
      verdict_invalid: "无法识别",
      verdictText_official: "这是 {brand} 名单中的官方渠道。",
      verdictText_lookalike: "它模仿 {matched}，但不是官方渠道。不要联系它，绝不要透露助记词。",
      verdictText_known_scam: "它已被举报为假冒客服渠道。不要联系它。",
      verdictText_not_official: "它不是 {brand} 的官方渠道。不要相信它。",
      verdictText_unknown: "没有任何信息把它与钱包官方渠道联系起来。未知不代表安全。",
      verdictText_invalid: "这看起来不像电话号码、链接、邮箱地址或账号。",
      risk_high: "高风险：这很像假冒客服诈骗",
      risk_medium: "中风险：请小心",
      risk_low: "低风险：有一些可疑之处",
      risk_none: "未发现诈骗迹象",
      riskText_high: "请立即停止：不要回复、拨打、点击或透露任何信息。",
      riskText_medium: "这条消息的部分内容是假冒客服的典型手法。请核对下面的每个联系方式。",
      riskText_low: "有几处细节值得再确认。",
      riskText_none: "没有发现已知的问题，但这不能证明消息是安全的。",
      technique_homoglyph: "使用形近字符",
      technique_typo: "拼写变体",
      technique_bitsquat: "改动一个字符",
      technique_combosquat: "在品牌名上添加词语",
      technique_subdomain: "把品牌名放在别的网站前面",
      "technique_tld-swap": "更换域名后缀",
      technique_userinfo: "在 @ 前伪装地址",
      "technique_handle-variant": "官方账号名的变体",
      "technique_freemail-brand": "在免费邮箱中使用品牌名",
      "technique_local-part": "在他人的邮箱地址中使用品牌名",
      platform_wechat: "微信",
      platform_weibo: "微博",
      platform_x: "X（推特）",
    },
  };

  const PLATFORMS = {
    telegram: "Telegram", x: "X", discord: "Discord", whatsapp: "WhatsApp", wechat: "WeChat",
    qq: "QQ", weibo: "Weibo", instagram: "Instagram", facebook: "Facebook", youtube: "YouTube",
    github: "GitHub", tiktok: "TikTok",
  };
  const ICONS = {
    official: "✓", lookalike: "!", known_scam: "✕", not_official: "✕", unknown: "?", invalid: "–",
    high: "!", medium: "!", low: "i", none: "–",
  };
  const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
  const STORAGE_KEY = "verifier.lang";

  const state = {
    lang: "en",
    allowlist: null, // GET /v1/allowlist
    allowlistError: null,
    query: null, // the last question asked: {mode, value, brand}
    answer: null, // {mode, data, brand}
    error: null, // {key, vars} or {message}
    busy: false,
    sequence: 0, // answers to older questions are dropped
  };

  const $ = (id) => document.getElementById(id);

  function t(key, vars) {
    const table = STRINGS[state.lang];
    let text = key in table ? table[key] : STRINGS.en[key];
    if (text === undefined) return key;
    for (const [name, value] of Object.entries(vars || {})) text = text.split(`{${name}}`).join(String(value));
    return text;
  }

  // h("p", {class: "x"}, "text", child): builds elements with text nodes only (never HTML).
  function h(tag, attrs, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      element.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      element.append(child instanceof Node ? child : String(child));
    }
    return element;
  }

  // ---- language --------------------------------------------------------------------------

  function initialLang() {
    const asked = new URLSearchParams(window.location.search).get("lang");
    if (asked === "zh" || asked === "en") return asked;
    try {
      const saved = window.localStorage.getItem(STORAGE_KEY);
      if (saved === "zh" || saved === "en") return saved;
    } catch (_) {
      // storage blocked: fall through to the browser's languages
    }
    for (const tag of navigator.languages || [navigator.language || "en"]) {
      const code = tag.toLowerCase();
      if (code.startsWith("zh")) return "zh";
      if (code.startsWith("en")) return "en";
    }
    return "en";
  }

  function setLang(lang) {
    state.lang = lang;
    document.documentElement.lang = lang === "zh" ? "zh-Hans" : "en";
    document.title = t("docTitle");
    for (const element of document.querySelectorAll("[data-i18n]")) element.textContent = t(element.dataset.i18n);
    const toggle = $("lang-toggle");
    toggle.textContent = lang === "zh" ? "English" : "简体中文";
    toggle.lang = lang === "zh" ? "en" : "zh-Hans";
    $("submit").textContent = state.busy ? t("checking") : t("submit");
    renderBrandOptions();
    renderAllowlistState();
    renderError();
    renderAnswer();
  }

  // ---- the official list -----------------------------------------------------------------

  function brandById(id) {
    return (state.allowlist && state.allowlist.brands.find((brand) => brand.id === id)) || null;
  }

  function brandLabel(brand) {
    const chinese = brand.aliases.find((alias) => CJK.test(alias));
    return state.lang === "zh" && chinese ? `${brand.name}（${chinese}）` : brand.name;
  }

  function renderBrandOptions() {
    const select = $("brand");
    const chosen = select.value;
    const options = [h("option", { value: "" }, t("brandAuto"))];
    // The list comes from GET /v1/allowlist (43 brands in release 2): shown by name, not by id.
    const brands = [...((state.allowlist && state.allowlist.brands) || [])].sort((a, b) =>
      a.name.localeCompare(b.name, "en", { sensitivity: "base" }),
    );
    for (const brand of brands) {
      options.push(h("option", { value: brand.id }, brandLabel(brand)));
    }
    select.replaceChildren(...options);
    select.value = chosen;
    if (select.value !== chosen) select.value = "";
  }

  function renderAllowlistState() {
    const banner = $("allowlist-banner");
    const footer = $("allowlist-state");
    const list = state.allowlist;
    let warning = null;
    if (state.allowlistError) {
      warning = [t("listLoadError", { message: state.allowlistError })];
    } else if ((list && !list.verified) || (state.answer && !answerVerified(state.answer))) {
      const said = list && ((list.problem_messages || {})[state.lang] || list.problem);
      const problem = said ? t("listProblem", { problem: said }) : null;
      warning = [h("strong", {}, t("listUnverified")), problem ? " " : null, problem];
    }
    banner.hidden = warning === null;
    banner.replaceChildren(...(warning || []));
    footer.textContent =
      list && list.version !== null
        ? t("listState", { version: list.version, expires: (list.expires || "").slice(0, 10) })
        : "";
  }

  async function loadAllowlist() {
    try {
      state.allowlist = await api("GET", "/v1/allowlist");
      state.allowlistError = null;
    } catch (error) {
      state.allowlistError = error.message;
    }
    renderBrandOptions();
    renderAllowlistState();
    renderAnswer();
  }

  // ---- asking the API --------------------------------------------------------------------

  class ApiError extends Error {}

  async function api(method, path, body) {
    // The body's lang sets the answer's language; Accept-Language also covers the errors said
    // before a body is read (too large), so an error shows in the page's language too.
    const init = { method, headers: { Accept: "application/json", "Accept-Language": state.lang } };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (_) {
      throw new ApiError(t("networkError"));
    }
    let data = null;
    try {
      data = await response.json();
    } catch (_) {
      data = null;
    }
    if (!response.ok) {
      const message = data && data.error && data.error.message;
      throw new ApiError(message || t("httpError", { status: response.status }));
    }
    if (data === null || typeof data !== "object") throw new ApiError(t("badAnswer"));
    return data;
  }

  // Automatic choice: one short line that looks like an address is a channel, the rest a message.
  function chooseMode(text, choice) {
    if (choice === "check" || choice === "scan") return choice;
    const value = text.trim();
    if (value.includes("\n") || value.length > 120) return "scan";
    if (!/\s/.test(value)) return CJK.test(value) && !/[.@:/]/.test(value) ? "scan" : "check";
    return /^[+\d\s().\-]+$/.test(value) ? "check" : "scan";
  }

  async function ask(query) {
    const sequence = ++state.sequence;
    state.query = query;
    state.error = null;
    setBusy(true);
    renderError();
    const body =
      query.mode === "check"
        ? { value: query.value, lang: state.lang }
        : { text: query.value, lang: state.lang };
    if (query.brand) body.brand = query.brand;
    try {
      const data = await api("POST", query.mode === "check" ? "/v1/check" : "/v1/scan", body);
      if (sequence !== state.sequence) return;
      state.answer = { mode: query.mode, brand: query.brand, data };
    } catch (error) {
      if (sequence !== state.sequence) return;
      state.answer = null;
      state.error = { message: error.message };
    }
    setBusy(false);
    renderError();
    renderAllowlistState();
    renderAnswer();
  }

  function submit() {
    const input = $("value");
    const value = input.value;
    if (!value.trim()) {
      state.error = { key: "emptyInput" };
      input.setAttribute("aria-invalid", "true");
      renderError();
      input.focus();
      return;
    }
    input.removeAttribute("aria-invalid");
    const choice = document.querySelector('input[name="mode"]:checked').value;
    const mode = chooseMode(value, choice);
    ask({ mode, value: mode === "check" ? value.trim() : value, brand: $("brand").value || null });
  }

  function setBusy(busy) {
    state.busy = busy;
    $("submit").textContent = busy ? t("checking") : t("submit");
    $("result").setAttribute("aria-busy", busy ? "true" : "false");
  }

  function renderError() {
    const box = $("error");
    const error = state.error;
    box.hidden = !error;
    box.textContent = error ? (error.key ? t(error.key) : error.message) : "";
  }

  // ---- rendering an answer ---------------------------------------------------------------

  function answerVerified(answer) {
    const data = answer.data;
    if (answer.mode === "check") return data.allowlist.verified;
    return data.channels.every((channel) => channel.allowlist.verified);
  }

  function platformName(platform) {
    return t(`platform_${platform}`) !== `platform_${platform}` ? t(`platform_${platform}`) : PLATFORMS[platform] || platform;
  }

  function kindLabel(kind, platform) {
    if (kind === "handle") return platform ? t("kind_handle", { platform: platformName(platform) }) : t("kind_handle_any");
    return t(`kind_${kind}`);
  }

  function techniqueLabel(technique) {
    const key = `technique_${technique}`;
    return t(key) === key ? technique : t(key);
  }

  function banner(kind, level, title, text) {
    return h(
      "div",
      { class: `verdict ${kind}-${level}`, "data-verdict": level },
      h("span", { class: "verdict-icon", "aria-hidden": "true" }, ICONS[level] || "?"),
      h("div", { class: "verdict-words" }, h("p", { class: "verdict-title" }, title), text ? h("p", { class: "verdict-text" }, text) : null),
    );
  }

  function renderAnswer() {
    const target = $("result-body");
    const answer = state.answer;
    if (!answer) {
      target.replaceChildren();
      return;
    }
    target.replaceChildren(...(answer.mode === "check" ? renderCheck(answer) : renderScan(answer)));
  }

  function renderCheck(answer) {
    const result = answer.data;
    const brand = brandById(result.brand) || brandById(answer.brand);
    const brandName = brand ? brand.name : result.brand || "";
    const verdict = result.verdict;
    const facts = [
      [t("factInput"), h("code", {}, result.input)],
      result.kind ? [t("factKind"), kindLabel(result.kind, null)] : null,
      brandName ? [t("factBrand"), brandName] : null,
      result.matched
        ? [verdict === "official" ? t("factMatchedOfficial") : t("factMatchedLookalike"), h("code", { class: "matched" }, result.matched)]
        : null,
      result.technique ? [t("factTechnique"), techniqueLabel(result.technique)] : null,
    ].filter(Boolean);
    const details = h(
      "div",
      { class: "details" },
      h("p", { class: "read-as" }, t("readAsCheck")),
      h("dl", { class: "facts" }, facts.map(([term, value]) => [h("dt", {}, term), h("dd", {}, value)])),
      h("h3", {}, t("reasonsHeading")),
      h("ul", { class: "reasons" }, result.reasons.map((reason) => h("li", { "data-code": reason.code }, reason.message))),
      result.allowlist.verified ? null : h("p", { class: "note-unverified" }, t("unverifiedNote")),
    );
    const top = banner(
      "verdict",
      verdict,
      t(`verdict_${verdict}`),
      t(`verdictText_${verdict}`, { brand: brandName || "—", matched: result.matched || "—" }),
    );
    const aside = verdict !== "official" && brand ? officialChannels(brand) : null;
    return [top, h("div", { class: aside ? "answer-grid" : "answer-single" }, details, aside)];
  }

  function renderScan(answer) {
    const data = answer.data;
    const ids = [...new Set([answer.brand, ...data.brands, ...data.channels.map((c) => c.brand)].filter(Boolean))];
    const brands = ids.map(brandById).filter(Boolean);
    const negative = data.risk !== "none" || data.channels.some((c) => c.verdict !== "official");
    const top = banner("risk", data.risk, t(`risk_${data.risk}`), t(`riskText_${data.risk}`));
    const patterns = data.patterns.length
      ? h(
          "ul",
          { class: "patterns" },
          data.patterns.map((pattern) =>
            h(
              "li",
              { class: `severity-${pattern.severity}`, "data-code": pattern.code },
              h("span", { class: "severity" }, t(`severity_${pattern.severity}`)),
              " ",
              pattern.message,
              pattern.excerpt ? h("q", { class: "excerpt" }, pattern.excerpt) : null,
            ),
          ),
        )
      : h("p", {}, t("noPatterns"));
    const channels = data.channels.length
      ? [
          h("h3", {}, t("channelsHeading")),
          h(
            "ul",
            { class: "channels" },
            data.channels.map((channel) =>
              h(
                "li",
                { class: `channel verdict-${channel.verdict}`, "data-verdict": channel.verdict },
                h("span", { class: "verdict-icon small", "aria-hidden": "true" }, ICONS[channel.verdict] || "?"),
                h("span", { class: "channel-words" }, h("code", {}, channel.input), " — ", h("strong", {}, t(`verdict_${channel.verdict}`))),
                channel.reasons.length ? h("span", { class: "channel-reason" }, channel.reasons[0].message) : null,
              ),
            ),
          ),
        ]
      : [];
    const details = h(
      "div",
      { class: "details" },
      h("p", { class: "read-as" }, t("readAsScan")),
      h("h3", {}, t("patternsHeading")),
      patterns,
      channels,
      data.reply ? [h("h3", {}, t("summaryHeading")), h("p", { class: "reply" }, data.reply)] : null,
      answerVerified(answer) ? null : h("p", { class: "note-unverified" }, t("unverifiedNote")),
    );
    const asides = negative ? brands.map(officialChannels) : [];
    return [top, h("div", { class: asides.length ? "answer-grid" : "answer-single" }, details, asides.length ? h("div", { class: "asides" }, asides) : null)];
  }

  function officialChannels(brand) {
    const headingId = `official-${brand.id}`;
    const items = brand.channels.map((channel) =>
      h(
        "li",
        {},
        h("span", { class: "channel-kind" }, kindLabel(channel.kind, channel.platform)),
        h("code", { class: "official-value" }, channel.value),
        h(
          "span",
          { class: "channel-meta" },
          /^https:\/\//.test(channel.evidence)
            ? h("a", { href: channel.evidence, rel: "noopener noreferrer", target: "_blank" }, t("evidence"))
            : null,
          channel.checked ? ` · ${t("checkedOn", { date: channel.checked })}` : null,
        ),
      ),
    );
    return h(
      "aside",
      { class: "official", "aria-labelledby": headingId, "data-brand": brand.id },
      h("h3", { id: headingId }, t("officialHeading", { brand: brand.name })),
      brand.no_phone_support ? h("p", { class: "no-phone" }, t("noPhone", { brand: brand.name })) : null,
      h("p", {}, t("officialOnly", { brand: brand.name })),
      h("ul", { class: "official-list" }, items),
    );
  }

  // ---- wiring ----------------------------------------------------------------------------

  function start() {
    setLang(initialLang());
    $("check-form").addEventListener("submit", (event) => {
      event.preventDefault();
      submit();
    });
    $("value").addEventListener("keydown", (event) => {
      // Enter submits; Shift+Enter is a new line; an IME composing Chinese keeps its Enter.
      if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.keyCode === 229) return;
      event.preventDefault();
      $("check-form").requestSubmit();
    });
    $("lang-toggle").addEventListener("click", () => {
      const lang = state.lang === "zh" ? "en" : "zh";
      try {
        window.localStorage.setItem(STORAGE_KEY, lang);
      } catch (_) {
        // storage blocked: the choice lasts for this page only
      }
      const url = new URL(window.location.href);
      if (url.searchParams.has("lang")) {
        url.searchParams.set("lang", lang); // a reload keeps the choice
        window.history.replaceState(null, "", url);
      }
      setLang(lang);
      if (state.query) ask(state.query); // the API's reasons come in the chosen language
    });
    loadAllowlist();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
