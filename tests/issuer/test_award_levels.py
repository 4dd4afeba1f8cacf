"""Awarding skill levels with evidence: one piece of work, several skills, one transaction;
evidence files fixed by digest; the assessor, the date and the learner's (hashed) name.
Through the service, the real ASGI app, the CLI and PostgreSQL."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from issuer import batch
from issuer.awards import AssessorIn, AwardIn, SkillLevelIn, evidence_file
from issuer.cli import app
from issuer.service import Issuer
from issuer.settings import IssuerSettings
from shared.digests import digest_matches
from shared.errors import ErrorCode, InvalidInput, NotFound
from shared.jsonld.reference import expand_safely
from shared.keys import SigningKey
from shared.ob import validate_credential_schema
from shared.ob.identity import name_matches
from shared.skills import builtin, read_level
from tests.issuer.conftest import HOLDER, PASSPHRASE, FakeClock, make_issuer
from tests.issuer.helpers import status_source, verify
from tests.issuer.multiprocess import pg_schema
from verifier.cli import app as verifier_app

LIFE = builtin("levensvaardigheden")
MENU = [
    SkillLevelIn(achievement_id="levensvaardigheden-creativiteit", level="2"),
    SkillLevelIn(achievement_id="levensvaardigheden-doorzettingsvermogen", level="2"),
    SkillLevelIn(achievement_id="levensvaardigheden-initiatief-nemen", level="1"),
]
# A realistic evidence file: a menu card of about 40 KB (Dutch text, repeated dishes).
MENU_CARD = (
    "Restaurant De Zwaan - nieuwe menukaart, herfst 2026\n"
    + "".join(
        f"{n:03d}. Gebakken zeewolf met pompoen, salie en bruine boter - EUR {18 + n % 9},50\n"
        for n in range(520)
    )
).encode("utf-8")


@pytest.fixture
def fresh(settings: IssuerSettings, clock: FakeClock) -> Iterator[Issuer]:
    made, _token = make_issuer(settings, clock, suspension=False)
    made.import_framework(LIFE, actor="test")
    yield made
    made.store.dispose()


def menu_award(**extra: Any) -> AwardIn:
    card = evidence_file(
        MENU_CARD,
        url="https://zwaan.example/portfolio/menukaart-herfst.pdf",
        name="menukaart-herfst.pdf",
        narrative="Ontwierp de nieuwe menukaart en kookte hem een week lang.",
    )
    return AwardIn(
        evidence=[card],
        assessor=AssessorIn(name="Joost Bakker", role="chef-kok"),
        awarded_date=datetime(2026, 11, 20, 15, 0, tzinfo=UTC),
        learner_name="Sanne de Vries",
        **extra,
    )


def count(issuer: Issuer) -> int:
    return len(issuer.credentials(limit=1000))


def test_one_piece_of_work_three_skills_three_verified_credentials(
    fresh: Issuer, clock: FakeClock
) -> None:
    issued = fresh.award_skills(HOLDER.did, MENU, menu_award(), actor="test")
    assert [i.created for i in issued] == [True, True, True]
    clock.advance(seconds=1)
    levels = []
    for item in issued:
        credential = item.credential
        assert verify(credential, status_source(fresh), clock()).verified
        assert validate_credential_schema(credential) == []
        subject = credential["credentialSubject"]
        view = read_level(subject["achievement"], subject["result"][0])
        levels.append((view.skill, view.number))
        evidence = credential["evidence"][0]
        assert digest_matches(
            MENU_CARD,
            digest_multibase=evidence["digestMultibase"],
            digest_sri=evidence["digestSRI"],
        )
        assert digest_matches(MENU_CARD + b" ", digest_multibase=evidence["digestMultibase"]) is (
            False
        )
        assert subject["source"] == {
            "id": subject["source"]["id"],
            "type": ["Profile"],
            "name": "Joost Bakker",
            "description": "chef-kok",
        }
        assert subject["source"]["id"].startswith("urn:uuid:")
        assert credential["awardedDate"] == "2026-11-20T15:00:00Z"
        (name,) = [i for i in subject["identifier"] if i["identityType"] == "name"]
        assert name["hashed"] is True
        assert name["identityHash"].startswith("sha256$")
        assert "Sanne" not in json.dumps(credential)
    assert levels == [("Creativiteit", 2), ("Doorzettingsvermogen", 2), ("Initiatief nemen", 1)]


def test_evidence_digests_and_source_are_defined_terms() -> None:
    """digestMultibase/digestSRI (VCDM 2.0 context) and source (OB context) expand to IRIs."""
    document = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "source": {"id": "urn:uuid:1", "type": ["Profile"], "name": "Joost Bakker"},
        },
        "evidence": [
            {
                "type": ["Evidence"],
                "id": "https://zwaan.example/e.pdf",
                "digestMultibase": "uEiA",
                "digestSRI": "sha384-abc",
            }
        ],
    }
    text = json.dumps(expand_safely(document))
    assert "https://w3id.org/security#digestMultibase" in text
    assert "https://www.w3.org/2018/credentials#digestSRI" in text
    assert "https://purl.imsglobal.org/spec/vc/ob/vocab.html#source" in text


def test_hashed_name_checks_typed_names_and_plain_is_a_choice(fresh: Issuer) -> None:
    hashed = fresh.award_skills(HOLDER.did, MENU[:1], menu_award(), actor="test")[0]
    (identity,) = hashed.credential["credentialSubject"]["identifier"]
    assert name_matches(identity, "  sanne   DE vries ")
    assert not name_matches(identity, "Sanne de Vries-Jansen")
    plain = fresh.award_skills(HOLDER.did, MENU[1:2], menu_award(plain_name=True), actor="test")
    (shown,) = plain[0].credential["credentialSubject"]["identifier"]
    assert (shown["hashed"], shown["identityHash"]) == (False, "Sanne de Vries")
    assert name_matches(shown, "sanne de vries")
    assert not name_matches(shown, "Sanne Vries")


def test_all_or_nothing_and_idempotent(fresh: Issuer) -> None:
    bad = [*MENU[:2], SkillLevelIn(achievement_id="levensvaardigheden-initiatief-nemen", level="9")]
    with pytest.raises(InvalidInput):
        fresh.award_skills(HOLDER.did, bad, menu_award(), actor="test")
    missing = [*MENU[:2], SkillLevelIn(achievement_id="levensvaardigheden-koken", level="1")]
    with pytest.raises(NotFound):
        fresh.award_skills(HOLDER.did, missing, menu_award(), actor="test")
    twice = [MENU[0], MENU[0]]
    with pytest.raises(InvalidInput):
        fresh.award_skills(HOLDER.did, twice, menu_award(), actor="test")
    assert count(fresh) == 0
    first = fresh.award_skills(HOLDER.did, MENU, menu_award(), actor="test", key="menu-1")
    again = fresh.award_skills(HOLDER.did, MENU, menu_award(), actor="test", key="menu-1")
    assert [i.credential["id"] for i in first] == [i.credential["id"] for i in again]
    assert [i.created for i in again] == [False, False, False]
    assert count(fresh) == 3


def test_a_failure_inside_the_transaction_leaves_nothing(
    fresh: Issuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The third credential fails while storing: the first two are rolled back too."""
    original = fresh.store.insert_credentials
    calls = {"rows": 0}

    def failing(conn: Any, rows: list[dict[str, Any]]) -> None:
        calls["rows"] += len(rows)
        original(conn, rows[:2])  # the first two are written...
        raise InvalidInput("disk said no", code=ErrorCode.invalid_request)  # ...the third not

    monkeypatch.setattr(fresh.store, "insert_credentials", failing)
    with pytest.raises(InvalidInput):
        fresh.award_skills(HOLDER.did, MENU, menu_award(), actor="test")
    assert calls["rows"] == 3
    assert count(fresh) == 0


