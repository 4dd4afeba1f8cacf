"""Write tests/vectors/legacy/: didkit-signed VCDM 1.1 Open Badges test vectors.

Other engines (our native ``shared.proof``) are tested against didkit's output
without running didkit. Everything is fixed (seeds, dates, challenge), and Ed25519
signatures are deterministic, so a rerun gives byte-identical files.

    .venv/bin/python scripts/make_legacy_vectors.py           # (re)write the files
    .venv/bin/python scripts/make_legacy_vectors.py --check   # exit 1 if they differ
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from shared.dates import format_datetime  # noqa: E402
from shared.keys import SigningKey  # noqa: E402
from shared.legacy import DIDKIT_MISSING, DidkitEngine, didkit_installed  # noqa: E402

OUT = ROOT / "tests" / "vectors" / "legacy"
ISSUER_SEED = bytes(range(32))  # 00 01 .. 1f
HOLDER_SEED = bytes(range(32, 64))  # 20 21 .. 3f
CREATED = datetime(2026, 1, 1, 9, 30, tzinfo=UTC)
CHALLENGE = "rugzak-legacy-nonce-0001"
DOMAIN = "https://verifier.rugzak.example"
CONTEXTS = [
    "https://www.w3.org/2018/credentials/v1",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
    "https://w3id.org/security/suites/ed25519-2020/v1",
]


def unsigned_credential(
    issuer: SigningKey, holder: SigningKey, number: int, achievement: str
) -> dict[str, Any]:
    """A VCDM 1.1 OpenBadgeCredential using only terms of the OB ``context.json``."""
    return {
        "@context": list(CONTEXTS),
        "id": f"urn:uuid:6f1c1a3e-0000-4000-8000-00000000000{number}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": issuer.did,
            "type": "Profile",
            "name": "Stichting Rugzak Testacademie",
            "url": "https://issuer.rugzak.example",
        },
        "issuanceDate": "2026-01-01T09:00:00Z",
        "name": achievement,
        "credentialSubject": {
            "id": holder.did,
            "type": "AchievementSubject",
            "achievement": {
                "id": f"https://issuer.rugzak.example/achievements/{number}",
                "type": "Achievement",
                "name": achievement,
                "description": f"Awarded for {achievement.lower()}.",
                "criteria": {"narrative": "Completed the assessed assignment."},
                "achievementType": "Badge",
            },
        },
    }


def _one(result: str, proof_type: str) -> list[dict[str, Any]]:
    return [{"type": proof_type, "cryptosuite": None, "result": result}]


def build(engine: DidkitEngine) -> dict[str, Any]:
    """Every vector file name -> its JSON content (``expected.json`` included)."""
    issuer = SigningKey.from_seed(ISSUER_SEED)
    holder = SigningKey.from_seed(HOLDER_SEED)
    files: dict[str, Any] = {}
    expected: dict[str, Any] = {}

    def credential(name: str, unsigned: dict[str, Any], proof_type: str) -> dict[str, Any]:
        signed = engine.issue_credential(unsigned, issuer, proof_type=proof_type, created=CREATED)
        files[name] = signed
        expected[name] = {"kind": "credential", "proofs": _one("verified", proof_type)}
        return signed

    def tampered(name: str, doc: dict[str, Any], proof_type: str, what: str) -> None:
        files[name] = doc
        expected[name] = {"kind": "credential", "proofs": _one("failed", proof_type), "note": what}

    base = unsigned_credential(issuer, holder, 1, "Doorzettingsvermogen, niveau 2")
    files["unsigned-credential.json"] = base
    c2020 = credential("credential-ed25519-2020.json", base, "Ed25519Signature2020")
    # 2018-era credentials carried no suite context: credentials/v1 defines the terms.
    base2018 = unsigned_credential(issuer, holder, 4, "Doorzettingsvermogen, niveau 2")
    base2018["@context"] = CONTEXTS[:2]
    c2018 = credential("credential-ed25519-2018.json", base2018, "Ed25519Signature2018")
    other = unsigned_credential(issuer, holder, 2, "Samenwerken, niveau 1")
    c2 = credential("credential-2-ed25519-2020.json", other, "Ed25519Signature2020")
    expiring = unsigned_credential(issuer, holder, 3, "Plannen, niveau 1")
    expiring["expirationDate"] = "2026-06-30T23:59:59Z"
    credential("credential-expiring-ed25519-2020.json", expiring, "Ed25519Signature2020")
    expected["credential-expiring-ed25519-2020.json"]["note"] = (
        "signature valid; expires 2026-06-30 (expiry is not a proof check)"
    )

    t = copy.deepcopy(c2020)
    t["name"] = "Doorzettingsvermogen, niveau 3"
    tampered("credential-ed25519-2020-tampered-name.json", t, "Ed25519Signature2020", "name")
    t = copy.deepcopy(c2020)
    t["credentialSubject"]["id"] = issuer.did
    tampered(
        "credential-ed25519-2020-tampered-subject.json", t, "Ed25519Signature2020", "subject id"
    )
    t = copy.deepcopy(c2020)
    t["proof"]["proofValue"] = c2["proof"]["proofValue"]
    tampered(
        "credential-ed25519-2020-swapped-proofvalue.json",
        t,
        "Ed25519Signature2020",
        "proofValue of credential-2 (same key, other document)",
    )
    t = copy.deepcopy(c2018)
    t["name"] = "Doorzettingsvermogen, niveau 3"
    tampered("credential-ed25519-2018-tampered-name.json", t, "Ed25519Signature2018", "name")

    vp = {
        "@context": [CONTEXTS[0], CONTEXTS[2]],
        "type": ["VerifiablePresentation"],
        "holder": holder.did,
        "verifiableCredential": [c2020, c2018, c2],
    }
    signed_vp = engine.issue_presentation(
        vp, holder, challenge=CHALLENGE, domain=DOMAIN, created=CREATED
    )
    files["presentation-ed25519-2020.json"] = signed_vp
    vp_proof = _one("verified", "Ed25519Signature2020")
    all_ok = ["verified", "verified", "verified"]
    expected["presentation-ed25519-2020.json"] = {
        "kind": "presentation",
        "proofs": vp_proof,
        "credentials": all_ok,
    }
    t = copy.deepcopy(signed_vp)
    t["verifiableCredential"][0]["name"] = "Doorzettingsvermogen, niveau 3"
    files["presentation-ed25519-2020-tampered.json"] = t
    expected["presentation-ed25519-2020-tampered.json"] = {
        "kind": "presentation",
        "proofs": _one("failed", "Ed25519Signature2020"),
        "credentials": ["failed", "verified", "verified"],
        "note": "first credential's name changed after the holder signed",
    }
    bad_inner = copy.deepcopy(vp)
    bad_inner["verifiableCredential"][0]["name"] = "Doorzettingsvermogen, niveau 3"
    files["presentation-over-tampered-credential.json"] = engine.issue_presentation(
        bad_inner, holder, challenge=CHALLENGE, domain=DOMAIN, created=CREATED
    )
    expected["presentation-over-tampered-credential.json"] = {
        "kind": "presentation",
        "proofs": vp_proof,
        "credentials": ["failed", "verified", "verified"],
        "note": "the holder signed over a tampered credential: the VP proof is valid",
    }

    # didkit and pyld canonicalize this one differently: two embedded credentials
    # about the same achievement IRI, whose criteria is a blank node, in separate
    # credential graphs. didkit accepts its own VP signature; pyld-based verifiers
    # (and so our native one) compute another canonical form and reject it.
    again = copy.deepcopy(base)
    again["id"] = base["id"][:-1] + "5"
    reissued = engine.issue_credential(again, issuer, created=CREATED)
    files["presentation-shared-achievement-id.json"] = engine.issue_presentation(
        {**vp, "verifiableCredential": [c2020, reissued]},
        holder,
        challenge=CHALLENGE,
        domain=DOMAIN,
        created=CREATED,
    )
    expected["presentation-shared-achievement-id.json"] = {
        "kind": "presentation",
        "proofs": vp_proof,
        "credentials": ["verified", "verified"],
        "canonicalizationDivergence": True,
        "note": (
            "two credentials share an achievement IRI with a blank-node criteria; "
            "didkit verifies the VP signature but pyld's canonical form differs"
        ),
    }

    files["keys.json"] = {
        "issuer": _key_entry(issuer, ISSUER_SEED),
        "holder": _key_entry(holder, HOLDER_SEED),
    }
    files["expected.json"] = {
        "_about": (
            "Signature outcomes for the files in this folder, as didkit 0.3.3 reports "
            "them. Presentations were signed with the challenge and domain below; "
            "'credentials' gives the outcome of each embedded credential in order."
        ),
        "created": format_datetime(CREATED),
        "challenge": CHALLENGE,
        "domain": DOMAIN,
        "results": dict(sorted(expected.items())),
    }
    return files


def _key_entry(key: SigningKey, seed: bytes) -> dict[str, str]:
    return {
        "seedHex": seed.hex(),
        "secretKeyMultibase": key.secret_multibase,
        "publicKeyMultibase": key.public_multibase,
        "did": key.did,
        "verificationMethod": key.verification_method,
    }


def render(files: dict[str, Any]) -> dict[str, bytes]:
    """Stable bytes: sorted keys (didkit's key order varies run to run), final newline."""
    return {
        name: (json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
        for name, doc in files.items()
    }


def _on_disk(name: str) -> bytes | None:
    path = OUT / name
    return path.read_bytes() if path.is_file() else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    if not didkit_installed():
        print(DIDKIT_MISSING, file=sys.stderr)
        return 2
    with DidkitEngine() as engine:
        rendered = render(build(engine))
    if args.check:
        stale = [n for n, b in rendered.items() if _on_disk(n) != b]
        for name in stale:
            print(f"differs: {name}")
        return 1 if stale else 0
    OUT.mkdir(parents=True, exist_ok=True)
    for name, data in rendered.items():
        (OUT / name).write_bytes(data)
    print(f"wrote {len(rendered)} files to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
