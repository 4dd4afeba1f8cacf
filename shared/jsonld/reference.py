"""The reference JSON-LD canonicalization: pyld URDNA2015 plus our safe mode.

pyld is the engine every fast path is measured against. It silently drops
terms the context does not define and keeps relative IRIs it later discards;
safe mode turns both into ``InvalidInput`` so a signature never covers less
than the document shows.
"""

from __future__ import annotations

from typing import Any

from pyld import jsonld
from pyld.context_resolver import ContextResolver

from shared.contexts import document_loader
from shared.errors import ErrorCode, InvalidInput, RugzakError
from shared.jsonld.context import BoundedCache
from shared.jsonld.rdfc import urdna2015_with_limit
from shared.jsonld.safety import check_expanded

_RESOLVED = BoundedCache(256)
_TO_RDF_OPTIONS: dict[str, Any] = {
    "documentLoader": document_loader,
    "base": None,
    "produceGeneralizedRdf": False,
}


def _expand_options() -> dict[str, Any]:
    # ``base: None`` keeps relative IRIs relative so safe mode can see them; with
    # ``""`` pyld 3.3 silently resolves them against ``http://example.org/base/``.
    return {
        "documentLoader": document_loader,
        "base": None,
        "contextResolver": ContextResolver(_RESOLVED, document_loader),
    }


def _rugzak_cause(exc: BaseException) -> RugzakError | None:
    """The RugzakError pyld wrapped (a refused context URL), if any."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, RugzakError):
            return current
        todo.append(current.__cause__)
        todo.append(current.__context__)
        details = getattr(current, "details", None)
        if isinstance(details, dict) and isinstance(details.get("cause"), BaseException):
            todo.append(details["cause"])
    return None


def _innermost_jsonld_error(exc: BaseException) -> Any:
    """The deepest pyld ``JsonLdError`` in the cause chain (it has the useful code)."""
    found: Any = None
    current: BaseException | None = exc
    while current is not None:
        if isinstance(current, jsonld.JsonLdError):
            found = current
        current = current.__cause__ or current.__context__
    return found


def _translate(exc: Exception) -> RugzakError:
    found = _rugzak_cause(exc)
    if found is not None:
        return found
    inner = _innermost_jsonld_error(exc)
    if inner is None:
        return InvalidInput(
            f"invalid JSON-LD: {type(exc).__name__}: {exc}"[:300],
            code=ErrorCode.invalid_jsonld,
            detail=type(exc).__name__,
        )
    # pyld's message is a short sentence; its str() also dumps the whole context.
    return InvalidInput(
        f"invalid JSON-LD: {inner.args[0] if inner.args else inner.type}",
        code=ErrorCode.invalid_jsonld,
        detail=inner.code or inner.type,
    )


def expand_safely(document: Any) -> list[Any]:
    """Expand ``document`` with pyld, refusing dropped terms and relative IRIs."""
    if not isinstance(document, dict):
        raise InvalidInput(
            "a JSON-LD document must be a JSON object",
            code=ErrorCode.invalid_jsonld,
            detail=type(document).__name__,
        )
    dropped: list[str | None] = []
    processor = jsonld.JsonLdProcessor(on_property_dropped=dropped.append)
    try:
        expanded: list[Any] = processor.expand(document, _expand_options())
    except RecursionError as exc:
        raise InvalidInput(
            "JSON-LD document nests too deeply", code=ErrorCode.invalid_jsonld
        ) from exc
    except Exception as exc:  # pyld raises JsonLdError, but also bare Python errors
        raise _translate(exc) from exc
    if dropped:
        raise InvalidInput(
            f"term not defined by the active context: {dropped[0]}",
            code=ErrorCode.undefined_term,
            detail=dropped[0],
        )
    check_expanded(expanded)
    return expanded


def canonize_reference(document: Any) -> str:
    """RDFC-1.0 canonical N-Quads of ``document`` computed by pyld, in safe mode."""
    expanded = expand_safely(document)
    try:
        # What jsonld.normalize does, with a work limit on the N-degree step.
        dataset = jsonld.JsonLdProcessor().to_rdf(expanded, dict(_TO_RDF_OPTIONS))
        return urdna2015_with_limit(dataset)
    except RecursionError as exc:
        raise InvalidInput(
            "JSON-LD document nests too deeply", code=ErrorCode.invalid_jsonld
        ) from exc
    except RugzakError:
        raise
    except Exception as exc:
        raise _translate(exc) from exc
