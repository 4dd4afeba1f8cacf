"""The plain verdict in every answer (``plain``): how a presentation was bound to the
request, one state and one status per badge, through the real ASGI app."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from tests.verifier.conftest import Clock
from tests.verifier.helpers import (
    REVOKED_INDEX,
    STRANGER,
    SUSPENDED_INDEX,
    badge,
    present,
    signed,
    status_list_credentials,
)
from tests.verifier.page_badges import endorsement, level_badge


async def challenge(client: httpx.AsyncClient) -> str:
    return str((await client.post("/requests", json={})).json()["challenge"])


async def plain(client: httpx.AsyncClient, vp: dict[str, Any], **extra: Any) -> dict[str, Any]:
    reply = await client.post("/verify/presentation", json={"presentation": vp, **extra})
    assert reply.status_code == 200, reply.text
    return dict(reply.json()["plain"])


async def test_bound_replayed_and_other_request(client: httpx.AsyncClient) -> None:
    nonce = await challenge(client)
    vp = present([signed(badge())], nonce)
    assert (await plain(client, vp))["binding"] == "bound"
    assert (await plain(client, vp))["binding"] == "replayed"
    shown, other = await challenge(client), await challenge(client)
    answer = present([signed(badge())], other)
    assert (await plain(client, answer, challenge=shown))["binding"] == "other_request"


async def test_unbound_with_or_without_a_domain(client: httpx.AsyncClient) -> None:
    for domain in (None, "https://verify.example.nl"):
        vp = present([signed(badge())], None, domain=domain)
        assert (await plain(client, vp))["binding"] == "unbound"


async def test_expired_request_other_verifier_someone_else_broken(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    nonce = await challenge(client)
    other_verifier = present([signed(badge())], nonce, domain="https://elders.example")
    assert (await plain(client, other_verifier))["binding"] == "other_verifier"
    someone = present([signed(badge())], await challenge(client), holder=STRANGER)
    assert (await plain(client, someone))["binding"] == "someone_else"
    forged = present([signed(badge())], await challenge(client))
    forged["proof"]["proofValue"] = forged["proof"]["proofValue"][:-4] + "AAAA"
    assert (await plain(client, forged))["binding"] == "broken"
    vp = present([signed(badge())], await challenge(client))
    clock.now += timedelta(minutes=10, seconds=1)
    assert (await plain(client, vp))["binding"] == "expired_request"


async def test_a_bare_credential_and_one_status_word(client: httpx.AsyncClient) -> None:
    for cred, state, status in (
        (level_badge(), "valid", "not_revoked_or_suspended"),
        (level_badge(index=REVOKED_INDEX), "revoked", "revoked"),
        (level_badge(suspension_index=SUSPENDED_INDEX), "suspended", "suspended"),
        (signed(badge()), "valid", "not_revoked"),
    ):
        reply = await client.post("/verify/credential", json={"credential": cred})
        body = reply.json()
        two_lists = isinstance(cred.get("credentialStatus"), list)
        # the state line says why: no reason repeats it; the status says what two
        # lists say, so they are no note (only an information line under all checks)
        assert body["plain"] == {
            "state": state,
            "status": status,
            "reasons": [],
            "notes": [],
            "binding": "bare",
        }
        schema = [(c["code"], c["severity"]) for c in body["checks"] if c["name"] == "schema"]
        if two_lists:
            assert schema == [("two_status_lists", "info")]
        else:
            assert schema == [("ok", "info")]


async def test_three_badges_one_headline(client: httpx.AsyncClient) -> None:
    nonce = await challenge(client)
    vp = present(
        [
            level_badge("doorzettingsvermogen", 3, credential_id="urn:uuid:1"),
            level_badge("creativiteit", 2, credential_id="urn:uuid:2"),
            level_badge("luisteren", 1, index=REVOKED_INDEX, credential_id="urn:uuid:3"),
        ],
        nonce,
    )
    got = await plain(client, vp)
    assert (got["total"], got["counts"]) == (3, {"valid": 2, "revoked": 1})
    assert [(s["skill"], s["number"], s["of"]) for s in got["skills"]] == [
        ("Doorzettingsvermogen", 3, 4),
        ("Creativiteit", 2, 4),
        ("Luisteren", 1, 4),
    ]
    assert got["skills"][2]["state"] == "revoked"


async def test_embedded_endorsements_are_verified_and_shown(client: httpx.AsyncClient) -> None:
    badge_id = "urn:uuid:5f0c7e1a-3b2d-4c8e-9a7f-1d2e3f4a5b6c"
    forged = endorsement(badge_id, key=STRANGER, name="Stranger BV")
    forged["credentialSubject"]["endorsementComment"] = "Beste medewerker ooit."  # changed
    cred = level_badge(endorsements=[endorsement(badge_id), forged])
    for reply in (
        await client.post("/verify/credential", json={"credential": cred}),
        await client.post(
            "/verify/presentation",
            json={"presentation": present([cred], await challenge(client))},
        ),
    ):
        body = reply.json()
        summary = (body.get("credentials") or [body])[0]["summary"]
        shown = [(e["endorser"], e["state"]) for e in summary["endorsements"]]
        # genuine, but the endorser is not on the trust list; the changed one is not genuine
        assert shown == [("Hotel De Zwaan", "unknown_issuer"), ("Stranger BV", "invalid")]
        assert summary["endorsements"][0]["comment"].startswith("Sanne hield")
        assert body["verdict"] == "valid"  # a forged endorsement does not make the badge red


def _presented_endorsement(target: str, **kw: Any) -> dict[str, Any]:
    """An endorsement the learner keeps apart and presents beside the badge."""
    made = endorsement(target, **kw)
    assert "endorsement" not in level_badge()  # not embedded: a credential of its own
    return made


async def test_an_endorsement_presented_beside_its_badge_is_shown_on_it(
    client: httpx.AsyncClient,
) -> None:
    cred = level_badge("creativiteit", 2, credential_id="urn:uuid:2")
    other = level_badge("doorzettingsvermogen", 3, credential_id="urn:uuid:3")
    vp = present([cred, other, _presented_endorsement("urn:uuid:2")], await challenge(client))
    reply = await client.post("/verify/presentation", json={"presentation": vp})
    body = reply.json()
    got = body["plain"]
    # two badges checked: the endorsement is no badge of its own
    assert (got["binding"], got["total"], got["counts"]) == ("bound", 2, {"valid": 2})
    assert [s["skill"] for s in got["skills"]] == ["Creativiteit", "Doorzettingsvermogen"]
    first, second, beside = got["badges"]
    assert beside["endorsement"] is True
    assert beside["endorses"] == [0]
    (shown,) = first["endorsements"]
    # genuine; the endorser is not on this verifier's list of known issuers
    assert (shown["endorser"], shown["state"], shown["index"]) == (
        "Hotel De Zwaan",
        "unknown_issuer",
        2,
    )
    assert shown["comment"].startswith("Sanne hield")
    assert "endorsements" not in second
    # verified like any credential, with no owner check (it is about a badge, not the learner)
    inner = body["credentials"][2]
    names = {c["name"]: c for c in inner["checks"]}
    assert names["proof"]["ok"]
    assert names["endorsement"]["ok"]
    assert "holder" not in names
    assert body["verdict"] == "valid"


async def test_a_presented_endorsement_of_the_achievement_or_issuer_is_related(
    client: httpx.AsyncClient,
) -> None:
    cred = level_badge("creativiteit", 2, credential_id="urn:uuid:2")
    achievement = cred["credentialSubject"]["achievement"]["id"]
    issuer = cred["issuer"]["id"]
    vp = present(
        [
            cred,
            _presented_endorsement(achievement, name="Coach Fleur van der Berg-Özdemir"),
            _presented_endorsement(issuer, name="Horeca Nederland"),
        ],
        await challenge(client),
    )
    got = await plain(client, vp)
    assert [e["endorser"] for e in got["badges"][0]["endorsements"]] == [
        "Coach Fleur van der Berg-Özdemir",
        "Horeca Nederland",
    ]
    assert "unrelatedEndorsements" not in got


async def test_a_forged_or_unrelated_presented_endorsement_is_reported_not_trusted(
    client: httpx.AsyncClient,
) -> None:
    cred = level_badge("creativiteit", 2, credential_id="urn:uuid:2")
    forged = _presented_endorsement("urn:uuid:2", key=STRANGER, name="Stranger BV")
    forged["credentialSubject"]["endorsementComment"] = "Beste medewerker ooit."  # changed
    unrelated = _presented_endorsement("urn:uuid:someone-elses-badge")
    vp = present([cred, forged, unrelated], await challenge(client))
    body = (await client.post("/verify/presentation", json={"presentation": vp})).json()
    got = body["plain"]
    assert (got["total"], got["counts"]) == (1, {"valid": 1})
    assert [(e["endorser"], e["state"]) for e in got["badges"][0]["endorsements"]] == [
        ("Stranger BV", "invalid")
    ]
    assert got["unrelatedEndorsements"] == [2]
    codes = {c["code"] for c in body["credentials"][2]["checks"]}
    assert "endorsement_unrelated" in codes
    assert "proof_invalid" in {c["code"] for c in body["credentials"][1]["checks"]}
    # the badge is genuine: a false endorsement beside it is shown as such, not as a red badge
    assert body["verdict"] == "valid"


async def test_a_request_for_kinds_of_badge_does_not_judge_the_endorsement_beside_one(
    client: httpx.AsyncClient,
) -> None:
    asked = await client.post("/requests", json={"types": ["Competency"]})
    nonce = str(asked.json()["challenge"])
    vp = present(
        [level_badge("creativiteit", 2, credential_id="urn:uuid:2"), endorsement("urn:uuid:2")],
        nonce,
    )
    body = (await client.post("/verify/presentation", json={"presentation": vp})).json()
    for inner in body["credentials"]:  # the badge is a Competency; the endorsement no badge
        assert "invalid_request" not in {c["code"] for c in inner["checks"]}
    assert body["plain"]["badges"][0]["endorsements"][0]["endorser"] == "Hotel De Zwaan"


async def test_a_status_list_on_its_own_is_said_to_be_one(client: httpx.AsyncClient) -> None:
    """An issuer's status list uploaded alone is no badge: the summary says which list
    it is, and its address is not given as a learner."""
    for url, credential in status_list_credentials().items():
        reply = await client.post("/verify/credential", json={"credential": credential})
        summary = reply.json()["summary"]
        assert summary["statusList"] == {"purpose": url.rsplit("/", 1)[1]}
        assert "learner" not in summary
    answer = await client.post("/verify/credential", json={"credential": signed(badge())})
    assert "statusList" not in answer.json()["summary"]
