"""What an Open Badge always shows under selective disclosure (ecdsa-sd-2023).

A learner may hide personal or bulky parts of a badge (e-mail identifier,
evidence, results, images), but never what makes it this issuer's badge for
this achievement, nor when it is valid or where its status is kept: a verifier
needs those to judge it at all. The badge's public definition (description,
criteria) stays too, so the disclosed credential still passes the OB 3.0 schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.proof.ecdsa_sd import CRYPTOSUITE, derive_proof, is_base_proof
from shared.vocab import as_list

# Always in an Open Badge credential (the OB 3.0 schema requires them).
ALWAYS_DISCLOSED = (
    "/issuer",
    "/type",
    "/validFrom",
    "/credentialSubject/achievement/id",
    "/credentialSubject/achievement/type",
    "/credentialSubject/achievement/name",
    "/credentialSubject/achievement/description",
    "/credentialSubject/achievement/criteria",
)
# Disclosed whenever the credential has them.
DISCLOSED_WHEN_PRESENT = ("/name", "/validUntil", "/credentialStatus", "/credentialSchema")
# What a learner may choose to show; everything else in credentialSubject stays hidden.
SELECTABLE = {
    "result": "/credentialSubject/result",
    "identifier": "/credentialSubject/identifier",
    "evidence": "/evidence",
    "image": "/credentialSubject/achievement/image",
    "alignment": "/credentialSubject/achievement/alignment",
}


def mandatory_pointers(credential: Mapping[str, Any]) -> list[str]:
    """The JSON Pointers an issuer's ecdsa-sd-2023 base proof makes mandatory."""
    pointers = list(ALWAYS_DISCLOSED)
    pointers.extend(p for p in DISCLOSED_WHEN_PRESENT if p[1:] in credential)
    return pointers


def selective_pointers(credential: Mapping[str, Any], show: set[str]) -> list[str]:
    """Pointers for the parts named in ``show`` (keys of ``SELECTABLE``) the credential has."""
    unknown = show - SELECTABLE.keys()
    if unknown:
        raise ValueError(f"not a selectable part: {sorted(unknown)}")
    pointers = []
    for name in sorted(show):
        pointer = SELECTABLE[name]
        node: Any = credential
        for part in pointer.split("/")[1:]:
            node = node.get(part) if isinstance(node, dict) else None
        if node is not None:
            pointers.append(pointer)
    return pointers


def can_disclose(credential: Mapping[str, Any]) -> bool:
    """True when the badge carries an ecdsa-sd-2023 base proof its holder can derive from."""
    return any(is_base_proof(p) for p in as_list(credential.get("proof")))


def disclose(credential: dict[str, Any], show: set[str]) -> dict[str, Any]:
    """The holder's disclosure: the always-disclosed parts plus those named in ``show``.

    ``show`` holds keys of ``SELECTABLE`` (e.g. ``{"result"}``); the result carries
    an ecdsa-sd-2023 derived proof and no other proof.
    """
    unsecured = {k: v for k, v in credential.items() if k != "proof"}
    return derive_proof(credential, selective_pointers(unsecured, show))


def disclose_hiding(credential: dict[str, Any], hide: set[str]) -> dict[str, Any]:
    """The holder's disclosure showing every selectable part except those in ``hide``."""
    unknown = hide - SELECTABLE.keys()
    if unknown:
        raise ValueError(f"not a selectable part: {sorted(unknown)}")
    return disclose(credential, set(SELECTABLE) - hide)


def shown_whole(credential: dict[str, Any]) -> dict[str, Any]:
    """The badge as a verifier may see it whole: without its ecdsa-sd-2023 base proof.

    The base proof holds the key that hides what a disclosure leaves out, so the holder
    never hands it over. Beside another proof (the issuer's eddsa proof) it is left off;
    alone, a derived proof that shows everything (the JSON Pointer ``""``) takes its place.
    """
    proofs = as_list(credential.get("proof"))
    if not any(is_base_proof(p) for p in proofs):
        return credential
    others = [p for p in proofs if not is_base_proof(p)]
    if not others:
        return derive_proof(credential, [""])
    return {**credential, "proof": others}


def is_disclosed(credential: Mapping[str, Any]) -> bool:
    """True when the credential carries an ecdsa-sd-2023 *derived* proof (shown in part)."""
    return any(
        isinstance(p, dict) and p.get("cryptosuite") == CRYPTOSUITE and not is_base_proof(p)
        for p in as_list(credential.get("proof"))
    )


def hidden_parts(credential: Mapping[str, Any]) -> list[str]:
    """For a selectively disclosed badge, the selectable parts it does not show.

    The verifier cannot tell a part the learner hid from one the badge never had;
    callers say "not shown" for both. Empty for a badge shown whole.
    """
    if not is_disclosed(credential):
        return []
    hidden = []
    for name, pointer in SELECTABLE.items():
        node: Any = credential
        for part in pointer.split("/")[1:]:
            node = node.get(part) if isinstance(node, Mapping) else None
        if node is None:
            hidden.append(name)
    return hidden
