"""The unsigned OpenBadgeCredential builder (shared.ob.build)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from shared.credentials import issue_credential, verify_credential
from shared.errors import ErrorCode, InvalidInput
from shared.keys import SigningKey
from shared.ob.build import (
    Prebuilt,
    _plainly_valid,
    build_credential,
    parts_checked_apart,
    schema_findings,
)
from shared.ob.issues import has_errors
from shared.ob.models import (
    Achievement,
    Alignment,
    Criteria,
    Evidence,
    IdentityObject,
    Image,
    OpenBadgeCredential,
    Profile,
    Result,
    ResultDescription,
    hash_identity,
)
from shared.ob.schema import check_credential, validate_credential_schema, vcdm_allows
from shared.ob.schema_engine import detailed_validator
from shared.ob.structure import check_structure
from shared.status_list import build_status_entry
from shared.vocab import CREDENTIALS_V2, OB_V3P0_303

ISSUER_DID = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
LEARNER_DID = "did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH"
START = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)
STATUS = {
    "type": "BitstringStatusListEntry",
    "statusPurpose": "revocation",
    "statusListIndex": 94567,
    "statusListCredential": "https://issuer.example/status/revocation-1",
}


def issuer(**extra: Any) -> Profile:
    return Profile(id=ISSUER_DID, name="Stichting Rugzak", **extra)


def achievement(**extra: Any) -> Achievement:
    return Achievement(
        id="https://issuer.example/achievements/doorzetten-2",
        name="Doorzettingsvermogen, niveau 2",
        description="Houdt vol bij tegenslag.",
        criteria=Criteria(narrative="Rondt drie projecten af ondanks tegenslag."),
        **extra,
    )


def minimal(**overrides: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "achievement": achievement(),
        "issuer": issuer(),
        "subject_id": LEARNER_DID,
        "credential_id": "urn:uuid:2f0c7f7e-8a8e-4c38-9b64-0e2d0ddc4a51",
        "valid_from": START,
    }
    args.update(overrides)
    return build_credential(**args)


def full() -> dict[str, Any]:
    rubric = ResultDescription(
        id="urn:uuid:rd-level",
        name="Niveau",
        result_type="PerformanceLevel",
        allowed_value=["1", "2", "3"],
        required_value="2",
        value_min="1",
        value_max="3",
        alignment=[Alignment(target_name="Doorzetten", target_url="https://skills.example/d")],
    )
    return build_credential(
        achievement=achievement(
            achievement_type="Competency",
            alignment=[
                Alignment(
                    target_name="Doorzetten",
                    target_url="https://skills.example/doorzetten",
                    target_code="D2",
                    target_description="Doorzettingsvermogen",
                    target_framework="Vaardigheden NL",
                    target_type="ext:VaardighedenNL",
                )
            ],
            creator=issuer(url="https://issuer.example"),
            credits_available=2.5,
            field_of_study="Vaardigheden",
            human_code="DZ-2",
            image=Image(id="data:image/png;base64,iVBORw0KGgo=", caption="Badge"),
            in_language="nl",
            result_description=[rubric],
            specialization="Doorzetten",
            tag=["soft skills", "niveau 2"],
            version="2026.1",
        ),
        issuer=issuer(
            url="https://issuer.example",
            email="info@issuer.example",
            image=Image(id="https://issuer.example/logo.png"),
            phone="+31 20 123 4567",
            description="Een stichting.",
        ),
        subject_id=LEARNER_DID,
        credential_id="urn:uuid:7e2b2c53-0ef5-4c2f-9d49-4d0b9c0f7f11",
        valid_from=START,
        valid_until=START + timedelta(days=730),
        results=[Result(result_description="urn:uuid:rd-level", value="2", status="Completed")],
        evidence=[
            Evidence(
                id="https://issuer.example/evidence/1",
                narrative="Portfolio met drie projecten.",
                name="Portfolio",
                description="Projectverslagen",
                genre="Portfolio",
                audience="Werkgevers",
            )
        ],
        credential_status=[STATUS],
        name="Doorzetten 2",
        awarded_date=START - timedelta(days=1),
        identifier=[IdentityObject.hashed_identity("leerling@example.nl", salt="8f3a1c")],
    )


def test_minimal_credential_shape() -> None:
    """The minimal credential is exactly what Rugzak issues: VCDM 2.0 with the OB 3.0.3
    context, a Profile issuer, validFrom, and the 1EdTech achievement credential schema."""
    assert minimal() == {
        "@context": [CREDENTIALS_V2, OB_V3P0_303],
        "id": "urn:uuid:2f0c7f7e-8a8e-4c38-9b64-0e2d0ddc4a51",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Doorzettingsvermogen, niveau 2",
        "issuer": {"id": ISSUER_DID, "type": ["Profile"], "name": "Stichting Rugzak"},
        "validFrom": "2026-11-23T12:00:00Z",
        "credentialSubject": {
            "id": LEARNER_DID,
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://issuer.example/achievements/doorzetten-2",
                "type": ["Achievement"],
                "name": "Doorzettingsvermogen, niveau 2",
                "description": "Houdt vol bij tegenslag.",
                "criteria": {"narrative": "Rondt drie projecten af ondanks tegenslag."},
            },
        },
        "credentialSchema": [
            {
                "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
                "ob_v3p0_achievementcredential_schema.json",
                "type": "JsonSchema",
            }
        ],
    }


@pytest.mark.parametrize("build", [minimal, full], ids=["minimal", "full"])
def test_built_credentials_pass_every_check(build: Any) -> None:
    """Minimal and fully-filled credentials pass both schema forms and the structure check."""
    credential = build()
    for variant in ("formal", "jsonld"):
        assert detailed_validator("achievement", variant).is_valid(credential)
    assert validate_credential_schema(credential) == []
    assert check_structure(credential) == []
    assert check_credential(credential) == []
    # And it reads back into the model unchanged.
    parsed = OpenBadgeCredential.model_validate(credential)
    assert parsed.model_dump(by_alias=True, exclude_none=True, mode="json") == credential


def test_full_credential_fields() -> None:
    """Optional parts are written where the spec puts them."""
    credential = full()
    assert credential["name"] == "Doorzetten 2"
    assert credential["validUntil"] == "2028-11-22T12:00:00Z"
    assert credential["awardedDate"] == "2026-11-22T12:00:00Z"
    assert credential["issuer"]["email"] == "info@issuer.example"
    assert credential["issuer"]["image"] == {
        "id": "https://issuer.example/logo.png",
        "type": "Image",
    }
    assert credential["evidence"][0]["type"] == ["Evidence"]
    assert credential["credentialSubject"]["result"] == [
        {
            "type": ["Result"],
            "resultDescription": "urn:uuid:rd-level",
            "status": "Completed",
            "value": "2",
        }
    ]
    assert credential["credentialSubject"]["achievement"]["creditsAvailable"] == 2.5
    (identity,) = credential["credentialSubject"]["identifier"]
    assert identity["identityHash"] == hash_identity("leerling@example.nl", "8f3a1c")
    assert credential["credentialSubject"]["id"] == LEARNER_DID


def test_status_entry_is_one_object_with_string_index() -> None:
    """One status entry: an object, index as a string, id derived from list and index."""
    assert full()["credentialStatus"] == {
        "id": "https://issuer.example/status/revocation-1#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": "https://issuer.example/status/revocation-1",
    }
    given = {**STATUS, "id": "https://issuer.example/status/revocation-1#x", "statusListIndex": "7"}
    status = minimal(credential_status=[given])["credentialStatus"]
    assert status["id"] == "https://issuer.example/status/revocation-1#x"
    assert status["statusListIndex"] == "7"


def test_revocation_and_suspension_are_a_list_that_verifies() -> None:
    """Two purposes are two entries, written as a list (VCDM 2.0); the credential verifies."""
    suspension = build_status_entry("https://issuer.example/status/suspension-1", 12, "suspension")
    credential = minimal(credential_status=[STATUS, suspension])
    assert credential["credentialStatus"] == [
        {
            "id": "https://issuer.example/status/revocation-1#94567",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "94567",
            "statusListCredential": "https://issuer.example/status/revocation-1",
        },
        suspension,
    ]
    key = SigningKey.from_seed(bytes(range(32)))
    unsigned = minimal(
        issuer=Profile(id=key.did, name="Stichting Rugzak"), credential_status=[STATUS, suspension]
    )
    assert unsigned["credentialStatus"] == credential["credentialStatus"]
    signed = issue_credential(unsigned, key, created=START)
    result = verify_credential(signed, now=START)
    assert not result.errors, result.to_dict()
    assert [c.code for c in result.checks if c.name == "status"] == ["status_unknown"] * 2


@pytest.mark.parametrize(
    "entries",
    [
        [STATUS, {**STATUS, "statusListIndex": "5"}],
        ["not a dict"],
        [{**STATUS, "statusListIndex": -1}],
        [{**STATUS, "statusListIndex": "12a"}],
        [{**STATUS, "statusListIndex": True}],
        [{**STATUS, "statusListIndex": 1.5}],
        [{"type": "BitstringStatusListEntry", "statusListIndex": "1"}],
        [{"statusListIndex": "1", "statusListCredential": "https://x"}],
    ],
)
def test_bad_status_entries(entries: list[Any]) -> None:
    """Malformed entries, or two for one purpose, are refused with malformed_status_entry."""
    with pytest.raises(InvalidInput) as info:
        minimal(credential_status=entries)
    assert info.value.code == ErrorCode.malformed_status_entry


def test_extensions_on_inputs_are_not_emitted() -> None:
    """Extra fields on input models are dropped: we sign only what the models define."""
    ach = Achievement.model_validate(
        {
            "id": "urn:a",
            "name": "A",
            "description": "d",
            "criteria": {"narrative": "n", "x-note": "internal"},
            "internalCode": "secret",
        }
    )
    credential = minimal(
        achievement=ach, issuer=Profile.model_validate({"id": ISSUER_DID, "crm": 7})
    )
    assert credential["credentialSubject"]["achievement"] == {
        "id": "urn:a",
        "type": ["Achievement"],
        "name": "A",
        "description": "d",
        "criteria": {"narrative": "n"},
    }
    assert credential["issuer"] == {"id": ISSUER_DID, "type": ["Profile"]}


def test_times_are_written_in_utc_seconds() -> None:
    """Aware datetimes in any zone are written as UTC whole seconds."""
    amsterdam = timezone(timedelta(hours=1))
    credential = minimal(valid_from=datetime(2026, 11, 23, 13, 0, 0, 500, tzinfo=amsterdam))
    assert credential["validFrom"] == "2026-11-23T12:00:00Z"


@pytest.mark.parametrize("field", ["valid_from", "valid_until", "awarded_date"])
def test_naive_datetimes_are_a_caller_bug(field: str) -> None:
    """A naive datetime raises ValueError (its instant is unknown)."""
    with pytest.raises(ValueError, match="naive"):
        minimal(**{field: datetime(2026, 1, 1)})


def test_valid_until_before_valid_from() -> None:
    """validUntil before validFrom is malformed input."""
    with pytest.raises(InvalidInput) as info:
        minimal(valid_until=START - timedelta(seconds=1))
    assert info.value.code == ErrorCode.malformed_credential


@pytest.mark.parametrize("field", ["subject_id", "credential_id"])
@pytest.mark.parametrize("value", ["", "   "])
def test_empty_ids(field: str, value: str) -> None:
    """Empty subject or credential ids are malformed input."""
    with pytest.raises(InvalidInput) as info:
        minimal(**{field: value})
    assert info.value.code == ErrorCode.malformed_credential
    assert info.value.detail == field


def test_schema_failure_is_refused() -> None:
    """Input the models allow but the OB schema does not (inLanguage) is refused."""
    with pytest.raises(InvalidInput) as info:
        minimal(achievement=achievement(in_language="Nederlands"))
    assert info.value.code == ErrorCode.schema_invalid
    assert info.value.detail[0]["path"] == "$.credentialSubject.achievement.inLanguage"


@pytest.mark.parametrize("cryptosuite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_signed_credentials_still_pass(cryptosuite: str) -> None:
    """After signing (shared.credentials), the credential still passes schema and structure."""
    from shared.credentials import issue_credential
    from shared.keys import SigningKey

    key = SigningKey.from_seed(bytes(range(32)))
    unsigned = minimal(issuer=Profile(id=key.did, name="Stichting Rugzak"))
    signed = issue_credential(unsigned, key, cryptosuite=cryptosuite, created=START)
    assert signed["proof"]
    assert validate_credential_schema(signed) == []
    assert check_credential(signed) == []


# ---------------------------------------------------------------- shared parts, fast schema


def _prebuilt_agrees(args: dict[str, Any]) -> dict[str, Any]:
    """build_credential gives the same bytes with the achievement and issuer prebuilt."""
    general = build_credential(**args)
    fast = build_credential(
        **{
            **args,
            "achievement": Prebuilt.of(args["achievement"]),
            "issuer": Prebuilt.of(args["issuer"]),
        }
    )
    assert json.dumps(fast) == json.dumps(general)  # same fields, values and key order
    only_achievement = build_credential(**{**args, "achievement": Prebuilt.of(args["achievement"])})
    only_issuer = build_credential(**{**args, "issuer": Prebuilt.of(args["issuer"])})
    assert json.dumps(only_achievement) == json.dumps(only_issuer) == json.dumps(general)
    return fast


@pytest.mark.parametrize("status", [[], [STATUS], "both"])
def test_prebuilt_parts_give_the_same_credential(status: Any) -> None:
    suspension = build_status_entry("https://issuer.example/status/suspension-1", 12, "suspension")
    entries = [STATUS, suspension] if status == "both" else status
    extended = achievement(  # extensions on the parts are dropped either way
        achievement_type="Competency",
        tag=["a", "b"],
        image=Image(id="https://issuer.example/a.png", caption="Badge", extra_field="x"),
        extra_top="dropped",
    )
    _prebuilt_agrees(
        {
            "achievement": extended,
            "issuer": issuer(url="https://issuer.example", shoe_size=44),
            "subject_id": LEARNER_DID,
            "credential_id": "urn:uuid:2f0c7f7e-8a8e-4c38-9b64-0e2d0ddc4a51",
            "valid_from": START,
            "valid_until": START + timedelta(days=3),
            "results": [Result(value="2")],
            "evidence": [Evidence(id="https://issuer.example/e/1", narrative="n")],
            "credential_status": entries,
            "identifier": [IdentityObject.hashed_identity("a@example.nl", salt="00")],
            "source": Profile(id="urn:uuid:5e2c", name="Coach"),
            "related_resource": [
                {"id": "https://issuer.example/a.png", "digestMultibase": "uEiBVpYI"}
            ],
        }
    )


def test_a_prebuilt_part_is_copied_into_each_credential() -> None:
    part = Prebuilt.of(achievement(tag=["a"]))
    first = minimal(achievement=part)
    first["credentialSubject"]["achievement"]["tag"].append("changed by a caller")
    first["credentialSubject"]["achievement"]["name"] = "changed"
    second = minimal(achievement=part)
    assert second["credentialSubject"]["achievement"]["tag"] == ["a"]
    assert second == minimal(achievement=achievement(tag=["a"]))
    assert part.json["tag"] == ["a"]


def test_a_prebuilt_part_the_schema_refuses_is_still_refused() -> None:
    with pytest.raises(InvalidInput) as info:
        minimal(achievement=Prebuilt.of(achievement(in_language="Nederlands")))
    assert info.value.code == ErrorCode.schema_invalid
    assert info.value.detail[0]["path"] == "$.credentialSubject.achievement.inLanguage"


def _general_findings(document: dict[str, Any]) -> list[Any]:
    """What the builder asked before: the set form, less what VCDM 2.0 allows."""
    return [
        i for i in validate_credential_schema(document, memo=False) if not vcdm_allows(i, document)
    ]


def test_schema_findings_of_a_status_set_agree_with_the_set_form() -> None:
    """Valid credentials: no findings either way (the fast views and the slow set form);
    a broken achievement or issuer: errors either way, at the same paths."""
    suspension = build_status_entry("https://issuer.example/status/suspension-1", 12, "suspension")
    for build in (minimal, lambda: {**full(), "credentialStatus": [STATUS, suspension]}):
        document = build() if build is full else minimal(credential_status=[STATUS, suspension])
        assert isinstance(document["credentialStatus"], list)
        assert schema_findings(document) == _general_findings(document) == []
    document = minimal(credential_status=[STATUS, suspension])
    broken = json.loads(json.dumps(document))
    del broken["credentialSubject"]["achievement"]["criteria"]
    broken["issuer"]["type"] = ["NotAProfile"]
    fast = schema_findings(broken)
    slow = _general_findings(broken)
    assert has_errors(fast)
    assert has_errors(slow)
    assert {i.path for i in fast if i.is_error} >= {i.path for i in slow if i.is_error}


def test_a_broken_status_entry_in_a_set_is_found() -> None:
    """The set form never looked inside the entries (a list is not the one object the
    schema wants); the per-entry views do, and name the entry's position."""
    suspension = build_status_entry("https://issuer.example/status/suspension-1", 12, "suspension")
    document = minimal(credential_status=[STATUS, suspension])
    document["credentialStatus"][1]["type"] = 5  # the schema wants a string
    assert not has_errors(_general_findings(document))
    found = schema_findings(document)
    assert has_errors(found)
    assert all(i.path.startswith("$.credentialStatus[1]") for i in found if i.is_error)


