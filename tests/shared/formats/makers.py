"""Badges made by independent implementations (PyJWT, jwcrypto, openbadgeslib), not Rugzak.

Keys are fixed (Ed25519 and P-256 from constant seeds; one RSA key made per session
and reused), the clock is fixed, the data is Dutch and realistic.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import base58
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

NOW = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)
ISSUED = NOW - timedelta(days=30)
LIST_URL = "https://badges.hanze.example/status/1"
REVOKED_INDEX = 94_567
VALID_INDEX = 12_345
LEARNER = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@cache
def ed25519_key() -> ed25519.Ed25519PrivateKey:
    return ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))


@cache
def other_ed25519_key() -> ed25519.Ed25519PrivateKey:
    return ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(101, 133)))


@cache
def p256_key() -> ec.EllipticCurvePrivateKey:
    return ec.derive_private_key(0x5EED_1234_ABCD_0042_7777, ec.SECP256R1())


@cache
def other_p256_key() -> ec.EllipticCurvePrivateKey:
    return ec.derive_private_key(0xBAD_5EED_2026, ec.SECP256R1())


@cache
def other_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@cache
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def ed25519_did(key: ed25519.Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "did:key:z" + base58.b58encode(b"\xed\x01" + raw).decode()


def p256_did(key: ec.EllipticCurvePrivateKey) -> str:
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
    )
    return "did:key:z" + base58.b58encode(b"\x80\x24" + point).decode()


def public_jwk(key: Any) -> dict[str, Any]:
    """The public JWK, written by PyJWT's own serialiser."""
    from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

    public = key.public_key()
    if isinstance(key, rsa.RSAPrivateKey):
        return json.loads(RSAAlgorithm.to_jwk(public))
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return json.loads(ECAlgorithm.to_jwk(public))
    return json.loads(OKPAlgorithm.to_jwk(public))


def jwk_did(key: Any) -> str:
    jwk = public_jwk(key)
    return "did:jwk:" + b64url(json.dumps(jwk, separators=(",", ":")).encode())


def pem(key: Any) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def public_pem(key: Any) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def credential(
    issuer: str,
    *,
    status_index: int | None = None,
    valid_until: datetime | None = None,
    name: str = "Zorgtechnologie in de wijk",
) -> dict[str, Any]:
    """An OB 3.0 credential (VCDM 2.0) as a Dutch hogeschool would issue it."""
    cred: dict[str, Any] = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:7f1b7a0e-3c55-4c1e-9b1f-6a2d4b8e9c10",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": issuer,
            "type": ["Profile"],
            "name": "Hanzehogeschool Groningen",
            "url": "https://www.hanze.nl",
        },
        "name": name,
        "validFrom": iso(ISSUED),
        "credentialSubject": {
            "id": LEARNER,
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://badges.hanze.example/achievements/zorgtech-wijk",
                "type": ["Achievement"],
                "name": name,
                "description": (
                    "Zet zorgtechnologie in bij cliënten thuis, samen met de wijkverpleging."
                ),
                "criteria": {
                    "narrative": (
                        "Drie casussen uitgewerkt en gepresenteerd aan het wijkteam Oosterpoort."
                    )
                },
            },
        },
    }
    if valid_until is not None:
        cred["validUntil"] = iso(valid_until)
    if status_index is not None:
        cred["credentialStatus"] = {
            "id": f"{LIST_URL}#{status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(status_index),
            "statusListCredential": LIST_URL,
        }
    return cred


def claims(cred: dict[str, Any], *, wrap: bool = False) -> dict[str, Any]:
    """The JWT payload: the credential itself (VCDM 2.0) or in a ``vc`` claim (1.1)."""
    issuer = cred["issuer"]["id"] if isinstance(cred["issuer"], dict) else cred["issuer"]
    registered: dict[str, Any] = {
        "iss": issuer,
        "jti": cred["id"],
        "sub": cred["credentialSubject"]["id"],
        "nbf": int(datetime.fromisoformat(cred["validFrom"].replace("Z", "+00:00")).timestamp()),
    }
    if "validUntil" in cred:
        registered["exp"] = int(
            datetime.fromisoformat(cred["validUntil"].replace("Z", "+00:00")).timestamp()
        )
    if wrap:
        return {"vc": cred, **registered}
    return {**cred, **registered}


ALG_KEYS = {"EdDSA": ed25519_key, "ES256": p256_key, "RS256": rsa_key}


def pyjwt_sign(payload: dict[str, Any], key: Any, alg: str, headers: dict[str, Any]) -> str:
    """Sign with PyJWT (an independent JOSE implementation)."""
    return jwt.encode(payload, key, algorithm=alg, headers=headers)


def tamper(token: str, change: dict[str, Any]) -> str:
    """Change payload members, keep the header and the old signature."""
    head, body, sig = token.split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload.update(change)
    return ".".join([head, b64url(json.dumps(payload).encode()), sig])


def status_list(issuer: str, revoked: list[int]) -> dict[str, Any]:
    """A BitstringStatusListCredential built by openbadgeslib (its own bit encoder)."""
    from openbadgeslib.ob3.status_list import build_status_list_credential

    return build_status_list_credential(
        issuer, LIST_URL, "revocation", revoked, size_bits=131_072, issued=ISSUED
    )