def test_a_future_date_and_bad_digests_are_refused(fresh: Issuer) -> None:
    future = menu_award().model_copy(update={"awarded_date": datetime(2027, 1, 1, tzinfo=UTC)})
    with pytest.raises(InvalidInput) as caught:
        fresh.award_skills(HOLDER.did, MENU[:1], future, actor="test")
    assert caught.value.code == ErrorCode.invalid_request
    with pytest.raises(InvalidInput):
        evidence_file(b"")


# ------------------------------------------------------------------ HTTP


async def test_award_skills_over_http(
    client: httpx.AsyncClient, admin: dict[str, str], issuer: Issuer
) -> None:
    issuer.import_framework(LIFE, actor="test")
    card = evidence_file(MENU_CARD, url="https://zwaan.example/portfolio/menukaart.pdf")
    body = {
        "recipient": HOLDER.did,
        "skills": [s.model_dump() for s in MENU],
        "evidence": [card.model_dump(exclude_none=True)],
        "assessor": {"name": "Joost Bakker", "role": "chef-kok"},
        "awarded_date": "2026-11-20T15:00:00Z",
        "name": "Sanne de Vries",
        "idempotency_key": "menu-http",
    }
    assert (await client.post("/awards", json=body)).status_code == 401
    done = await client.post("/awards", json=body, headers=admin)
    assert done.status_code == 201, done.text
    credentials = done.json()["credentials"]
    assert len(credentials) == 3
    assert done.json()["created"] is True
    names = [c["credentialSubject"]["achievement"]["id"].rsplit("/", 1)[-1] for c in credentials]
    assert names == [s.achievement_id for s in MENU]
    assert credentials[0]["evidence"][0]["digestMultibase"] == card.digest_multibase
    again = await client.post("/awards", json=body, headers=admin)
    assert again.json()["created"] is False
    bad = body | {"skills": [{"achievement_id": "levensvaardigheden-creativiteit", "level": "7"}],
                  "idempotency_key": "other"}  # fmt: skip
    refused = await client.post("/awards", json=bad, headers=admin)
    assert (refused.status_code, refused.json()["code"]) == (400, "invalid_request")
    swapped = body | {"evidence": [{"url": "https://x.example/a", "digest_multibase": "nope"}]}
    assert (await client.post("/awards", json=swapped, headers=admin)).status_code == 422
    assert len(issuer.credentials(limit=100)) == 3


