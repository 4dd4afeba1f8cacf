"""Evaluating a DCQL query in the wallet (OpenID4VP 1.0 §6.4, §7) and its answer at the verifier.

``type_values`` (Appendix B.1.1) holds *fully expanded* type IRIs: the caller
gives each held credential's expanded types (``shared.oid4vp.ldp.expanded_types``).
Tolerance: an inner array whose entries are all compact terms (no ``:``), like
``["VerifiableCredential", "OpenBadgeCredential"]``, can never equal an expanded
IRI of a defined term, so it is compared with the credential's ``type`` values as
written; this lets Rugzak answer verifiers that send compact names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from shared.oid4vp.dcql import LDP_VC, ClaimsQuery, CredentialQuery, DcqlQuery
from shared.vocab import as_list

__all__ = [
    "Held",
    "PathError",
    "Selection",
    "check_vp_token_keys",
    "evaluate",
    "matches",
    "select_claims",
]


class PathError(Exception):
    """Processing a claims path pointer hit a non-object / non-array (§7.1.1)."""


def select_claims(credential: Any, path: Sequence[str | int | None]) -> list[Any]:
    """Process a claims path pointer (§7.1.1); raises ``PathError`` on an error."""
    selected = [credential]
    for component in path:
        nxt: list[Any] = []
        for element in selected:
            if isinstance(component, str):
                if not isinstance(element, dict):
                    raise PathError(component)
                if component in element:
                    nxt.append(element[component])
            elif component is None:
                if not isinstance(element, list):
                    raise PathError(component)
                nxt.extend(element)
            elif isinstance(component, int) and not isinstance(component, bool):
                if not isinstance(element, list):
                    raise PathError(component)
                if component < len(element):
                    nxt.append(element[component])
            else:
                raise PathError(component)
        selected = nxt
    if not selected:
        raise PathError("empty")
    return selected


def _claim_present(credential: Any, claim: ClaimsQuery) -> bool:
    try:
        found = select_claims(credential, claim.path)
    except PathError:
        return False
    if claim.values is None:
        return True
    # §6.3: type and value must both match exactly (True is not 1).
    return any(type(f) is type(v) and f == v for f in found for v in claim.values)


def _claims_satisfied(credential: Any, query: CredentialQuery) -> bool:
    """§6.4.1: all claims, or the first satisfiable claim set."""
    if query.claims is None:
        return True
    present = {id(c): _claim_present(credential, c) for c in query.claims}
    if query.claim_sets is None:
        return all(present.values())
    by_id = {c.id: c for c in query.claims}
    return any(all(present[id(by_id[i])] for i in option) for option in query.claim_sets)


def _types_match(query: CredentialQuery, expanded: frozenset[str], compact: frozenset[str]) -> bool:
    for alternative in query.type_values:
        if set(alternative) <= expanded:
            return True
        if all(":" not in t for t in alternative) and set(alternative) <= compact:
            return True
    return False


def _proof_meta_ok(query: CredentialQuery, credential: Mapping[str, Any]) -> bool:
    """``proof_type_values`` / ``cryptosuite_values`` in ``meta``, when a verifier sends them."""
    proof_list: list[dict[str, Any]] = [
        p for p in as_list(credential.get("proof")) if isinstance(p, dict)
    ]
    wanted_types = query.meta.get("proof_type_values")
    wanted_suites = query.meta.get("cryptosuite_values")
    for proof in proof_list:
        if isinstance(wanted_types, list) and proof.get("type") not in wanted_types:
            continue
        if (
            isinstance(wanted_suites, list)
            and "cryptosuite" in proof
            and proof.get("cryptosuite") not in wanted_suites
        ):
            continue
        return True
    return not proof_list and wanted_types is None and wanted_suites is None


@dataclass(frozen=True)
class Held:
    """A credential the wallet holds, as DCQL evaluation sees it.

    Attributes:
        key: the wallet's id for it (returned in the selection).
        credential: the credential JSON.
        expanded_types: its ``type`` values expanded with its ``@context``.
        format: always ``ldp_vc`` for Rugzak credentials.
    """

    key: str
    credential: Mapping[str, Any]
    expanded_types: frozenset[str]
    format: str = LDP_VC

    @property
    def compact_types(self) -> frozenset[str]:
        return frozenset(v for v in as_list(self.credential.get("type")) if isinstance(v, str))


def matches(query: CredentialQuery, held: Held) -> bool:
    """Does ``held`` satisfy one Credential Query (format, meta, claims)?"""
    if query.format != held.format or query.format != LDP_VC:
        return False
    if not _types_match(query, held.expanded_types, held.compact_types):
        return False
    if not _proof_meta_ok(query, held.credential):
        return False
    return _claims_satisfied(held.credential, query)


@dataclass(frozen=True)
class Selection:
    """What the wallet can answer (§6.4.2).

    Attributes:
        candidates: per Credential Query id, the keys of matching held credentials.
        satisfiable: the non-optional requirements can all be met.
        required: query ids that must be answered (from the first satisfiable
            option of every required credential set, or all queries).
        optional: query ids the learner may add.
    """

    candidates: Mapping[str, tuple[str, ...]]
    satisfiable: bool
    required: tuple[str, ...] = field(default=())
    optional: tuple[str, ...] = field(default=())


def evaluate(query: DcqlQuery, held: Iterable[Held]) -> Selection:
    """Which held credentials can answer which Credential Query (§6.4)."""
    held_list = list(held)
    candidates = {q.id: tuple(h.key for h in held_list if matches(q, h)) for q in query.credentials}
    have = {qid for qid, keys in candidates.items() if keys}
    if query.credential_sets is None:
        ids = tuple(q.id for q in query.credentials)
        return Selection(candidates, all(i in have for i in ids), ids, ())
    required: list[str] = []
    optional: list[str] = []
    satisfiable = True
    for cset in query.credential_sets:
        option = next((o for o in cset.options if all(i in have for i in o)), None)
        if option is None:
            if cset.required:
                satisfiable = False
            continue
        target = required if cset.required else optional
        target.extend(i for i in option if i not in required and i not in target)
    return Selection(candidates, satisfiable, tuple(required), tuple(optional))


def check_vp_token_keys(query: DcqlQuery, vp_token: Mapping[str, Sequence[Any]]) -> list[str]:
    """Verifier side (§8.1, §8.6 step 3): problems with the set of answers, as sentences."""
    problems: list[str] = []
    for key, presentations in vp_token.items():
        cq = query.by_id(key)
        if cq is None:
            problems.append(f"The answer names '{key}', which the request did not ask for.")
        elif not cq.multiple and len(presentations) != 1:
            problems.append(f"The answer to '{key}' must hold exactly one presentation.")
    answered = set(vp_token)
    if query.credential_sets is None:
        missing = [q.id for q in query.credentials if q.id not in answered]
        if missing:
            problems.append("The answer leaves out: " + ", ".join(missing) + ".")
        return problems
    for cset in query.credential_sets:
        if cset.required and not any(all(i in answered for i in o) for o in cset.options):
            problems.append("The answer does not satisfy a required credential set.")
    return problems
