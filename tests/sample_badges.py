"""Realistic badges made by the real issuer, for size claims (bench and tests).

A Dutch organisation with a 20 KB logo awards badges with a 20-80 KB picture, a
level result, evidence (URL and narrative), the learner's hashed e-mail, and both a
revocation and a suspension status entry; the learner's wallet key signs a
presentation bound to a verifier's request. ``embed`` gives the same badges with
the pictures inside as data URIs (the old form), for comparison. ``skill_level``
is a level credential of the shipped life-skills framework (its rubric inside).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from random import Random
from typing import Any

import anyio.from_thread
import httpx

from issuer.achievements import parse_input
from issuer.awards import AwardIn, EvidenceIn, ResultIn
from issuer.identity import ProfileIn, add_sd_key, initialize, load_identity
from issuer.publish import did_json, status_list, status_list_ids
from issuer.service import AwardRequest, Issuer
from issuer.settings import IssuerSettings
from issuer.store import Store
from shared.credentials import create_presentation
from shared.keys import SigningKey
from shared.skills import builtin
from tests.sample_images import badge_png, data_uri
from verifier.service.trust import TrustPack

NOW = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)
ISSUER_NAME = "Stichting Leerhuis IJsselvallei"
PASSPHRASE = "zomer-in-zwolle-2026"
LEARNER = SigningKey.from_seed(b"\x31" * 32)
CHALLENGE = "Zk3v9QmT1xW8pR2sL6nB4a"
DOMAIN = "https://werken.zorggroep-oost.example"
BADGES = [
    ("samenwerken", "Samenwerken in de zorg", 40, "3"),
    ("digitale-vaardigheden", "Digitale vaardigheden op de werkvloer", 80, "2"),
    ("gastvrijheid", "Gastvrijheid en klantcontact", 20, "4"),
]


@contextmanager
def issuer_with_badges(
    *, embed: bool = False, sd: bool = False, now: datetime = NOW
) -> Iterator[Issuer]:
    """An issuer (temporary SQLite store) with the three achievements of ``BADGES``;
    with ``sd`` its badges also carry an ecdsa-sd-2023 base proof (selective disclosure).
    Its clock stands still at ``now``."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = IssuerSettings(
            data_dir=Path(tmp),
            kdf="min",
            passphrase=PASSPHRASE,
            embed_images=embed,
            sd_proofs=sd,
        )
        store = Store(settings.resolved_database_url())
        initialize(
            store,
            profile=ProfileIn(
                name=ISSUER_NAME,
                url="https://leerhuis-ijsselvallei.example",
                email="badges@leerhuis-ijsselvallei.example",
                image=data_uri(badge_png(20, seed=100)),
                description="Leerwerkplaatsen voor zorg en welzijn in Zwolle en Deventer.",
            ),
            passphrase=PASSPHRASE,
            now=now,
            did_web="leerhuis-ijsselvallei.example",
            suspension=True,
            kdf="min",
            seed=b"\x21" * 32,
        )
        if sd:
            add_sd_key(store, load_identity(store), PASSPHRASE, now=now, kdf="min",
                       scalar=b"\x22" * 32)  # fmt: skip
        store.dispose()
        issuer = Issuer.open(settings, passphrase=PASSPHRASE, clock=lambda: now, rng=Random(5))
        try:
            for number, (aid, name, kilobytes, _level) in enumerate(BADGES):
                issuer.create_achievement(parse_input(_achievement(name, kilobytes, number)),
                                          actor="bench", achievement_id=aid)  # fmt: skip
            yield issuer
        finally:
            issuer.store.dispose()


def trust_pack(issuer: Issuer, *, created: datetime = NOW) -> TrustPack:
    """A verifier's trust pack for ``issuer``, as ``rugzak-verifier pack build`` makes
    one: the issuer known by name, its DID document and its signed status lists, as
    they are now (take it after revoking what should show as revoked)."""
    did = issuer.identity.did
    return TrustPack(
        created=created,
        issuers={did: ISSUER_NAME},
        dids={did: json.loads(did_json(issuer).body)},
        status_lists={
            row["url"]: json.loads(status_list(issuer, row["id"]).body)
            for row in status_list_ids(issuer)
        },
    )


def _achievement(name: str, kilobytes: int, seed: int) -> dict[str, Any]:
    return {
        "name": name,
        "description": f"{name}: aangetoond in de praktijk tijdens een leerwerktraject van "
        "twintig weken, beoordeeld door een praktijkopleider.",
        "criteria_narrative": "De deelnemer laat het gedrag van het behaalde niveau zien in "
        "minstens drie situaties op de werkvloer, vastgelegd in het portfolio.",
        "achievement_type": "Competency",
        "image": data_uri(badge_png(kilobytes, seed=seed)),
        "result_descriptions": [
            {"name": "Niveau", "allowed_values": ["1", "2", "3", "4"]},
        ],
        "in_language": "nl",
    }


def award(issuer: Issuer, index: int) -> dict[str, Any]:
    """Badge ``index`` of ``BADGES`` for the learner, with level, evidence and e-mail."""
    aid, _name, _kb, level = BADGES[index]
    evidence = EvidenceIn(
        url=f"https://portfolio.leerhuis-ijsselvallei.example/fatima-el-amrani/{aid}",
        narrative="Fatima begeleidde drie maanden lang nieuwe collega's op de afdeling "
        "geriatrie en organiseerde het wekelijkse teamoverleg.",
    )
    request = AwardRequest(
        aid,
        LEARNER.did,
        award=AwardIn(results=[ResultIn(value=level)], evidence=[evidence]),
        email="fatima.elamrani@example.nl",
    )
    credential: dict[str, Any] = issuer.issue(request, actor="bench").credential
    return credential


def skill_level(issuer: Issuer) -> dict[str, Any]:
    """A level-2 credential of the life-skills framework (the level's rubric inside)."""
    issuer.import_framework(builtin("levensvaardigheden"), actor="bench")
    request = AwardRequest(
        "levensvaardigheden-doorzettingsvermogen",
        LEARNER.did,
        award=AwardIn(results=[ResultIn(value="2")]),
    )
    credential: dict[str, Any] = issuer.issue(request, actor="bench").credential
    return credential


def presentation(credentials: list[dict[str, Any]]) -> dict[str, Any]:
    """The learner's presentation of ``credentials`` for one verifier request."""
    return create_presentation(
        credentials, LEARNER, challenge=CHALLENGE, domain=DOMAIN, created=NOW
    )


class Bridge(httpx.BaseTransport):
    """A blocking transport (what SafeFetcher takes) onto the issuer's ASGI app.

    The CLI runs in a worker thread; each request is handed to the event loop."""

    def __init__(self, site: httpx.AsyncClient) -> None:
        self.site = site

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def send() -> httpx.Response:
            return await self.site.request(
                request.method, str(request.url), headers=request.headers, content=request.read()
            )

        reply = anyio.from_thread.run(send)
        headers = {k: v for k, v in reply.headers.items()
                   if k.lower() not in ("content-encoding", "content-length")}  # fmt: skip
        return httpx.Response(reply.status_code, headers=headers, content=reply.content)
