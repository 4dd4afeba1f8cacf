"""The reference JSON-LD canonicalization: pyld URDNA2015 plus our safe mode.

pyld is the engine every fast path is measured against. It silently drops
terms the context does not define and keeps relative IRIs it later discards;
safe mode turns both into ``InvalidInput`` so a signature never covers less
than the document shows.

pyld 3.3 serializes N-Quads as URDNA2015 did: it escapes only backslash, tab,
LF, CR and '"' in literals and nothing in IRIs. RDFC-1.0 (what eddsa-rdfc-2022
signs, and what digitalbazaar's rdf-canonize writes) escapes every control
character and some IRI characters. ``_RDFC10`` adapts pyld's algorithm to that
without touching pyld for anyone else: it hashes first-degree quads and writes
the result with its own serializer (``nquad``). ``canonize_legacy`` keeps pyld's
own output: the form credentials signed before were signed over.
"""

from __future__ import annotations

from typing import Any

from pyld import jsonld
from pyld.canon import URDNA2015
from pyld.context_resolver import ContextResolver

from shared.contexts import document_loader
from shared.errors import ErrorCode, InvalidInput, RugzakError
from shared.jsonld.context import BoundedCache
from shared.jsonld.rdfc import n_degree_budget, too_complex
from shared.jsonld.safety import check_expanded

_RESOLVED = BoundedCache(256)
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
# RDFC-1.0 canonical N-Quads escapes, written out independently of shared.jsonld.rdfc's.
_LITERAL_ESCAPES = {c: f"\\u{c:04X}" for c in (*range(0x20), 0x7F)} | {
    ord("\b"): "\\b",
    ord("\t"): "\\t",
    ord("\n"): "\\n",
    ord("\f"): "\\f",
    ord("\r"): "\\r",
    ord('"'): '\\"',
    ord("\\"): "\\\\",
}
_IRI_ESCAPES = {c: f"\\u{c:04X}" for c in (*range(0x21), *map(ord, '<>"{}|^`\\'))}
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


def _term(component: dict[str, Any]) -> str:
    value: str = component["value"]
    if component["type"] == "IRI":
        return "<" + value.translate(_IRI_ESCAPES) + ">"
    if component["type"] == "blank node":
        return value
    text = '"' + value.translate(_LITERAL_ESCAPES) + '"'
    datatype: str = component["datatype"]
    if datatype == _RDF_LANGSTRING:
        language: str | None = component.get("language")
        return text + "@" + language if language else text
    if datatype == _XSD_STRING:
        return text
    return text + "^^<" + datatype.translate(_IRI_ESCAPES) + ">"


def nquad(quad: dict[str, Any]) -> str:
    """One pyld quad as a line of RDFC-1.0 canonical N-Quads (pyld's serialize_nquad
    with RDFC-1.0's escaping)."""
    parts = [_term(quad["subject"]), _term(quad["predicate"]), _term(quad["object"])]
    if quad.get("name") is not None and quad["name"].get("value") is not None:
        parts.append(_term(quad["name"]))
    return " ".join(parts) + " .\n"


class LimitedURDNA2015(URDNA2015):  # type: ignore[misc]
    """pyld's URDNA2015 with a budget on Hash N-Degree Quads calls (pyld's escaping)."""

    def __init__(self, budget: int) -> None:
        super().__init__()
        self._budget = budget

    def hash_n_degree_quads(self, id_: str, issuer: Any) -> dict[str, Any]:
        self._budget -= 1
        if self._budget < 0:
            raise too_complex()
        result: dict[str, Any] = super().hash_n_degree_quads(id_, issuer)
        return result


def work_limit(dataset: dict[str, list[dict[str, Any]]]) -> int:
    """Hash N-Degree Quads calls allowed on a pyld dataset."""
    nodes = set()
    for triples in dataset.values():
        for triple in triples:
            for key in ("subject", "object"):
                if triple[key]["type"] == "blank node":
                    nodes.add(triple[key]["value"])
    return n_degree_budget(len(nodes))


class _RDFC10(LimitedURDNA2015):
    """pyld's URDNA2015 (under the work limit) with RDFC-1.0's N-Quads serialization.

    Only two steps serialize quads: Hash First Degree Quads (4.6.3 step 3.1) and the
    output (4.4.3 step 7); both are redone here with ``nquad``. Hash Related Blank
    Node hashes the raw predicate, as pyld already does. pyld's ``main`` relabels the
    quads in ``self.quads`` in place, so they are written again after it.
    """

    def hash_first_degree_quads(self, id_: str) -> str:
        info = self.blank_node_info[id_]
        if "hash" not in info:
            lines = []
            for quad in info["quads"]:
                copy = {
                    key: component
                    if key == "predicate"
                    else self.modify_first_degree_component(id_, component, key)
                    for key, component in quad.items()
                }
                lines.append(nquad(copy))
            lines.sort()
            info["hash"] = self.hash_nquads(lines)
        digest: str = info["hash"]
        return digest

    def main(self, dataset: Any, options: Any) -> str:
        super().main(dataset, {"format": "application/n-quads"})
        return "".join(sorted(nquad(quad) for quad in self.quads))


def canonize_dataset(dataset: dict[str, list[dict[str, Any]]], *, legacy: bool = False) -> str:
    """RDFC-1.0 canonical N-Quads of a pyld dataset (``legacy``: pyld's own escaping).

    pyld relabels the dataset's blank nodes in place.
    """
    algorithm = LimitedURDNA2015 if legacy else _RDFC10
    result: str = algorithm(work_limit(dataset)).main(dataset, {"format": "application/n-quads"})
    return result


def canonize_reference(document: Any) -> str:
    """RDFC-1.0 canonical N-Quads of ``document`` computed by pyld, in safe mode."""
    return _canonize(document, legacy=False)


def canonize_legacy(document: Any) -> str:
    """``canonize_reference`` with pyld's own, pre-RDFC-1.0 escaping (URDNA2015's).

    Only for checking signatures made over that form; never for signing.
    """
    return _canonize(document, legacy=True)


def _canonize(document: Any, *, legacy: bool) -> str:
    expanded = expand_safely(document)
    try:
        # What jsonld.normalize does, with a work limit on the N-degree step.
        dataset = jsonld.JsonLdProcessor().to_rdf(expanded, dict(_TO_RDF_OPTIONS))
        return canonize_dataset(dataset, legacy=legacy)
    except RecursionError as exc:
        raise InvalidInput(
            "JSON-LD document nests too deeply", code=ErrorCode.invalid_jsonld
        ) from exc
    except RugzakError:
        raise
    except Exception as exc:
        raise _translate(exc) from exc
