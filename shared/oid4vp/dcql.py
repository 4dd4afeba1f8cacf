"""The Digital Credentials Query Language (OpenID4VP 1.0 §6) and claims paths (§7).

The verifier builds a query (:func:`open_badge_query`); the wallet parses any
query (:meth:`DcqlQuery.parse`, unknown properties ignored) and evaluates it
with ``shared.oid4vp.evaluate``. Only the ``ldp_vc`` format (Appendix B.1.3.2)
can match Rugzak credentials; queries for other formats parse, and match nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from shared.errors import ErrorCode, InvalidInput

__all__ = [
    "LDP_VC",
    "ClaimsQuery",
    "CredentialQuery",
    "CredentialSetQuery",
    "DcqlQuery",
    "open_badge_query",
]

LDP_VC = "ldp_vc"
_ID = re.compile(r"^[A-Za-z0-9_-]+$")
MAX_QUERIES = 32
MAX_PATH = 16
VC_TYPE_IRI = "https://www.w3.org/2018/credentials#VerifiableCredential"
OB_TYPE_IRI = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential"
ENDORSEMENT_TYPE_IRI = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#EndorsementCredential"

Path = tuple[str | int | None, ...]


def _bad(message: str, detail: Any = None) -> InvalidInput:
    return InvalidInput(message, code=ErrorCode.invalid_request, detail=detail)


def _ident(value: Any, what: str) -> str:
    if not isinstance(value, str) or not _ID.match(value) or len(value) > 128:
        raise _bad(f"A DCQL {what} id must be letters, digits, _ or -.", {"id": value})
    return value


def _bool(value: Any, name: str, default: bool) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        raise _bad(f"DCQL '{name}' must be true or false.", {name: value})
    return value


def _path(value: Any) -> Path:
    """A claims path pointer (§7): non-empty array of strings, nulls, non-negative ints."""
    if not isinstance(value, list) or not value or len(value) > MAX_PATH:
        raise _bad("A DCQL claims path must be a non-empty array.", {"path": value})
    for item in value:
        ok = item is None or isinstance(item, str)
        ok = ok or (isinstance(item, int) and not isinstance(item, bool) and item >= 0)
        if not ok:
            raise _bad("A DCQL claims path holds only strings, null and indexes.", {"path": value})
    return tuple(value)


@dataclass(frozen=True)
class ClaimsQuery:
    """One entry of ``claims`` (§6.3)."""

    path: Path
    id: str | None = None
    values: tuple[str | int | bool, ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": list(self.path)}
        if self.id is not None:
            out["id"] = self.id
        if self.values is not None:
            out["values"] = list(self.values)
        return out

    @classmethod
    def parse(cls, data: Any) -> ClaimsQuery:
        if not isinstance(data, dict):
            raise _bad("A DCQL claims query must be an object.")
        values = data.get("values")
        if values is not None:
            if not isinstance(values, list) or not values:
                raise _bad("DCQL 'values' must be a non-empty array.")
            if not all(isinstance(v, str | int | bool) for v in values):
                raise _bad("DCQL 'values' holds only strings, integers and booleans.")
        return cls(
            path=_path(data.get("path")),
            id=None if data.get("id") is None else _ident(data.get("id"), "claim"),
            values=None if values is None else tuple(values),
        )


@dataclass(frozen=True)
class CredentialQuery:
    """One entry of ``credentials`` (§6.1)."""

    id: str
    format: str
    meta: Mapping[str, Any]
    multiple: bool = False
    claims: tuple[ClaimsQuery, ...] | None = None
    claim_sets: tuple[tuple[str, ...], ...] | None = None
    require_cryptographic_holder_binding: bool = True
    trusted_authorities: tuple[Mapping[str, Any], ...] | None = None

    @property
    def type_values(self) -> tuple[tuple[str, ...], ...]:
        """``meta.type_values`` (Appendix B.1.1) for W3C formats; empty otherwise."""
        raw = self.meta.get("type_values")
        if not isinstance(raw, list):
            return ()
        return tuple(tuple(inner) for inner in raw)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "format": self.format, "meta": dict(self.meta)}
        if self.multiple:
            out["multiple"] = True
        if self.claims is not None:
            out["claims"] = [c.to_dict() for c in self.claims]
        if self.claim_sets is not None:
            out["claim_sets"] = [list(s) for s in self.claim_sets]
        if not self.require_cryptographic_holder_binding:
            out["require_cryptographic_holder_binding"] = False
        if self.trusted_authorities is not None:
            out["trusted_authorities"] = [dict(t) for t in self.trusted_authorities]
        return out

    @classmethod
    def parse(cls, data: Any) -> CredentialQuery:
        if not isinstance(data, dict):
            raise _bad("A DCQL credential query must be an object.")
        ident = _ident(data.get("id"), "credential")
        fmt = data.get("format")
        if not isinstance(fmt, str) or not fmt:
            raise _bad("A DCQL credential query needs a format.", {"id": ident})
        meta = data.get("meta")
        if not isinstance(meta, dict):
            raise _bad("A DCQL credential query needs a meta object.", {"id": ident})
        if fmt in (LDP_VC, "jwt_vc_json"):
            _check_type_values(meta.get("type_values"), ident)
        claims = _claims(data.get("claims"), ident)
        claim_sets = _claim_sets(data.get("claim_sets"), claims, ident)
        trusted = data.get("trusted_authorities")
        if trusted is not None and (
            not isinstance(trusted, list)
            or not trusted
            or not all(isinstance(t, dict) for t in trusted)
        ):
            raise _bad("DCQL 'trusted_authorities' must be a non-empty array of objects.")
        return cls(
            id=ident,
            format=fmt,
            meta=meta,
            multiple=_bool(data.get("multiple"), "multiple", False),
            claims=claims,
            claim_sets=claim_sets,
            require_cryptographic_holder_binding=_bool(
                data.get("require_cryptographic_holder_binding"),
                "require_cryptographic_holder_binding",
                True,
            ),
            trusted_authorities=None if trusted is None else tuple(trusted),
        )


def _check_type_values(value: Any, ident: str) -> None:
    # Appendix B.1.1: REQUIRED, a non-empty array of non-empty string arrays.
    ok = isinstance(value, list) and bool(value)
    ok = ok and all(
        isinstance(inner, list) and inner and all(isinstance(t, str) and t for t in inner)
        for inner in value
    )
    if not ok:
        raise _bad(
            "meta.type_values must be a non-empty array of non-empty arrays of types.",
            {"id": ident, "type_values": value},
        )


def _claims(value: Any, ident: str) -> tuple[ClaimsQuery, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not value:
        raise _bad("DCQL 'claims' must be a non-empty array.", {"id": ident})
    claims = tuple(ClaimsQuery.parse(c) for c in value)
    ids = [c.id for c in claims if c.id is not None]
    if len(ids) != len(set(ids)):
        raise _bad("A claim id appears twice in one credential query.", {"id": ident})
    return claims


def _claim_sets(
    value: Any, claims: tuple[ClaimsQuery, ...] | None, ident: str
) -> tuple[tuple[str, ...], ...] | None:
    if value is None:
        return None
    if claims is None:
        raise _bad("DCQL 'claim_sets' needs 'claims' (§6.4.1).", {"id": ident})
    if any(c.id is None for c in claims):
        raise _bad("With 'claim_sets', every claim needs an id (§6.3).", {"id": ident})
    known = {c.id for c in claims}
    if not isinstance(value, list) or not value:
        raise _bad("DCQL 'claim_sets' must be a non-empty array.", {"id": ident})
    out = []
    for option in value:
        if not isinstance(option, list) or not all(o in known for o in option):
            raise _bad("A DCQL claim set names an unknown claim id.", {"id": ident})
        out.append(tuple(option))
    return tuple(out)


@dataclass(frozen=True)
class CredentialSetQuery:
    """One entry of ``credential_sets`` (§6.2)."""

    options: tuple[tuple[str, ...], ...]
    required: bool = True

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"options": [list(o) for o in self.options]}
        if not self.required:
            out["required"] = False
        return out


@dataclass(frozen=True)
class DcqlQuery:
    """A whole DCQL query (§6): ``credentials`` and optional ``credential_sets``."""

    credentials: tuple[CredentialQuery, ...]
    credential_sets: tuple[CredentialSetQuery, ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"credentials": [c.to_dict() for c in self.credentials]}
        if self.credential_sets is not None:
            out["credential_sets"] = [s.to_dict() for s in self.credential_sets]
        return out

    def by_id(self, ident: str) -> CredentialQuery | None:
        return next((c for c in self.credentials if c.id == ident), None)

    @classmethod
    def parse(cls, data: Any) -> DcqlQuery:
        """Validate a DCQL query; unknown properties are ignored (§6)."""
        if not isinstance(data, dict):
            raise _bad("The DCQL query must be a JSON object.")
        raw = data.get("credentials")
        if not isinstance(raw, list) or not raw:
            raise _bad("The DCQL query needs a non-empty 'credentials' array.")
        if len(raw) > MAX_QUERIES:
            raise _bad(f"The DCQL query asks for more than {MAX_QUERIES} credentials.")
        credentials = tuple(CredentialQuery.parse(c) for c in raw)
        ids = [c.id for c in credentials]
        if len(ids) != len(set(ids)):
            raise _bad("A credential query id appears twice (§6.1).")
        sets = data.get("credential_sets")
        if sets is None:
            return cls(credentials)
        if not isinstance(sets, list) or not sets:
            raise _bad("DCQL 'credential_sets' must be a non-empty array.")
        parsed = []
        for entry in sets:
            if not isinstance(entry, dict):
                raise _bad("A DCQL credential set must be an object.")
            options = entry.get("options")
            if not isinstance(options, list) or not options:
                raise _bad("A DCQL credential set needs non-empty 'options'.")
            for option in options:
                if not isinstance(option, list) or not option or not all(o in ids for o in option):
                    raise _bad("A DCQL credential set option names an unknown credential id.")
            parsed.append(
                CredentialSetQuery(
                    tuple(tuple(o) for o in options),
                    _bool(entry.get("required"), "required", True),
                )
            )
        return cls(credentials, tuple(parsed))


def open_badge_query(
    *,
    query_id: str = "open_badge",
    multiple: bool = True,
    cryptosuites: Sequence[str] = (),
    endorsements: bool = False,
) -> DcqlQuery:
    """The verifier's query: Open Badges 3.0 credentials as ``ldp_vc`` (Appendix B.1.3.2).

    ``AchievementCredential`` expands to the same IRI as ``OpenBadgeCredential`` in
    the Open Badges 3.0 context, so one alternative covers both names.

    ``endorsements`` adds a second alternative to ``type_values`` (B.1.3.2.1: the
    credential matches when its types include every IRI of one alternative): OB 3.0
    ``EndorsementCredential``s, so a wallet may answer with the endorsements it keeps
    beside the badges it shows. One query rather than an optional second one with
    ``credential_sets`` keeps the request, which the verifier's QR code carries by
    value, small (every credential is a VerifiableCredential: the endorsement type
    alone names it).
    """
    alternatives = [[VC_TYPE_IRI, OB_TYPE_IRI]]
    if endorsements:
        alternatives.append([ENDORSEMENT_TYPE_IRI])
    meta: dict[str, Any] = {"type_values": alternatives}
    if cryptosuites:
        meta["cryptosuite_values"] = list(cryptosuites)
    return DcqlQuery((CredentialQuery(id=query_id, format=LDP_VC, meta=meta, multiple=multiple),))
