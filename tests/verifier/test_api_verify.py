"""The verifier API through the real ASGI app: every verdict and every failure of issue 5."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import base45
import httpx
import pytest

from shared import qr
from tests.verifier.conftest import Clock, MakeClient
from tests.verifier.helpers import (
    DOMAIN,
    ISSUER,
    ISSUER_NAME,
    LEARNER,
    OTHER,
    REVOKED_INDEX,
    STRANGER,
    SUSPENDED_INDEX,
    badge,
    dumps,
    present,
    signed,
)
from verifier.api.schemas import ResultOut
from verifier.settings import Settings


async def new_request(client: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    reply = await client.post("/requests", json=body or None)
    assert reply.status_code == 201, reply.text
    return dict(reply.json())


async def verify_vp(client: httpx.AsyncClient, vp: dict[str, Any], **extra: Any) -> dict[str, Any]:
    reply = await client.post("/verify/presentation", json={"presentation": vp, **extra})
    assert reply.status_code == 200, reply.text
    return dict(reply.json())


def codes(result: dict[str, Any]) -> set[str]:
    out = {c["code"] for c in result["checks"]}
    for inner in result.get("credentials") or []:
        out |= {c["code"] for c in inner["checks"]}
    return out


async def answered(client: httpx.AsyncClient, cred: dict[str, Any], **kw: Any) -> dict[str, Any]:
    req = await new_request(client)
    return await verify_vp(client, present([cred], req["challenge"], **kw))


async def test_valid_presentation_is_green_with_issuer_name(client: httpx.AsyncClient) -> None:
    req = await new_request(client)
    assert req["domain"] == DOMAIN
    result = await verify_vp(client, present([signed(badge())], req["challenge"]))
    assert result["verdict"] == "valid", result
    assert result["verified"] is True
    assert result["display"] == "green"
    assert ResultOut.model_validate(result).credentials  # the documented response shape
    inner = result["credentials"][0]
    assert inner["display"] == "green"
    assert inner["summary"]["issuer"]["trustedName"] == ISSUER_NAME
    assert inner["summary"]["subject"] == LEARNER.did
    assert inner["summary"]["achievement"]["name"] == "Doorzettingsvermogen"
    assert {c["name"] for c in inner["checks"]} >= {"proof", "issuer", "status", "trust", "holder"}


async def test_raw_presentation_body_is_accepted_too(client: httpx.AsyncClient) -> None:
    req = await new_request(client)
    reply = await client.post(
        "/verify/presentation", content=dumps(present([signed(badge())], req["challenge"]))
    )
    assert reply.json()["verdict"] == "valid"


async def test_tampered_proof_is_red(client: httpx.AsyncClient) -> None:
    cred = signed(badge())
    cred["credentialSubject"]["achievement"]["name"] = "Something grander"
    result = await answered(client, cred)
    assert result["display"] == "red"
    assert "proof_invalid" in codes(result)


async def test_tampered_presentation_signature_is_red(client: httpx.AsyncClient) -> None:
    req = await new_request(client)
    vp = present([signed(badge())], req["challenge"])
    vp["holder"] = OTHER.did
    result = await verify_vp(client, vp)
    assert result["verdict"] == "invalid"
    assert "proof_invalid" in codes(result)


async def test_wrong_holder_is_red(client: httpx.AsyncClient) -> None:
    result = await answered(client, signed(badge()), holder=OTHER)
    assert result["verdict"] == "invalid"
    assert "holder_mismatch" in codes(result)


async def test_unknown_nonce_is_red(client: httpx.AsyncClient) -> None:
    vp = present([signed(badge())], "K7QM3XHD9RTPW2B5")
    result = await verify_vp(client, vp)
    assert result["verdict"] == "invalid"
    assert "nonce_unknown" in codes(result)


async def test_presentation_without_challenge_is_red(client: httpx.AsyncClient) -> None:
    result = await verify_vp(client, present([signed(badge())], None))
    assert "nonce_unknown" in codes(result)


async def test_answer_to_another_request_is_red(client: httpx.AsyncClient) -> None:
    shown = await new_request(client)
    other = await new_request(client)
    vp = present([signed(badge())], other["challenge"])
    result = await verify_vp(client, vp, challenge=shown["challenge"])
    assert result["verdict"] == "invalid"
    assert "challenge_mismatch" in codes(result)
    # the other request was not burnt by the failed attempt
    assert (await verify_vp(client, vp))["verdict"] == "valid"


async def test_wrong_domain_is_red(client: httpx.AsyncClient) -> None:
    req = await new_request(client)
    vp = present([signed(badge())], req["challenge"], domain="https://evil.example")
    result = await verify_vp(client, vp)
    assert result["verdict"] == "invalid"
    assert "domain_mismatch" in codes(result)


async def test_reused_nonce_is_red(client: httpx.AsyncClient) -> None:
    req = await new_request(client)
    vp = present([signed(badge())], req["challenge"])
    assert (await verify_vp(client, vp))["verdict"] == "valid"
    assert (await client.get(f"/requests/{req['challenge']}")).json()["state"] == "used"
    again = await verify_vp(client, vp)
    assert again["verdict"] == "invalid"
    assert "nonce_reused" in codes(again)


def challenge_checks(result: dict[str, Any]) -> list[tuple[bool, str]]:
    return [(c["ok"], c["code"]) for c in result["checks"] if c["name"] == "challenge"]


async def test_a_replay_is_reported_once(client: httpx.AsyncClient) -> None:
    """The nonce verdict replaces the challenge check: no "It answers this request" beside it."""
    req = await new_request(client)
    vp = present([signed(badge())], req["challenge"])
    first = await verify_vp(client, vp)
    assert challenge_checks(first) == [(True, "ok")]
    again = await verify_vp(client, vp)
    assert challenge_checks(again) == [(False, "nonce_reused")]
    assert [c["code"] for c in again["errors"]] == ["nonce_reused"]
    assert [c["name"] for c in again["checks"]] == [c["name"] for c in first["checks"]]


async def test_unknown_and_expired_nonces_are_reported_once(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    unknown = await verify_vp(client, present([signed(badge())], "K7QM3XHD9RTPW2B5"))
    assert challenge_checks(unknown) == [(False, "nonce_unknown")]
    req = await new_request(client)
    clock.now += timedelta(minutes=10, seconds=1)
    expired = await verify_vp(client, present([signed(badge())], req["challenge"]))
    assert challenge_checks(expired) == [(False, "nonce_expired")]


async def test_an_unbound_presentation_is_one_unknown_nonce(client: httpx.AsyncClient) -> None:
    result = await verify_vp(client, present([signed(badge())], None, domain=None))
    assert challenge_checks(result) == [(False, "nonce_unknown")]
    assert [c["code"] for c in result["errors"]] == ["nonce_unknown"]


async def test_another_request_is_one_failed_challenge(client: httpx.AsyncClient) -> None:
    """Answering another request fails the challenge check (the signature itself holds)."""
    shown = await new_request(client)
    other = await new_request(client)
    vp = present([signed(badge())], other["challenge"])
    result = await verify_vp(client, vp, challenge=shown["challenge"])
    assert challenge_checks(result) == [(False, "challenge_mismatch")]
    assert [(c["ok"], c["code"]) for c in result["checks"] if c["name"] == "proof"] == [
        (True, "ok")
    ]


async def test_forged_attempt_does_not_burn_the_nonce(client: httpx.AsyncClient) -> None:
    req = await new_request(client)
    forged = present([signed(badge())], req["challenge"], holder=STRANGER)
    forged["proof"]["proofValue"] = forged["proof"]["proofValue"][:-4] + "AAAA"
    assert (await verify_vp(client, forged))["verdict"] == "invalid"
    assert (await client.get(f"/requests/{req['challenge']}")).json()["state"] == "pending"


async def test_a_request_made_under_another_domain_is_answered_as_stored(
    make_client: MakeClient, settings: Settings, tmp_path: Any
) -> None:
    """Two verifiers on one database (the public origin moved): a request keeps the
    domain it was made with, and answering it spends its nonce once, on either."""
    shared = {"database_url": f"sqlite:///{tmp_path / 'shared.db'}"}
    old = await make_client(settings.model_copy(update=shared))
    moved = await make_client(
        settings.model_copy(update={**shared, "public_origin": "https://nieuw.example.nl"})
    )
    req = await new_request(old)
    assert req["domain"] == DOMAIN
    vp = present([signed(badge())], req["challenge"])
    first = await verify_vp(moved, vp)
    assert first["verdict"] == "valid", first
    assert challenge_checks(first) == [(True, "ok")]
    assert (await old.get(f"/requests/{req['challenge']}")).json()["state"] == "used"
    assert challenge_checks(await verify_vp(old, vp)) == [(False, "nonce_reused")]
    assert challenge_checks(await verify_vp(moved, vp)) == [(False, "nonce_reused")]
    # a presentation for the new domain does not answer the old request
    other = await new_request(old)
    wrong = present([signed(badge())], other["challenge"], domain="https://nieuw.example.nl")
    refused = await verify_vp(moved, wrong)
    assert "domain_mismatch" in codes(refused)
    assert (await old.get(f"/requests/{other['challenge']}")).json()["state"] == "pending"


async def test_expired_request_is_red(client: httpx.AsyncClient, clock: Clock) -> None:
    req = await new_request(client)
    vp = present([signed(badge())], req["challenge"])
    clock.now += timedelta(minutes=10, seconds=1)
    result = await verify_vp(client, vp)
    assert result["verdict"] == "invalid"
    assert "nonce_expired" in codes(result)
    assert (await client.get(f"/requests/{req['challenge']}")).json()["state"] == "expired"


async def test_expired_credential_is_red(client: httpx.AsyncClient) -> None:
    result = await answered(client, signed(badge(valid_until=datetime(2026, 6, 1, tzinfo=UTC))))
    assert result["display"] == "red"
    assert "expired" in codes(result)


async def test_revoked_credential_is_red(client: httpx.AsyncClient) -> None:
    result = await answered(client, signed(badge(index=REVOKED_INDEX)))
    assert result["display"] == "red"
    assert "revoked" in codes(result)


async def test_suspended_credential_is_red(client: httpx.AsyncClient) -> None:
    result = await answered(client, signed(badge(index=SUSPENDED_INDEX, suspension=True)))
    assert result["display"] == "red"
    assert "suspended" in codes(result)


async def test_status_unknown_is_amber(client: httpx.AsyncClient) -> None:
    cred = badge()
    cred["credentialStatus"]["statusListCredential"] = "https://elsewhere.example/status/1"
    cred["credentialStatus"]["id"] = "https://elsewhere.example/status/1#7"
    result = await answered(client, signed(cred))
    assert result["verdict"] == "unknown"
    assert result["display"] == "amber"
    assert "status_unknown" in codes(result)


async def test_old_trust_pack_gives_status_unknown(client: httpx.AsyncClient, clock: Clock) -> None:
    clock.now += timedelta(days=31)
    cred = badge()  # valid from 2026-01-01, long before the pack
    result = await answered(client, signed(cred))
    assert result["verdict"] == "unknown"
    assert "status_unknown" in codes(result)


async def test_unknown_issuer_is_amber_not_red(client: httpx.AsyncClient) -> None:
    cred = signed(badge(issuer=STRANGER, index=None), STRANGER)
    result = await answered(client, cred)
    assert result["verdict"] == "valid"
    assert result["display"] == "amber"
    assert "unknown_issuer" in codes(result)


async def test_unsupported_suite_is_red(client: httpx.AsyncClient) -> None:
    cred = signed(badge())
    cred["proof"][0]["cryptosuite"] = "bbs-2023"
    result = await answered(client, cred)
    assert result["verdict"] == "invalid"
    assert "unsupported_cryptosuite" in codes(result)


async def test_credential_endpoint(client: httpx.AsyncClient) -> None:
    reply = await client.post("/verify/credential", json=signed(badge()))
    assert reply.status_code == 200
    assert reply.json()["verdict"] == "valid"
    assert reply.json()["kind"] == "credential"
    wrapped = await client.post(
        "/verify/credential", json={"credential": signed(badge(index=REVOKED_INDEX))}
    )
    assert "revoked" in codes(wrapped.json())


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"{not json", "invalid_json"),
        (b"", "invalid_json"),
        (b"\xff\xfe", "invalid_json"),
        (b"[1, 2]", "malformed_presentation"),
        (b'"text"', "malformed_presentation"),
        (b"[" * 5000 + b"]" * 5000, "invalid_json"),
    ],
)
async def test_garbage_presentation_is_400(
    client: httpx.AsyncClient, body: bytes, code: str
) -> None:
    reply = await client.post("/verify/presentation", content=body)
    assert reply.status_code == 400, reply.text
    assert reply.json()["code"] == code
    assert set(reply.json()) == {"code", "message", "detail"}


async def test_garbage_object_gets_a_verdict_not_an_error(client: httpx.AsyncClient) -> None:
    reply = await client.post("/verify/presentation", json={"hello": "world"})
    assert reply.status_code == 200
    assert "malformed_presentation" in codes(reply.json())


async def test_deeply_nested_document_is_400(client: httpx.AsyncClient) -> None:
    deep: Any = "x"
    for _ in range(200):
        deep = {"a": deep}
    vp = {"@context": [], "type": ["VerifiablePresentation"], "verifiableCredential": [deep]}
    reply = await client.post("/verify/presentation", json=vp)
    assert reply.status_code == 400
    assert reply.json()["code"] == "malformed_credential"


async def test_huge_input_is_413(client: httpx.AsyncClient, settings: Settings) -> None:
    body = b'{"x": "' + b"a" * settings.max_json_bytes + b'"}'
    reply = await client.post("/verify/presentation", content=body)
    assert reply.status_code == 413
    assert reply.json()["code"] == "payload_too_large"

    async def chunks() -> Any:
        for _ in range(20):
            yield b"a" * (settings.max_json_bytes // 10)

    streamed = await client.post("/verify/credential", content=chunks())
    assert streamed.status_code == 413


async def test_qr_single_and_multi_part(client: httpx.AsyncClient) -> None:
    req = await new_request(client)
    vp = present([signed(badge())], req["challenge"])
    texts = qr.encode(vp, max_version=10)
    assert len(texts) > 1
    parts = await client.post("/verify/qr", json={"texts": list(reversed(texts))})
    assert parts.status_code == 200, parts.text
    assert parts.json()["verdict"] == "valid"
    single = qr.encode(signed(badge()), max_version=40)
    assert len(single) == 1
    assert single[0].startswith("RZ1:C")  # the default codec; Z and B codes below
    for codec in ("Z", "B"):
        older = qr.encode(signed(badge()), max_version=40, codec=codec)
        reply = await client.post("/verify/qr", json={"texts": older})
        assert reply.json()["verdict"] == "valid", codec
    assert (await client.post("/verify/qr", json={"texts": single})).json()["verdict"] == "valid"


@pytest.mark.parametrize(
    ("texts", "code"),
    [
        (["hello"], "qr_decode_failed"),
        (["RZ1:Z::::"], "invalid_base45"),
        (["RZ1:Z" + base45.b45encode(b"not zstd at all").decode()], "decompression_failed"),
        (["RZ1:B" + base45.b45encode(b"\x00\xff\x00 not brotli").decode()], "decompression_failed"),
        (["RZ1:C" + base45.b45encode(b"\x13\x37 not codec C").decode()], "decompression_failed"),
        (["RZ1:Q" + base45.b45encode(b"x").decode()], "unsupported_codec"),
    ],
)
async def test_bad_qr_texts_are_400(client: httpx.AsyncClient, texts: list[str], code: str) -> None:
    reply = await client.post("/verify/qr", json={"texts": texts})
    assert reply.status_code == 400, reply.text
    assert reply.json()["code"] == code


async def test_incomplete_parts_are_400(client: httpx.AsyncClient) -> None:
    texts = qr.encode(signed(badge()), max_version=8)
    reply = await client.post("/verify/qr", json={"texts": texts[:-1]})
    assert reply.status_code == 400
    assert reply.json()["code"] == "qr_parts_incomplete"


async def test_qr_body_validation_is_422(client: httpx.AsyncClient) -> None:
    reply = await client.post("/verify/qr", json={"texts": []})
    assert reply.status_code == 422
    assert reply.json()["code"] == "invalid_request"


async def test_image_with_qr_codes(client: httpx.AsyncClient) -> None:
    req = await new_request(client)
    vp = present([signed(badge())], req["challenge"])
    (text,) = qr.encode(vp, max_version=40, ecc="L")
    png = qr.render_png(text, scale=3)
    reply = await client.post("/verify/image", files={"file": ("vp.png", png, "image/png")})
    assert reply.status_code == 200, reply.text
    assert reply.json()["verdict"] == "valid"


async def test_image_without_qr_code_is_400(client: httpx.AsyncClient) -> None:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (200, 200), "white").save(buf, "PNG")
    reply = await client.post(
        "/verify/image", files={"file": ("blank.png", buf.getvalue(), "image/png")}
    )
    assert reply.status_code == 400
    assert reply.json()["code"] == "qr_decode_failed"
    junk = await client.post(
        "/verify/image", files={"file": ("x.png", b"not an image", "image/png")}
    )
    assert junk.status_code == 400
    assert junk.json()["code"] == "invalid_image"
    other = qr.render_png("https://example.org/not-rugzak", scale=4)
    foreign = await client.post("/verify/image", files={"file": ("o.png", other, "image/png")})
    assert foreign.json()["code"] == "qr_decode_failed"


async def test_image_missing_file_is_422(client: httpx.AsyncClient) -> None:
    reply = await client.post("/verify/image", data={"challenge": "x"})
    assert reply.status_code == 422
    assert reply.json()["code"] == "invalid_request"


async def test_many_credentials_each_get_a_verdict(client: httpx.AsyncClient) -> None:
    req = await new_request(client)
    good = signed(badge())
    revoked = signed(badge(index=REVOKED_INDEX, name="Samenwerken"))
    result = await verify_vp(client, present([good, revoked], req["challenge"]))
    assert result["verdict"] == "invalid"
    assert [c["display"] for c in result["credentials"]] == ["green", "red"]


async def test_wanted_types_warn_when_not_met(client: httpx.AsyncClient) -> None:
    req = await new_request(client, types=["Certificate"])
    assert req["types"] == ["Certificate"]
    result = await verify_vp(client, present([signed(badge())], req["challenge"]))
    inner = result["credentials"][0]
    assert [w["code"] for w in inner["warnings"] if w["name"] == "credentials"] == ["not_requested"]
    # HR reads it, though the badge is valid: a note, in words, not "That input is not valid."
    plain = result["plain"]["badges"][0]
    assert (plain["state"], plain["notes"]) == ("valid", [{"code": "not_requested", "count": 1}])


async def test_rate_limit_per_client(make_client: MakeClient, settings: Settings) -> None:
    limited = settings.model_copy(update={"rate_limit_per_minute": 60, "rate_limit_burst": 3})
    now = [0.0]
    client = await make_client(limited, rate_clock=lambda: now[0])
    assert [(await client.post("/requests")).status_code for _ in range(3)] == [201, 201, 201]
    reply = await client.post("/requests")
    assert reply.status_code == 429
    assert reply.json()["code"] == "rate_limited"
    assert reply.headers["retry-after"] == "1"
    assert (await client.get("/health")).status_code == 200  # reads are not limited
    now[0] += 1.0
    assert (await client.post("/requests")).status_code == 201


async def test_issuer_keys_stay_secret_in_errors(client: httpx.AsyncClient) -> None:
    reply = await client.post("/verify/presentation", content=b"{bad")
    assert ISSUER.secret_multibase not in reply.text


async def test_image_with_all_parts_in_a_grid(client: httpx.AsyncClient) -> None:
    """The wallet saves a multi-part presentation as one PNG with the codes in a grid."""
    import io
    import math

    from PIL import Image

    req = await new_request(client)
    vp = present([signed(badge())], req["challenge"])
    texts = qr.encode(vp, max_version=10)
    assert len(texts) > 1
    codes_ = [Image.open(io.BytesIO(qr.render_png(t, scale=4, border=4))) for t in texts]
    columns = math.ceil(math.sqrt(len(codes_)))
    rows = math.ceil(len(codes_) / columns)
    cell = max(max(img.size) for img in codes_)
    sheet = Image.new("L", (columns * cell, rows * cell), 255)
    for i, img in enumerate(codes_):
        sheet.paste(img.convert("L"), ((i % columns) * cell, (i // columns) * cell))
    buf = io.BytesIO()
    sheet.save(buf, "PNG")
    reply = await client.post(
        "/verify/image",
        files={"file": ("vp.png", buf.getvalue(), "image/png")},
        data={"challenge": req["challenge"]},
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["verdict"] == "valid"


@pytest.mark.parametrize(
    "body",
    [
        b'{"presentation": {"type": ["VerifiablePresentation"]}, "presentation": {}}',
        b'{"credential": {"id": "urn:x", "id": "urn:y"}}',
        b'{"credential": {"n": NaN}}',
    ],
)
@pytest.mark.parametrize("path", ["/verify/presentation", "/verify/credential"])
async def test_duplicate_members_and_nan_are_invalid_json(
    client: httpx.AsyncClient, path: str, body: bytes
) -> None:
    reply = await client.post(path, content=body, headers={"content-type": "application/json"})
    assert reply.status_code == 400, reply.text
    assert reply.json()["code"] == "invalid_json"


@pytest.fixture
def canonicalized(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts RDF canonicalizations (the costly step of a proof check)."""
    from shared.proof import suites

    calls: list[int] = []
    real = suites.canonize

    def counting(document: Any) -> str:
        calls.append(1)
        return real(document)

    monkeypatch.setattr(suites, "canonize", counting)
    return calls


