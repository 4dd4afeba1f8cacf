"""What the wallet says to a learner: plain sentences in the learner's word ("badge"),
never a machine code. Codes stay where a machine reads them (``--json``) and in the
explicit "All checks" view."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shared import messages
from shared.errors import ErrorCode, InvalidInput
from tests.conftest import load_vector
from tests.wallet.helpers import HOLDER_KEY, NOW, OTHER_KEY, make_credential
from tests.wallet.test_reasons_screens import COMPLETE, received
from wallet.badge_text import describe
from wallet.cli import make_cli
from wallet.config import WalletConfig
from wallet.data.cards import make_card
from wallet.data.store import WalletStore
from wallet.i18n import CATALOGS, LANGUAGES, Translator
from wallet.receive import Checker

# Names the learner types or reads elsewhere, which say "credential" as they are: the
# offer links' scheme, a command-line option, a standard and another wallet and its button.
LITERALS = (
    "openid-credential-offer://",
    "--credential",
    "W3C Verifiable Credential",
    "Learner Credential Wallet",
    "Add credential",
)


def _learner_texts(lang: str) -> dict[str, str]:
    """Every text the wallet may show in ``lang``: its own catalogue (with the shared
    catalogue's wallet texts) and the sentences and check labels it says beside a badge."""
    catalogue = messages.catalogue(lang)
    texts = {f"wallet:{k}": v for k, v in CATALOGS[lang].items()}
    texts.update({f"codes:{k}": v for k, v in catalogue.codes.items()})
    texts.update({f"checks:{k}": v for k, v in catalogue.checks.items()})
    return texts


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_catalogue_text_says_credential_or_shows_a_code(lang: str) -> None:
    wrong = {}
    for key, text in _learner_texts(lang).items():
        plain = " ".join(text.split())  # a name may be wrapped in a read-me
        for literal in LITERALS:
            plain = plain.replace(literal, "")
        if re.search("credential", plain, re.IGNORECASE) or "(code" in plain:
            wrong[key] = text
    assert not wrong, wrong


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("code", list(ErrorCode))
def test_an_error_is_a_sentence_without_its_code(lang: str, code: ErrorCode) -> None:
    text = Translator(lang).error_text(InvalidInput("developer text", code=code))
    assert "(code" not in text
    assert not text.endswith(f"{code.value})")
    assert text.strip()


def test_the_badge_text_says_why_without_the_code() -> None:
    badge = load_vector(COMPLETE)
    checker = Checker(resolver=None, status_fetcher=None, clock=lambda: NOW)
    result = checker.verify(badge, HOLDER_KEY.did)
    card = make_card(badge, result, now=NOW, local_id="abc")
    assert card.status_code != "ok"
    for lang in LANGUAGES:
        t = Translator(lang)
        text = describe(badge, card, t)
        assert f"> {t.code_sentence(card.status_code, '')}" in text
        assert "(code" not in text
        assert card.status_code not in text


async def test_the_receive_screen_says_reasons_without_codes(
    config: WalletConfig, store: WalletStore, tmp_path: Path
) -> None:
    store.close()
    text = await received(replace(config, lang="nl"), tmp_path, load_vector(COMPLETE))
    assert text.startswith("✘ Geweigerd: ")
    assert len(text.splitlines()) > 2  # the reasons below the refusal
    assert "(code" not in text
    assert "holder_mismatch" not in text


def _cli(config: WalletConfig, *args: str, passphrase: str) -> tuple[int, str, str]:
    env = {"RUGZAK_PASSPHRASE": passphrase, "LANG": "nl_NL.UTF-8"}
    result = CliRunner().invoke(make_cli(config), list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_the_cli_tells_people_the_sentence_and_machines_the_code(
    config: WalletConfig, tmp_path: Path
) -> None:
    assert _cli(config, "init", passphrase="cli passphrase")[0] == 0
    sentence = Translator("nl").code_sentence("wrong_passphrase", "")
    code, _, err = _cli(config, "list", passphrase="wrong")
    assert code == 2
    assert err.strip() == sentence
    code, _, err = _cli(config, "list", "--json", passphrase="wrong")
    assert code == 2
    assert "wrong_passphrase" in err  # a script tells the failures apart by their code
    # a refused badge: the sentence for people, its code in the JSON
    other = tmp_path / "other.json"
    other.write_text(json.dumps(make_credential(OTHER_KEY.did)))
    code, _, err = _cli(config, "import", str(other), passphrase="cli passphrase")
    assert code == 1
    assert "(code" not in err
    assert "holder_mismatch" not in err
    code, out, _ = _cli(config, "import", str(other), "--json", passphrase="cli passphrase")
    assert json.loads(out)[0]["code"] == "holder_mismatch"
