"""A presentation's conversion hands its credentials' quads to their own proof checks.

``embedded_quads`` converts a presentation and hands back, per credential, the quads of
that credential minus its proof (``EmbeddedQuads.alone``); ``canonize_sharing`` uses
them within one presentation's verification. Each hand-off must be *exactly*
``document_quads(credential minus proof)`` (the same set, blank node numbers and all,
so RDFC-1.0 does the same work on it), the presentation's own quads must not change,
and verification answers must be the same with sharing as without.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import shared.proof.suites as suites
from shared import canonical
from shared.canonical import canonize, canonize_sharing, sharing_embedded_quads
from shared.credentials import create_presentation, verify_presentation
from shared.errors import RugzakError
from shared.jsonld.context import Fallback
from shared.jsonld.rdfc import canonicalize
from shared.jsonld.to_rdf import EmbeddedQuads, document_quads, embedded_quads
from shared.vocab import as_list
from tests import sample_badges as sb
from tests.conftest import VECTORS
from tests.shared.test_canonical_realistic import CORPUS
from tests.verifier.test_verify_golden import _verifier

V1 = "https://www.w3.org/2018/credentials/v1"
V2 = "https://www.w3.org/ns/credentials/v2"


def _without_proof(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "proof"}


def _outcome(convert: Any, document: dict[str, Any]) -> Any:
    try:
        return "ok", convert(document)
    except Fallback:
        return "fallback", None
    except RugzakError as error:
        return "error", str(error.code)


def assert_exact_hand_off(presentation: dict[str, Any]) -> list[EmbeddedQuads]:
    """What ``embedded_quads`` gives equals converting each part on its own; returns
    the hand-offs (none when the presentation itself is not converted here)."""
    unsecured = _without_proof(presentation)
    credentials = as_list(unsecured.get("verifiableCredential"))
    expected = _outcome(document_quads, unsecured)
    got = _outcome(lambda d: embedded_quads(d, credentials), unsecured)
    if expected[0] != "ok":
        assert got == expected
        return []
    quads, handed = got[1]
    assert quads == expected[1]  # the presentation's own quads are untouched
    for embedded in handed:
        assert any(embedded.credential is c for c in credentials)
        alone = _without_proof(embedded.credential)
        assert embedded.alone() == document_quads(alone)  # the very same set
        assert canonicalize(embedded.alone()) == canonize(alone)
    assert len({id(e.credential) for e in handed}) == len(handed)
    # Within one presentation's verification, canonize_sharing answers as canonize does.
    with sharing_embedded_quads(unsecured.get("verifiableCredential")):
        assert canonize_sharing(dict(unsecured)) == canonize(unsecured)
        for credential in credentials:
            if isinstance(credential, dict):
                alone = _without_proof(credential)
                assert _outcome(canonize_sharing, alone) == _outcome(canonize, alone)
    return handed


def _v2_presentation(credentials: list[Any], **extra: Any) -> dict[str, Any]:
    return {
        "@context": [V2],
        "type": ["VerifiablePresentation"],
        "holder": "did:example:holder",
        "verifiableCredential": credentials,
        **extra,
    }


# --- shipped vectors -----------------------------------------------------------------------


def _vector_files() -> Iterator[tuple[str, Any]]:
    for path in sorted(VECTORS.rglob("*.json*")):
        if "contexts" in path.relative_to(VECTORS).parts:
            continue
        try:
            yield str(path.relative_to(VECTORS)), json.loads(path.read_text("utf-8"))
        except ValueError:
            continue


def _documents(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        if "@context" in value:
            yield value
        for key, item in value.items():
            if key != "@context":
                yield from _documents(item)
    elif isinstance(value, list):
        for item in value:
            yield from _documents(item)


def _is_presentation(document: dict[str, Any]) -> bool:
    return "VerifiablePresentation" in as_list(document.get("type"))


VECTOR_PRESENTATIONS = [
    pytest.param(document, id=f"{name}:{index}")
    for name, data in _vector_files()
    for index, document in enumerate(_documents(data))
    if _is_presentation(document)
]
VECTOR_SIGNED = [
    pytest.param(document, id=f"{name}:{index}")
    for name, data in _vector_files()
    for index, document in enumerate(_documents(data))
    if "proof" in document and not _is_presentation(document)
]


def test_the_vector_corpora_are_large() -> None:
    assert len(VECTOR_PRESENTATIONS) >= 6
    assert len(VECTOR_SIGNED) >= 40


@pytest.mark.parametrize("presentation", VECTOR_PRESENTATIONS)
def test_vector_presentations(presentation: dict[str, Any]) -> None:
    handed = assert_exact_hand_off(presentation)
    if V2 not in as_list(presentation.get("@context")):
        # VCDM 1.1 resets no context for its credentials: they are converted again.
        assert handed == []


@pytest.mark.parametrize("signed", VECTOR_SIGNED)
def test_every_signed_vector_document_in_a_presentation(signed: dict[str, Any]) -> None:
    assert_exact_hand_off(_v2_presentation([signed]))
    # The proof walked first: every blank node after it is numbered back.
    proof_first = {"proof": signed["proof"], **_without_proof(signed)}
    assert_exact_hand_off(_v2_presentation([proof_first, signed]))


def test_signed_vector_documents_are_handed_off_together() -> None:
    documents = [param.values[0] for param in VECTOR_SIGNED]
    handed = 0
    for start in range(0, len(documents), 5):
        handed += len(assert_exact_hand_off(_v2_presentation(documents[start : start + 5])))
    assert handed >= 20  # the test is not vacuous: most are handed off


# --- realistic badges --------------------------------------------------------------------


@pytest.fixture(scope="module")
def badges() -> dict[str, Any]:
    with sb.issuer_with_badges() as issuer:
        badge = sb.award(issuer, 0)
        other = sb.award(issuer, 1)
        third = sb.award(issuer, 2)
        skill = sb.skill_level(issuer)
        endorsement = issuer.endorse(badge["id"], "Goed werk op de afdeling.", actor="test")
        on_issuer = issuer.endorse(issuer.identity.did, "Betrouwbare school.", actor="test")
        pack = sb.trust_pack(issuer)
    return {
        "badge": badge,
        "other": other,
        "third": third,
        "skill": skill,
        "endorsement": endorsement,
        "on issuer": on_issuer,
        "pack": pack,
    }


def _with_embedded_endorsement(badge: dict[str, Any], endorsement: dict[str, Any]) -> Any:
    """A badge whose achievement holds a signed endorsement: a nested proof graph."""
    changed = copy.deepcopy(badge)
    changed["credentialSubject"]["achievement"]["endorsement"] = [endorsement]
    return changed


def _variants(b: dict[str, Any]) -> dict[str, list[Any]]:
    badge, other, endorsement = b["badge"], b["other"], b["endorsement"]
    tampered = copy.deepcopy(badge)
    tampered["credentialSubject"]["result"][0]["value"] = "4"
    forged = copy.deepcopy(badge)
    forged["proof"][0]["proofValue"] = forged["proof"][0]["proofValue"][:-2] + "zz"
    proof = badge["proof"][0]  # issued badges carry a one-proof set
    two_proofs = {**badge, "proof": [proof, {**proof, "created": "2026-01-01T00:00:00Z"}]}
    proof_last = {**_without_proof(badge), "proof": proof}
    proof_first = {"proof": proof, **_without_proof(badge)}
    empty_proof = {**badge, "proof": []}
    string_proof = {**badge, "proof": "urn:uuid:not-a-proof"}
    inline = {**badge, "@context": [*badge["@context"], {"ex": "https://example.com/"}]}
    undefined = {**badge, "notATerm": 1}
    return {
        "one badge": [badge],
        "two badges": [badge, other],
        "three badges and a skill": [badge, other, b["third"], b["skill"]],
        "badge and endorsement": [badge, endorsement],
        "endorsements only": [endorsement, b["on issuer"]],
        "tampered badge": [tampered],
        "forged proof value": [forged],
        "badge and its tampered copy": [badge, tampered],
        "the same badge twice": [badge, badge],
        "embedded endorsement": [_with_embedded_endorsement(badge, endorsement)],
        "embedded endorsement and the endorsement": [
            _with_embedded_endorsement(other, endorsement),
            endorsement,
        ],
        "a proof set": [two_proofs],
        "proof first": [proof_first],
        "proof last": [proof_last],
        "empty proof": [empty_proof],
        "a string proof": [string_proof],
        "no proof": [_without_proof(badge)],
        "inline context": [inline],
        "undefined term": [undefined, other],
    }


def _presented(credentials: list[Any], suite: str = "eddsa-rdfc-2022") -> dict[str, Any]:
    """The learner's presentation of ``credentials``; one the learner's software cannot
    sign (a credential with an undefined term) gets the signature of another."""
    try:
        return create_presentation(
            credentials, sb.LEARNER, challenge="c", domain=sb.DOMAIN, created=sb.NOW,
            cryptosuite=suite,
        )  # fmt: skip
    except RugzakError:
        signed = create_presentation(
            [], sb.LEARNER, challenge="c", domain=sb.DOMAIN, created=sb.NOW, cryptosuite=suite
        )
        return {**signed, "verifiableCredential": credentials}


def test_realistic_presentations(badges: dict[str, Any]) -> None:
    handed = {}
    for name, credentials in _variants(badges).items():
        handed[name] = len(assert_exact_hand_off(_presented(credentials)))
    assert handed["one badge"] == 1
    assert handed["three badges and a skill"] == 4
    assert handed["the same badge twice"] == 1
    assert handed["embedded endorsement"] == 1
    assert handed["a proof set"] == 1
    assert handed["empty proof"] == 1
    assert handed["no proof"] == 0  # nothing to hand: no proof check converts it
    assert handed["inline context"] == 0  # its plan is not kept: converted again


@pytest.mark.parametrize(
    "presentation",
    [doc for name, doc in CORPUS if name.startswith("vp") and "config" not in name],
    ids=[name for name, _ in CORPUS if name.startswith("vp") and "config" not in name],
)
def test_generated_presentations(presentation: dict[str, Any]) -> None:
    handed = assert_exact_hand_off(presentation)
    assert len(handed) == len(presentation["verifiableCredential"])


def test_a_credential_under_another_context_is_not_handed_off(badges: dict[str, Any]) -> None:
    # A VCDM 1.1 presentation keeps its own terms active inside the credentials.
    v1 = {
        "@context": [V1, "https://w3id.org/security/data-integrity/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [badges["badge"]],
    }
    assert assert_exact_hand_off(v1) == []


# --- verification answers ------------------------------------------------------------------


@pytest.fixture
def no_sharing(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Switches sharing on and off: off, every proof converts its document itself."""

    def switch(on: bool) -> None:
        monkeypatch.setattr(suites, "canonize_sharing", canonize_sharing if on else canonize)

    return switch


