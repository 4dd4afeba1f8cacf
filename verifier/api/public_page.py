"""The public page of a published presentation: server-rendered HTML, nl and en.

No JavaScript, no cookies, nothing loaded from elsewhere (badge pictures by URL
come through this verifier's ``/images``, digest-checked), no analytics: the
Content-Security-Policy allows only this page's own style block and images from
this origin or ``data:``. The layout is one column that reads at 390 px.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from html import escape
from typing import Any
from urllib.parse import urlencode

from shared import messages
from shared.showing import narrative
from shared.showing.dates import date_text
from shared.showing.reasons import badge_reasons
from shared.showing.results import result_text
from shared.showing.verdict import badge_state, status_state
from shared.verification import VerificationResult

LANGUAGES = ("nl", "en")

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "title_one": "{name}: checked",
        "title_many": "{count} badges, checked",
        "checked": "Checked just now ({time} UTC) by {origin}: the issuer's signature, the "
        "dates and the issuer's status list.",
        "owner": "Published by the badge's owner, who signed it with their own key and can "
        "withdraw this page at any time.",
        "issued_by": "Issued by",
        "learner": "Learner",
        "reached": "Reached",
        "description": "What it is",
        "criteria": "Criteria",
        "evidence": "Evidence",
        "awarded": "Awarded",
        "valid_until": "Valid until",
        "status": "Status",
        "reasons": "Why",
        "privacy": "This page sets no cookies, runs no scripts and loads nothing from elsewhere.",
        "gone_title": "Withdrawn",
        "gone": "The owner of this badge page withdrew it. The badges may still be valid: "
        "ask their owner for a new link.",
        "missing_title": "Not found",
        "missing": "There is no badge page at this address.",
        "other_lang": "Nederlands",
    },
    "nl": {
        "title_one": "{name}: gecontroleerd",
        "title_many": "{count} badges, gecontroleerd",
        "checked": "Zojuist gecontroleerd ({time} UTC) door {origin}: de handtekening van de "
        "uitgever, de data en de statuslijst van de uitgever.",
        "owner": "Gepubliceerd door de eigenaar van de badge, die hem met een eigen sleutel "
        "ondertekende en deze pagina altijd kan intrekken.",
        "issued_by": "Uitgegeven door",
        "learner": "Lerende",
        "reached": "Bereikt",
        "description": "Wat het is",
        "criteria": "Criteria",
        "evidence": "Bewijs",
        "awarded": "Toegekend",
        "valid_until": "Geldig tot",
        "status": "Status",
        "reasons": "Waarom",
        "privacy": "Deze pagina zet geen cookies, draait geen scripts en laadt niets van elders.",
        "gone_title": "Ingetrokken",
        "gone": "De eigenaar heeft deze badgepagina ingetrokken. De badges kunnen nog steeds "
        "geldig zijn: vraag de eigenaar om een nieuwe link.",
        "missing_title": "Niet gevonden",
        "missing": "Op dit adres staat geen badgepagina.",
        "other_lang": "English",
    },
}

STYLE = """
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;
background:#f4f5f7}
main{max-width:44rem;margin:0 auto;padding:1rem}
header{display:flex;justify-content:space-between;align-items:baseline;gap:1rem}
header a{color:#1f4e9c}
h1{font-size:1.35rem;margin:.5rem 0}
.card{background:#fff;border-radius:.6rem;padding:1rem;margin:1rem 0;border-left:.5rem solid #888}
.card.green{border-color:#1a7f37}.card.red{border-color:#c62828}.card.amber{border-color:#b26a00}
.head{display:flex;gap:1rem;align-items:flex-start}
.head img{width:96px;height:96px;object-fit:contain;flex:none}
.state{display:inline-block;font-weight:700;padding:.1rem .6rem;border-radius:1rem;color:#fff;
background:#888}
.green .state{background:#1a7f37}.red .state{background:#c62828}.amber .state{background:#8a5300}
h2{font-size:1.2rem;margin:.3rem 0;overflow-wrap:break-word}
dl{margin:.5rem 0;display:grid;grid-template-columns:max-content 1fr;gap:.25rem .8rem}
dt{font-weight:600;color:#444}dd{margin:0;overflow-wrap:anywhere}
ul{margin:.2rem 0;padding-left:1.2rem}
.muted{color:#555;font-size:.92rem}
footer{color:#555;font-size:.9rem;margin:1.5rem 0}
@media (max-width:30rem){dl{grid-template-columns:1fr}dt{margin-top:.4rem}
.head img{width:64px;height:64px}}
"""
STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode("utf-8")).digest()).decode("ascii")
CSP = (
    "default-src 'none'; img-src 'self' data:; "
    f"style-src 'sha256-{STYLE_HASH}'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",  # verified again on every view
}
_COLOUR = {"valid": "green", "unknown": "amber", "unknown_issuer": "amber"}


def pick_language(query: str | None, accept_language: str | None) -> str:
    """``?lang=`` first, else the browser's first nl/en preference, else Dutch."""
    if query in LANGUAGES:
        return str(query)
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return "nl"


def _page(lang: str, title: str, body: str, self_path: str) -> str:
    other = "en" if lang == "nl" else "nl"
    t = TEXTS[lang]
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body><main>"
        f'<header><span class="muted">Rugzak</span>'
        f'<a href="{escape(self_path)}?lang={other}" hreflang="{other}" lang="{other}">'
        f"{t['other_lang']}</a></header>"
        f"{body}<footer>{escape(t['privacy'])}</footer></main></body></html>"
    )


def render_view(
    result: VerificationResult, *, lang: str, origin: str, now: datetime, self_path: str
) -> str:
    """The page for a presentation just verified (``result``)."""
    t = TEXTS[lang]
    words = messages.catalogue(lang).verdicts
    codes = messages.catalogue(lang).codes
    cards = []
    names = []
    for inner in result.credentials:
        summary = inner.summary
        achievement = summary.get("achievement") or {}
        name = str(achievement.get("name") or summary.get("name") or "?")
        names.append(name)
        cards.append(_card(inner, name, lang, words, codes))
    title = (
        t["title_one"].format(name=names[0])
        if len(names) == 1
        else t["title_many"].format(count=len(names))
    )
    when = date_text(now.astimezone(UTC), lang, time=True, as_written=True)
    checked = t["checked"].format(time=when, origin=origin)
    body = (
        f"<h1>{escape(title)}</h1>"
        f'<p class="muted">{escape(checked)}</p>'
        f'<p class="muted">{escape(t["owner"])}</p>' + "".join(cards)
    )
    return _page(lang, title, body, self_path)


def _card(
    result: VerificationResult,
    name: str,
    lang: str,
    words: Mapping[str, str],
    codes: Mapping[str, str],
) -> str:
    t = TEXTS[lang]
    s = result.summary
    state = badge_state(result)
    status = status_state(result)
    rows: list[tuple[str, str]] = []
    issuer = s.get("issuer") or {}
    who = str(issuer.get("trustedName") or issuer.get("name") or "?")
    rows.append((t["issued_by"], escape(who)))
    learner = s.get("learner") or {}
    if isinstance(learner.get("name"), str):
        rows.append((t["learner"], escape(learner["name"])))
    results = [r for r in s.get("results") or [] if isinstance(r, dict)]
    lines = [escape(result_text(r, lang, lone=len(results) == 1)) for r in results]
    if len(lines) == 1:
        rows.append((t["reached"], lines[0]))
    elif lines:
        rows.append((t["reached"], "<ul>" + "".join(f"<li>{r}</li>" for r in lines) + "</ul>"))
    achievement = s.get("achievement") or {}
    if achievement.get("description"):
        rows.append((t["description"], escape(str(achievement["description"]))))
    if s.get("criteria"):
        rows.append((t["criteria"], _narrative(str(s["criteria"]))))
    evidence = [_evidence(e) for e in s.get("evidence") or [] if isinstance(e, dict)]
    if evidence:
        rows.append((t["evidence"], "<ul>" + "".join(evidence) + "</ul>"))
    awarded = s.get("awardedDate") or s.get("validFrom")
    if isinstance(awarded, str):
        rows.append((t["awarded"], escape(date_text(awarded, lang, as_written=True))))
    if isinstance(s.get("validUntil"), str):
        until = date_text(s["validUntil"], lang, as_written=True)
        rows.append((t["valid_until"], escape(until)))
    rows.append((t["status"], escape(words.get("status_" + status, status))))
    hidden = [str(h) for h in s.get("hidden") or []]
    notes = ""
    if hidden:
        parts = ", ".join(words.get("part_" + h, h) for h in hidden)
        notes += f'<p class="muted">{escape(words["hidden"].format(parts=parts))}</p>'
    # each once, without the one the state line says (as on the verifier page)
    found = badge_reasons(result.checks, state)["reasons"]
    said = (codes.get(r["code"]) or messages.sentence(r["code"]) or r["code"] for r in found)
    reasons = list(dict.fromkeys(said))
    if reasons:
        notes += (
            f"<p><strong>{escape(t['reasons'])}</strong></p><ul>"
            + "".join(f"<li>{escape(r)}</li>" for r in reasons)
            + "</ul>"
        )
    image = _image(s.get("image"))
    colour = _COLOUR.get(state, "red")
    dl = "".join(f"<dt>{escape(k)}</dt><dd>{v}</dd>" for k, v in rows)
    return (
        f'<section class="card {colour}" data-state="{state}">'
        f'<div class="head">{image}<div>'
        f'<span class="state">{escape(words.get("state_" + state, state))}</span>'
        f"<h2>{escape(name)}</h2>"
        f"<p>{escape(words.get('say_' + state, ''))}</p></div></div>"
        f"<dl>{dl}</dl>{notes}</section>"
    )


def _evidence(item: Mapping[str, Any]) -> str:
    text = escape(str(item.get("name") or item.get("id") or ""))
    url = item.get("id")
    if isinstance(url, str) and url.startswith("https://"):
        text = f'<a href="{escape(url)}" rel="nofollow noopener noreferrer">{text}</a>'
    if isinstance(item.get("narrative"), str):
        text += _narrative(item["narrative"])
    elif isinstance(item.get("description"), str):
        text += f"<p>{escape(item['description'])}</p>"
    return f"<li>{text}</li>"


def _narrative(text: str) -> str:
    """A narrative's safe Markdown (``shared.showing.narrative``) as HTML: paragraphs,
    headings as bold lines, lists and bold; every character of its text escaped."""
    out = []
    for block in narrative.blocks(text):
        items = [
            "".join(f"<strong>{escape(s.text)}</strong>" if s.bold else escape(s.text) for s in i)
            for i in block.items
        ]
        if block.kind == "heading":
            whole = "".join(span.text for span in block.items[0])
            out.append(f"<p><strong>{escape(whole)}</strong></p>")
        elif block.kind == "paragraph":
            out.append(f"<p>{items[0]}</p>")
        else:
            tag = "ul" if block.kind == "bullets" else "ol"
            out.append(f"<{tag}>" + "".join(f"<li>{i}</li>" for i in items) + f"</{tag}>")
    return "".join(out)


_SAFE_DATA = (
    "data:image/png;",
    "data:image/jpeg;",
    "data:image/gif;",
    "data:image/webp;",
    "data:image/svg+xml;",  # in an img element an SVG runs no script
)


def _image(image: Any) -> str:
    if not isinstance(image, dict) or not isinstance(image.get("id"), str):
        return ""
    url = image["id"]
    alt = escape(str(image.get("caption") or ""))
    if url.startswith(_SAFE_DATA):
        src = url
    elif url.startswith("https://"):
        query = {"url": url}
        if image.get("digestSRI"):
            query["sri"] = str(image["digestSRI"])
        if image.get("digestMultibase"):
            query["multibase"] = str(image["digestMultibase"])
        src = "/images?" + urlencode(query)  # fetched and digest-checked by the verifier
    else:
        return ""
    return f'<img src="{escape(src)}" alt="{alt}" width="96" height="96">'


def render_gone(*, lang: str, withdrawn: bool, self_path: str) -> str:
    """410 (withdrawn by its owner) or 404 (never here)."""
    t = TEXTS[lang]
    title = t["gone_title"] if withdrawn else t["missing_title"]
    text = t["gone"] if withdrawn else t["missing"]
    return _page(lang, title, f"<h1>{escape(title)}</h1><p>{escape(text)}</p>", self_path)
