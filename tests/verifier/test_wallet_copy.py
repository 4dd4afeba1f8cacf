"""A badge file carrying only its ecdsa-sd-2023 base proof, given to the verifier: the
form meant only for the learner's own wallet. The verifier does not check that proof,
so the badge stays not valid, but HR is not told it may be forged or damaged: the plain
state ``wallet_copy`` says how it was sent and what to ask for, in both languages, in
the API's ``plain``, the CLI and (tests/verifier/test_browser_disclosure.py) the page."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from shared.credentials import create_presentation, verify_credential, verify_presentation
from shared.messages import catalogue
from shared.showing import plain_verdict
from shared.verification import Verdict
from tests.wallet.helpers import HOLDER_KEY, NOW
from tests.wallet.sd_badges import SD_INDEX, sd_badge, sd_resolver, sd_status
from verifier.cli import app

SAID = {
    "en": "Ask the learner to show it from their wallet.",
    "nl": "Vraag de leerling hem vanuit de wallet te laten zien.",
}


def test_the_plain_state_says_it_was_sent_in_the_wallet_s_form() -> None:
    base_only = sd_badge(HOLDER_KEY.did, eddsa=False)
    for revoked in (frozenset(), frozenset({SD_INDEX})):  # its status is never looked up
        result = verify_credential(
            base_only, resolver=sd_resolver(), status_fetcher=sd_status(revoked), now=NOW
        )
        assert result.verdict == Verdict.invalid
        plain = plain_verdict(result)
        assert plain["state"] == "wallet_copy", plain
        # the state line says it, and why the status was not looked up: no reason repeats it
        assert plain["reasons"] == []
        assert plain["status"] == "unknown"

    # in a presentation (another wallet sent it so): the badge's state says the same
    vp = create_presentation([base_only], HOLDER_KEY, challenge="c", domain="https://v.example")
    result = verify_presentation(
        vp,
        challenge="c",
        domain="https://v.example",
        resolver=sd_resolver(),
        status_fetcher=sd_status(),
        now=NOW,
    )
    presented = plain_verdict(result)
    assert [b["state"] for b in presented["badges"]] == ["wallet_copy"]
    assert presented["counts"] == {"wallet_copy": 1}

    # a base proof beside a broken issuer's proof: that is not genuine, whatever else
    tampered = copy.deepcopy(sd_badge(HOLDER_KEY.did))
    tampered["credentialSubject"]["achievement"]["name"] = "Lassen, niveau 4"
    broken = verify_credential(
        tampered, resolver=sd_resolver(), status_fetcher=sd_status(), now=NOW
    )
    assert plain_verdict(broken)["state"] == "invalid"


def test_the_words_for_it_in_both_languages() -> None:
    for lang, said in SAID.items():
        words = catalogue(lang).verdicts
        assert said in words["say_wallet_copy"]
        assert words["state_wallet_copy"]
        assert words["count_wallet_copy"]
    assert "meant only for the learner's own wallet" in catalogue("en").verdicts["say_wallet_copy"]


async def test_the_api_answers_the_plain_state(client: httpx.AsyncClient) -> None:
    reply = await client.post(
        "/verify/credential", json={"credential": sd_badge(HOLDER_KEY.did, eddsa=False)}
    )
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["verdict"] == "invalid"
    assert body["plain"]["state"] == "wallet_copy"
    # this verifier's trust list does not name the issuer: that is said; the rest is not
    assert [r["code"] for r in body["plain"]["reasons"]] == ["unknown_issuer"]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_cli_says_it_in_plain_words(tmp_path: Path, lang: str) -> None:
    path = tmp_path / "badge.json"
    path.write_text(json.dumps(sd_badge(HOLDER_KEY.did, eddsa=False)), "utf-8")
    said = CliRunner().invoke(app, ["verify", "--offline", "--lang", lang, str(path)])
    assert said.exit_code == 1, said.output
    text = " ".join(said.output.split())
    assert SAID[lang] in text
    assert catalogue(lang).verdicts["say_invalid"] not in text
