"""The badge detail text: everything the credential says, and nothing it can inject."""

from __future__ import annotations

from shared.verification import VerificationResult
from tests.wallet.helpers import HOLDER_KEY, NOW, make_credential
from wallet.data.cards import make_card
from wallet.i18n import Translator
from wallet.screens.detail import describe


def test_describe_shows_achievement_results_evidence_and_issuer() -> None:
    credential = make_credential(HOLDER_KEY.did)
    credential["credentialSubject"]["result"] = [{"type": ["Result"], "value": "8,5"}]
    credential["evidence"] = [
        {"type": ["Evidence"], "name": "Portfolio", "id": "https://roc.example.nl/portfolio/1"}
    ]
    credential["issuer"]["email"] = "info@roc.example.nl"
    card = make_card(credential, VerificationResult("credential"), now=NOW, local_id="abc")
    text = describe(credential, card, Translator("nl"))
    for expected in (
        "Doorzettingsvermogen",
        "Drie reflectieverslagen",
        "Persoonlijke effectiviteit (PE-2)",
        "8,5",
        "Portfolio",
        "ROC Rivierenland",
        "info@roc.example.nl",
        "Uitgegeven aan",
        HOLDER_KEY.did,
        "`abc`",
    ):
        assert expected in text, expected


def test_credential_text_cannot_inject_markdown() -> None:
    credential = make_credential(HOLDER_KEY.did)
    credential["credentialSubject"]["achievement"]["description"] = (
        "[click me](https://evil.example) <b>x</b> | # heading"
    )
    card = make_card(credential, VerificationResult("credential"), now=NOW)
    text = describe(credential, card, Translator("en"))
    assert "[click me](https://evil.example)" not in text
    assert "\\[click me\\]" in text
    assert "<b>" not in text
