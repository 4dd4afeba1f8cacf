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
  let stream = null, scanTimer = null, busy = false, pollTimer = null;
  let parts = { id: null, total: 0, texts: new Map() };

  function t(key, vars) {
    let s = (I[lang] && I[lang][key]) || I.en[key] || key;
    for (const [k, v] of Object.entries(vars || {})) s = s.replace("{" + k + "}", v);
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
  function fmtDate(s) {
    if (!s) return null;
    const d = new Date(s);
    if (isNaN(d)) return String(s);
    return d.toLocaleString(lang === "nl" ? "nl-NL" : "en-GB", { dateStyle: "medium", timeStyle: "short" });
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

  function renderInfo() {
    if (!info) return;
    const bits = [t("domain", { d: info.domain })];
    bits.push(info.trust_list ? t("trustOn", { n: info.issuers.length }) : t("trustOff"));
    if (info.offline && info.pack_created) bits.push(t("offline", { t: fmtDate(info.pack_created) }));
    $("info").textContent = bits.join(" ");
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
        renderError({ code: data.wallet_error.error, message: t("walletDeclined") }, true);
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
      $("scan-status").textContent = t("cameraDenied", { e: e.name || String(e) });
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
    if (!text) { renderError({ code: "invalid_request", message: t("nothingToCheck") }, true); return; }
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
  function reason(check) {
    if (lang === "nl") return M.nl.codes[check.code] || check.message;
    return check.message;
  }
  function checkName(check) { return M[lang].checks[check.name] || check.name; }
  function reasonsList(checks, onlyProblems) {
    const list = el("ul", { class: "reasons" });
    for (const c of checks) {
      const problem = c.code !== "ok";
      if (onlyProblems && !problem) continue;
      const mark = !problem ? "✓" : c.severity === "error" ? "✗" : "!";
      const li = el("li", { class: c.severity === "error" && !c.ok ? "bad" : "", "data-code": c.code },
        mark + " " + checkName(c) + ": " + (problem ? reason(c) : (lang === "nl" ? M.nl.codes.ok : c.message)));
      list.append(li);
    }
    return list;
  }
  function verdictLabel(display) { return el("span", { class: "badge-label" }, t(display)); }

  function credentialCard(r, index) {
    const s = r.summary || {};
    const issuer = s.issuer || {};
    const ach = s.achievement || {};
    const title = ach.name || s.name || t("credential") + " " + index;
    const card = el("article", { class: "verdict " + r.display, "data-verdict": r.display, "data-testid": "credential-verdict" });
    card.append(el("h3", {}, verdictLabel(r.display), title));
    const dl = el("dl");
    const add = (k, v) => { if (v) { dl.append(el("dt", {}, t(k)), el("dd", {}, v)); } };
    const who = issuer.trustedName || issuer.name || t("unknownIssuerName");
    add("issuedBy", who + (issuer.id ? " — " + issuer.id : ""));
    add("to", s.subject);
    add("achievement", ach.description || null);
    add("validFrom", fmtDate(s.validFrom));
    add("validUntil", fmtDate(s.validUntil));
    add("form", [s.source, s.label].filter(Boolean).join(" · "));  // e.g. VC-JWT in a PNG image
    const status = (r.checks || []).filter((c) => c.name === "status");
    if (status.length) {
      add("status", status.map((c) => c.code === "ok" && lang === "nl" ? M.nl.codes.status_ok : reason(c)).join(" "));
    }
    card.append(dl);
    const problems = (r.checks || []).filter((c) => c.code !== "ok");
    if (problems.length) card.append(el("p", {}, el("strong", {}, t("reasons"))), reasonsList(problems, true));
    const all = el("details", {}, el("summary", {}, t("allChecks")), reasonsList(r.checks || [], false));
    card.append(all);
    return card;
  }

  function renderResult(result, focus) {
    lastResult = result; lastError = null;
    const box = $("result");
    box.replaceChildren();
    if (result.kind === "presentation") {
      const head = el("div", { class: "verdict " + result.display, "data-verdict": result.display, "data-testid": "overall-verdict" },
        el("h3", {}, verdictLabel(result.display), t("overall") + ": " + t("presentation")));
      const problems = (result.checks || []).filter((c) => c.code !== "ok");
      if (problems.length) head.append(reasonsList(problems, true));
      if (result.summary && result.summary.holder) head.append(el("p", {}, t("to") + ": " + result.summary.holder));
      box.append(head);
      (result.credentials || []).forEach((c, i) => box.append(credentialCard(c, i + 1)));
    } else {
      box.append(credentialCard(result, 1));
    }
    if (focus) $("result-h").focus();
  }
  function renderError(err, focus) {
    lastError = err; lastResult = null;
    const box = $("result");
    const text = lang === "nl" ? (M.nl.codes[err.code] || err.message) : err.message;
    box.replaceChildren(el("div", { class: "error-box", role: "alert", "data-code": err.code, "data-testid": "error" },
      el("strong", {}, t("badInput") + ": "), text, el("span", { class: "muted" }, " (" + err.code + ")")));
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
    applyLang();
    try { info = await api("/info"); renderInfo(); } catch (e) { /* the page works without it */ }
    setInterval(renderRequest, 15000);
  });
})();
