"""Canonical forms that proofs sign: RDFC-1.0 N-Quads and RFC 8785 JSON.

``canonize`` is what callers use; ``canonize_reference`` is the pyld engine it
must always agree with.
"""

from __future__ import annotations

from typing import Any

import rfc8785

from shared.errors import ErrorCode, InvalidInput
from shared.jsonld.context import Fallback
from shared.jsonld.rdfc import canonicalize
from shared.jsonld.reference import canonize_reference
from shared.jsonld.to_rdf import document_quads

__all__ = ["canonize", "canonize_reference", "jcs"]


def canonize(document: dict[str, Any]) -> str:
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
