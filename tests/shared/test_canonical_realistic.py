"""The fast path against pyld on badges as Rugzak really makes them, many variants.

A seeded generator picks the optional parts of an OB 3.0 credential (pictures by URL
and digest, alignments, tags, several results, evidence, status entries, the hashed
identity, the assessor, dates, languages) and texts that need N-Quads escaping;
``build_credential`` builds it, ``issue_credential`` signs it and
``create_presentation`` puts one to three of them in a presentation, the way the
issuer and the wallet do. Every document (unsigned, signed, each proof config, each
presentation) must canonicalize byte for byte as pyld does, and the fast path must
handle it on its own: a badge we issue never needs the slow path.
"""

from __future__ import annotations

import hashlib
import json
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.canonical import canonize, canonize_reference
from shared.credentials import create_presentation, issue_credential
from shared.jsonld.rdfc import canonicalize
from shared.jsonld.to_rdf import document_quads
from shared.keys import SigningKey
from shared.ob.build import build_credential
from shared.ob.models import (
    Achievement,
    Alignment,
    Criteria,
    Evidence,
    IdentityObject,
    Image,
    Profile,
    Result,
    ResultDescription,
)
from shared.proof.suites import proof_config, rdfc_config_hash
from shared.status_list import build_status_entry
from tests.pure_modules import n_degree_steps

SEED = 20261127
ISSUERS = [SigningKey.from_seed(bytes([0x61 + n]) * 32) for n in range(2)]
LEARNERS = [SigningKey.from_seed(bytes([0x71 + n]) * 32) for n in range(3)]
START = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
TEXTS = [
    "Samenwerken in de zorg",
    "Gastvrijheid en klantcontact",
    "Zelfstandig werken",
    'Werkt "samen" aan een gedeeld doel',
    "Regel één\nRegel twee\tmet tab",
    "Pad: C:\\leerlingen\\2026",
    "Café-medewerker (niveau 2) — ✓",
    "Ĳverig, geduldig & behulpzaam; 100%",
    "Terugkoppeling\r\nvan de praktijkopleider",
    "日本語のバッジ",
    "   spaties rondom   ",
]
LANGUAGES = ["nl", "en", "nl-NL", "fy"]


def _text(rng: random.Random) -> str:
    return rng.choice(TEXTS)


def _maybe(rng: random.Random, value: Any, chance: float = 0.5) -> Any:
    return value if rng.random() < chance else None


def _alignment(rng: random.Random, n: int) -> Alignment:
    return Alignment(
        target_name=_text(rng),
        target_url=f"https://kader.example/levensvaardigheden/{n}",
        target_code=_maybe(rng, f"LV-{n:02d}"),
        target_framework=_maybe(rng, "Levensvaardigheden"),
        target_description=_maybe(rng, _text(rng), 0.3),
        target_type=_maybe(rng, rng.choice(["CFItem", "CTDL", "ext:Vaardigheid"]), 0.3),
    )


def _achievement(rng: random.Random, base: str, number: int) -> Achievement:
    result_descriptions = [
        ResultDescription(
            id=f"{base}/achievements/{number}#result-r{r}",
            name=rng.choice(["Niveau", "Cijfer", "Beoordeling"]),
            result_type=rng.choice(["PerformanceLevel", "LetterGrade", "ext:Score"]),
            allowed_value=_maybe(rng, [str(v) for v in range(1, rng.randint(2, 6))]),
            alignment=_maybe(rng, [_alignment(rng, 90 + r)], 0.2),
        )
        for r in range(rng.choice([0, 1, 1, 2]))
    ]
    return Achievement(
        id=f"{base}/achievements/{number}",
        name=_text(rng),
        description=_text(rng),
        criteria=Criteria(
            id=_maybe(rng, f"{base}/criteria/{number}", 0.3),
            narrative=_text(rng),
        ),
        achievement_type=_maybe(rng, rng.choice(["Competency", "Badge", "ext:Stage"]), 0.8),
        alignment=[_alignment(rng, n) for n in range(rng.choice([0, 0, 1, 2, 3]))] or None,
        tag=rng.sample(["zorg", "welzijn", "levensvaardigheden", "mbo"], rng.randint(0, 3)) or None,
        image=_maybe(
            rng,
            Image(
                id=f"{base}/images/uEi{number:04d}.png",
                caption=_maybe(rng, _text(rng), 0.3),
            ),
            0.8,
        ),
        in_language=_maybe(rng, rng.choice(LANGUAGES), 0.6),
        credits_available=_maybe(rng, rng.choice([1, 2.5, 30, 0.25]), 0.2),
        human_code=_maybe(rng, f"ZW-{number}", 0.2),
        result_description=result_descriptions or None,
    )


def _issuer(rng: random.Random, key: SigningKey, base: str) -> Profile:
    return Profile(
        id=key.did,
        name=_maybe(rng, "Stichting Leerhuis IJsselvallei", 0.9),
        url=_maybe(rng, base, 0.7),
        email=_maybe(rng, "badges@leerhuis.example", 0.5),
        description=_maybe(rng, _text(rng), 0.4),
        image=_maybe(rng, Image(id=f"{base}/images/logo.png"), 0.6),
    )