async def test_more_credentials_than_the_cap_are_refused_before_any_proof(
    client: httpx.AsyncClient, settings: Settings, canonicalized: list[int]
) -> None:
    req = await new_request(client)
    one = signed(badge())
    vp = present([one] * (settings.max_credentials + 1), req["challenge"])
    canonicalized.clear()
    result = await verify_vp(client, vp)
    assert result["verdict"] == "invalid"
    assert [c["code"] for c in result["errors"]] == ["too_many_credentials"]
    assert result["errors"][0]["detail"]["limit"] == settings.max_credentials
    assert canonicalized == []
    # the nonce was not spent: a fair answer to the same request still works
    fair = await verify_vp(client, present([one], req["challenge"]))
    assert fair["verdict"] == "valid"


async def test_a_broken_holder_proof_stops_before_the_embedded_credentials(
    client: httpx.AsyncClient, canonicalized: list[int]
) -> None:
    req = await new_request(client)
    vp = present([signed(badge()) for _ in range(5)], req["challenge"])
    vp["proof"]["proofValue"] = vp["proof"]["proofValue"][:-3] + "abc"
    canonicalized.clear()
    result = await verify_vp(client, vp)
    assert result["verdict"] == "invalid"
    assert result["credentials"] == []
    assert len(canonicalized) <= 2  # the presentation's own proof only
