"""JSON-LD <-> the abstract CBOR-LD tree (term ids as keys, codec outputs as values).

One walk for both directions, as in ``Converter.js``: contexts of the object
first, then its types (which may bring type-scoped contexts), then each entry in
sorted term order, each with its property-scoped context. The order matters:
it is the order in which contexts are loaded, hence the term ids.
"""

from __future__ import annotations

from typing import Any

from shared.vocab import as_list
from shared.vpqr.tables import CONTEXT_ID, CONTEXT_ID_PLURAL, XSD_DATETIME, Profile
from shared.vpqr.terms import ActiveContext, ContextLoader, Loader, cborld_error, js_sorted
from shared.vpqr.values import RECURSE, decode_value, encode_value, table_type

#: Nesting limit for documents and payloads (a presentation needs about 10).
MAX_DEPTH = 64


class CborMap(dict[Any, Any]):
    """A CBOR map from the compressor: keys are term ids (int) or uncompressed terms."""


def _js_truthy(value: Any) -> bool:
    """JavaScript truthiness: objects and arrays are true even when empty."""
    if isinstance(value, dict | list):
        return True
    return bool(value)


def compress(document: Any, profile: Profile, load: Loader) -> Any:
    """The CBOR-LD tree for a JSON-LD document (object, or array of objects)."""
    loader = ContextLoader(load)
    root = ActiveContext(loader)
    if isinstance(document, list):
        return [_compress_object(item, root, profile, 0) for item in document]
    return _compress_object(document, root, profile, 0)


def _compress_object(obj: Any, active: ActiveContext, profile: Profile, depth: int) -> CborMap:
    if not isinstance(obj, dict):
        raise cborld_error("expected a JSON object", detail=type(obj).__name__)
    if depth > MAX_DEPTH:
        raise cborld_error("the document is nested too deeply")
    out = CborMap()
    context = obj.get("@context")
    if "@context" in obj and context is None:
        raise cborld_error("a null @context cannot be compressed")
    active = active.apply_embedded(context)
    if _js_truthy(context):
        contexts = as_list(context)
        table = profile.type_table["context"]
        encoded = [table.get(c, c) if isinstance(c, str) else c for c in contexts]
        if isinstance(context, list):
            out[CONTEXT_ID_PLURAL] = encoded
        else:
            out[CONTEXT_ID] = encoded[0]
    types: list[Any] = []
    for term in active.type_terms:
        value = obj.get(term)
        if value is not None:
            for t in as_list(value):
                if t not in types:
                    types.append(t)
    active = active.apply_type_scoped(t for t in types if isinstance(t, str))
    # Ids are taken for all keys before any value is walked (a value may load
    # contexts that number more terms), as the reader resolves them all first.
    entries = [
        (key, obj[key], active.loader.id_for_term(key, isinstance(obj[key], list)))
        for key in js_sorted(obj)
        if key != "@context"
    ]
    for key, value, tid in entries:
        plural = isinstance(value, list)
        definition = active.definition(key)
        value_ctx = active.apply_property_scoped(key)
        ttype = table_type(key, definition, definition.get("@type"))
        values = value if plural else [value]
        outs = [_compress_value(v, value_ctx, ttype, profile, depth) for v in values]
        out[tid] = outs if plural else outs[0]
    return out


def _compress_value(
    value: Any, active: ActiveContext, ttype: str, profile: Profile, depth: int
) -> Any:
    if value is None:
        return None
    if isinstance(value, list):
        if depth > MAX_DEPTH:
            raise cborld_error("the document is nested too deeply")
        if ttype in ("url", XSD_DATETIME):
            # A reader takes an array here for a compressed URL or date.
            raise cborld_error("an array inside an array of URLs or dates")
        return [_compress_value(v, active, ttype, profile, depth + 1) for v in value]
    if isinstance(value, dict):
        return _compress_object(value, active, profile, depth + 1)
    if isinstance(value, float) and value != value:
        raise cborld_error("NaN is not JSON")
    return encode_value(value, ttype, profile, active.loader)


def decompress(tree: Any, profile: Profile, load: Loader) -> Any:
    """The JSON-LD document for a CBOR-LD tree."""
    loader = ContextLoader(load)
    root = ActiveContext(loader)
    if isinstance(tree, list):
        return [_decompress_object(item, root, profile, 0) for item in tree]
    return _decompress_object(tree, root, profile, 0)


def _decode_context(value: Any, profile: Profile) -> Any:
    if type(value) is int:
        for url, number in profile.type_table["context"].items():
            if number == value:
                return url
        raise cborld_error(f"unknown compressed context {value}", detail=value)
    return value


def _decompress_object(
    tree: Any, active: ActiveContext, profile: Profile, depth: int
) -> dict[str, Any]:
    if not isinstance(tree, dict):
        raise cborld_error("expected a CBOR map", detail=type(tree).__name__)
    if depth > MAX_DEPTH:
        raise cborld_error("the payload is nested too deeply")
    out: dict[str, Any] = {}
    single = tree.get(CONTEXT_ID)
    plural = tree.get(CONTEXT_ID_PLURAL)
    if _js_truthy(single):
        out["@context"] = _decode_context(single, profile)
    if _js_truthy(plural):
        if _js_truthy(single):
            raise cborld_error("both a single and a plural @context")
        if not isinstance(plural, list):
            raise cborld_error("a plural @context that is not an array")
        out["@context"] = [_decode_context(c, profile) for c in plural]
    active = active.apply_embedded(out.get("@context"))
    loader = active.loader
    types: list[Any] = []
    for term in active.type_terms:
        tid = loader.id_for_term(term)
        value = tree.get(tid)
        if value is None and isinstance(tid, int):
            value = tree.get(tid + 1)
        if value is None:
            continue
        definition = active.definition(loader.term_for_id(tid)[0])
        for v in as_list(value):
            decoded = decode_value(v, table_type(term, definition, "@vocab"), profile, loader)
            t = v if decoded is RECURSE else decoded
            if not any(t == seen for seen in types):
                types.append(t)
    active = active.apply_type_scoped(t for t in types if isinstance(t, str))
    entries: list[tuple[str, bool, Any]] = []
    for key, value in tree.items():
        if key in (CONTEXT_ID, CONTEXT_ID_PLURAL) and type(key) is int:
            continue
        if not (type(key) is int or isinstance(key, str)):
            raise cborld_error("a map key that is neither a term id nor a term")
        term, is_plural = loader.term_for_id(key)
        entries.append((term, is_plural, value))
    entries.sort(key=lambda e: e[0].encode("utf-16-be", "surrogatepass"))
    for term, is_plural, value in entries:
        definition = active.definition(term)
        value_ctx = active.apply_property_scoped(term)
        ttype = table_type(term, definition, definition.get("@type"))
        if is_plural and not isinstance(value, list):
            raise cborld_error(f"the plural term {term!r} has no array", detail=term)
        values = value if is_plural else [value]
        outs = [_decompress_value(v, value_ctx, ttype, profile, depth) for v in values]
        out[term] = outs if is_plural else outs[0]
    return out


def _decompress_value(
    value: Any, active: ActiveContext, ttype: str, profile: Profile, depth: int
) -> Any:
    if value is None:
        return None
    if isinstance(value, dict):
        return _decompress_object(value, active, profile, depth + 1)
    decoded = decode_value(value, ttype, profile, active.loader)
    if decoded is not RECURSE:
        return decoded
    if depth > MAX_DEPTH:
        raise cborld_error("the payload is nested too deeply")
    return [_decompress_value(v, active, ttype, profile, depth + 1) for v in value]
