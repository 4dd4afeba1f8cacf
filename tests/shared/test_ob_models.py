"""OB 3.0 pydantic models, dates and vocabularies (shared.ob.models, .dates, .vocab)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from shared.ob.fields import known_fields
from shared.ob.models import (
    Achievement,
    AchievementSubject,
    Alignment,
    CredentialStatus,
    Criteria,
    IdentityObject,
    Image,
    OpenBadgeCredential,
    Profile,
    ResultDescription,
    VerifiablePresentation,
    hash_identity,
)
from shared.ob.vocab import AchievementType, ResultType, check_extensible, is_ext_name
from tests.conftest import VECTORS, load_vector


def dump(model: Any) -> dict[str, Any]:
    out: dict[str, Any] = model.model_dump(by_alias=True, exclude_none=True, mode="json")
    return out


@pytest.mark.parametrize(
    "name",
    ["simple.json", "complete.json", "simple-multiple-proofs.json"],
)
def test_spec_examples_round_trip(name: str) -> None:
    """Parsing a 1EdTech example and dumping it again loses and changes nothing."""
    doc = json.loads((VECTORS / "ob3" / "1edtech-validator" / name).read_text("utf-8"))
    assert dump(OpenBadgeCredential.model_validate(doc)) == doc


def test_round_trip_keeps_the_instant_not_the_offset() -> None:
    """A date-time with an offset comes back as the same instant, written in UTC."""
    doc = load_vector("ob3/1edtech-validator/simple-did-key-method.json")
    assert doc["validFrom"] == "2022-11-10T07:38:00-08:00"
    out = dump(OpenBadgeCredential.model_validate(doc))
    assert out["validFrom"] == "2022-11-10T15:38:00Z"
    assert {**out, "validFrom": doc["validFrom"]} == doc


def test_spec_vector_round_trips() -> None:
    """The OB spec test vector (signed and unsigned) round-trips."""
    vector = load_vector("ob3/spec-test-vector/ob3-eddsa-rdfc-2022-vector.json")
    for key in ("signedCredential", "unsignedCredential"):
        assert dump(OpenBadgeCredential.model_validate(vector[key])) == vector[key]


def test_complete_parses_into_typed_fields() -> None:
    """complete.json fills the typed fields, not only extras."""
    cred = OpenBadgeCredential.model_validate(load_vector("ob3/1edtech-validator/complete.json"))
    subject = cred.credential_subject
    assert subject.achievement.achievement_type == "Degree"
    assert subject.achievement.alignment is not None
    assert subject.achievement.alignment[0].target_type == "CFItem"
    assert subject.identifier is not None
    assert subject.identifier[0].identity_type == "emailAddress"
    assert subject.activity_start_date == datetime(2010, 1, 1, tzinfo=UTC)
    assert subject.credits_earned == 42
    assert isinstance(cred.issuer, Profile)
    assert cred.issuer.parent_org is not None
    assert cred.issuer.parent_org.type == ["Profile"]
    assert cred.valid_until == datetime(2030, 1, 1, tzinfo=UTC)
    # Fields the models do not define survive as extras.
    assert "endorsement" in (cred.model_extra or {})


def test_known_fields_drops_extensions_at_every_depth() -> None:
    """known_fields emits only modelled fields (what builders sign)."""
    doc = load_vector("ob3/1edtech-validator/complete.json")
    out = known_fields(OpenBadgeCredential.model_validate(doc))
    assert "endorsement" not in out
    assert "refreshService" not in out
    achievement = out["credentialSubject"]["achievement"]
    assert "otherIdentifier" not in achievement
    assert "endorsement" not in achievement["creator"]
    assert "address" not in achievement["creator"]
    assert (
        achievement["resultDescription"][1]["name"]
        == (doc["credentialSubject"]["achievement"]["resultDescription"][1]["name"])
    )
    # Rubric levels are modelled (skill frameworks use them) and kept as they are.
    source = doc["credentialSubject"]["achievement"]["resultDescription"][1]
    assert (
        achievement["resultDescription"][1]["rubricCriterionLevel"]
        == (source["rubricCriterionLevel"])
    )


def test_hashed_identity_spec_example() -> None:
    """jjefferson18@example.com salted with FleurDeSel hashes as in the OB guide."""
    expected = "sha256$658625b25ab3d75d613ca97d9a5a77f70e2192feca5557f4ad09a4d4f121f5fc"
    assert hash_identity("jjefferson18@example.com", "FleurDeSel") == expected
    identity = IdentityObject.hashed_identity("jjefferson18@example.com", salt="FleurDeSel")
    assert dump(identity) == {
        "type": "IdentityObject",
        "hashed": True,
        "identityHash": expected,
        "identityType": "emailAddress",
        "salt": "FleurDeSel",
    }
    assert identity.matches("jjefferson18@example.com")
    assert not identity.matches("Jjefferson18@example.com")


def test_plain_identity_matches() -> None:
    """An unhashed IdentityObject compares the identity itself."""
    identity = IdentityObject(
        hashed=False, identity_hash="student@1edtech.edu", identity_type="emailAddress"
    )
    assert identity.matches("student@1edtech.edu")
    assert not identity.matches("other@1edtech.edu")


def test_camel_case_aliases_and_snake_case_names() -> None:
    """JSON names are camelCase; Python accepts snake_case too."""
    alignment = Alignment(target_name="T", target_url="https://x", target_type="ext:Mine")
    assert dump(alignment) == {
        "type": ["Alignment"],
        "targetName": "T",
        "targetUrl": "https://x",
        "targetType": "ext:Mine",
    }
    assert Alignment.model_validate(dump(alignment)) == alignment


def test_image_type_is_a_string() -> None:
    """Image.type is the string 'Image', not an array."""
    assert dump(Image(id="https://x/i.png")) == {"id": "https://x/i.png", "type": "Image"}
    with pytest.raises(ValidationError):
        Image.model_validate({"id": "https://x/i.png", "type": ["Image"]})


def test_type_must_contain_class_name() -> None:
    """A type array without the class name is refused; a single string is read as a list."""
    with pytest.raises(ValidationError, match="type must contain 'Profile'"):
        Profile.model_validate({"id": "https://x", "type": ["Organisation"]})
    assert Profile.model_validate({"id": "https://x", "type": "Profile"}).type == ["Profile"]
    extra = Profile.model_validate({"id": "https://x", "type": ["Profile", "Organization"]})
    assert extra.type == ["Profile", "Organization"]


@pytest.mark.parametrize(
    "types",
    [["VerifiableCredential"], ["OpenBadgeCredential"], ["VerifiableCredential", "Other"]],
)
def test_credential_type(types: list[str]) -> None:
    """The credential type needs VerifiableCredential and an OB type."""
    doc = load_vector("ob3/1edtech-validator/simple.json")
    doc["type"] = types
    with pytest.raises(ValidationError, match="VerifiableCredential"):
        OpenBadgeCredential.model_validate(doc)


def test_single_values_read_as_lists() -> None:
    """JSON-LD compacted single values are read where the spec has arrays."""
    doc = load_vector("ob3/1edtech-validator/simple.json")
    doc["evidence"] = {"type": "Evidence", "narrative": "n"}
    cred = OpenBadgeCredential.model_validate(doc)
    assert cred.evidence is not None
    assert cred.evidence[0].type == ["Evidence"]


@pytest.mark.parametrize(
    ("vocabulary", "value", "ok"),
    [
        (AchievementType, "Badge", True),
        (AchievementType, "MicroCredential", True),
        (AchievementType, "ext:Bootcamp", True),
        (AchievementType, "ext:Boot camp", False),
        (AchievementType, "Program", False),
        (AchievementType, "badge", False),
        (ResultType, "RubricCriterionLevel", True),
        (ResultType, "ext:Stars", True),
        (ResultType, "Stars", False),
    ],
)
def test_extensible_vocabularies(vocabulary: Any, value: str, ok: bool) -> None:
    """Extensible enums take listed values or ext: names, nothing else."""
    if ok:
        assert check_extensible(vocabulary, value) == value
    else:
        with pytest.raises(ValueError, match="ext:Name"):
            check_extensible(vocabulary, value)


def test_vocabularies_in_models() -> None:
    """achievementType, resultType, targetType and identityType are checked on read."""
    base = {"id": "urn:a", "name": "A", "description": "d", "criteria": {"narrative": "n"}}
    assert Achievement.model_validate({**base, "achievementType": "ext:Bootcamp"})
    with pytest.raises(ValidationError):
        Achievement.model_validate({**base, "achievementType": "Program"})
    with pytest.raises(ValidationError):
        ResultDescription.model_validate({"id": "urn:r", "name": "R", "resultType": "Stars"})
    with pytest.raises(ValidationError):
        Alignment.model_validate({"targetName": "t", "targetUrl": "u", "targetType": "Skill"})
    with pytest.raises(ValidationError):
        IdentityObject.model_validate(
            {"hashed": True, "identityHash": "h", "identityType": "email"}
        )
    assert is_ext_name("ext:a.b-c_d")
    assert not is_ext_name("xext:a")


def test_criteria_needs_id_or_narrative() -> None:
    """Criteria with neither id nor narrative is refused."""
    with pytest.raises(ValidationError, match="id or a narrative"):
        Criteria()
    assert Criteria(id="https://x/criteria").narrative is None


def test_subject_needs_id_or_identifier() -> None:
    """An AchievementSubject must say who: a DID or an identifier."""
    achievement = Achievement(
        id="urn:a", name="A", description="d", criteria=Criteria(narrative="n")
    )
    with pytest.raises(ValidationError, match="id or an identifier"):
        AchievementSubject(achievement=achievement)
    identity = IdentityObject.hashed_identity("a@b.nl", salt="s")
    assert AchievementSubject(achievement=achievement, identifier=[identity]).id is None


def test_datetime_serialisation() -> None:
    """Datetimes are written as UTC, whole seconds, with Z."""
    doc = load_vector("ob3/1edtech-validator/simple.json")
    doc["validFrom"] = "2026-11-23T13:45:10.987654+01:00"
    cred = OpenBadgeCredential.model_validate(doc)
    assert cred.valid_from == datetime(2026, 11, 23, 12, 45, 10, 987654, tzinfo=UTC)
    assert dump(cred)["validFrom"] == "2026-11-23T12:45:10Z"
    # Python mode keeps the datetime object.
    assert isinstance(cred.model_dump()["valid_from"], datetime)


@pytest.mark.parametrize("value", ["2010-01-01T00:00:00", "2010-01-01", 1262304000, "soon"])
def test_datetimes_need_rfc3339_with_timezone(value: object) -> None:
    """Naive, date-only, numeric and free-text dates are refused on read."""
    doc = load_vector("ob3/1edtech-validator/simple.json")
    doc["validFrom"] = value
    with pytest.raises(ValidationError):
        OpenBadgeCredential.model_validate(doc)


def test_naive_python_datetime_refused() -> None:
    """A naive datetime passed in Python is refused too."""
    doc = load_vector("ob3/1edtech-validator/simple.json")
    doc["validFrom"] = datetime(2010, 1, 1)
    with pytest.raises(ValidationError, match="timezone"):
        OpenBadgeCredential.model_validate(doc)


def test_valid_until_not_before_valid_from() -> None:
    """validUntil before validFrom is refused."""
    doc = load_vector("ob3/1edtech-validator/simple.json")
    doc["validUntil"] = "2009-12-31T23:59:59Z"
    with pytest.raises(ValidationError, match="before validFrom"):
        OpenBadgeCredential.model_validate(doc)


def test_status_entry_keeps_integer_or_string_index() -> None:
    """statusListIndex reads as given (string in W3C, integer in 1EdTech files)."""
    assert (
        CredentialStatus.model_validate(
            {"type": "BitstringStatusListEntry", "statusListIndex": 23}
        ).status_list_index
        == 23
    )
    assert (
        CredentialStatus.model_validate(
            {"type": "BitstringStatusListEntry", "statusListIndex": "23"}
        ).status_list_index
        == "23"
    )


def test_profile_date_of_birth_is_a_date() -> None:
    """dateOfBirth is an RFC 3339 full-date."""
    profile = Profile.model_validate({"id": "did:example:1", "dateOfBirth": "2001-02-03"})
    assert profile.date_of_birth == date(2001, 2, 3)
    assert dump(profile)["dateOfBirth"] == "2001-02-03"
    with pytest.raises(ValidationError):
        Profile.model_validate({"id": "did:example:1", "dateOfBirth": "03-02-2001"})


def test_presentation_model() -> None:
    """A presentation keeps its credentials as dicts and needs the VP type."""
    credential = load_vector("ob3/1edtech-validator/simple.json")
    vp = VerifiablePresentation(holder="did:key:z6Mk", verifiable_credential=[credential])
    out = dump(vp)
    assert out["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert out["type"] == ["VerifiablePresentation"]
    assert out["verifiableCredential"] == [credential]
    with pytest.raises(ValidationError):
        VerifiablePresentation.model_validate({"type": ["VerifiableCredential"]})