async def test_an_offer_carries_the_award_details(
    client: httpx.AsyncClient, admin: dict[str, str], issuer: Issuer
) -> None:
    issuer.import_framework(LIFE, actor="test")
    card = evidence_file(MENU_CARD, url="https://zwaan.example/portfolio/menukaart.pdf")
    made = await client.post(
        "/offers",
        json={
            "achievement_id": "levensvaardigheden-creativiteit",
            "name": "Sanne de Vries",
            "results": [{"value": "2"}],
            "evidence": [card.model_dump(exclude_none=True)],
            "assessor": {"name": "Joost Bakker", "role": "chef-kok"},
            "awarded_date": "2026-11-20T15:00:00Z",
        },
        headers=admin,
    )
    assert made.status_code == 201, made.text
    stored = issuer.store
    with stored.read() as conn:
        row = stored.offer(conn, made.json()["id"])
    award = AwardIn.model_validate(json.loads(row["award"]))
    assert award.learner_name == "Sanne de Vries"
    assert award.assessor is not None
    assert award.evidence[0].digest_sri == card.digest_sri


# ------------------------------------------------------------------ CLI


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("RUGZAK_ISSUER_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("RUGZAK_ISSUER_KDF", "min")
    monkeypatch.delenv("RUGZAK_ISSUER_DATABASE_URL", raising=False)
    return CliRunner()


def cli(runner: CliRunner, data: Path, *args: str, code: int = 0) -> Any:
    result = runner.invoke(app, ["--data-dir", str(data), *args])
    assert result.exit_code == code, result.output
    return result


def test_cli_award_one_command_three_credentials(runner: CliRunner, tmp_path: Path) -> None:
    data = tmp_path / "issuer"
    cli(runner, data, "init", "--name", "Hotel De Zwaan", "--base-url", "https://zwaan.example")
    cli(runner, data, "framework", "import", "--builtin", "levensvaardigheden")
    card = tmp_path / "menukaart.pdf"
    card.write_bytes(MENU_CARD)
    out = tmp_path / "out"
    done = cli(
        runner, data, "award", "--recipient", HOLDER.did,
        "-s", "levensvaardigheden-creativiteit=2",
        "-s", "levensvaardigheden-doorzettingsvermogen=2",
        "-s", "levensvaardigheden-initiatief-nemen=1",
        "--evidence-file", str(card),
        "--evidence-file-url", "https://zwaan.example/portfolio/menukaart.pdf",
        "--narrative", "De nieuwe menukaart", "--assessor", "Joost Bakker|chef-kok",
        "--date", "2026-11-20", "--name", "Sanne de Vries", "--out-dir", str(out),
    )  # fmt: skip
    assert done.output.count("Issued ") == 3
    files = sorted(out.glob("*.json"))
    assert len(files) == 3
    credential = json.loads(files[0].read_text("utf-8"))
    evidence = credential["evidence"][0]
    assert evidence["name"] == "menukaart.pdf"
    assert digest_matches(MENU_CARD, digest_multibase=evidence["digestMultibase"])
    assert credential["awardedDate"] == "2026-11-20T00:00:00Z"
    assert validate_credential_schema(credential) == []
    # The employer's verifier CLI names the level and the fixed evidence file.
    verdict = CliRunner().invoke(verifier_app, ["verify", str(files[0]), "--offline"])
    level = read_level(credential["credentialSubject"]["achievement"],
                       credential["credentialSubject"]["result"][0])  # fmt: skip
    said = " ".join(verdict.stdout.split())
    assert f"{level.skill} " in said  # the badge's title
    short = level.name.split(": ", 1)[1]  # "Niveau 1: Beginnend": the place is said once
    assert f"Level {level.number} of 4 — {short}" in said
    assert "evidence: menukaart.pdf (file fixed by its digest)" in said
    failed = cli(
        runner, data, "award", "--recipient", HOLDER.did,
        "-s", "levensvaardigheden-creativiteit=3", "-s", "levensvaardigheden-koken=1",
        "--out-dir", str(tmp_path / "none"), code=2,
    )  # fmt: skip
    assert "achievement_not_found" in failed.output
    assert not (tmp_path / "none").exists()
    malformed = cli(runner, data, "award", "--recipient", HOLDER.did, "-s", "creativiteit",
                    "--out-dir", str(out), code=2)  # fmt: skip
    assert "invalid_request" in malformed.output


# ------------------------------------------------------------------ PostgreSQL


@pytest.mark.postgres
def test_multi_skill_award_on_postgresql(tmp_path: Path, clock: FakeClock) -> None:
    with pg_schema() as url:
        settings = IssuerSettings(data_dir=tmp_path, database_url=url, kdf="min")
        made, _token = make_issuer(settings, clock, suspension=False)
        try:
            made.import_framework(LIFE, actor="t")
            bad = [*MENU[:2], SkillLevelIn(achievement_id=MENU[2].achievement_id, level="5")]
            with pytest.raises(InvalidInput):
                made.award_skills(HOLDER.did, bad, menu_award(), actor="t")
            assert count(made) == 0
            issued = made.award_skills(HOLDER.did, MENU, menu_award(), actor="t")
            assert len(issued) == 3
            assert count(made) == 3
        finally:
            made.store.dispose()


# ------------------------------------------------------------------ batch


def test_batch_rows_with_dutch_headers_several_skills_and_an_evidence_file(
    fresh: Issuer, tmp_path: Path
) -> None:
    """One row = one piece of work for three skills: three credentials in one go; a row
    with one impossible level issues none of its skills; the file's digest is in each."""
    (tmp_path / "menukaart.pdf").write_bytes(MENU_CARD)
    other = SigningKey.from_seed(b"\x09" * 32)
    source = tmp_path / "medewerkers.csv"
    # Semicolons separate columns here, so this file writes skills as a quoted cell.
    source.write_text(
        "naam;ontvanger;vaardigheden;bewijs;bewijsbestand;beoordelaar;datum\n"
        f'Sanne de Vries;{HOLDER.did};"levensvaardigheden-creativiteit=2; '
        "levensvaardigheden-doorzettingsvermogen=2; "
        'levensvaardigheden-initiatief-nemen=1";'
        "https://zwaan.example/portfolio/menukaart.pdf;menukaart.pdf;Joost Bakker|chef-kok;"
        "2026-11-20\n"
        f'Ahmed Yilmaz;{other.did};"levensvaardigheden-luisteren=3; '
        'levensvaardigheden-veerkracht=8";De week van de verbouwing;;Joost Bakker;2026-11-21\n'
        f"Fleur Jansen;{other.did};levensvaardigheden-luisteren=1;;geen.pdf;;\n",
        encoding="utf-8",
    )
    rows, bad = batch.read_rows(source)
    assert [(b["line"], b["error_code"]) for b in bad] == [(4, "invalid_request")]
    results_path = tmp_path / "results.csv"
    writer = batch.ResultsWriter(results_path)
    summary = batch.run(
        fresh, rows, results=writer, out_dir=tmp_path / "out", actor="test", chunk_size=2
    )
    writer.close()
    assert (summary.issued, summary.failed) == (3, 2)
    lines = list(csv.DictReader(io.StringIO(results_path.read_text("utf-8-sig"))))
    assert [(r["line"], r["achievement"], r["outcome"]) for r in lines] == [
        ("2", "levensvaardigheden-creativiteit", "issued"),
        ("2", "levensvaardigheden-doorzettingsvermogen", "issued"),
        ("2", "levensvaardigheden-initiatief-nemen", "issued"),
        ("3", "levensvaardigheden-luisteren", "error"),
        ("3", "levensvaardigheden-veerkracht", "error"),
    ]
    assert count(fresh) == 3
    credential = json.loads(Path(lines[0]["file"]).read_text("utf-8"))
    evidence = credential["evidence"][0]
    assert evidence["id"] == "https://zwaan.example/portfolio/menukaart.pdf"
    assert digest_matches(MENU_CARD, digest_multibase=evidence["digestMultibase"])
    assert credential["credentialSubject"]["source"]["name"] == "Joost Bakker"
    assert credential["awardedDate"] == "2026-11-20T00:00:00Z"
    (identity,) = credential["credentialSubject"]["identifier"]
    assert name_matches(identity, "sanne de vries")
    assert validate_credential_schema(credential) == []


def test_batch_row_with_an_email_and_three_skills_is_one_offer(
    fresh: Issuer, tmp_path: Path
) -> None:
    """A row without a DID: ONE offer for all its skills (each skill's results line has
    the same link and code); a re-run offers nothing again; a bad level fails the row."""
    source = tmp_path / "medewerkers.csv"
    source.write_text(
        "naam;email;vaardigheden;bewijs\n"
        'Sanne de Vries;sanne@zwaan.example;"levensvaardigheden-creativiteit=2; '
        "levensvaardigheden-doorzettingsvermogen=2; "
        'levensvaardigheden-initiatief-nemen=1";De nieuwe menukaart\n'
        'Fleur van der Berg-Özdemir;fleur@zwaan.example;"levensvaardigheden-luisteren=3; '
        'levensvaardigheden-veerkracht=8";De week van de verbouwing\n',
        encoding="utf-8",
    )
    rows, bad = batch.read_rows(source)
    assert bad == []
    for attempt in ("first", "again"):
        results_path = tmp_path / f"results-{attempt}.csv"
        writer = batch.ResultsWriter(results_path)  # a new name each attempt
        summary = batch.run(fresh, rows, results=writer, out_dir=None, actor="test", tx_code=True)
        writer.close()
        lines = list(csv.DictReader(io.StringIO(results_path.read_text("utf-8-sig"))))
        outcomes = [r["outcome"] for r in lines]
        if attempt == "first":
            assert (summary.offered, summary.failed) == (3, 2)
            assert outcomes == ["offered"] * 3 + ["error"] * 2
            assert len({(r["offer_id"], r["offer_uri"], r["tx_code"]) for r in lines[:3]}) == 1
        else:
            assert outcomes[:3] == ["already_offered"] * 3
    with fresh.store.read() as conn:
        (offer,) = fresh.store.offers(conn)
    assert [s["level"] for s in json.loads(offer["skills"])] == ["2", "2", "1"]


def test_cli_offer_carries_evidence_file_assessor_and_name(
    runner: CliRunner, tmp_path: Path
) -> None:
    data = tmp_path / "issuer"
    cli(runner, data, "init", "--name", "Hotel De Zwaan", "--base-url", "https://zwaan.example")
    cli(runner, data, "framework", "import", "--builtin", "levensvaardigheden")
    card = tmp_path / "menukaart.pdf"
    card.write_bytes(MENU_CARD)
    cli(
        runner, data, "offer", "-a", "levensvaardigheden-creativiteit", "--result", "2",
        "--name", "Sanne de Vries", "--evidence", "https://zwaan.example/portfolio/menukaart.pdf",
        "--evidence-file", str(card), "--assessor", "Joost Bakker|chef-kok",
        "--date", "2026-11-20",
    )  # fmt: skip
    settings = IssuerSettings(data_dir=data, kdf="min")
    made = Issuer.open(settings)
    try:
        with made.store.read() as conn:
            (row,) = made.store.offers(conn)
        award = AwardIn.model_validate(json.loads(row["award"]))
    finally:
        made.store.dispose()
    assert award.learner_name == "Sanne de Vries"
    assert award.assessor == AssessorIn(name="Joost Bakker", role="chef-kok")
    (item,) = award.evidence
    assert item.url == "https://zwaan.example/portfolio/menukaart.pdf"
    assert digest_matches(MENU_CARD, digest_multibase=item.digest_multibase)
    assert award.results[0].value == "2"


# ------------------------------------------------------------------ one offer, several skills


async def test_one_offer_delivers_every_skill_level_in_one_credential_request(
    client: httpx.AsyncClient, admin: dict[str, str], issuer: Issuer, clock: FakeClock
) -> None:
    """ "The new menu card" -> creativity 2, perseverance 2, initiative 1: ONE offer, one
    token, one credential request (OID4VCI 1.0 §8.3 ``credentials``), three badges."""
    from shared.oid4vci import (
        OB_CONFIGURATION_ID,
        PRE_AUTHORIZED_GRANT,
        CredentialOffer,
        make_proof_jwt,
        parse_offer_link,
    )
    from tests.issuer.conftest import BASE_URL
    from tests.issuer.helpers import status_source_http

    issuer.import_framework(LIFE, actor="test")
    card = evidence_file(MENU_CARD, url="https://zwaan.example/portfolio/menukaart.pdf")
    made = await client.post(
        "/offers",
        json={
            "skills": [s.model_dump() for s in MENU],
            "name": "Sanne de Vries",
            "evidence": [card.model_dump(exclude_none=True)],
            "assessor": {"name": "Joost Bakker", "role": "chef-kok"},
            "tx_code": True,
        },
        headers=admin,
    )
    assert made.status_code == 201, made.text
    created = made.json()
    offer = parse_offer_link(created["offer_uri"])
    assert isinstance(offer, CredentialOffer)
    assert offer.credential_configuration_ids == [OB_CONFIGURATION_ID]
    form = {
        "grant_type": PRE_AUTHORIZED_GRANT,
        "pre-authorized_code": offer.pre_authorized_code,
        "tx_code": created["tx_code"],
    }
    token = (await client.post("/oid4vci/token", data=form)).json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}

    async def ask(body: dict[str, Any]) -> httpx.Response:
        nonce = (await client.post("/oid4vci/nonce")).json()["c_nonce"]
        jwt = make_proof_jwt(HOLDER, audience=BASE_URL, nonce=nonce, issued_at=clock())
        return await client.post("/oid4vci/credential", json={**body, "proof": {
            "proof_type": "jwt", "jwt": jwt}} if "format" in body else {
            **body, "proofs": {"jwt": [jwt]}}, headers=bearer)  # fmt: skip

    # a draft 13/14 wallet (one credential per answer) is refused before anything is spent
    by_format = await ask(
        {"format": "ldp_vc", "credential_definition": {"type": ["VerifiableCredential"]}}
    )
    assert by_format.status_code == 400
    assert by_format.json()["code"] == "invalid_request"
    assert count(issuer) == 0

    answer = await ask({"credential_configuration_id": OB_CONFIGURATION_ID})
    assert answer.status_code == 200, answer.text
    got = [c["credential"] for c in answer.json()["credentials"]]
    assert len(got) == 3
    lists = await status_source_http(client)
    levels = []
    for credential in got:
        subject = credential["credentialSubject"]
        assert subject["id"] == HOLDER.did
        assert credential["evidence"][0]["digestSRI"] == card.digest_sri
        assert verify(credential, lists, clock()).verified
        levels.append((subject["achievement"]["id"].rsplit("/", 1)[-1], subject["result"][0]))
    assert [(a, r["value"]) for a, r in levels] == [
        ("levensvaardigheden-creativiteit", "Niveau 2: Op weg"),
        ("levensvaardigheden-doorzettingsvermogen", "Niveau 2: Op weg"),
        ("levensvaardigheden-initiatief-nemen", "Niveau 1: Beginnend"),
    ]
    assert len({c["id"] for c in got}) == 3
    again = await ask({"credential_configuration_id": OB_CONFIGURATION_ID})
    assert again.status_code == 400  # redeemed: all three went in one go
    assert again.json()["code"] == "offer_used"
    assert count(issuer) == 3
    view = (await client.get(f"/offers/{created['id']}", headers=admin)).json()
    assert view["state"] == "redeemed"
    assert [s["level"] for s in view["skills"]] == ["2", "2", "1"]
    listed = (await client.get("/credentials", headers=admin)).json()
    assert {c["offer_id"] for c in listed} == {created["id"]}