def test_verification_answers_are_the_same_with_and_without_sharing(
    badges: dict[str, Any], tmp_path: Path, no_sharing: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    verifier = _verifier(tmp_path, badges["pack"], "sharing", 1)
    uses: list[int] = []
    alone = EmbeddedQuads.alone
    monkeypatch.setattr(EmbeddedQuads, "alone", lambda self: uses.append(1) or alone(self))
    for name, credentials in _variants(badges).items():
        for suite in ("eddsa-rdfc-2022", "eddsa-jcs-2022"):
            presentation = _presented(credentials, suite)
            answers = []
            for on in (True, False, True):
                no_sharing(on)
                uses.clear()
                result = verify_presentation(
                    presentation, verifier.options, challenge="c", domain=sb.DOMAIN
                )
                answers.append(json.dumps(result.to_dict(), sort_keys=True, default=str))
                if not on or suite == "eddsa-jcs-2022":
                    assert uses == [], name  # JCS converts no presentation to RDF
            assert answers[0] == answers[1] == answers[2], name
            if name == "one badge" and suite == "eddsa-rdfc-2022":
                assert "valid" in answers[0]
    no_sharing(True)
    uses.clear()
    presentation = _presented([badges["badge"], badges["other"]])
    result = verify_presentation(presentation, verifier.options, challenge="c", domain=sb.DOMAIN)
    assert str(result.verdict) == "valid"
    assert len(uses) == 2  # both badges' proofs took the presentation's quads


def test_sharing_ends_with_the_verification(badges: dict[str, Any], tmp_path: Path) -> None:
    verifier = _verifier(tmp_path, badges["pack"], "scope", 1)
    presentation = sb.presentation([badges["badge"]])
    verify_presentation(presentation, verifier.options, challenge=sb.CHALLENGE, domain=sb.DOMAIN)
    assert canonical._sharing.get() is None
    # Outside a verification canonize_sharing is canonize: nothing was kept.
    alone = _without_proof(badges["badge"])
    assert canonize_sharing(alone) == canonize(alone)


def test_sharing_is_scoped_and_nested_scopes_restore(badges: dict[str, Any]) -> None:
    outer = [badges["badge"]]
    with sharing_embedded_quads(outer):
        state = canonical._sharing.get()
        with sharing_embedded_quads([badges["other"]]):
            assert canonical._sharing.get() is not state
        assert canonical._sharing.get() is state
    assert canonical._sharing.get() is None


def test_a_different_copy_of_the_credential_is_converted_again(badges: dict[str, Any]) -> None:
    presentation = _v2_presentation([badges["badge"]])
    with sharing_embedded_quads(presentation["verifiableCredential"]):
        canonize_sharing(dict(presentation))
        sharing = canonical._sharing.get()
        assert sharing is not None
        assert sharing.embedded
        equal_copy = copy.deepcopy(_without_proof(badges["badge"]))
        reordered = dict(reversed(_without_proof(badges["badge"]).items()))
        assert not canonical._without_proof(equal_copy, badges["badge"])
        assert not canonical._without_proof(reordered, badges["badge"])
        assert canonical._without_proof(_without_proof(badges["badge"]), badges["badge"])
        assert canonize_sharing(equal_copy) == canonize(equal_copy)
