"""The wallet imports badges in other tools' forms: VC-JWT files, JWTs baked in PNG/SVG."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from shared.credentials import verify_presentation
from shared.errors import ErrorCode, RugzakError
from shared.formats import bake_svg
from tests.conftest import VECTORS
from tests.shared.formats import makers as mk
from tests.wallet.helpers import HOLDER_KEY, OTHER_KEY
from wallet.data.cards import Status
from wallet.service import WalletService

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="90" height="90">'
    b'<rect width="90" height="90" fill="#00a3e0"/></svg>'
)


def _jwt(subject: str, **changes: Any) -> str:
    issuer = mk.ed25519_did(mk.ed25519_key())
    cred = mk.credential(issuer, **changes)
    cred["credentialSubject"]["id"] = subject
    return mk.pyjwt_sign(mk.claims(cred), mk.ed25519_key(), "EdDSA", {"kid": issuer})


def test_jwt_file_is_kept_as_signed(service: WalletService, tmp_path: Path) -> None:
    path = tmp_path / "zorgtech.jwt"
    path.write_text(_jwt(HOLDER_KEY.did))
    [outcome] = service.import_text(str(path))
    assert outcome.accepted, outcome.refusal
    assert outcome.card is not None
    assert outcome.card.name == "Zorgtechnologie in de wijk"
    assert outcome.card.issuer_name == "Hanzehogeschool Groningen"
    assert outcome.card.status == Status.valid
    stored = service.store.get(outcome.local_id or "")
    assert stored.credential["type"] == "EnvelopedVerifiableCredential"
    [again] = service.refresh()
    assert again.status == Status.valid


def test_expired_jwt_is_kept_with_its_badge(service: WalletService, tmp_path: Path) -> None:
    path = tmp_path / "oud.jwt"
    path.write_text(_jwt(HOLDER_KEY.did, valid_until=mk.NOW - timedelta(days=1)))
    [outcome] = service.import_text(str(path))
    assert outcome.accepted
    assert outcome.card is not None
    assert outcome.card.status == Status.expired


@pytest.mark.parametrize(
    ("subject", "tamper", "code"),
    [
        (OTHER_KEY.did, False, ErrorCode.holder_mismatch),
        (HOLDER_KEY.did, True, ErrorCode.proof_invalid),
    ],
    ids=["someone-else", "tampered"],
)
def test_jwt_refusals(
    service: WalletService, tmp_path: Path, subject: str, tamper: bool, code: ErrorCode
) -> None:
    token = _jwt(subject)
    if tamper:
        token = mk.tamper(token, {"name": "Arts"})
    path = tmp_path / "badge.jwt"
    path.write_text(token)
    [outcome] = service.import_text(str(path))
    assert not outcome.accepted
    assert outcome.code == code


def test_baked_svg_jwt_is_kept(service: WalletService, tmp_path: Path) -> None:
    path = tmp_path / "badge.svg"
    path.write_bytes(bake_svg(SVG, _jwt(HOLDER_KEY.did)))
    [outcome] = service.import_text(str(path))
    assert outcome.accepted, outcome.refusal


def test_openbadgeslib_png_jwt_is_kept_and_presented(
    service: WalletService, tmp_path: Path
) -> None:
    """A JWT-in-PNG baked by openbadgeslib; then put in a presentation that verifies."""
    import io

    from openbadgeslib.ob3 import Achievement, Issuer, OB3Signer, OpenBadgeCredential
    from PIL import Image

    badge = OpenBadgeCredential(
        issuer=Issuer(id="did:example:rijnijssel", name="Rijn IJssel"),
        recipient_id=HOLDER_KEY.did,
        achievement=Achievement(
            id="https://www.rijnijssel.nl/badges/bakker",
            name="Broodbakken niveau 3",
            description="Bakt zelfstandig brood en banket.",
            criteria_narrative="Proeve van bekwaamheid in de schoolbakkerij.",
        ),
        issuance_date=mk.ISSUED,
    )
    image = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 120, 40)).save(image, format="PNG")
    baked = OB3Signer(privkey_pem=mk.pem(mk.p256_key()), algorithm="ES256").sign_into_png(
        badge, image.getvalue()
    )
    path = tmp_path / "bakker.png"
    path.write_bytes(baked)
    [outcome] = service.import_text(str(path))
    # did:example names the issuer: its key cannot be confirmed, so it is a mismatch
    assert outcome.code == ErrorCode.issuer_mismatch
    badge.issuer = Issuer(id="https://www.rijnijssel.nl", name="Rijn IJssel")
    path.write_bytes(
        OB3Signer(privkey_pem=mk.pem(mk.p256_key()), algorithm="ES256").sign_into_png(
            badge, image.getvalue()
        )
    )
    [kept] = service.import_text(str(path))
    assert kept.accepted, kept.refusal
    presentation = service.present([kept.local_id or ""], None)
    result = verify_presentation(presentation.document, challenge=None, domain=None, now=mk.NOW)
    assert result.credentials[0].verdict == "valid", result.to_dict()
    assert {c.name: c.code for c in result.credentials[0].checks}["holder"] == "ok"


@pytest.fixture
def ob2_service(tmp_path: Path) -> Any:
    """A wallet whose network serves Open Badges 2.0 documents (the 1EdTech fixtures and a
    signed badge's key, badge class, issuer and revocation list)."""
    from shared.runtime.sealing import FAST_KDF
    from tests.shared.formats.test_ob2 import _documents, _site
    from tests.wallet.conftest import PASSPHRASE, SyncASGI
    from tests.wallet.helpers import FakeIssuer, fixed_clock, seeded_rng
    from wallet.config import WalletConfig
    from wallet.data.store import WalletStore

    pages: dict[str, Any] = {**_site(), **_documents(mk.rsa_key())}
    config = WalletConfig(
        data_dir=tmp_path / "wallet",
        lang="en",
        kdf=FAST_KDF,
        clock=fixed_clock,
        transport=SyncASGI(FakeIssuer().app, routes=pages),
        animate=False,
    )
    store = WalletStore.create(
        config.data_dir,
        PASSPHRASE,
        kdf=FAST_KDF,
        holder=HOLDER_KEY,
        now=fixed_clock(),
        rng=seeded_rng(),
    )
    yield WalletService(config, store), pages
    store.close()


def test_ob2_hosted_baked_png_is_kept_and_checked(ob2_service: Any) -> None:
    from shared.formats import read_any

    service, pages = ob2_service
    png = VECTORS / "ob2" / "baked_heart.png"
    baked = read_any(png.read_bytes()).document
    assert baked is not None
    url = "https://example.org/beths-robotics-badge.json"
    pages[url] = {**pages[url], "recipient": baked["recipient"]}
    [outcome] = service.import_text(str(png))
    assert outcome.accepted, outcome.refusal
    assert outcome.card is not None
    assert outcome.card.name == "Awesome Robotics Badge"
    assert outcome.card.issuer_name == "An Example Badge Issuer"
    assert outcome.card.status == Status.valid
    with pytest.raises(RugzakError) as caught:
        service.present([outcome.local_id or ""], None)
    assert caught.value.code == ErrorCode.unsupported_format
    pages[url] = {**pages[url], "revoked": True}
    [again] = service.refresh()
    assert again.status == Status.revoked


def test_ob2_signed_file_is_kept(ob2_service: Any, tmp_path: Path) -> None:
    from tests.shared.formats.test_ob2 import _signed

    service, _pages = ob2_service
    path = tmp_path / "ehbo.jws"
    path.write_text(_signed("RS256", mk.rsa_key()))
    [outcome] = service.import_text(str(path))
    assert outcome.accepted, outcome.refusal
    assert outcome.card is not None
    assert outcome.card.name == "Eerste hulp bij stage-ongevallen"
    assert outcome.card.status == Status.valid
    tampered = tmp_path / "ehbo-anders.jws"
    tampered.write_text(mk.tamper(_signed("RS256", mk.rsa_key()), {"issuedOn": "2020-01-01"}))
    [refused] = service.import_text(str(tampered))
    assert refused.code == ErrorCode.proof_invalid


def test_jwt_at_an_https_address(tmp_path: Path) -> None:
    """A badge published as application/vc+jwt is fetched and kept; JSON still works."""
    import httpx

    from shared.runtime.sealing import FAST_KDF
    from tests.wallet.conftest import PASSPHRASE
    from tests.wallet.helpers import fixed_clock, make_credential, seeded_rng
    from wallet.config import WalletConfig
    from wallet.data.store import WalletStore

    pages = {
        "https://badges.hanze.example/b/1": (_jwt(HOLDER_KEY.did).encode(), "application/vc+jwt"),
        "https://badges.hanze.example/b/2": (
            b'{"credentials": [{"credential": %s}]}'
            % json.dumps(make_credential(HOLDER_KEY.did)).encode(),
            "application/json",
        ),
    }

    def handler(request: httpx.Request) -> httpx.Response:
        body, kind = pages[str(request.url)]
        return httpx.Response(200, content=body, headers={"content-type": kind})

    config = WalletConfig(
        data_dir=tmp_path / "wallet",
        lang="en",
        kdf=FAST_KDF,
        clock=fixed_clock,
        transport=httpx.MockTransport(handler),
        animate=False,
    )
    store = WalletStore.create(
        config.data_dir,
        PASSPHRASE,
        kdf=FAST_KDF,
        holder=HOLDER_KEY,
        now=fixed_clock(),
        rng=seeded_rng(),
    )
    try:
        service = WalletService(config, store)
        [jwt_badge] = service.import_text("https://badges.hanze.example/b/1")
        assert jwt_badge.accepted, jwt_badge.refusal
        [json_badge] = service.import_text("https://badges.hanze.example/b/2")
        assert json_badge.accepted, json_badge.refusal
    finally:
        store.close()
