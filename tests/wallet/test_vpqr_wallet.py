"""The wallet and VPQR: ``VP1-`` (and ``RZ1:``) codes imported as text or picture, and
``present --format vpqr`` for the Learner Credential Wallet and VerifierPlus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shared import qr, vpqr
from shared.credentials import create_presentation, verify_presentation
from shared.errors import ErrorCode, RugzakError
from shared.status_cache import LocalStatusSource
from tests.wallet.helpers import HOLDER_KEY, NOW, make_credential
from tests.wallet.test_cli import did_of, run
from wallet.config import WalletConfig
from wallet.service import WalletService


def shared_presentation(number: int = 1) -> dict[str, object]:
    """What another wallet shares: a presentation of the learner's own badge."""
    credential = make_credential(HOLDER_KEY.did, number=number, status_index=7)
    return create_presentation([credential], HOLDER_KEY, challenge=None, domain=None, created=NOW)


def test_vp1_and_rz1_texts_are_imported(service: WalletService) -> None:
    [outcome] = service.import_text(vpqr.encode(shared_presentation(1)) + "\n")
    assert outcome.accepted, outcome.refusal
    (rz1,) = qr.encode(shared_presentation(2), max_version=40)
    [outcome] = service.import_text(rz1)
    assert outcome.accepted, outcome.refusal
    assert len(service.cards()) == 2


def test_vp1_picture_is_imported(service: WalletService, tmp_path: Path) -> None:
    picture = tmp_path / "lcw-share.png"
    picture.write_bytes(qr.render_png(vpqr.encode(shared_presentation()), scale=3, ecc="L"))
    [outcome] = service.import_text(str(picture))
    assert outcome.accepted, outcome.refusal


def test_bad_vp1_text_has_a_clear_code(service: WalletService) -> None:
    with pytest.raises(RugzakError) as info:
        service.import_text("VP1-B1189")
    assert info.value.code == ErrorCode.invalid_base32


def test_present_as_one_vp1_code(
    config: WalletConfig, tmp_path: Path, local_status: LocalStatusSource
) -> None:
    assert run(config, "init")[0] == 0
    did = did_of(config)
    badge = tmp_path / "badge.json"
    badge.write_text(json.dumps(make_credential(did, status_index=7)))
    assert run(config, "import", str(badge))[0] == 0
    local_id = json.loads(run(config, "list", "--json")[1])[0]["id"]
    png = tmp_path / "vp1.png"
    code, _, err = run(
        config, "present", "-c", local_id, "--format", "vpqr", "--qr-png", str(png), "--show"
    )
    assert code == 0, err
    [text] = qr.read_qr_image(png.read_bytes())
    assert text.startswith("VP1-B")
    vp = vpqr.decode(text)
    result = verify_presentation(
        vp, challenge=None, domain=None, now=NOW, status_fetcher=local_status
    )
    assert ErrorCode.proof_invalid not in result.codes()
    assert all(c.verified for c in result.credentials), result.codes()
    code, _, err = run(config, "present", "-c", local_id, "--format", "qr-code")
    assert code != 0
