"""Credentials from other implementations, through the verifier API and CLI.

The signature outcome of every fixture in ``expected-proof-results.json`` (1EdTech,
W3C, DCC) must match ours wherever our proof check runs (structurally broken
fixtures stop before it); legacy didkit-signed ones verify and fail as didkit says.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from tests.conftest import VECTORS, load_vector
from tests.verifier.conftest import MakeClient
from tests.verifier.helpers import DOMAIN, NOW
from verifier.cli import app as cli_app
from verifier.service.trust import STATUS_LIST_TYPES, TrustPack
from verifier.settings import Settings

EXPECTED: dict[str, list[dict[str, Any]]] = load_vector("expected-proof-results.json")["results"]
# Fixtures whose structure is broken on purpose, so the proof is never looked at.
STOPS_BEFORE_PROOF = {
    "dcc/vc-test-fixtures/verifiableCredentials/v2/dataIntegrityProof/didKey/twoOIDF-revoked-notExpired-badSchema.json",
    "ob3/1edtech-validator/simple-err-issuer.json",
}


def _rows() -> list[tuple[str, bool]]:
    out = []
    for name, rows in sorted(EXPECTED.items()):
        results = {r["result"] for r in rows}
        if not results <= {"verified", "failed"} or not (VECTORS / name).is_file():
            continue
        if not name.endswith(".json"):
            continue
        out.append((name, results == {"verified"}))
    return out


def _pack(path: Path) -> Path:
    dids: dict[str, dict[str, Any]] = {}
    for file in (VECTORS / "dcc" / "vc-test-fixtures" / "dids").rglob("*.json"):
        doc = json.loads(file.read_text("utf-8"))
        if isinstance(doc, dict) and isinstance(doc.get("id"), str):
            dids[doc["id"]] = doc
    lists: dict[str, dict[str, Any]] = {}
    mapping = load_vector("status-list/status-lists.json")["statusListCredentialUrlToFile"]
    for url, file in mapping.items():
        try:
            credential = json.loads((VECTORS / file).read_text("utf-8"))
        except ValueError:
            continue
        if isinstance(credential, dict) and STATUS_LIST_TYPES & set(credential.get("type", [])):
            lists[url] = credential
    TrustPack(created=NOW, dids=dids, status_lists=lists).save(path)
    return path


@pytest.fixture
async def vclient(make_client: MakeClient, tmp_path: Path) -> httpx.AsyncClient:
    settings = Settings(
        public_origin=DOMAIN,
        database_url="sqlite://",
        data_dir=tmp_path,
        offline=True,
        trust_pack=_pack(tmp_path / "pack.json"),
        rate_limit_per_minute=0,
    )
    return await make_client(settings)


async def test_every_fixture_signature_outcome_agrees(vclient: httpx.AsyncClient) -> None:
    checked = 0
    for name, verified in _rows():
        body = (VECTORS / name).read_bytes()
        doc = json.loads(body)
        kind = "presentation" if "VerifiablePresentation" in doc.get("type", []) else "credential"
        if kind == "presentation":
            continue  # covered below with their challenge
        reply = await vclient.post("/verify/credential", content=body)
        assert reply.status_code == 200, (name, reply.text)
        result = reply.json()
        proof = [c for c in result["checks"] if c["name"] == "proof"]
        if name in STOPS_BEFORE_PROOF or (not proof and not verified):
            assert result["verdict"] == "invalid", name
            continue
        assert proof, (name, result["checks"])
        assert all(c["ok"] for c in proof) is verified, (name, proof)
        if not verified:
            assert result["display"] == "red", name
        checked += 1
    assert checked >= 100


async def test_1edtech_simple_is_valid_and_revoked_one_is_red(vclient: httpx.AsyncClient) -> None:
    ob = VECTORS / "ob3" / "1edtech-validator"
    simple = (
        await vclient.post("/verify/credential", content=(ob / "simple.json").read_bytes())
    ).json()
    assert simple["verdict"] == "valid", simple["errors"]
    tampered = (
        await vclient.post(
            "/verify/credential", content=(ob / "simple-err-proof-value.json").read_bytes()
        )
    ).json()
    assert "proof_invalid" in {c["code"] for c in tampered["errors"]}


async def test_dcc_revoked_fixture_is_revoked(vclient: httpx.AsyncClient) -> None:
    folder = VECTORS / "dcc/vc-test-fixtures/verifiableCredentials/v2/dataIntegrityProof/didKey"
    result = (
        await vclient.post(
            "/verify/credential", content=(folder / "oidf-revokedStatus-noExpiry.json").read_bytes()
        )
    ).json()
    codes = {c["code"] for c in result["checks"]}
    assert "revoked" in codes, result["checks"]
    assert result["display"] == "red"


@pytest.mark.parametrize(
    ("name", "verified"),
    [
        ("credential-ed25519-2020.json", True),
        ("credential-ed25519-2018.json", True),
        ("credential-2-ed25519-2020.json", True),
        ("credential-ed25519-2020-tampered-name.json", False),
        ("credential-ed25519-2020-tampered-subject.json", False),
        ("credential-ed25519-2020-swapped-proofvalue.json", False),
        ("credential-ed25519-2018-tampered-name.json", False),
    ],
)
async def test_legacy_didkit_credentials(
    vclient: httpx.AsyncClient, name: str, verified: bool
) -> None:
    body = (VECTORS / "legacy" / name).read_bytes()
    result = (await vclient.post("/verify/credential", content=body)).json()
    proof = [c for c in result["checks"] if c["name"] == "proof"]
    assert proof
    assert all(c["ok"] for c in proof) is verified


@pytest.mark.parametrize(
    ("name", "exit_code", "code"),
    [
        ("presentation-ed25519-2020.json", 0, None),
        ("presentation-ed25519-2020-tampered.json", 1, "proof_invalid"),
        ("presentation-over-tampered-credential.json", 1, "proof_invalid"),
    ],
)
def test_legacy_presentations_with_their_challenge(
    name: str, exit_code: int, code: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUGZAK_VERIFIER_DATA_DIR", str(tmp_path))
    expected = load_vector("legacy/expected.json")
    args = ["verify", "--json", "--offline", "--challenge", expected["challenge"]]
    args += ["--domain", expected["domain"], str(VECTORS / "legacy" / name)]
    result = CliRunner().invoke(cli_app, args)
    data = json.loads(result.output)
    inner = [c["verdict"] for c in data["credentials"]]
    wanted = [
        "valid" if r == "verified" else "invalid" for r in expected["results"][name]["credentials"]
    ]
    assert inner == wanted, data
    assert result.exit_code == exit_code
    if code:
        assert code in json.dumps(data)


# DCC's engine accepts these; their only finding is the OB 3.0 schema's (achievementType
# "Program" is not in the OB 3.0 list) or, for the old example, the DCC v1 context.
DCC_EMPLOYER_GREEN = [
    "v2/dataIntegrityProof/didKey/legacyRegistry-noStatus-noExpiry-credName.json",
    "v2/dataIntegrityProof/didKey/legacyRegistry-noStatus-_noExpiry-credSubjName.json",
    "v2/dataIntegrityProof/didKey/legacyRegistry-noStatus-noExpiry-credSubjName.json",
    "v2/dataIntegrityProof/didKey/legacyRegistry-noStatus-noExpiry-identityHash.json",
    "v1/dataIntegrityProof/didKey/legacyRegistry-noStatus-noExpiry-oldDCCExample.json",
]


@pytest.mark.interop(
    row="DCC sample badges (achievementType Program, DCC v1 context)",
    implementation="DCC vc-test-fixtures (made by DCC's issuer)",
    direction="theirs read by Rugzak's verifier",
)
@pytest.mark.parametrize("name", DCC_EMPLOYER_GREEN)
async def test_a_schema_finding_alone_never_turns_a_dcc_badge_red(
    vclient: httpx.AsyncClient, name: str
) -> None:
    path = VECTORS / "dcc" / "vc-test-fixtures" / "verifiableCredentials" / name
    result = (await vclient.post("/verify/credential", content=path.read_bytes())).json()
    assert result["verdict"] == "valid", result["errors"]
    assert result["display"] == "green"
    schema = [c for c in result["checks"] if c["name"] == "schema"]
    if "Program" in path.read_text("utf-8"):
        [note] = schema
        assert (note["code"], note["severity"], note["ok"]) == ("schema_invalid", "warning", True)
        assert any(p["path"].endswith("achievementType") for p in note["detail"])


async def test_a_schema_finding_stays_a_note_beside_a_real_failure(
    vclient: httpx.AsyncClient,
) -> None:
    """The note never hides what is wrong: a changed name still breaks the signature."""
    name = "v2/dataIntegrityProof/didKey/legacyRegistry-noStatus-noExpiry-credName.json"
    path = VECTORS / "dcc" / "vc-test-fixtures" / "verifiableCredentials" / name
    doc = json.loads(path.read_text("utf-8"))
    doc["credentialSubject"]["achievement"]["name"] = "Iets anders"
    result = (await vclient.post("/verify/credential", json=doc)).json()
    assert result["verdict"] == "invalid"
    assert "proof_invalid" in {c["code"] for c in result["errors"]}
    assert "schema_invalid" not in {c["code"] for c in result["errors"]}
