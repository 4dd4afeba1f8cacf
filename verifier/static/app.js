/* Rugzak verifier page: requests, camera scanning (jsQR), multi-part collection,
   paste/upload, and verdicts in English or Dutch. Untrusted text only ever goes
   through textContent. */
"use strict";
(function () {
  const I = window.RZ_I18N;
  const M = window.RZ_MESSAGES;  // the shared message catalogue (generated messages.js)
  const $ = (id) => document.getElementById(id);
  const PART = /^RZ1:([1-9][0-9]{0,2})\/([1-9][0-9]{0,2}):([A-Z2-7]{6}):/;
  let lang = (localStorage.getItem("rz-lang") || (navigator.language || "en")).startsWith("nl") ? "nl" : "en";
  let current = null;      // the open presentation request
  let lastResult = null;   // re-rendered on language change
  let lastError = null;
  let info = null;
  let record = null;       // when and how the shown result was checked, for the printed record
  let nameCheck = null;    // the name HR checked against the shown result's hashed name
  let stream = null, scanTimer = null, busy = false, pollTimer = null;
  let parts = { id: null, total: 0, texts: new Map() };

  function t(key, vars) {
    let s = (I[lang] && I[lang][key]) || I.en[key] || key;
    for (const [k, v] of Object.entries(vars || {})) s = s.replace("{" + k + "}", () => v);
    return s;
  }
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v; else node.setAttribute(k, v);
    }
    for (const c of children) if (c !== null && c !== undefined) node.append(c);
    return node;
  }
  // A criteria or evidence narrative: the same safe Markdown subset as shared.showing.narrative
  // (paragraphs, headings, bullet and numbered lists, **bold**, a link as "words (address)"),
  // everything else shown as literal text (no link, image or HTML of a stranger's badge
  // becomes markup).
  const LINK = /(?<!!)\[([^\[\]\n]+)\]\(((?:[^\s()]|\([^\s()]*\))+)\)/g;
  function spansOf(raw) {
    const text = raw.replace(LINK, (m, words, address) => words.trim() === address ? address : words.trim() + " (" + address + ")");
    const out = [];
    let at = 0;
    for (const m of text.matchAll(/\*\*(?=\S)(.+?)(?<=\S)\*\*|__(?=\S)(.+?)(?<=\S)__/g)) {
      if (m.index > at) out.push(text.slice(at, m.index));
      out.push(el("strong", {}, m[1] || m[2]));
      at = m.index + m[0].length;
    }
    if (at < text.length) out.push(text.slice(at));
    return out;
  }
  function narrativeBlocks(text) {
    const blocks = [];
    let kind = null, items = [];
    const close = () => { if (kind && items.length) blocks.push({ kind, items }); kind = null; items = []; };
    for (const raw of text.slice(0, 20000).replace(/\r\n?/g, "\n").split("\n")) {
      const line = raw.trim();
      if (!line || /^\s{0,3}([-*_=])(\s*\1){2,}\s*$/.test(raw)) { close(); continue; }
      const heading = raw.match(/^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/);
      const item = raw.match(/^\s{0,3}[-*+]\s+(.*)$/) || raw.match(/^\s{0,3}\d{1,9}[.)]\s+(.*)$/);
      if (heading) { close(); blocks.push({ kind: "heading", items: [heading[1]] }); }
      else if (item) {
        const wanted = /^\s{0,3}[-*+]\s/.test(raw) ? "bullets" : "numbered";
        if (kind !== wanted) { close(); kind = wanted; }
        items.push(item[1].trim());
      } else if ((kind === "bullets" || kind === "numbered") && /^\s/.test(raw)) items[items.length - 1] += " " + line;
      else if (kind !== "paragraph") { close(); kind = "paragraph"; items = [line]; }
      else items[0] += " " + line;
    }
    close();
    return blocks;
  }
  function narrative(text) {
    return narrativeBlocks(text).map((b) => {
      if (b.kind === "bullets" || b.kind === "numbered") {
        return el(b.kind === "bullets" ? "ul" : "ol", {}, ...b.items.map((i) => el("li", {}, ...spansOf(i))));
      }
      return el("p", {}, ...(b.kind === "heading" ? [el("strong", {}, b.items[0])] : spansOf(b.items[0])));
    });
  }
  function fmtDate(s, zone) {
    if (!s) return null;
    const d = new Date(s);
    if (isNaN(d)) return String(s);
    const when = d.toLocaleString(lang === "nl" ? "nl-NL" : "en-GB", { dateStyle: "medium", timeStyle: "short" });
    if (!zone) return when;
    // a record is read later and elsewhere: name the time zone it was checked in
    const tz = new Intl.DateTimeFormat(lang === "nl" ? "nl-NL" : "en-GB", { timeZoneName: "short" })
      .formatToParts(d).find((p) => p.type === "timeZoneName");
    return tz ? when + " " + tz.value : when;
  }

  function applyLang() {
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-i18n]").forEach((n) => { n.textContent = t(n.dataset.i18n); });
    $("lang-en").setAttribute("aria-pressed", String(lang === "en"));
    $("lang-nl").setAttribute("aria-pressed", String(lang === "nl"));
    renderInfo(); renderRequest();
    if (lastResult) renderResult(lastResult, false);
    if (lastError) renderError(lastError, false);
  }
  function setLang(l) { lang = l; localStorage.setItem("rz-lang", l); applyLang(); }

  function trustBits() {
    const bits = [info.trust_list ? t("trustOn", { n: info.issuers.length }) : t("trustOff")];
    if (info.offline && info.pack_created) bits.push(t("offline", { t: fmtDate(info.pack_created) }));
    return bits;
  }
  function renderInfo() {
    if (!info) return;
    $("info").textContent = [t("domain", { d: info.domain })].concat(trustBits()).join(" ");
    renderRecord();
  }

  /* The printed record's header (shown on paper only): what this is, when and by which
     verifier it was checked, and whether it answered this verifier's request. */
  function renderRecord() {
    const box = $("record");
    if (!lastResult || !record) { box.replaceChildren(); return; }
    const bound = (lastResult.plain || {}).binding === "bound";
    const where = (bound && record.request && record.request.domain) || (info && info.domain) || location.origin;
    const how = lastResult.kind !== "presentation" ? t("recordBare")
      : !bound ? t("recordNoRequest")
      : record.request ? t("recordRequest", { c: record.request.code }) : t("recordRequestAny");
    box.replaceChildren(
      el("h2", { class: "record-title" }, t("recordTitle")),
      el("p", { "data-testid": "record-checked" }, t("recordChecked", { t: fmtDate(record.at, true), d: where })),
      el("p", { "data-testid": "record-request" }, how));
    if (info) box.append(el("p", { "data-testid": "record-trust" }, trustBits().join(" ")));
  }

  async function api(path, options) {
    const reply = await fetch(path, options);
    let body = null;
    try { body = await reply.json(); } catch (e) { body = { code: "internal_error", message: reply.statusText }; }
    if (!reply.ok) { const err = new Error(body.message || reply.statusText); err.body = body; throw err; }
    return body;
  }

  /* ---------------------------------------------------------------- requests */
  async function newRequest() {
    try {
      current = await api("/requests", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
      renderRequest();
      $("short-code").focus();
      schedulePoll();
    } catch (e) { renderError(e.body || { code: "internal_error", message: String(e) }); }
  }

  /* OpenID4VP: the wallet posts its answer to the verifier; the page asks for the
     verdict every two seconds while the request is open (GET /requests/{code}). */
  function schedulePoll() {
    if (pollTimer) clearTimeout(pollTimer);
    pollTimer = null;
    if (!current || !current.oid4vp || current.state !== "pending") return;
    pollTimer = setTimeout(pollRequest, 2000);
  }
  async function pollRequest() {
    pollTimer = null;
    const asked = current;
    if (!asked || asked.state !== "pending") return;
    try {
      const path = "/requests/" + encodeURIComponent(asked.challenge) +
        "?transaction_id=" + encodeURIComponent(asked.oid4vp.transaction_id);
      const data = await api(path);
      if (current !== asked) return;  // a new request was started meanwhile
      asked.state = data.state;
      if (data.result) {
        renderResult(data.result, true);
      } else if (data.wallet_error) {
        renderError({ code: data.wallet_error.error, message: t("walletDeclined"), own: true }, true);
        asked.state = "used";
      }
      renderRequest();
    } catch (e) { /* a missed poll is retried */ }
    schedulePoll();
  }
  function renderRequest() {
    if (!current) return;
    $("request").hidden = false;
    $("short-code").textContent = current.short_code;
    $("short-text").textContent = current.short_text;
    const qrName = current.oid4vp ? "/oid4vp.svg" : "/qr.svg";
    $("request-qr").src = "/requests/" + encodeURIComponent(current.challenge) + qrName;
    $("request-qr").alt = t("code") + ": " + current.short_text;
    const expired = current.expires_at && new Date(current.expires_at) <= new Date();
    $("expires").textContent = current.state === "used" ? t("used") : expired ? t("expired") : t("expiresAt", { t: fmtDate(current.expires_at) });
    $("wallet-status").textContent = current.oid4vp && current.state === "pending" && !expired ? t("waitingForWallet") : "";
  }

  /* ---------------------------------------------------------------- camera */
  async function startCamera() {
    if (stream) return;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    } catch (e) {
      const why = e && e.name === "NotAllowedError" ? t("cameraRefused") : e && e.name === "NotFoundError" ? t("cameraMissing") : t("cameraBusy");
      $("scan-status").textContent = t("cameraDenied", { e: why });
      return;
    }
    const video = $("video");
    video.srcObject = stream;
    await video.play();
    $("viewer").hidden = false; $("stop-camera").hidden = false; $("camera").hidden = true;
    $("scan-status").textContent = t("cameraOn");
    scanTimer = setInterval(scanFrame, 120);
  }
  function stopCamera() {
    if (scanTimer) clearInterval(scanTimer);
    scanTimer = null;
    if (stream) stream.getTracks().forEach((tr) => tr.stop());
    stream = null;
    $("viewer").hidden = true; $("stop-camera").hidden = true; $("camera").hidden = false;
  }
  function scanFrame() {
    const video = $("video");
    if (busy || !video.videoWidth || typeof jsQR !== "function") return;
    const canvas = $("frame");
    const scale = Math.min(1, 1280 / Math.max(video.videoWidth, video.videoHeight));
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
    const image = ctx.getImageData(0, 0, canvas.width, canvas.height);
    // both polarities: a terminal may show the code light-on-dark
    const found = jsQR(image.data, image.width, image.height, { inversionAttempts: "attemptBoth" });
    if (found && found.data) addText(found.data, true);
  }

  /* Collect single or multi-part RZ1 texts; verify when complete. A VP1- code
     (VPQR: Learner Credential Wallet, VerifierPlus) is always a single code. */
  function addText(text, fromCamera) {
    if (text.startsWith("VP1-")) { resetParts(); submitTexts([text], fromCamera); return true; }
    if (!text.startsWith("RZ1:")) return false;
    const m = PART.exec(text);
    if (!m) { resetParts(); submitTexts([text], fromCamera); return true; }
    const index = Number(m[1]), total = Number(m[2]), id = m[3];
    if (parts.id !== id) parts = { id: id, total: total, texts: new Map() };
    parts.texts.set(index, text);
    $("progress-box").hidden = false;
    $("progress").max = total; $("progress").value = parts.texts.size;
    $("scan-status").textContent = t("partsProgress", { have: parts.texts.size, total: total });
    if (parts.texts.size === total) {
      const texts = [...parts.texts.values()];
      resetParts(false);
      submitTexts(texts, fromCamera);
    }
    return true;
  }
  function resetParts(hide) {
    parts = { id: null, total: 0, texts: new Map() };
    if (hide !== false) $("progress-box").hidden = true;
  }

  async function submitTexts(texts, fromCamera) {
    await verify("/verify/qr", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(Object.assign({ texts: texts }, current ? { challenge: current.challenge } : {})) });
    if (fromCamera) stopCamera();
  }

  async function verify(path, options) {
    busy = true;
    $("scan-status").textContent = t("checking");
    try {
      const result = await api(path, options);
      renderResult(result, true);
      $("scan-status").textContent = "";
      if (current && result.kind === "presentation") { current.state = "used"; renderRequest(); schedulePoll(); }
    } catch (e) {
      renderError(e.body || { code: "internal_error", message: String(e) }, true);
      $("scan-status").textContent = "";
    } finally { busy = false; }
  }

  /* ---------------------------------------------------------------- paste / upload */
  function checkText(raw) {
    const text = raw.trim();
    if (!text) { renderError({ code: "invalid_request", message: t("nothingToCheck"), own: true }, true); return; }
    if (text.startsWith("{")) {
      let doc;
      try { doc = JSON.parse(text); } catch (e) { renderError({ code: "invalid_json", message: "The text is not valid JSON." }, true); return; }
      const types = [].concat(doc.type || []);
      if (!types.includes("VerifiablePresentation") && !types.includes("VerifiableCredential")) {
        verifyAny(text);  // e.g. an Open Badges 2.0 assertion
      } else if (types.includes("VerifiablePresentation")) {
        verify("/verify/presentation", { method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify(Object.assign({ presentation: doc }, current ? { challenge: current.challenge } : {})) });
      } else {
        verify("/verify/credential", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ credential: doc }) });
      }
      return;
    }
    if (text.startsWith("VP1-")) { submitTexts([text], false); return; }
    // base45 has a space in its alphabet: one text per line, never split on spaces
    const texts = raw.split(/\r?\n/).map((s) => s.replace(/^[\t ]*(?=RZ1:)/, "")).filter((s) => s.startsWith("RZ1:"));
    if (!texts.length) { verifyAny(text); return; }  // a VC-JWT, an OB 2.0 JWS or link
    submitTexts(texts, false);
  }
  function verifyAny(text) {
    const form = new FormData();
    form.append("file", new Blob([text], { type: "text/plain" }), "badge.txt");
    if (current) form.append("challenge", current.challenge);
    return verify("/verify/any", { method: "POST", body: form });
  }
  async function upload(file) {
    if (!file) return;
    if (file.type.startsWith("image/")) {
      const form = new FormData();
      form.append("file", file);
      if (current) form.append("challenge", current.challenge);
      await verify("/verify/image", { method: "POST", body: form });
    } else {
      checkText(await file.text());
    }
  }

  /* ---------------------------------------------------------------- rendering */
  /* What HR reads first comes from result.plain (stable state words and codes,
     translated here: shared.showing); every check with its own sentence stays under
     "All checks". */
  function sentence(code) { return M[lang].codes[code] || M.en.codes[code] || code; }
  function checkSentence(check) {
    if (check.code === "ok") return lang === "nl" ? M.nl.codes.ok : check.message;
    return lang === "nl" ? M.nl.codes[check.code] || check.message : check.message;
  }
  function checkLabel(name) { return M[lang].checks[name] || name; }
  function v(key) { return M[lang].verdicts[key] || M.en.verdicts[key] || key; }
  // What another tool's badge was read from, in the page's words: the same as
  // shared.showing.form_text (a VC-JWT in a PNG image, OB 2.0 checked at its site).
  const WRAPPED = { png: "form_in_png", svg: "form_in_svg", rz1: "form_from_rz1", vp1: "form_from_vp1" };
  function formText(form) {
    if (!form || typeof form !== "object") return "";
    const parts = [];
    const fmt = form.format, wrapper = form.wrapper;
    if (WRAPPED[wrapper] || (fmt && fmt !== "credential" && fmt !== "presentation")) {
      const what = v("form_" + fmt);
      parts.push(WRAPPED[wrapper] ? v(WRAPPED[wrapper]).replace("{what}", what) : what);
    }
    if (form.ob2 === "hosted") parts.push(v("form_ob2_hosted").replace("{date}", form.checked ? fmtDate(form.checked) : ""));
    else if (form.ob2 === "signed") parts.push(v("form_ob2_signed").replace("{alg}", form.alg || ""));
    return parts.join(" · ");
  }
  // every check as the verification wrote it (in Dutch: the catalogue's sentence)
  function checksList(checks) {
    const list = el("ul", { class: "reasons" });
    for (const c of checks) {
      const mark = c.code === "ok" ? "✓" : c.severity === "error" ? "✗" : c.severity === "info" ? "i" : "!";
      list.append(el("li", { class: c.severity === "error" && !c.ok ? "bad" : "", "data-code": c.code },
        mark + " " + checkLabel(c.name) + ": " + checkSentence(c)));
    }
    return list;
  }
  // the reasons of plain (each once, errors first, not what the state line says)
  function reasonsList(reasons) {
    const list = el("ul", { class: "reasons" });
    for (const r of reasons) {
      const bad = r.severity === "error";
      list.append(el("li", { class: bad ? "bad" : "", "data-code": r.code },
        (bad ? "✗" : "!") + " " + checkLabel(r.check) + ": " + sentence(r.code)));
    }
    return list;
  }
  function notes(found) {
    // schema findings and other information: one plain line each, never red
    const seen = new Set();
    const list = el("ul", { class: "notes" });
    for (const n of found || []) {
      // schema findings are one line for HR; a badge of a kind not asked for says so
      const text = n.code === "not_requested" ? sentence(n.code) : v("schema_note");
      if (seen.has(text)) continue;
      seen.add(text);
      list.append(el("li", { "data-code": n.code }, text));
    }
    return seen.size ? list : null;
  }
  function label(text) { return el("span", { class: "badge-label" }, text); }

  const SAFE_DATA = /^data:image\/(png|jpeg|gif|webp|svg\+xml)[;,]/;
  function imageNode(image, alt, cls) {
    if (!image || typeof image.id !== "string") return null;
    let src = null;
    if (SAFE_DATA.test(image.id)) src = image.id;
    else if (/^https?:\/\//.test(image.id)) {
      const q = new URLSearchParams({ url: image.id });
      if (image.digestSRI) q.set("sri", image.digestSRI);
      if (image.digestMultibase) q.set("multibase", image.digestMultibase);
      src = "/images?" + q.toString();  // fetched by the verifier, never by this browser
    }
    if (!src) return null;
    const img = el("img", { class: cls, src: src, alt: alt || "", decoding: "async" });
    // a picture that cannot be fetched (offline, moved) is left out, not shown as a "?"
    img.addEventListener("error", () => img.remove());
    return img;
  }
  function safeLink(url, text) {
    if (typeof url === "string" && /^https:\/\//.test(url)) {
      // "named": its text is not the URL, so paper prints the URL after it
      return el("a", { href: url, class: text && text !== url ? "wrap named" : "wrap", rel: "noopener noreferrer nofollow", target: "_blank" }, text || url);
    }
    return el("span", { class: "wrap" }, text || String(url || ""));
  }
  function levelLine(level) {
    return t("levelOf", { n: level.number, of: level.of });  // a skill level: its place is known
  }
  function stateLabel(state, bare) { return bare && state === "valid" ? t("genuine") : v("state_" + state); }

  /* Who endorses, what they wrote, and whether their own signature and dates held. */
  function endorsementList(endorsements) {
    const list = el("ul", { class: "endorsements", "data-testid": "endorsements" });
    for (const e of endorsements) {
      const who = e.trustedName || e.endorser || t("unknownIssuerName");
      const li = el("li", { "data-state": e.state }, el("strong", {}, who));
      if (e.comment) li.append(": “" + e.comment + "”");
      li.append(el("span", { class: ["valid", "unknown", "unknown_issuer"].includes(e.state) ? "muted" : "bad" }, " (" + (e.state === "valid" ? t("endorsementChecked") : v("count_" + e.state)) + ")"));
      list.append(li);
    }
    return list;
  }

  function credentialCard(r, index, plainBadge, bare) {
    const s = r.summary || {};
    const issuer = s.issuer || {};
    const ach = s.achievement || {};
    const state = (plainBadge && plainBadge.state) || ({ green: "valid", amber: "unknown", red: "invalid" })[r.display];
    const status = plainBadge && plainBadge.status;
    const list = s.statusList;  // an issuer's status list, uploaded on its own: no badge
    const title = list ? v("list_title") : ach.name || s.name || t("credential") + " " + index;
    const card = el("article", { class: "verdict " + r.display, "data-verdict": r.display, "data-state": state, "data-testid": "credential-verdict" });
    const head = el("div", { class: "card-head" });
    const pic = imageNode(s.image, s.image && s.image.caption ? s.image.caption : "", "badge-img");
    if (pic) head.append(pic);
    head.append(el("h3", {}, label(stateLabel(state, bare)), el("span", { class: "title" }, title)));
    card.append(head);
    // a list's words as shared.showing.verdict.list_text picks them (the CLI's too)
    const say = !list ? v("say_" + state) : v(M.en.verdicts["list_say_" + list.purpose] ? "list_say_" + list.purpose : "list_say");
    card.append(el("p", { class: "state-line", "data-testid": "state-line" }, say));
    const dl = el("dl");
    const add = (k, v, cls) => { if (v) { dl.append(el("dt", {}, t(k)), el("dd", cls ? { class: cls } : {}, v)); } };
    let who = issuer.name || t("unknownIssuerName");
    if (issuer.trustedName && issuer.trustedName !== issuer.name) who += " (" + t("onList", { n: issuer.trustedName }) + ")";
    else if (issuer.trustedName) who += " (" + t("onListSame") + ")";
    add("issuedBy", who);
    // a skill level (Rugzak's) says more than its skill's description: shown instead
    if (!s.level) add("achievement", ach.description || null);
    // every result as the API words it (shared.showing.results), a level's behaviours below
    const results = s.results || [];
    if (results.length) {
      const box = el("div", { class: "level", "data-testid": "level" });
      for (const r of results) {
        const said = (r.text && (r.text[lang] || r.text.en)) || "";
        box.append(el("strong", { class: "result", "data-testid": "result" }, said));
        const level = r.level || {};
        if (level.description) box.append(el("p", {}, level.description));
        if (level.behaviours && level.behaviours.length) {
          box.append(el("p", { class: "muted" }, t("behaviours")));
          box.append(el("ul", { class: "behaviours" }, ...level.behaviours.map((b) => el("li", {}, b))));
        }
      }
      add("level", box);
    }
    if (s.evidence && s.evidence.length) {
      const list = el("ul", { class: "evidence", "data-testid": "evidence" });
      for (const e of s.evidence) {
        const li = el("li");
        if (e.id) li.append(safeLink(e.id, e.name || null));
        else if (e.name) li.append(el("strong", {}, e.name));
        if (e.narrative) li.append(...narrative(e.narrative));  // Markdown, as the criteria
        else if (e.description) li.append(el("p", {}, e.description));
        if (e.digestMultibase || e.digestSRI) li.append(el("p", { class: "muted" }, t("fileByDigest")));
        list.append(li);
      }
      add("evidence", list);
    }
    // embedded in the badge (summary) and presented beside it (plain verdict)
    const endorsements = (s.endorsements || []).concat((plainBadge && plainBadge.endorsements) || []);
    if (endorsements.length) add("endorsedBy", endorsementList(endorsements));
    add(list ? "validFrom" : "awarded", fmtDate(s.awardedDate || s.validFrom));
    if (s.validUntil) add("validUntil", fmtDate(s.validUntil));
    // a list the learner stapled to the presentation: say which list decided
    const stapled = plainBadge && plainBadge.status_checked_at ? v("status_stapled").replace("{time}", fmtDate(plainBadge.status_checked_at)) : "";
    if (list) { /* a list has no status of its own */ }
    else if (status && state !== "revoked" && state !== "suspended") add("status", [v("status_" + status), stapled].filter(Boolean).join(" "));
    else if (stapled) add("status", stapled);
    if (plainBadge && plainBadge.holder_linked) card.append(el("p", { class: "muted", "data-testid": "holder-linked" }, v("holder_linked")));
    add("form", formText(s.form) || [s.source, s.label].filter(Boolean).join(" · "));
    card.append(dl);
    if (s.hidden && s.hidden.length) {
      const parts = s.hidden.map((h) => v("part_" + h)).join(", ");
      card.append(el("p", { class: "muted", "data-testid": "hidden-parts" }, v("hidden").replace("{parts}", parts)));
    }
    if (s.criteria) {
      const crit = el("details", { class: "criteria" }, el("summary", {}, t("criteria")));
      crit.append(...narrative(s.criteria));
      card.append(crit);
    }
    const extra = notes(plainBadge && plainBadge.notes);
    if (extra) card.append(extra);
    const reasons = (plainBadge && plainBadge.reasons) || [];
    if (reasons.length) card.append(el("p", {}, el("strong", {}, t("reasons"))), reasonsList(reasons));
    const all = el("details", { class: "all-checks" }, el("summary", {}, t("allChecks")));
    const ids = [issuer.id && t("issuerId") + ": " + issuer.id, s.learner && s.learner.did && learnerIdLine(s.learner.did), s.id && t("badgeId") + ": " + s.id].filter(Boolean);
    ids.forEach((line) => all.append(el("p", { class: "wrap muted" }, line)));
    all.append(checksList(r.checks || []));
    card.append(all);
    return card;
  }

  /* A learner's id by what it is: a key (DID), or simply an id (a web address, a urn:uuid). */
  function learnerIdLine(id) { return t(/^did:/.test(id) ? "learnerDid" : "learnerId") + ": " + id; }

  /* The learner: a plain name is shown; hashed names get a box to type a name in. */
  function learnerBox(summaries) {
    const names = [...new Set(summaries.map((s) => s.learner && s.learner.name).filter(Boolean))];
    const hashed = summaries.map((s) => s.learner && s.learner.nameHash).filter(Boolean);
    const dids = [...new Set(summaries.map((s) => (s.learner && s.learner.did) || (!s.statusList && s.subject)).filter(Boolean))];
    const box = el("div", { class: "learner", "data-testid": "learner" });
    box.append(el("h3", {}, t("learner")));
    if (names.length) box.append(el("p", { class: "name", "data-testid": "learner-name" }, names.join(" / ")));
    if (hashed.length) {
      const id = "name-check-" + Math.random().toString(36).slice(2, 8);
      const input = el("input", { id: id, type: "text", autocomplete: "off", spellcheck: "false", "data-testid": "name-input" });
      const button = el("button", { type: "button", "data-testid": "name-button" }, t("checkName"));
      const out = el("p", { role: "status", "aria-live": "polite", "data-testid": "name-result" });
      // On paper: the name HR typed, but only when a badge confirmed it. A name that
      // matched nothing may be a typo or someone else's name; printed beside these
      // badges it would read as theirs in the hiring file, so paper only says that it
      // did not match.
      const given = el("p", { class: "print-only", "data-testid": "name-given" });
      const show = () => {
        given.textContent = !nameCheck ? t("nameNotChecked") : nameCheck.hits ? t("nameGiven", { n: nameCheck.typed }) : "";
        given.hidden = !given.textContent;
        if (!nameCheck) return;
        if (nameCheck.failed) { out.textContent = t("nameCheckFailed"); return; }
        const { hits, total } = nameCheck;
        out.className = hits === total ? "match" : "no-match";
        out.dataset.match = String(hits === total);
        out.textContent = hits === total ? t(total > 1 ? "nameMatchesAll" : "nameMatches", { n: total })
          : hits ? t("nameMatchesSome", { k: hits, n: total }) : t("nameNoMatch");
      };
      const run = async () => {
        const typed = input.value.trim().replace(/\s+/g, " ");
        if (!typed) { out.textContent = t("typeName"); return; }
        const shown = lastResult;
        let answer;
        try {
          const answers = await Promise.all(hashed.map((h) => api("/names/check", { method: "POST", headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ name: typed, identityHash: h.identityHash, salt: h.salt || "", hashed: true }) })));
          answer = { typed: typed, hits: answers.filter((a) => a.match).length, total: hashed.length };
        } catch (e) { answer = { typed: typed, failed: true, hits: 0 }; }
        if (lastResult !== shown) return;  // another result came meanwhile
        nameCheck = answer;
        show();
      };
      button.addEventListener("click", run);
      input.addEventListener("keydown", (ev) => { if (ev.key === "Enter") run(); });
      if (nameCheck) input.value = nameCheck.typed;  // the same check, in the other language
      show();
      box.append(el("p", { class: "muted no-print" }, t("nameHashed")),
        el("div", { class: "row no-print" }, el("label", { for: id }, t("nameLabel")), input, button), given, out);
    }
    if (!names.length && !hashed.length) box.append(el("p", { "data-testid": "no-name" }, t("noName")));
    if (dids.length) {
      const d = el("details", {}, el("summary", {}, t("details")));
      dids.forEach((x) => d.append(el("p", { class: "wrap muted" }, learnerIdLine(x))));
      box.append(d);
    }
    return box;
  }

  function headlineText(plain) {
    const order = ["valid", "revoked", "suspended", "expired", "not_yet_valid", "someone_else", "invalid", "unknown", "unknown_issuer", "wallet_copy"];
    const counts = plain.counts || {};
    const bits = order.filter((k) => counts[k]).map((k) => counts[k] + " " + v("count_" + k));
    return t(plain.total === 1 ? "checkedOne" : "checkedMany", { n: plain.total }) + ": " + bits.join(", ");
  }
  function headlineTone(result) {
    const plain = result.plain || {};
    if (plain.binding && plain.binding !== "bound" && plain.binding !== "bare") return plain.binding === "unbound" ? "amber" : "red";
    const counts = plain.counts || {};
    const total = plain.total || 0;
    if (counts.valid === total) return "green";
    if (!counts.valid) return result.display;
    return "mixed";
  }
  function skillsBox(skills) {
    const box = el("div", { class: "skills", "data-testid": "skills" });
    box.append(el("h3", {}, t("skills")));
    const list = el("ul");
    for (const sk of skills) {
      const dots = sk.of ? "●".repeat(sk.number || 0) + "○".repeat(Math.max(0, sk.of - (sk.number || 0))) : "";
      const level = levelLine(sk) + (sk.state !== "valid" ? " (" + v("count_" + sk.state) + ")" : "");
      list.append(el("li", { "data-state": sk.state },
        el("span", { class: "skill" }, sk.skill),
        el("span", { class: "dots", "aria-hidden": "true" }, dots),
        el("span", { class: "level-of" }, level)));
    }
    box.append(list);
    return box;
  }

  function renderResult(result, focus) {
    if (result !== lastResult) {  // a new check, not the same one in the other language
      const answered = current && result.kind === "presentation" ? { code: current.short_code, domain: current.domain } : null;
      record = { at: new Date().toISOString(), request: answered };
      nameCheck = null;
    }
    lastResult = result; lastError = null;
    const box = $("result");
    box.replaceChildren();
    const plain = result.plain || {};
    if (result.kind === "presentation") {
      const tone = headlineTone(result);
      const head = el("div", { class: "headline " + tone, "data-verdict": result.display, "data-tone": tone, "data-binding": plain.binding || "", "data-testid": "overall-verdict" });
      head.append(el("h3", { "data-testid": "headline" }, headlineText(plain)));
      head.append(el("p", { class: "binding", "data-testid": "binding" }, v("bind_" + (plain.binding || "bound"))));
      box.append(head);
      const shown = plain.badges || [];
      // presented endorsements are no badges: they are shown on the badge they endorse
      const isBadge = (i) => !(shown[i] && shown[i].endorsement);
      const summaries = (result.credentials || []).filter((c, i) => isBadge(i)).map((c) => c.summary || {});
      box.append(learnerBox(summaries));
      if (plain.skills && plain.skills.length) box.append(skillsBox(plain.skills));
      const copy = plain.binding && plain.binding !== "bound";  // genuine badges, but not shown by their owner for this request
      let n = 0;
      (result.credentials || []).forEach((c, i) => { if (isBadge(i)) box.append(credentialCard(c, ++n, shown[i], copy)); });
      const unrelated = (plain.unrelatedEndorsements || []).map((i) => Object.assign({}, ((result.credentials[i] || {}).summary || {}).endorsement, { state: (shown[i] || {}).state }));
      if (unrelated.length) {
        const other = el("div", { class: "unrelated", "data-testid": "unrelated-endorsements" }, el("h3", {}, t("unrelatedEndorsements")));
        other.append(el("p", { class: "muted" }, sentence("endorsement_unrelated")), endorsementList(unrelated));
        box.append(other);
      }
      const problems = (result.checks || []).filter((c) => c.code !== "ok" && c.severity !== "info");
      const all = el("details", { class: "all-checks" }, el("summary", {}, t("allChecksPresentation")), checksList(result.checks || []));
      if (problems.length) all.open = false;
      box.append(all);
    } else {
      const summary = result.summary || {};
      const bare = plain.binding === "bare";
      if (bare && !summary.statusList) {  // a status list is no badge: its card says what it is
        const tone = plain.state === "valid" ? "amber" : result.display;
        const said = t("checkedOne", { n: 1 }) + ": " + v("count_" + plain.state) + ", " + t("notByOwner");
        box.append(el("div", { class: "headline " + tone, "data-testid": "overall-verdict", "data-binding": "bare", "data-tone": tone, "data-verdict": result.display },
          el("h3", { "data-testid": "headline" }, said), el("p", { class: "binding", "data-testid": "binding" }, v("bind_bare"))));
      }
      if (summary.learner) box.append(learnerBox([summary]));
      box.append(credentialCard(result, 1, plain, bare));
    }
    renderRecord();
    $("result-actions").hidden = false;
    if (focus) $("result-h").focus();
  }
  function renderError(err, focus) {
    lastError = err; lastResult = null; record = null; nameCheck = null;
    renderRecord();
    $("result-actions").hidden = true;
    const box = $("result");
    // the page's own sentence, else the catalogue's plain words (never an exception name)
    const text = err.own ? err.message : M[lang].codes[err.code] || M.en.codes[err.code] || err.message;
    box.replaceChildren(el("div", { class: "error-box", role: "alert", "data-code": err.code, "data-testid": "error" },
      el("strong", {}, t("badInput") + ": "), text));
    if (focus) $("result-h").focus();
  }

  /* ---------------------------------------------------------------- wiring */
  document.addEventListener("DOMContentLoaded", async () => {
    $("lang-en").addEventListener("click", () => setLang("en"));
    $("lang-nl").addEventListener("click", () => setLang("nl"));
    $("new-request").addEventListener("click", newRequest);
    $("camera").addEventListener("click", startCamera);
    $("stop-camera").addEventListener("click", stopCamera);
    $("check-paste").addEventListener("click", () => checkText($("paste").value));
    $("upload").addEventListener("change", (ev) => { upload(ev.target.files[0]); ev.target.value = ""; });
    $("print").addEventListener("click", () => window.print());
    // on paper every fold of the result is open (the stylesheet opens them too where
    // the browser allows); the screen gets its folds back after printing
    let opened = [];
    window.addEventListener("beforeprint", () => {
      opened = [...document.querySelectorAll("#result details:not([open])")];
      opened.forEach((d) => { d.open = true; });
    });
    window.addEventListener("afterprint", () => { opened.forEach((d) => { d.open = false; }); opened = []; });
    applyLang();
    try { info = await api("/info"); renderInfo(); } catch (e) { /* the page works without it */ }
    setInterval(renderRequest, 15000);
  });
})();