def test_a_skills_offer_is_checked_when_made(fresh: Issuer) -> None:
    from issuer.offers import OfferService

    offers = OfferService(fresh)
    with pytest.raises(NotFound):
        offers.create(
            None, skills=[*MENU[:2], SkillLevelIn(achievement_id="koken", level="1")], actor="t"
        )
    with pytest.raises(InvalidInput) as twice:
        offers.create(None, skills=[MENU[0], MENU[0]], actor="t")
    assert twice.value.code == ErrorCode.invalid_request
    with pytest.raises(InvalidInput):  # one achievement or several skills, not both
        offers.create(MENU[0].achievement_id, skills=MENU, actor="t")
    with pytest.raises(InvalidInput):
        offers.create(None, actor="t")
    with fresh.store.read() as conn:
        assert fresh.store.offers(conn) == []


def test_cli_award_without_recipient_makes_one_offer_the_wallet_takes_whole(
    runner: CliRunner, tmp_path: Path
) -> None:
    """The award command with no DID: one offer; the learner's wallet receives the three
    level credentials in one go (the real issuer app, the real wallet code)."""
    from issuer.api.app import create_app
    from shared.runtime.sealing import FAST_KDF
    from wallet.config import WalletConfig
    from wallet.data.store import WalletStore
    from wallet.service import WalletService

    data = tmp_path / "issuer"
    cli(runner, data, "init", "--name", "Hotel De Zwaan", "--base-url", "https://zwaan.example")
    cli(runner, data, "framework", "import", "--builtin", "levensvaardigheden")
    made = cli(
        runner, data, "award",
        "-s", "levensvaardigheden-creativiteit=2",
        "-s", "levensvaardigheden-doorzettingsvermogen=2",
        "-s", "levensvaardigheden-initiatief-nemen=1",
        "--narrative", "De nieuwe menukaart", "--assessor", "Joost Bakker|chef-kok",
        "--name", "Sanne de Vries",
    )  # fmt: skip
    link, summary, *levels = made.stdout.splitlines()
    assert link.startswith("openid-credential-offer://")
    assert summary.endswith("for 3 credentials:")
    assert "  levensvaardigheden-initiatief-nemen level 1" in levels
    needs_out = cli(runner, data, "award", "--recipient", HOLDER.did,
                    "-s", "levensvaardigheden-creativiteit=2", code=2)  # fmt: skip
    assert "--out-dir" in needs_out.output

    settings = IssuerSettings(data_dir=data, kdf="min", passphrase=PASSPHRASE)
    with served(create_app(settings)) as transport:
        config = WalletConfig(data_dir=tmp_path / "wallet", kdf=FAST_KDF, transport=transport)
        store = WalletStore.create(config.data_dir, "Fleur van der Berg-Özdemir", kdf=FAST_KDF)
        try:
            outcomes = WalletService(config, store).import_text(link)
        finally:
            store.close()
    assert [o.accepted for o in outcomes] == [True, True, True]
    names = sorted(o.card.name for o in outcomes if o.card is not None)
    assert len(names) == 3


@contextmanager
def served(app: Any) -> Iterator[httpx.BaseTransport]:
    """The ASGI app, lifespan included, on an event loop of its own thread, behind a
    sync transport (the wallet's network calls are sync)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    inner = httpx.ASGITransport(app=app)
    lifespan = app.router.lifespan_context(app)
    asyncio.run_coroutine_threadsafe(lifespan.__aenter__(), loop).result(30)

    class Sync(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            body = request.read()

            async def send() -> httpx.Response:
                inner_request = httpx.Request(
                    request.method, request.url, headers=request.headers, content=body
                )
                reply = await inner.handle_async_request(inner_request)
                content = await reply.aread()
                return httpx.Response(reply.status_code, headers=reply.headers, content=content)

            return asyncio.run_coroutine_threadsafe(send(), loop).result(60)

    try:
        yield Sync()
    finally:
        asyncio.run_coroutine_threadsafe(lifespan.__aexit__(None, None, None), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
