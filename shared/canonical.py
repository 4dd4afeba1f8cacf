"""Canonical forms that proofs sign: RDFC-1.0 N-Quads and RFC 8785 JSON.

``canonize`` is what callers use; ``canonize_reference`` is the pyld engine it
must always agree with. ``canonize_sharing`` is ``canonize`` for the proofs of one
presentation's verification (``sharing_embedded_quads``): the presentation's
conversion to RDF already converts each credential in it, so a credential's own
proof check takes those quads instead of converting the credential again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import rfc8785

from shared.errors import ErrorCode, InvalidInput
from shared.jsonld import legacy_escaping
from shared.jsonld.context import Fallback
from shared.jsonld.rdfc import canonicalize
from shared.jsonld.reference import canonize_legacy, canonize_reference
from shared.jsonld.to_rdf import EmbeddedQuads, document_quads, embedded_quads
from shared.vocab import as_list

__all__ = [
    "canonize",
    "canonize_legacy",
    "canonize_reference",
    "canonize_sharing",
    "jcs",
    "legacy_form",
    "sharing_embedded_quads",
]


def canonize(document: Any) -> str:
    """RDFC-1.0 (URDNA2015) canonical N-Quads of a JSON-LD document.

    Only bundled contexts are used. Takes the fast path when it can and pyld
    otherwise; the output is the same either way. Raises ``InvalidInput`` with
    code ``unknown_context``, ``undefined_term``, ``invalid_jsonld`` or
    ``canonicalization_too_complex`` (a dataset built to make RDFC-1.0 explode).
    """
    if not isinstance(document, dict):
        return canonize_reference(document)
    try:
        quads = document_quads(document)
    except Fallback:
        return canonize_reference(document)
    return canonicalize(quads)


def legacy_form(document: dict[str, Any], form: str) -> str:
    """``document`` canonized in the older escaping (``canonize_legacy``), given its
    RDFC-1.0 form ``form``: ``form`` itself when the two read the same, so nothing is
    recomputed. For checking old signatures only (``shared.jsonld.legacy_escaping``)."""
    return canonize_legacy(document) if legacy_escaping.differs(form) else form


class _Sharing:
    """One presentation's verification: its credentials, then their handed-back quads."""

    __slots__ = ("credentials", "embedded", "value")

    def __init__(self, value: Any) -> None:
        self.value = value  # the presentation's verifiableCredential value, by identity
        self.credentials = tuple(c for c in as_list(value) if isinstance(c, dict))
        self.embedded: list[EmbeddedQuads] | None = None  # None: not converted yet


_sharing: ContextVar[_Sharing | None] = ContextVar("rugzak_sharing", default=None)


@contextmanager
def sharing_embedded_quads(credentials: Any) -> Iterator[None]:
    """While one presentation whose ``verifiableCredential`` value is ``credentials``
    is verified: the scope of ``canonize_sharing``. Nothing outlives it."""
    token = _sharing.set(_Sharing(credentials))
    try:
        yield
    finally:
        _sharing.reset(token)


def canonize_sharing(document: dict[str, Any]) -> str:
    """``canonize(document)``, exactly, sharing quads within ``sharing_embedded_quads``.

    The first document converted that holds the presentation's credentials (the
    presentation minus its proof) keeps the quads of each credential; a document that
    is one of those credentials minus ``proof`` (the very same values, in the same
    order) is then canonicalized from them: they are the quads ``document_quads``
    gives it (``EmbeddedQuads.alone``). Anything else is converted as usual.
    """
    sharing = _sharing.get()
    if sharing is None or not isinstance(document, dict):
        return canonize(document)
    if sharing.embedded is None and document.get("verifiableCredential") is sharing.value:
        sharing.embedded = []
        try:
            quads, sharing.embedded = embedded_quads(document, sharing.credentials)
        except Fallback:
            return canonize_reference(document)
        return canonicalize(quads)
    for embedded in sharing.embedded or ():
        if _without_proof(document, embedded.credential):
            return canonicalize(embedded.alone())
    return canonize(document)


def _without_proof(document: dict[str, Any], credential: dict[str, Any]) -> bool:
    """Whether ``document`` is ``credential`` minus its ``proof``: same keys in the same
    order, the very same value objects."""
    if len(document) != len(credential) - 1 or "proof" not in credential:
        return False
    values = iter(document.items())
    for key, value in credential.items():
        if key == "proof":
            continue
        other_key, other_value = next(values)
        if other_value is not value or other_key != key:
            return False
    return True


def jcs(value: Any) -> bytes:
    """RFC 8785 JSON Canonicalization Scheme bytes of ``value``.

    Values JCS cannot represent (NaN, integers beyond 2**53, non-string keys,
    non-JSON types) raise ``InvalidInput(invalid_json)``.
    """
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, RecursionError) as exc:
        raise InvalidInput(
            f"value cannot be JCS-canonicalized: {exc}"[:300],
            code=ErrorCode.invalid_json,
            detail=type(exc).__name__,
        ) from exc
