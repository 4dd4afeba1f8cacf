"""The printable certificate: a PDF with the badge's name, issuer, level, criteria and a
QR code of its public link; a learner's name must match the badge's own."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from shared.errors import InvalidInput
from shared.ob.identity import hash_name
from tests.factories import level_badge
from tests.wallet.helpers import HOLDER_KEY, ISSUER_KEY
from tests.wallet.sd_badges import sd_badge
from wallet import certificate
from wallet.badge_images import badge_image
from wallet.certificate import _Certificate, certificate_pdf, check_name

LINK = "https://badges.werkgever.example/p/Xk3v9QmT1xW8pR2sL6nB4a"


def test_a_certificate_has_the_badge_and_a_qr_code_of_its_link(tmp_path: Path) -> None:
    badge = level_badge(HOLDER_KEY.did, ISSUER_KEY, language="nl")
    pdf = certificate_pdf(badge, link=LINK, image=None, lang="nl")
    assert pdf.startswith(b"%PDF-")
    assert b"/URI (" + LINK.encode() + b")" in pdf  # the link is clickable
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is needed to read the printed page back")
    (tmp_path / "c.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "100", "-png", "-singlefile", "c.pdf", "page"],
        cwd=tmp_path,
        check=True,
        timeout=60,
    )
    with Image.open(tmp_path / "page.png") as page:
        codes = [r.text for r in zxingcpp.read_barcodes(page)]
    assert codes == [LINK]
    words = subprocess.run(
        ["pdftotext", "c.pdf", "-"], cwd=tmp_path, check=True, capture_output=True, text=True
    ).stdout
    for wanted in ("CERTIFICAAT", "Doorzettingsvermogen", "Leerhuis Utrecht", "Niveau 2 van 4",
                   "Criteria", "Controleer deze badge"):  # fmt: skip
        assert wanted in words, words


def test_the_learners_name_must_be_the_badges_own() -> None:
    badge = sd_badge(HOLDER_KEY.did)
    badge["credentialSubject"]["identifier"] = [
        {
            "type": "IdentityObject",
            "identityType": "name",
            "hashed": True,
            "identityHash": hash_name("Fleur van der Berg-Özdemir", "c41b"),
            "salt": "c41b",
        }
    ]
    check_name(badge, "  fleur VAN DER berg-özdemir ")
    with pytest.raises(InvalidInput):
        check_name(badge, "Fleur de Vries")
    with pytest.raises(InvalidInput):
        certificate_pdf(badge, link=LINK, image=None, learner_name="Fleur de Vries")


def test_without_a_unicode_font_text_is_written_in_latin_form() -> None:
    pdf = _Certificate()
    pdf.close_fonts()
    pdf.unicode = False
    assert pdf.text_of("Ağaoğlu — ‘goed’") == "Agaoglu - 'goed'"
    assert pdf.text_of("Fleur van der Berg-Özdemir") == "Fleur van der Berg-Özdemir"


def test_the_badge_picture_is_placed_and_an_svg_is_left_out() -> None:
    badge = sd_badge(HOLDER_KEY.did)
    picture = badge_image(badge, _NoStore(), None)
    assert picture is not None
    with_picture = certificate_pdf(badge, link=LINK, image=picture, lang="en")
    without = certificate_pdf(badge, link=LINK, image=b"<svg xmlns='x'/>", lang="en")
    assert len(with_picture) > len(without) + 10_000


class _NoStore:
    def image(self, url: str) -> None:
        return None


NAMES = ("Fleur van der Berg-Özdemir", "Çağla Yılmaz")


@pytest.mark.parametrize("name", NAMES)
def test_names_print_exactly_with_the_shipped_font_on_a_system_without_fonts(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No system font (a bare server or Windows without DejaVu): the font shipped
    with the package writes every letter as it is, never "Cagla Yilmaz"."""
    monkeypatch.setattr(certificate, "SYSTEM_FONTS", ())
    badge = level_badge(HOLDER_KEY.did, ISSUER_KEY, language="nl")
    pdf = certificate_pdf(badge, link=LINK, image=None, lang="nl", learner_name=name)
    assert b"DejaVuSans" in pdf  # the shipped font is embedded (subset)
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is needed to read the printed text back")
    (tmp_path / "c.pdf").write_bytes(pdf)
    words = subprocess.run(
        ["pdftotext", "c.pdf", "-"], cwd=tmp_path, check=True, capture_output=True, text=True
    ).stdout
    assert name in words, words


def test_the_shipped_font_and_its_licence_are_in_the_package() -> None:
    from fontTools.ttLib import TTFont

    folder = Path(certificate.__file__).parent / "fonts"
    assert "Bitstream Vera Fonts Copyright" in (folder / "LICENSE-DejaVu.txt").read_text()
    letters = {ord(c) for c in "".join(NAMES) + "ŁłŚśŽžĳŐőẞ€–—‘’“”…" if not c.isspace()}
    for path in certificate.SHIPPED_FONTS:
        with TTFont(path) as font:
            assert letters <= set(font.getBestCmap()), path


def test_another_tools_results_and_criteria_are_printed_for_people(tmp_path: Path) -> None:
    """1EdTech's sample on paper: its three results in plain words (no "Level ? of 2"),
    its criteria's Markdown heading not printed as "# ..."."""
    from tests.conftest import load_vector

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is needed to read the printed page back")
    badge = load_vector("ob3/1edtech-validator/complete_v1.json")
    (tmp_path / "c.pdf").write_bytes(certificate_pdf(badge, link=LINK, image=None, lang="en"))
    words = subprocess.run(
        ["pdftotext", "c.pdf", "-"], cwd=tmp_path, check=True, capture_output=True, text=True
    ).stdout
    lines = [line.strip() for line in words.splitlines()]
    for wanted in (
        "Final Project Grade: A (scale D to A)",
        "Final Project Grade: Mastery (level: Mastered; points: 4)",
        "Final Project Grade: completed",
        "Degree Requirements",
        "by 1EdTech University on 1 January 2010",  # its VCDM 1.1 issuanceDate
    ):
        assert wanted in lines, words
    assert "?" not in words
    assert "#" not in words
