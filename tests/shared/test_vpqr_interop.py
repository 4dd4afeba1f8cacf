"""VPQR against the independent implementations, both directions.

Installs ``@digitalcredentials/vpqr`` (with its ``@digitalcredentials/cborld``
4.x: the Learner Credential Wallet's and VerifierPlus's library),
``@digitalbazaar/cborld`` 8.x and ``@digitalbazaar/vpqr`` 6 as locked in
``tests/node/vpqr`` (``tests/node_support``), and drives them through
``vpqr_node/harness.mjs``, which serves Rugzak's bundled contexts so node never goes
to the network. Skipped when node or npm is missing or the registry cannot be reached.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from shared import vpqr
from shared.contexts import url_map
from shared.credentials import verify_presentation
from shared.errors import ErrorCode
from shared.vpqr.tables import LEGACY_STRINGS
from tests.conftest import load_vector
from tests.node_support import npm_folder
from tests.shared.test_vpqr import NOW, badge, presentation

pytestmark = [
    pytest.mark.slow,
    pytest.mark.interop(
        row="VPQR VP1- codes (CBOR-LD)",
        implementation="digitalbazaar vpqr 6.0.0 + cborld 8.1.0, DCC vpqr 2.2.1 (npm)",
        direction="both ways",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
HARNESS = Path(__file__).parent / "vpqr_node" / "harness.mjs"
CONTEXTS = ROOT / "shared" / "contexts" / "data"
DCC_V1 = "https://w3id.org/dcc/v1"


@pytest.fixture(scope="module")
def node_dir() -> Path:
    """The locked packages (tests/node/vpqr): digitalbazaar's vpqr 6 and cborld 8, DCC's
    vpqr, and the CommonJS 1.x line of base32-encode/-decode that the harness requires
    itself (digitalbazaar's vpqr 6 nests its own ESM-only 2.x)."""
    return npm_folder("vpqr")[1]


def run(node_dir: Path, ops: list[dict[str, Any]]) -> list[dict[str, Any]]:
    request = {"contextsDir": str(CONTEXTS), "ops": ops}
    done = subprocess.run(
        ["node", str(HARNESS)],
        cwd=node_dir,
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    results: list[dict[str, Any]] = json.loads(done.stdout)["results"]
    return results


def test_dcc_library_code_of_a_rugzak_presentation_verifies_in_rugzak(node_dir: Path) -> None:
    for vp in (presentation(), presentation(full=True)):
        [made] = run(node_dir, [{"op": "encode", "lib": "dcc", "doc": vp}])
        assert "error" not in made, made
        assert made["text"].startswith("VP1-B")
        decoded = vpqr.decode(made["text"])
        assert decoded == vp
        result = verify_presentation(decoded, challenge=None, domain=None, now=NOW)
        # (The rich badge names a status list this test does not serve.)
        assert result.verified or vp["verifiableCredential"][0].get("credentialStatus")
        assert ErrorCode.proof_invalid not in result.codes()
        # Rugzak's default profile writes the very same code.
        assert vpqr.encode(vp) == made["text"]


def test_rugzak_code_decodes_with_the_dcc_library(node_dir: Path) -> None:
    vp = presentation(full=True)
    [read] = run(node_dir, [{"op": "decode", "lib": "dcc", "text": vpqr.encode(vp)}])
    assert read.get("doc") == vp, read


def test_digitalbazaar_8_and_rugzak_agree_byte_for_byte(node_dir: Path) -> None:
    credential = badge(full=True)
    formats = {"legacy-singleton": "legacy", "cbor-ld-1.0": "cbor-ld-1.0"}
    made = run(
        node_dir,
        [
            {"op": "encode", "lib": "digitalbazaar", "format": fmt, "doc": credential}
            for fmt in formats
        ],
    )
    for (fmt, profile), result in zip(formats.items(), made, strict=True):
        assert "error" not in result, result
        assert result["text"] == vpqr.encode(credential, profile=profile), fmt
        assert vpqr.decode(result["text"]) == credential
    read = run(
        node_dir,
        [
            {"op": "decode", "lib": "digitalbazaar", "text": vpqr.encode(credential, profile=p)}
            for p in ("dcc", "legacy", "cbor-ld-1.0")
        ],
    )
    assert all(r.get("doc") == credential for r in read), read


def test_the_vector_presentation_through_both_libraries(node_dir: Path) -> None:
    vector = load_vector("qr/vpqr-vector.json")
    made = run(
        node_dir,
        [
            {"op": "encode", "lib": "dcc", "doc": vector["vp"]},
            {
                "op": "encode",
                "lib": "digitalbazaar",
                "format": "legacy-singleton",
                "doc": vector["vp"],
            },
            {"op": "encode", "lib": "digitalbazaar", "format": "cbor-ld-1.0", "doc": vector["vp"]},
            {
                "op": "decode",
                "lib": "digitalbazaar",
                "text": vpqr.encode(vector["vp"], profile="cbor-ld-1.0"),
            },
        ],
    )
    assert made[0]["text"] == made[1]["text"] == vector["qrText"]
    assert made[2]["text"] == vpqr.encode(vector["vp"], profile="cbor-ld-1.0")
    assert made[3]["doc"] == vector["vp"]


def test_registered_context_numbers_match_the_reference(node_dir: Path) -> None:
    # The DCC v1 context defines terms without an @id of their own (it relies on a
    # @vocab from the contexts beside it), which jsonld.js refuses when it stands alone.
    alone_invalid = {DCC_V1}
    bundled = [url for url in LEGACY_STRINGS if url in url_map() and url not in alone_invalid]
    assert len(bundled) >= 8
    made = run(
        node_dir,
        [
            {
                "op": "encode",
                "lib": "digitalbazaar",
                "format": "legacy-singleton",
                "doc": {"@context": url},
            }
            for url in bundled
        ],
    )
    for url, result in zip(bundled, made, strict=True):
        assert result["text"] == vpqr.encode({"@context": url}, profile="legacy"), url


def test_digitalbazaar_vpqr_base45_and_base32_codes(node_dir: Path) -> None:
    """``@digitalbazaar/vpqr`` 6 (``VP1-R`` base45 by default) and Rugzak, both ways."""
    credential = badge()
    cases = [("cbor-ld-1.0", "R"), ("cbor-ld-1.0", "B"), ("legacy-singleton", "R")]
    made = run(
        node_dir,
        [
            {
                "op": "encode",
                "lib": "digitalbazaar-vpqr",
                "format": fmt,
                "multibase": multibase,
                "doc": credential,
            }
            for fmt, multibase in cases
        ],
    )
    profiles = {"cbor-ld-1.0": "cbor-ld-1.0", "legacy-singleton": "legacy"}
    for (fmt, multibase), result in zip(cases, made, strict=True):
        assert "error" not in result, result
        assert result["text"].startswith("VP1-" + multibase)
        assert vpqr.decode(result["text"]) == credential
        ours = vpqr.encode(credential, profile=profiles[fmt], multibase=multibase)
        assert ours == result["text"], (fmt, multibase)
    read = run(
        node_dir,
        [
            {
                "op": "decode",
                "lib": "digitalbazaar-vpqr",
                "text": vpqr.encode(credential, multibase=m),
            }
            for m in ("R", "B")
        ],
    )
    assert all(r.get("doc") == credential for r in read), read


def _dcc_fixtures() -> list[tuple[str, dict[str, Any]]]:
    root = ROOT / "tests" / "vectors" / "dcc" / "vc-test-fixtures" / "verifiableCredentials"
    found = []
    for path in sorted(root.rglob("*.json")):
        document = json.loads(path.read_text("utf-8"))
        contexts = document.get("@context", [])
        # Badges on the DCC v1 context are left out: its '@reverse' term has no IRI a
        # CBOR-LD term table can hold, so neither library nor Rugzak writes them.
        if all(isinstance(c, str) and c in url_map() and c != DCC_V1 for c in contexts):
            found.append((str(path.relative_to(root)), document))
    return found


def test_dcc_fixture_badges_agree_with_both_libraries(node_dir: Path) -> None:
    """DCC's own test badges (VCDM 1.1 and 2.0; Ed25519Signature2020, Data Integrity,
    both): the DCC library's VP1- code of a presentation of each is Rugzak's, byte for
    byte, 8.x writes each badge exactly as Rugzak does, and both read Rugzak's codes.

    Where the libraries crash on a badge (an ``id`` of ``urn:uuid:`` + 24 hex digits,
    not a UUID: "Invalid UUID"), Rugzak writes that id as text and they read it.
    """
    fixtures = _dcc_fixtures()
    assert len(fixtures) >= 40
    plan: list[tuple[str, dict[str, Any], str, dict[str, Any]]] = []
    for name, credential in fixtures:
        vp = {
            "@context": [credential["@context"][0]],
            "type": ["VerifiablePresentation"],
            "verifiableCredential": [credential],
        }
        plan.append((name, vp, "dcc", {"op": "encode", "lib": "dcc", "doc": vp}))
        for fmt, profile in (("legacy-singleton", "legacy"), ("cbor-ld-1.0", "cbor-ld-1.0")):
            op = {"op": "encode", "lib": "digitalbazaar", "format": fmt, "doc": credential}
            plan.append((name, credential, profile, op))
    ops = [op for *_, op in plan]
    ops += [
        {
            "op": "decode",
            "lib": "dcc" if profile == "dcc" else "digitalbazaar",
            "text": vpqr.encode(doc, profile=profile),
        }
        for _name, doc, profile, _op in plan
    ]
    results = run(node_dir, ops)
    made, read = results[: len(plan)], results[len(plan) :]
    crashed = 0
    for (name, doc, profile, _op), by_them, theirs in zip(plan, made, read, strict=True):
        ours = vpqr.encode(doc, profile=profile)
        if "error" in by_them:
            assert by_them["error"] == "Invalid UUID", (name, by_them)
            crashed += 1
        else:
            assert by_them["text"] == ours, (name, profile)
            assert vpqr.decode(by_them["text"]) == doc, name
        assert theirs.get("doc") == doc, (name, profile, theirs.get("error"))
    assert len(plan) - crashed >= 100  # byte-for-byte comparisons made