def test_the_bundled_schema_checks_the_shared_parts_apart() -> None:
    """The fast check relies on this layout; if a schema update changes it, the fast
    check turns itself off (this test then says why the builder got slower)."""
    assert parts_checked_apart()


DAMAGES: dict[str, Any] = {
    "none": lambda d: None,
    "no validFrom": lambda d: d.pop("validFrom"),
    "subject type": lambda d: d["credentialSubject"].update(type=["Other"]),
    "result not a list": lambda d: d["credentialSubject"].update(result="not a list"),
    "validUntil text": lambda d: d.update(validUntil="tomorrow"),
    "second entry type": lambda d: d["credentialStatus"][1].update(type=5),
    "first entry id": lambda d: d["credentialStatus"][0].pop("id"),
    "achievement criteria": lambda d: d["credentialSubject"]["achievement"].pop("criteria"),
    "issuer type": lambda d: d["issuer"].update(type=["NotAProfile"]),
    "other schema": lambda d: d.update(
        credentialSchema=[{"id": "https://example.org/x", "type": "x"}]
    ),
}


@pytest.mark.parametrize("name", list(DAMAGES))
def test_the_fast_check_agrees_with_the_full_one(name: str) -> None:
    """_plainly_valid (parts judged once, then replaced by stand-ins) never says
    "valid" when schema_findings finds an error, wherever the credential is damaged,
    and says it for the undamaged credential."""
    suspension = build_status_entry("https://issuer.example/status/suspension-1", 12, "suspension")
    part, profile = Prebuilt.of(achievement()), Prebuilt.of(issuer())
    document = minimal(achievement=part, issuer=profile, credential_status=[STATUS, suspension])
    DAMAGES[name](document)
    # a damaged part is a different part (its own verdict), as the builder would have it
    if document["credentialSubject"]["achievement"] != part.json:
        part = Prebuilt(part.model, copy.deepcopy(document["credentialSubject"]["achievement"]))
    if document["issuer"] != profile.json:
        profile = Prebuilt(profile.model, copy.deepcopy(document["issuer"]))
    fast = _plainly_valid(document, part, profile)
    full = not has_errors(schema_findings(document))
    if fast:
        assert full
    assert fast == (name == "none")


def _shipped_credentials() -> list[tuple[str, dict[str, Any]]]:
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "vectors"
    found = []
    for path in sorted(root.rglob("*.json")):
        try:
            document = json.loads(path.read_text("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue
        if isinstance(document, dict) and "credentialSubject" in document:
            found.append((str(path.relative_to(root)), document))
    return found


def test_the_fast_check_never_passes_a_shipped_vector_the_full_check_refuses() -> None:
    """Every credential among the shipped vectors: when the fast check says valid,
    the full check finds no error; and it does say valid for some of them."""
    credentials = _shipped_credentials()
    assert len(credentials) > 20
    passed = 0
    for name, document in credentials:
        if _plainly_valid(document, None, None):
            passed += 1
            assert not has_errors(schema_findings(document)), name
    assert passed > 0
