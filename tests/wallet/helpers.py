"""Test material for the wallet: fixed keys, an OB 3.0 credential maker, status lists,
and a tiny OpenID4VCI issuer (FastAPI, in-process) built from ``shared.oid4vci`` only."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI, Form, Header, Request
from fastapi.responses import JSONResponse

from shared import oid4vci
from shared.credentials import issue_credential
from shared.did import StaticResolver
from shared.keys import SigningKey
from shared.status_list import BitstringStatusList, build_status_list_credential
from tests.factories import alignment, signed_badge, status_entry

NOW = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)
ISSUER_KEY = SigningKey.from_seed(hashlib.sha256(b"rugzak test issuer").digest())
HOLDER_KEY = SigningKey.from_seed(hashlib.sha256(b"rugzak test holder").digest())
OTHER_KEY = SigningKey.from_seed(hashlib.sha256(b"rugzak someone else").digest())
ISSUER_URL = "https://issuer.example.nl"
STATUS_URL = f"{ISSUER_URL}/status/revocation-1"


def seeded_rng(seed: int = 7) -> Callable[[int], bytes]:
    """Deterministic random bytes (wallet salt, key and ids) for reproducible snapshots."""
    source = random.Random(seed)
    return lambda n: bytes(source.getrandbits(8) for _ in range(n))


def fixed_clock() -> datetime:
    return NOW


def make_credential(
    subject: str,
    *,
    number: int = 1,
    name: str = "Doorzettingsvermogen, niveau 2",
    status_index: int | None = None,
    valid_until: datetime | None = None,
    key: SigningKey = ISSUER_KEY,
    issuer_name: str = "ROC Rivierenland",
) -> dict[str, Any]:
    """A signed OpenBadgeCredential for ``subject``, as the production builder makes it."""
    status = [] if status_index is None else [status_entry(STATUS_URL, status_index)]
    return signed_badge(
        subject,
        key,
        created=NOW - timedelta(days=30),
        name=name,
        description="Blijft doorgaan als het moeilijk wordt; vraagt hulp op tijd.",
        criteria="Drie reflectieverslagen en een gesprek.",
        achievement_id=f"https://roc.example.nl/achievements/{number}",
        achievement_type="Competency",
        alignments=[
            alignment(
                "Persoonlijke effectiviteit",
                "https://skills.example.nl/pe",
                code="PE-2",
                framework="SBB Burgerschap",
            )
        ],
        issuer_name=issuer_name,
        issuer_url="https://roc.example.nl",
        credential_id=f"urn:uuid:6b1f7a9e-0000-4000-8000-{number:012d}",
        valid_from=datetime(2026, 6, 1, 9, 0, tzinfo=UTC),
        valid_until=valid_until,
        status=status,
    )


def status_list(revoked: set[int]) -> dict[str, Any]:
    """A signed revocation list with ``revoked`` indexes set."""
    bits = BitstringStatusList()
    for index in revoked:
        bits.set(index, 1)
    unsigned = build_status_list_credential(
        list_url=STATUS_URL,
        issuer=ISSUER_KEY.did,
        purpose="revocation",
        status_list=bits,
        valid_from=NOW - timedelta(days=60),
    )
    return issue_credential(unsigned, ISSUER_KEY, created=NOW - timedelta(days=60))


class FakeIssuer:
    """A minimal OID4VCI pre-authorized-code issuer for tests (not the real issuer app)."""

    def __init__(self, *, tx_code: str | None = None) -> None:
        self.tx_code = tx_code
        self.codes: dict[str, int] = {}
        self.tokens: dict[str, str] = {}
        self.nonce: str | None = None
        self.counter = 0
        self.app = self._build()

    def offer(self, number: int = 1) -> str:
        code = f"pre-auth-{number}"
        self.codes[code] = number
        tx = oid4vci.TxCode(input_mode="numeric", length=4) if self.tx_code else None
        offer = oid4vci.build_credential_offer(
            credential_issuer=ISSUER_URL, pre_authorized_code=code, tx_code=tx
        )
        return oid4vci.offer_link(offer)

    def _build(self) -> FastAPI:
        app = FastAPI()
        metadata = oid4vci.build_issuer_metadata(ISSUER_URL, name="ROC Rivierenland")

        @app.get("/.well-known/openid-credential-issuer")
        def issuer_metadata() -> dict[str, Any]:
            return metadata.to_dict()

        @app.get("/.well-known/oauth-authorization-server")
        def as_metadata() -> dict[str, Any]:
            return oid4vci.AuthorizationServerMetadata(
                issuer=ISSUER_URL, token_endpoint=f"{ISSUER_URL}/oid4vci/token"
            ).to_dict()

        @app.post("/oid4vci/token")
        def token(
            grant_type: str = Form(),
            pre_authorized_code: str = Form(alias="pre-authorized_code"),
            tx_code: str | None = Form(default=None),
        ) -> JSONResponse:
            if pre_authorized_code not in self.codes:
                return JSONResponse(
                    {
                        "error": "invalid_grant",
                        "code": "offer_used",
                        "error_description": "offer already used",
                    },
                    400,
                )
            if self.tx_code and tx_code != self.tx_code:
                return JSONResponse(
                    {
                        "error": "invalid_grant",
                        "code": "tx_code_invalid",
                        "error_description": "wrong transaction code",
                    },
                    400,
                )
            number = self.codes.pop(pre_authorized_code)
            access = f"token-{number}"
            self.tokens[access] = str(number)
            return JSONResponse({"access_token": access, "token_type": "Bearer", "expires_in": 300})

        @app.post("/oid4vci/nonce")
        def nonce() -> JSONResponse:
            self.counter += 1
            value = f"nonce-{self.counter}"
            self.nonce = value
            return JSONResponse({"c_nonce": value}, headers={"Cache-Control": "no-store"})

        @app.post("/oid4vci/credential")
        async def credential(
            request: Request, authorization: str = Header(default="")
        ) -> JSONResponse:
            access = authorization.removeprefix("Bearer ")
            if access not in self.tokens:
                return JSONResponse({"error": "invalid_token"}, 401)
            body = oid4vci.CredentialRequest.parse(await request.json())
            if self.nonce is None:
                return JSONResponse({"error": "invalid_nonce"}, 400)
            holder_did = oid4vci.verify_proof_jwt(
                body.proofs.jwt[0],
                audience=ISSUER_URL,
                nonce=self.nonce,
                now=NOW,
                resolver=StaticResolver(),
            )
            self.nonce = None
            number = int(self.tokens.pop(access))
            issued = make_credential(holder_did, number=number)
            return JSONResponse({"credentials": [{"credential": issued}]})

        return app