def _credential(rng: random.Random, number: int, achievement: Achievement) -> dict[str, Any]:
    key = ISSUERS[number % len(ISSUERS)]
    base = f"https://leerhuis-{number % len(ISSUERS)}.example"
    learner = rng.choice(LEARNERS)
    valid_from = START + timedelta(days=number, seconds=rng.randint(0, 86_399))
    results = [
        Result(
            value=_maybe(rng, str(rng.randint(1, 4)), 0.9),
            result_description=_maybe(rng, f"{achievement.id}#result-r0", 0.7),
            achieved_level=_maybe(rng, f"{achievement.id}#level-{rng.randint(1, 3)}", 0.2),
            status=_maybe(rng, rng.choice(["Completed", "Enrolled"]), 0.2),
        )
        for _ in range(rng.choice([0, 1, 1, 2, 3]))
    ]
    evidence = [
        Evidence(
            id=_maybe(rng, f"https://portfolio.example/{learner.did[-6:]}/{number}/{n}", 0.7),
            name=_maybe(rng, _text(rng), 0.4),
            narrative=_maybe(rng, _text(rng), 0.8),
            genre=_maybe(rng, "Portfolio", 0.2),
        )
        for n in range(rng.choice([0, 0, 1, 2]))
    ]
    status = [
        build_status_entry(f"{base}/status/{purpose}-1", rng.randint(0, 131_071), purpose)
        for purpose, chance in (("revocation", 0.8), ("suspension", 0.5))
        if rng.random() < chance
    ]
    identifier = None
    if rng.random() < 0.6:
        identifier = [
            IdentityObject.hashed_identity("fatima.elamrani@example.nl", salt=f"{number:016x}")
        ]
    related = None
    if achievement.image is not None and rng.random() < 0.8:
        related = [
            {
                "id": achievement.image.id,
                "digestSRI": "sha384-" + hashlib.sha384(achievement.image.id.encode()).hexdigest(),
            }
        ]
    return build_credential(
        achievement=achievement,
        issuer=_issuer(rng, key, base),
        subject_id=learner.did,
        credential_id=f"urn:uuid:00000000-0000-4000-8000-{number:012d}",
        valid_from=valid_from,
        valid_until=_maybe(rng, valid_from + timedelta(days=730), 0.4),
        awarded_date=_maybe(rng, valid_from - timedelta(days=2), 0.2),
        results=results or None,
        evidence=evidence or None,
        credential_status=status or None,
        identifier=identifier,
        source=_maybe(rng, Profile(id=f"{base}/coaches/7", name=_text(rng)), 0.2),
        related_resource=related,
        name=_maybe(rng, _text(rng), 0.2),
    )


def _signed(rng: random.Random, number: int, achievement: Achievement) -> dict[str, Any]:
    credential = _credential(rng, number, achievement)
    key = ISSUERS[number % len(ISSUERS)]
    created = START + timedelta(days=number, seconds=rng.randint(0, 59))
    return issue_credential(credential, key, created=created)


def _corpus() -> list[tuple[str, dict[str, Any]]]:
    rng = random.Random(SEED)
    achievements = [
        _achievement(rng, f"https://leerhuis-{n % len(ISSUERS)}.example", n) for n in range(6)
    ]
    documents: list[tuple[str, dict[str, Any]]] = []
    signed: list[dict[str, Any]] = []
    for number in range(40):
        # Achievements repeat, as they do when one issuer awards the same badge often.
        credential = _signed(rng, number, rng.choice(achievements))
        signed.append(credential)
        unsecured = {k: v for k, v in credential.items() if k != "proof"}
        documents.append((f"credential-{number}", unsecured))
        documents.append((f"signed-{number}", credential))
        documents.append((f"config-{number}", proof_config(credential["proof"][0], credential)))
    for number in range(12):
        count = rng.choice([1, 1, 2, 3])
        chosen = rng.sample(signed, count)
        holder = LEARNERS[number % len(LEARNERS)]
        presentation = create_presentation(
            chosen,
            holder,
            challenge=_maybe(rng, f"nonce-{number}", 0.8),
            domain=_maybe(rng, "https://werken.zorggroep-oost.example", 0.6),
            created=START + timedelta(hours=number),
        )
        unsecured = {k: v for k, v in presentation.items() if k != "proof"}
        documents.append((f"vp{count}-{number}", unsecured))
        documents.append((f"vp-config-{number}", proof_config(presentation["proof"], presentation)))
    return documents


CORPUS = _corpus()


def _shuffled(value: Any, rng: random.Random) -> Any:
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {k: _shuffled(v, rng) for k, v in items}
    if isinstance(value, list):
        return [_shuffled(v, rng) for v in value]
    return value


def test_the_corpus_covers_what_badges_hold() -> None:
    text = json.dumps(CORPUS, ensure_ascii=False)
    for part in (
        "relatedResource",
        "alignment",
        "IdentityObject",
        "BitstringStatusListEntry",
        "evidence",
        "resultDescription",
        "inLanguage",
        "source",
        "\\n",
        '\\"',
        "verifiableCredential",
    ):
        assert part in text, part
    assert sum(name.startswith("vp3") for name, _ in CORPUS) >= 2


@pytest.mark.parametrize("document", [doc for _, doc in CORPUS], ids=[n for n, _ in CORPUS])
def test_fast_path_matches_pyld_on_realistic_badge(document: dict[str, Any]) -> None:
    expected = canonize_reference(document)
    assert canonicalize(document_quads(document)) == expected  # the fast path on its own
    assert canonize(document) == expected
    shuffled = _shuffled(document, random.Random(len(expected)))
    assert canonicalize(document_quads(shuffled)) == expected


@pytest.mark.parametrize(
    "document",
    [doc for name, doc in CORPUS if "config" in name],
    ids=[name for name, _ in CORPUS if "config" in name],
)
def test_proof_config_hash_matches_pyld(document: dict[str, Any]) -> None:
    expected = hashlib.sha256(canonize_reference(document).encode("utf-8")).digest()
    assert rdfc_config_hash(document) == expected
    assert rdfc_config_hash(document) == expected


def test_some_presentations_need_the_n_degree_step() -> None:
    steps = sum(n_degree_steps(document_quads(document)) for _, document in CORPUS)
    assert steps >= 3
