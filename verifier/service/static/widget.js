// verifier widget: a small check form for a help centre's own pages.
//
//   <script src="https://verifier.example/widget.js" data-verifier-lang="zh" async></script>
//   <div data-verifier-widget data-verifier-brand="tokenpocket"></div>
//
// It renders into every [data-verifier-widget] element, inside a Shadow DOM so the host
// page's CSS does not leak in, and calls the API at the origin this script came from (the
// service must allow the host page's origin: verifier serve --cors-origin https://help.example).
// Plain ES2020, no dependencies; nothing is added to the host page's globals.
"use strict";

(() => {
  const script =
    document.currentScript ||
    Array.from(document.querySelectorAll("script[src]")).find((s) => /\/widget\.js([?#]|$)/.test(s.src));
  if (!script) return;
  const API = new URL(script.src, window.location.href).origin;

  const STRINGS = {
    en: {
      label: "Is this really official support? Paste a number, link, handle or message",
      placeholder: "e.g. tokenpocket-support.com",
      submit: "Check",
      checking: "Checking…",
      empty: "Paste a number, link, handle or message first.",
      network: "The verifier service at {origin} could not be reached.",
      http: "The service answered with an error (HTTP {status}).",
      unverified: "The list of official channels is not verified: nothing can be confirmed official.",
      official: "{brand}'s official channels",
      noPhone: "{brand} has no phone support. Any number claiming to be its support is fake.",
      more: "Open the full checker",
      kind_url: "Website",
      kind_email: "Email",
      kind_phone: "Phone",
      verdict_official: "Official",
      verdict_lookalike: "Fake: imitates an official channel",
      verdict_known_scam: "Known scam",
      verdict_not_official: "Not official",
      verdict_unknown: "Unknown: cannot be confirmed",
      verdict_invalid: "Not recognised",
      risk_high: "High risk: this looks like a fake-support scam",
      risk_medium: "Medium risk: be careful",
      risk_low: "Low risk: some warning signs",
      risk_none: "No scam signs found (this does not prove it is safe)",
    },
    zh: {
      label: "这真的是官方客服吗？粘贴号码、链接、账号或消息",
      placeholder: "例如 tokenpocket-support.com",
      submit: "查询",
      checking: "正在查询…",
      empty: "请先粘贴号码、链接、账号或消息。",
      network: "无法连接 {origin} 的查询服务。",
      http: "服务返回错误（HTTP {status}）。",
      unverified: "官方渠道名单未通过验证：目前无法确认任何渠道为官方。",
      official: "{brand} 的官方渠道",
      noPhone: "{brand} 没有电话客服。任何自称其客服的号码都是假的。",
      more: "打开完整查询页",
      kind_url: "网站",
      kind_email: "邮箱",
      kind_phone: "电话",
      verdict_official: "官方渠道",
      verdict_lookalike: "假冒：模仿官方渠道",
      verdict_known_scam: "已知诈骗",
      verdict_not_official: "非官方",
      verdict_unknown: "未知：无法确认",
      verdict_invalid: "无法识别",
      risk_high: "高风险：这很像假冒客服诈骗",
      risk_medium: "中风险：请小心",
      risk_low: "低风险：有一些可疑之处",
      risk_none: "未发现诈骗迹象（不代表安全）",
    },
  };
  const ICONS = {
    official: "✓", lookalike: "!", known_scam: "✕", not_official: "✕", unknown: "?", invalid: "–",
    high: "!", medium: "!", low: "i", none: "–",
  };
  const PLATFORMS = {
    telegram: "Telegram", x: "X", discord: "Discord", whatsapp: "WhatsApp", wechat: "WeChat", qq: "QQ",
    weibo: "Weibo", instagram: "Instagram", facebook: "Facebook", youtube: "YouTube", github: "GitHub",
    tiktok: "TikTok",
  };
  const BAD = new Set(["lookalike", "known_scam", "not_official", "high"]);
  const WARN = new Set(["unknown", "medium", "low"]);
  const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

  // Sizes in em, never rem: rem follows the host page's root font size.
  const CSS = `
    :host { all: initial; display: block; contain: content; }
    .box { box-sizing: border-box; max-width: 36em; padding: 0.9em; border: 1px solid #c9ced6;
      border-radius: 10px; background: #fff; color: #1f2933; text-align: start;
      font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "PingFang SC", "Microsoft YaHei",
        "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif; overflow-wrap: anywhere; }
    *, *::before, *::after { box-sizing: border-box; }
    label { display: block; font-weight: 600; margin-bottom: 0.35em; }
    .row { display: flex; flex-wrap: wrap; gap: 0.5em; }
    input { flex: 1 1 12em; min-width: 0; font: inherit; color: inherit; background: #fff;
      border: 2px solid #7b8594; border-radius: 6px; padding: 0.45em 0.6em; }
    button { font: inherit; font-weight: 700; color: #fff; background: #1d4ed8; border: 2px solid #1d4ed8;
      border-radius: 6px; padding: 0.45em 1.2em; cursor: pointer; }
    button:hover { background: #1e3a8a; border-color: #1e3a8a; }
    :focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
    .error { margin: 0.6em 0 0; color: #8a1c14; font-weight: 600; }
    .error:empty, .result:empty { display: none; }
    .result { margin-top: 0.75em; }
    .verdict { display: flex; gap: 0.6em; align-items: flex-start; padding: 0.6em 0.7em;
      border: 2px solid #545f6e; border-radius: 8px; background: #eef0f3; }
    .icon { flex: none; display: inline-flex; align-items: center; justify-content: center;
      width: 1.8em; height: 1.8em; border-radius: 50%; color: #fff; background: #545f6e; font-weight: 800; }
    .title { margin: 0; font-weight: 800; font-size: 1.1em; }
    .bad { border-color: #b42318; background: #fdeceb; color: #8a1c14; }
    .bad .icon { background: #b42318; }
    .warn { border-color: #a14a05; background: #fff5e1; color: #7a3800; }
    .warn .icon { background: #a14a05; }
    .good { border-color: #166534; background: #e8f5ec; color: #166534; }
    .good .icon { background: #166534; }
    ul { margin: 0.5em 0 0; padding-left: 1.2em; }
    li { margin: 0.2em 0; }
    code { font-family: ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 0.95em; }
    .official { margin-top: 0.6em; padding: 0.6em 0.7em; border: 2px solid #166534; border-radius: 8px; }
    .official p { margin: 0 0 0.3em; }
    .official .head { font-weight: 700; }
    .official code { color: #166534; font-weight: 700; }
    .kind { color: #4b5563; font-size: 0.85em; }
    .no-phone { color: #8a1c14; font-weight: 700; }
    .note { color: #7a3800; font-weight: 600; }
    .more { display: inline-block; margin-top: 0.6em; color: #1d4ed8; }
  `;

  let allowlistRequest = null;

  function pickLang(asked) {
    if (asked) return asked.toLowerCase().startsWith("zh") ? "zh" : "en";
    for (const tag of navigator.languages || [navigator.language || "en"]) {
      if (tag.toLowerCase().startsWith("zh")) return "zh";
      if (tag.toLowerCase().startsWith("en")) return "en";
    }
    return "en";
  }

  function h(tag, attrs, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value !== null && value !== undefined && value !== false) element.setAttribute(name, String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child !== null && child !== undefined && child !== false) {
        element.append(child instanceof Node ? child : String(child));
      }
    }
    return element;
  }

  async function call(path, body, t, lang) {
    // Accept-Language too, for the errors said before a body is read (too large).
    const init = { headers: { Accept: "application/json", "Accept-Language": lang } };
    if (body !== undefined) {
      init.method = "POST";
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(API + path, init);
    } catch (_) {
      throw new Error(t("network", { origin: API }));
    }
    let data = null;
    try {
      data = await response.json();
    } catch (_) {
      data = null;
    }
    if (!response.ok || data === null) {
      throw new Error((data && data.error && data.error.message) || t("http", { status: response.status }));
    }
    return data;
  }

  function allowlist(t, lang) {
    if (!allowlistRequest) {
      allowlistRequest = call("/v1/allowlist", undefined, t, lang).catch((error) => {
        allowlistRequest = null;
        throw error;
      });
    }
    return allowlistRequest;
  }

  function isMessage(text) {
    if (text.includes("\n") || text.length > 120) return true;
    if (!/\s/.test(text)) return CJK.test(text) && !/[.@:/]/.test(text);
    return !/^[+\d\s().\-]+$/.test(text);
  }

  function tone(level) {
    if (level === "official") return "good";
    if (BAD.has(level)) return "bad";
    return WARN.has(level) ? "warn" : "";
  }

  function verdictBox(level, title) {
    return h(
      "div",
      { class: `verdict ${tone(level)}`, "data-verdict": level },
      h("span", { class: "icon", "aria-hidden": "true" }, ICONS[level] || "?"),
      h("p", { class: "title" }, title),
    );
  }

  function officialBox(brand, t) {
    return h(
      "div",
      { class: "official", "data-brand": brand.id },
      h("p", { class: "head" }, t("official", { brand: brand.name })),
      brand.no_phone_support ? h("p", { class: "no-phone" }, t("noPhone", { brand: brand.name })) : null,
      h(
        "ul",
        {},
        brand.channels.map((channel) =>
          h("li", {}, h("span", { class: "kind" }, channel.platform ? PLATFORMS[channel.platform] || channel.platform : t(`kind_${channel.kind}`)), " ", h("code", {}, channel.value)),
        ),
      ),
    );
  }

  function mount(host) {
    if (host.shadowRoot || host.hasAttribute("data-verifier-ready")) return;
    host.setAttribute("data-verifier-ready", "");
    const lang = pickLang(host.getAttribute("data-verifier-lang") || script.getAttribute("data-verifier-lang"));
    const brandId = host.getAttribute("data-verifier-brand") || script.getAttribute("data-verifier-brand") || "";
    const t = (key, vars) => {
      let text = STRINGS[lang][key] || STRINGS.en[key] || key;
      for (const [name, value] of Object.entries(vars || {})) text = text.split(`{${name}}`).join(String(value));
      return text;
    };

    const root = host.attachShadow({ mode: "open" });
    if ("adoptedStyleSheets" in root && typeof CSSStyleSheet === "function" && "replaceSync" in CSSStyleSheet.prototype) {
      const sheet = new CSSStyleSheet(); // not an inline <style>, so a strict host CSP still allows it
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } else {
      root.append(h("style", {}, CSS));
    }
    const input = h("input", {
      id: "value", type: "text", name: "value", autocomplete: "off", spellcheck: "false",
      autocapitalize: "off", placeholder: t("placeholder"), "aria-describedby": "error",
    });
    const button = h("button", { type: "submit" }, t("submit"));
    const error = h("p", { class: "error", id: "error", role: "alert" });
    const result = h("div", { class: "result", "aria-live": "polite" });
    const form = h(
      "form",
      { class: "box", lang: lang === "zh" ? "zh-Hans" : "en", novalidate: "" },
      h("label", { for: "value" }, t("label")),
      h("div", { class: "row" }, input, button),
      error,
      result,
      h("a", { class: "more", href: `${API}/?lang=${lang}`, target: "_blank", rel: "noopener" }, t("more")),
    );
    root.append(form);

    let sequence = 0;
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const value = input.value.trim();
      error.textContent = "";
      if (!value) {
        error.textContent = t("empty");
        input.focus();
        return;
      }
      const mine = ++sequence;
      const scan = isMessage(value);
      const body = scan ? { text: value, lang } : { value, lang };
      if (brandId) body.brand = brandId;
      button.textContent = t("checking");
      try {
        const data = await call(scan ? "/v1/scan" : "/v1/check", body, t, lang);
        if (mine !== sequence) return;
        result.replaceChildren(...(await render(data, scan)));
      } catch (failure) {
        if (mine !== sequence) return;
        result.replaceChildren();
        error.textContent = failure.message;
      } finally {
        if (mine === sequence) button.textContent = t("submit");
      }
    });

    async function render(data, scan) {
      const parts = [];
      let brandIds;
      let negative;
      let verified;
      if (scan) {
        parts.push(verdictBox(data.risk, t(`risk_${data.risk}`)));
        const lines = data.patterns.map((p) => h("li", {}, p.message));
        for (const channel of data.channels) {
          lines.push(h("li", {}, h("code", {}, channel.input), " — ", t(`verdict_${channel.verdict}`)));
        }
        if (lines.length) parts.push(h("ul", {}, lines));
        brandIds = [brandId, ...data.brands].filter(Boolean);
        negative = data.risk !== "none" || data.channels.some((c) => c.verdict !== "official");
        verified = data.channels.every((c) => c.allowlist.verified);
      } else {
        parts.push(verdictBox(data.verdict, t(`verdict_${data.verdict}`)));
        parts.push(h("ul", {}, data.reasons.map((reason) => h("li", {}, reason.message))));
        brandIds = [data.brand || brandId].filter(Boolean);
        negative = data.verdict !== "official";
        verified = data.allowlist.verified;
      }
      if (!verified) parts.push(h("p", { class: "note" }, t("unverified")));
      if (negative && brandIds.length) {
        try {
          const list = await allowlist(t, lang);
          for (const id of new Set(brandIds)) {
            const brand = list.brands.find((b) => b.id === id);
            if (brand) parts.push(officialBox(brand, t));
          }
        } catch (_) {
          // the verdict stands on its own; the official channels are a help, not a requirement
        }
      }
      return parts;
    }
  }

  function mountAll() {
    document.querySelectorAll("[data-verifier-widget]").forEach(mount);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountAll);
  else mountAll();
})();
