"""A printable PDF certificate of one badge (fpdf2): picture, name, issuer, level,
criteria, and a QR code of the badge's public link, in English or Dutch.

The certificate itself proves nothing (paper can be edited); the QR code and the
link lead to the verifier's public page, which checks the badge again each time
it is opened. The learner's name is printed only when given, and when the badge
carries the learner's name (plain or hashed) it must match it.

Fonts: DejaVu Sans, shipped with the package (``wallet/fonts``: regular and bold,
subset to Latin, Greek and Cyrillic; licence in ``LICENSE-DejaVu.txt``), so names such
as "Çağla Yılmaz" print exactly on every system. Only if those files are missing (a
damaged install) a Unicode font found on the system is used, and failing that the PDF
core font Helvetica, for which characters outside Latin-1 are written in their
nearest Latin form (``ğ`` as ``g``) rather than refused.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fpdf import FPDF
from PIL import Image

from shared.credentials.fields import awarded_on
from shared.dates import read_datetime
from shared.errors import ErrorCode, InvalidInput
from shared.ob.identity import name_matches
from shared.qr.render import render_png
from shared.showing.badge import NAME_TYPE, badge_view
from shared.showing.dates import date_text
from shared.showing.narrative import plain_text
from shared.showing.results import result_text
from shared.vocab import as_list

_FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/truetype/liberation",
    "/System/Library/Fonts/Supplemental",
    "C:/Windows/Fonts",
)
_FONT_NAMES = (
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
    ("Arial.ttf", "Arial Bold.ttf"),
    ("arial.ttf", "arialbd.ttf"),
)
_SHIPPED = Path(__file__).parent / "fonts"
#: The fonts shipped with the package (DejaVu Sans, subset): used whenever present.
SHIPPED_FONTS = (str(_SHIPPED / "DejaVuSans.ttf"), str(_SHIPPED / "DejaVuSans-Bold.ttf"))
#: Fonts of the system, only for an install whose shipped fonts are missing.
SYSTEM_FONTS = tuple(
    (f"{folder}/{regular}", f"{folder}/{bold}")
    for folder in _FONT_DIRS
    for regular, bold in _FONT_NAMES
)

#: Where the QR code and the link begin (mm from the top of an A4 page).
CHECK_TOP = 222

TEXTS = {
    "en": {
        "awarded_to": "awarded to",
        "by": "by {issuer}",
        "on": "on {date}",
        "criteria": "Criteria",
        "check": "Check this badge",
        "check_text": "Scan the code or open the link: the page checks the badge again each "
        "time (signature, dates, and whether the issuer has revoked it). Its owner can "
        "withdraw the link.",
        "id": "Credential id: {id}",
        "title": "Certificate",
    },
    "nl": {
        "awarded_to": "toegekend aan",
        "by": "door {issuer}",
        "on": "op {date}",
        "criteria": "Criteria",
        "check": "Controleer deze badge",
        "check_text": "Scan de code of open de link: de pagina controleert de badge elke keer "
        "opnieuw (handtekening, data, en of de uitgever hem heeft ingetrokken). De "
        "eigenaar kan de link intrekken.",
        "id": "Kenmerk: {id}",
        "title": "Certificaat",
    },
}


def check_name(credential: Mapping[str, Any], name: str) -> None:
    """Refuse a learner's name that the badge's own name identifier contradicts."""
    subject = credential.get("credentialSubject")
    first = subject[0] if isinstance(subject, list) and subject else subject
    identities = [
        i
        for i in as_list(first.get("identifier") if isinstance(first, Mapping) else None)
        if isinstance(i, Mapping) and i.get("identityType") == NAME_TYPE
    ]
    if identities and not any(name_matches(i, name) for i in identities):
        raise InvalidInput(
            "This name is not the name the badge was issued to.", code=ErrorCode.invalid_request
        )


class _Certificate(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.unicode = False
        for regular, bold in (SHIPPED_FONTS, *SYSTEM_FONTS):
            if Path(regular).is_file() and Path(bold).is_file():
                self.add_font("body", "", regular)
                self.add_font("body", "B", bold)
                self.unicode = True
                break
        self.family = "body" if self.unicode else "helvetica"
        self.set_auto_page_break(auto=False)
        self.set_margins(20, 20, 20)

    def close_fonts(self) -> None:
        """fontTools keeps the font files open until collected: close them now."""
        for font in self.fonts.values():
            close = getattr(font, "close", None)  # TrueType fonts only (not core fonts)
            if close is not None:
                close()

    def text_of(self, value: str) -> str:
        """``value`` as the chosen font can write it."""
        if self.unicode:
            return value
        replaced = value.translate({0x2014: "-", 0x2013: "-", 0x2018: "'", 0x2019: "'",
                                    0x201C: '"', 0x201D: '"', 0x2026: "..."})  # fmt: skip
        out = []
        for char in replaced:
            if ord(char) < 256:
                out.append(char)
            else:
                base = unicodedata.normalize("NFKD", char).encode("latin-1", "ignore")
                out.append(base.decode("latin-1") or "?")
        return "".join(out)

    def fitted(self, value: str, *, size: float, height: float, align: str) -> None:
        """A paragraph cut to the lines that fit above the check block (ending in "…")."""
        self.set_font(self.family, "", size)
        room = int((CHECK_TOP - 6 - self.get_y()) // height)
        if room <= 0:
            return
        laid_out = self.multi_cell(
            0, height, self.text_of(value), align=align, dry_run=True, output="LINES"
        )
        lines = [str(line) for line in laid_out] if isinstance(laid_out, list) else []
        if len(lines) > room:
            lines = [*lines[: room - 1], lines[room - 1].rstrip() + self.text_of("…")]
        for line in lines:
            self.multi_cell(0, height, line, align=align, new_x="LMARGIN", new_y="NEXT")

    def centred(self, value: str, *, size: float, bold: bool = False, height: float = 0) -> None:
        self.set_font(self.family, "B" if bold else "", size)
        self.multi_cell(
            0, height or size * 0.5, self.text_of(value), align="C", new_x="LMARGIN", new_y="NEXT"
        )


def certificate_pdf(
    credential: Mapping[str, Any],
    *,
    link: str,
    image: bytes | None,
    lang: str = "en",
    learner_name: str | None = None,
) -> bytes:
    """The certificate of ``credential`` with a QR code of ``link`` (PDF bytes)."""
    if lang not in TEXTS:
        raise ValueError(f"unknown language {lang!r}")
    if not link.startswith("https://") and not link.startswith("http://"):
        raise InvalidInput("The link must be a web address.", code=ErrorCode.invalid_request)
    if learner_name:
        check_name(credential, learner_name)
    t = TEXTS[lang]
    view = badge_view(credential)
    subject = credential.get("credentialSubject")
    first = subject[0] if isinstance(subject, list) and subject else subject
    achievement = first.get("achievement") if isinstance(first, Mapping) else None
    achievement = achievement if isinstance(achievement, Mapping) else {}
    title = str(achievement.get("name") or credential.get("name") or "Open Badge")
    issuer = credential.get("issuer")
    issuer_name = str(issuer.get("name") or "") if isinstance(issuer, Mapping) else ""
    issued = read_datetime(awarded_on(credential))

    pdf = _Certificate()
    pdf.set_title(pdf.text_of(title))
    pdf.set_creator("Rugzak")
    pdf.add_page()
    pdf.set_draw_color(31, 78, 156)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 190, 277)
    pdf.set_y(22)
    pdf.set_text_color(31, 78, 156)
    pdf.centred(t["title"].upper(), size=13, bold=True)
    pdf.set_text_color(27, 27, 27)
    picture = _raster(image)
    if picture is not None:
        pdf.image(io.BytesIO(picture), x=80, y=pdf.get_y() + 4, w=50, h=50, keep_aspect_ratio=True)
        pdf.set_y(pdf.get_y() + 58)
    else:
        pdf.ln(6)
    pdf.centred(title, size=24, bold=True, height=11)
    pdf.ln(3)
    if learner_name:
        pdf.centred(t["awarded_to"], size=12)
        pdf.centred(learner_name, size=20, bold=True, height=10)
        pdf.ln(2)
    who = t["by"].format(issuer=issuer_name) if issuer_name else ""
    when = t["on"].format(date=date_text(issued, lang)) if issued else ""
    pdf.centred(" ".join(p for p in (who, when) if p), size=13)
    results = view.get("results") or []
    if results:  # "Niveau 2 van 4 — Op weg"; another tool's grades, levels and statuses
        pdf.ln(2)
    for result in results:
        text = result_text(result, lang, lone=len(results) == 1)
        pdf.centred(text, size=14 if len(results) == 1 else 12, bold=True)
    description = achievement.get("description")
    if isinstance(description, str):
        pdf.ln(4)
        pdf.fitted(description, size=11, height=5.5, align="C")
    criteria = view.get("criteria")
    if isinstance(criteria, str) and pdf.get_y() < CHECK_TOP - 20:
        pdf.ln(4)
        pdf.set_font(pdf.family, "B", 11)
        pdf.multi_cell(0, 6, pdf.text_of(t["criteria"]), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.fitted(plain_text(criteria), size=10, height=5, align="L")
    # The check block sits at the foot of the page whatever came above.
    top = CHECK_TOP
    qr = render_png(link, scale=10, border=2)
    pdf.image(io.BytesIO(qr), x=20, y=top, w=48, h=48)
    pdf.set_xy(74, top + 2)
    pdf.set_font(pdf.family, "B", 12)
    pdf.multi_cell(116, 6, pdf.text_of(t["check"]), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(74)
    pdf.set_font(pdf.family, "", 9)
    pdf.set_text_color(31, 78, 156)
    pdf.multi_cell(116, 5, pdf.text_of(link), align="L", link=link, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(27, 27, 27)
    pdf.set_x(74)
    pdf.multi_cell(116, 4.5, pdf.text_of(t["check_text"]), align="L", new_x="LMARGIN", new_y="NEXT")
    if isinstance(credential.get("id"), str):
        pdf.set_x(74)
        pdf.set_font(pdf.family, "", 8)
        pdf.multi_cell(
            116,
            4,
            pdf.text_of(t["id"].format(id=credential["id"])),
            align="L",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    try:
        return bytes(pdf.output())
    finally:
        pdf.close_fonts()


def _raster(image: bytes | None) -> bytes | None:
    """The badge picture as a PNG fpdf2 can place, or None (no picture, an SVG, damaged)."""
    if image is None:
        return None
    try:
        with Image.open(io.BytesIO(image)) as opened:
            opened.load()
            out = io.BytesIO()
            opened.convert("RGBA").save(out, format="PNG")
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    return out.getvalue()
