"""Whatever arrives, reading and verifying it ends in a verdict or a RugzakError, never a crash."""

from __future__ import annotations

import base64
import json
import random
from typing import Any

import jwt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.errors import RugzakError
from shared.formats import bake_png, bake_svg, read_any, verify_any
from tests.conftest import VECTORS
from tests.shared.formats import makers as mk

SAMPLES = VECTORS / "ob3" / "1edtech-validator"
ODD: list[Any] = [None, True, 0, -1, 2**70, 1.5, "", "x" * 300, [], {}, [None], "did:key:"]


def _outcome(data: bytes | str) -> None:
    try:
        parsed = read_any(data)
    except RugzakError:
        return
    result = verify_any(parsed, now=mk.NOW)
    assert result.verdict in ("valid", "unknown", "invalid")
    json.dumps(result.to_dict(), default=str)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400) | st.text(max_size=400))
def test_random_input(data: bytes | str) -> None:
    _outcome(data)


def _flip(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def test_mutated_baked_images_and_tokens() -> None:
    rng = random.Random(20261123)
    images = [(SAMPLES / name).read_bytes() for name in ("simple-jwt.png", "simple-jwt.svg")]
    issuer = mk.ed25519_did(mk.ed25519_key())
    token = mk.pyjwt_sign(mk.claims(mk.credential(issuer)), mk.ed25519_key(), "EdDSA", {})
    images.append(bake_svg(b'<svg xmlns="http://www.w3.org/2000/svg"/>', token))
    images.append(bake_png((SAMPLES / "simple-json.png").read_bytes(), token))
    for _ in range(60):
        _outcome(_flip(rng.choice(images), rng))
    for _ in range(60):
        _outcome(_flip(token.encode(), rng))


def test_payloads_with_odd_members() -> None:
    """Signed tokens whose credential members hold the wrong kinds of values."""
    rng = random.Random(7)
    issuer = mk.ed25519_did(mk.ed25519_key())
    base = mk.claims(mk.credential(issuer))
    for _ in range(80):
        payload = dict(base)
        for _ in range(rng.randint(1, 3)):
            payload[rng.choice([*base, "vc", "status"])] = rng.choice(ODD)
        raw = json.dumps(payload).encode()  # PyJWS: PyJWT's encode refuses a non-string iss
        token = jwt.PyJWS().encode(
            raw, mk.ed25519_key(), algorithm="EdDSA", headers={"kid": issuer}
        )
        _outcome(token)
        header = base64.urlsafe_b64encode(json.dumps(rng.choice(ODD)).encode()).rstrip(b"=")
        _outcome(header.decode() + "." + token.split(".", 1)[1])
