"""Learner key rotation: a new DID, old badges presented with a link from the old key."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from shared.credentials import create_presentation, issue_credential, verify_presentation
from shared.holder_link import link_statement
from shared.keys import SigningKey
from shared.presentation_request import PresentationRequest
from shared.proof import create_proof
from shared.showing import plain_verdict
from shared.status_cache import LocalStatusSource
from shared.status_staple import holder_links, staple, unstaple
from tests.wallet.helpers import NOW, OTHER_KEY, make_credential
from wallet.cli import make_cli
from wallet.config import WalletConfig

ENV = {"RUGZAK_PASSPHRASE": "Fleur van der Berg-Özdemir", "LANG": "en_GB.UTF-8"}
REQUEST = PresentationRequest.create(
    "https://verify.example.nl", now=NOW, token_bytes=lambda n: b"\x44" * n
)


def run(config: WalletConfig, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(make_cli(config), list(args), env=ENV)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def rotated(config: WalletConfig, tmp_path: Path) -> tuple[WalletConfig, str, str, str]:
    """A wallet with a badge to its first DID, then a key rotation: (config, old, new, id)."""
    assert run(config, "init")[0] == 0
    old = run(config, "did")[1].strip()
    badge = tmp_path / "badge.json"
    badge.write_text(json.dumps(make_credential(old, status_index=7)), "utf-8")
    assert run(config, "import", str(badge))[0] == 0
    badge_id = json.loads(run(config, "list", "--json")[1])[0]["id"]
    code, out, err = run(config, "rotate-key")
    assert code == 0, err
    new = out.strip()
    assert new.startswith("did:key:z6Mk")
    assert new != old
    assert "can still be presented" in err
    return config, old, new, badge_id


def present(config: WalletConfig, badge_id: str, tmp_path: Path) -> dict[str, Any]:
    out = tmp_path / "vp.json"
    code, _, err = run(
        config, "present", "-r", REQUEST.to_text(), "-c", badge_id, "--out", str(out)
    )
    assert code == 0, err
    document: dict[str, Any] = json.loads(out.read_text())
    return document


def check(document: dict[str, Any], local_status: LocalStatusSource) -> Any:
    return verify_presentation(
        document,
        challenge=REQUEST.challenge,
        domain=REQUEST.domain,
        now=NOW,
        status_fetcher=local_status,
    )


def holder_check(result: Any) -> Any:
    (found,) = [c for c in result.credentials[0].checks if c.name == "holder"]
    return found


def test_an_old_badge_is_presented_by_the_same_learner_under_a_new_key(
    rotated: tuple[WalletConfig, str, str, str], tmp_path: Path, local_status: LocalStatusSource
) -> None:
    config, old, new, badge_id = rotated
    cards = json.loads(run(config, "list", "--json")[1])
    assert cards[0]["status"] == "valid"
    assert run(config, "refresh")[0] == 0  # its holder check accepts the earlier DID
    assert json.loads(run(config, "list", "--json")[1])[0]["status"] == "valid"

    document = present(config, badge_id, tmp_path)
    vp, _ = unstaple(document)
    assert vp["holder"] == new
    assert [link["credentialSubject"] for link in holder_links(document)] == [
        {"id": old, "alsoKnownAs": new}
    ]
    result = check(document, local_status)
    assert result.verdict == "valid", result.codes()
    found = holder_check(result)
    assert found.detail["linkedFrom"] == old
    assert "same learner under a new key" in found.message
    plain = plain_verdict(result)
    assert plain["binding"] == "bound"
    assert plain["badges"][0]["holder_linked"] is True

    # without the link a verifier sees someone else's badge: the honest limit
    bare = check(vp, local_status)
    assert holder_check(bare).code == "holder_mismatch"


def test_a_link_signed_by_another_key_is_not_followed(
    rotated: tuple[WalletConfig, str, str, str], tmp_path: Path, local_status: LocalStatusSource
) -> None:
    config, old, new, badge_id = rotated
    document = present(config, badge_id, tmp_path)
    vp, _ = unstaple(document)
    forged = link_statement(OTHER_KEY, new, now=NOW)
    forged["issuer"] = old
    forged["credentialSubject"]["id"] = old
    signed = create_proof(forged, OTHER_KEY, created=NOW)  # someone else's key
    assert holder_check(check(staple(vp, [], [signed]), local_status)).code == "holder_mismatch"
    tampered = copy.deepcopy(holder_links(document)[0])
    tampered["credentialSubject"]["alsoKnownAs"] = OTHER_KEY.did
    assert holder_check(check(staple(vp, [], [tampered]), local_status)).code == "holder_mismatch"


def test_a_second_rotation_links_back_through_the_chain(
    rotated: tuple[WalletConfig, str, str, str], tmp_path: Path, local_status: LocalStatusSource
) -> None:
    config, first, _, badge_id = rotated
    code, out, _ = run(config, "rotate-key")
    assert code == 0
    third = out.strip()
    document = present(config, badge_id, tmp_path)
    assert len(holder_links(document)) == 2
    result = check(document, local_status)
    assert result.verdict == "valid", result.codes()
    assert holder_check(result).detail["linkedFrom"] == first
    assert unstaple(document)[0]["holder"] == third


def test_the_earlier_keys_survive_a_backup_and_restore(
    rotated: tuple[WalletConfig, str, str, str], tmp_path: Path, local_status: LocalStatusSource
) -> None:
    config, _, new, badge_id = rotated
    backup = tmp_path / "backup.json"
    assert run(config, "backup", str(backup))[0] == 0
    fresh = replace(config, data_dir=tmp_path / "fresh")
    assert run(fresh, "restore", str(backup))[0] == 0
    assert run(fresh, "did")[1].strip() == new
    result = check(present(fresh, badge_id, tmp_path), local_status)
    assert result.verdict == "valid", result.codes()


def test_a_link_is_only_as_good_as_its_dates(local_status: LocalStatusSource) -> None:
    old, new = SigningKey.from_seed(b"\x61" * 32), SigningKey.from_seed(b"\x62" * 32)
    badge = make_credential(old.did, status_index=7)
    link = issue_credential(link_statement(old, new.did, now=NOW + timedelta(days=1)), old)
    vp = create_presentation(
        [badge], new, challenge=REQUEST.challenge, domain=REQUEST.domain, created=NOW
    )
    future = check(staple(vp, [], [link]), local_status)
    assert holder_check(future).code == "holder_mismatch"  # not valid yet: not followed


def test_over_openid4vp_the_links_go_beside_the_vp_token(
    rotated: tuple[WalletConfig, str, str, str],
) -> None:
    from urllib.parse import parse_qs

    import httpx

    from shared.oid4vp import verifier_request
    from shared.status_staple import OID4VP_LINKS_PARAMETER
    from wallet.data.store import WalletStore
    from wallet.network import Network
    from wallet.oid4vp import answer, fetch_ask

    config, old, new, badge_id = rotated
    forms: list[dict[str, list[str]]] = []

    def record(request: httpx.Request) -> httpx.Response:
        forms.append(parse_qs(request.read().decode()))
        return httpx.Response(200, json={"rugzak_verdict": "valid"})

    made = verifier_request(
        "https://verify.example.nl",
        request_id="K7QM3XHD9RTPW2B5",
        nonce="n-0S6_WzA2Mj0123456789",
        state="st-0S6_WzA2Mj012345678",
        max_qr_parts=None,
    )
    network = Network(
        transport=httpx.MockTransport(record),
        clock=lambda: NOW,
        resolve=lambda host, port: ["93.184.216.34"],
    )
    store = WalletStore.unlock(config.data_dir, ENV["RUGZAK_PASSPHRASE"])
    try:
        ask = fetch_ask(made.link.to_text(), store, network)
        answer(ask, [badge_id], store, network, NOW)
    finally:
        store.close()
    (links,) = forms[0][OID4VP_LINKS_PARAMETER]
    assert [link["credentialSubject"] for link in json.loads(links)] == [
        {"id": old, "alsoKnownAs": new}
    ]
