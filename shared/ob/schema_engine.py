"""The bundled 1EdTech JSON Schemas and their compiled validators.

Two engines, one truth:

- a *fast* validator per schema, compiled once by ``fastjsonschema`` into Python
  code, answers "valid or not" (about 0.1 ms for a small credential);
- a *detailed* ``jsonschema`` Draft 2019-09 validator lists every error with its
  path, and only runs once the fast one has said "invalid".

``fastjsonschema`` implements drafts 4 to 7, and the OB schemas declare 2019-09.
They use only keywords whose meaning is the same in draft 7 (:data:`KEYWORDS`,
enforced by :func:`draft7_equivalent` and a test), so they are compiled as draft 7.
Before compiling, a ``oneOf`` whose branches can never match the same value is
rewritten to ``anyOf``: equivalent for such branches, and it lets the compiled code
stop at the first branch that matches instead of trying them all.

Schema files are package data; nothing is fetched, ever.

Compiling costs a process up to a second of CPU (generating the code, then Python
compiling megabytes of it). When an app has installed a :mod:`shared.ob.code_store`,
the compiled code object is kept there (``marshal``) under a key that changes with
everything the code depends on (:func:`code_key`), and the next process loads it in
about a millisecond instead. Loading marshalled code trusts the store as much as
Python trusts its own ``__pycache__``: the store on disk is a directory of the
user's own, created readable and writable by that user only
(:mod:`shared.runtime.code_cache`).
"""

from __future__ import annotations

import copy
import hashlib
import importlib.util
import json
import marshal
import re
import sys
from collections.abc import Callable
from functools import cache, partial, update_wrapper
from importlib import resources
from itertools import combinations
from types import CodeType, FunctionType
from typing import TYPE_CHECKING, Any, Literal, NoReturn

import fastjsonschema
from fastjsonschema.ref_resolver import RefResolver

from shared.dates import is_date, is_datetime
from shared.ob import code_store
from shared.ob.code_store import CodeKey

if TYPE_CHECKING:
    from jsonschema import Draft201909Validator

SchemaKind = Literal["achievement", "endorsement", "profile"]
Variant = Literal["formal", "jsonld"]

KINDS: tuple[SchemaKind, ...] = ("achievement", "endorsement", "profile")
VARIANTS: tuple[Variant, ...] = ("formal", "jsonld")

# Keywords the bundled schemas may use: each means the same in draft 7 and 2019-09.
KEYWORDS = frozenset(
    {
        "$schema", "$id", "$ref", "$defs", "$comment", "title", "description",
        "type", "enum", "const", "properties", "required", "additionalProperties",
        "propertyNames", "items", "additionalItems", "contains", "minItems",
        "pattern", "format", "allOf", "anyOf", "oneOf",
    }
)  # fmt: skip

_ALL_TYPES = frozenset({"string", "number", "integer", "boolean", "null", "array", "object"})
_DRAFT7 = "http://json-schema.org/draft-07/schema#"

Validate = Callable[[Any], Any]


@cache
def load_schema(kind: SchemaKind, variant: Variant) -> dict[str, Any]:
    """The bundled schema document (shared: do not mutate)."""
    name = f"{kind}credential" if kind != "profile" else "profile"
    text = resources.files(__package__).joinpath("schemas", f"{name}.{variant}.json")
    schema: dict[str, Any] = json.loads(text.read_text("utf-8"))
    return schema


@cache
def schema_ids() -> dict[str, SchemaKind]:
    """Every ``$id`` a bundled schema is known by, mapped to its kind.

    Published copies disagree on which URL names which variant, so both URLs of a
    kind (``..._schema.json`` and ``...-jsonschema1.json``) name that kind.
    """
    return {load_schema(kind, variant)["$id"]: kind for kind in KINDS for variant in VARIANTS}


def _json_type(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if value is None:
        return "null"
    return "array" if isinstance(value, list) else "object"


def _resolve(root: dict[str, Any], ref: str) -> Any:
    node: Any = root
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def _accepted_types(schema: Any, root: dict[str, Any], seen: frozenset[str]) -> frozenset[str]:
    """An over-approximation of the JSON types ``schema`` can accept."""
    if not isinstance(schema, dict):
        return _ALL_TYPES
    ref = schema.get("$ref")
    if isinstance(ref, str):
        if ref in seen or not ref.startswith("#/"):
            return _ALL_TYPES
        return _accepted_types(_resolve(root, ref), root, seen | {ref})
    result = _ALL_TYPES
    declared = schema.get("type")
    if declared is not None:
        names = {declared} if isinstance(declared, str) else set(declared)
        if "number" in names:
            names.add("integer")
        result &= frozenset(names)
    if "enum" in schema:
        values = {_json_type(v) for v in schema["enum"]}
        if "integer" in values:
            values.add("number")
        result &= frozenset(values)
    for key in ("oneOf", "anyOf"):
        if key in schema:
            union: frozenset[str] = frozenset()
            for branch in schema[key]:
                union |= _accepted_types(branch, root, seen)
            result &= union
    for branch in schema.get("allOf", ()):
        result &= _accepted_types(branch, root, seen)
    return result


def _enum_outside_pattern(a: Any, b: Any) -> bool:
    """True if ``a`` is a string enum none of whose values match ``b``'s pattern."""
    if not (isinstance(a, dict) and isinstance(b, dict)):
        return False
    if set(a) - {"type", "enum"} or a.get("type") != "string" or "enum" not in a:
        return False
    pattern = b.get("pattern")
    if b.get("type") != "string" or not isinstance(pattern, str):
        return False
    compiled = re.compile(pattern)
    return all(isinstance(v, str) and compiled.search(v) is None for v in a["enum"])


def _disjoint(a: Any, b: Any, root: dict[str, Any]) -> bool:
    if not _accepted_types(a, root, frozenset()) & _accepted_types(b, root, frozenset()):
        return True
    return _enum_outside_pattern(a, b) or _enum_outside_pattern(b, a)


def one_of_to_any_of(schema: Any, root: dict[str, Any]) -> Any:
    """A copy of ``schema`` with every provably exclusive ``oneOf`` turned into ``anyOf``."""
    if isinstance(schema, list):
        return [one_of_to_any_of(item, root) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: one_of_to_any_of(value, root) for key, value in schema.items()}
    branches = schema.get("oneOf")
    if isinstance(branches, list) and "anyOf" not in schema:
        if all(_disjoint(a, b, root) for a, b in combinations(branches, 2)):
            out["anyOf"] = out.pop("oneOf")
    return out


def draft7_equivalent(schema: Any) -> bool:
    """True if ``schema`` uses only :data:`KEYWORDS` and no ``$ref`` with siblings.

    Draft 7 ignores keywords beside ``$ref``; 2019-09 applies them.
    """
    if isinstance(schema, list):
        return all(draft7_equivalent(item) for item in schema)
    if not isinstance(schema, dict):
        return True
    for key, value in schema.items():
        if key in ("properties", "$defs"):
            if not all(draft7_equivalent(sub) for sub in value.values()):
                return False
        elif key not in KEYWORDS or not draft7_equivalent(value):
            return False
    return "$ref" not in schema or not set(schema) - {"$ref", "$comment", "description"}


def _refuse_fetch(uri: str) -> NoReturn:
    raise ValueError(f"schema reference would need a fetch, refused: {uri}")


FORMAT_CHECKS: dict[str, Callable[[object], bool]] = {"date-time": is_datetime, "date": is_date}


# What this module does to a schema before compiling it (one_of_to_any_of, the draft 7
# ``$schema``, the ``$defs`` wrapper), to the generated code (``named_items``) and the
# options it compiles with: change the number whenever any of it changes, so no store
# hands out code compiled the old way.
TRANSFORM_VERSION = 2

_HANDLERS = {"http": _refuse_fetch, "https": _refuse_fetch}


@cache
def fast_validator(kind: SchemaKind, variant: Variant) -> Validate:
    """The compiled validator; raises ``fastjsonschema.JsonSchemaValueException``."""
    source = load_schema(kind, variant)
    if not draft7_equivalent(source):
        raise ValueError(f"{kind}/{variant} schema uses keywords draft 7 reads differently")
    schema = one_of_to_any_of(copy.deepcopy(source), source)
    schema["$schema"] = _DRAFT7
    return _compile(schema, f"{kind}-{variant}")


@cache
def fast_def_validator(kind: SchemaKind, variant: Variant, name: str) -> Validate:
    """The compiled validator of one ``$defs`` entry of a schema (e.g. ``Achievement``),
    as the whole schema applies it wherever it refers to it."""
    source = load_schema(kind, variant)
    if name not in source["$defs"] or not draft7_equivalent(source):
        raise ValueError(f"{kind}/{variant} schema: no usable definition {name!r}")
    schema = one_of_to_any_of(copy.deepcopy(source), source)
    part = {"$schema": _DRAFT7, "$ref": f"#/$defs/{name}", "$defs": schema["$defs"]}
    return _compile(part, f"{kind}-{variant}-{name}")


def code_key(schema: dict[str, Any], slot: str) -> CodeKey:
    """The key of ``schema``'s compiled code: it changes whenever the code could.

    The generator (fastjsonschema's version), the bytecode (Python's magic number and
    implementation), our transform and options, the format names the code calls, and
    the schema exactly as compiled: key order included, it orders the checks.
    """
    material = {
        "fastjsonschema": fastjsonschema.VERSION,
        "bytecode": importlib.util.MAGIC_NUMBER.hex(),
        "implementation": sys.implementation.cache_tag,
        "transform": TRANSFORM_VERSION,
        "formats": sorted(FORMAT_CHECKS),
        "schema": schema,
    }
    text = json.dumps(material, ensure_ascii=False, separators=(",", ":"))
    return CodeKey(slot, hashlib.sha256(text.encode("utf-8")).hexdigest())


def _compile(schema: dict[str, Any], slot: str) -> Validate:
    """fastjsonschema's validator of ``schema``: no remote references, our formats,
    defaults never written into the document checked.

    Built as ``fastjsonschema.compile`` builds it (the generated module run, its root
    function given our formats at call time), from the installed store's code when it
    has it, else from freshly generated code, which is then put in the store.
    """
    store = code_store.installed()
    if store is None:
        root, code = _generate(schema, slot)
        return _validator(root, code)
    key = code_key(schema, slot)
    kept = store.get(key)
    if kept is not None:
        validate = _from_store(kept)
        if validate is not None:
            return validate
    root, code = _generate(schema, slot)
    validate = _validator(root, code)
    store.put(key, marshal.dumps((root, code)))
    return validate


def _generate(schema: dict[str, Any], slot: str) -> tuple[str, CodeType]:
    """The name of the root validation function and the compiled module defining it."""
    source = named_items(
        fastjsonschema.compile_to_code(
            schema, handlers=_HANDLERS, formats=FORMAT_CHECKS, use_default=False
        )
    )
    # The root function is named after the schema's resolution scope, as
    # ``fastjsonschema.compile`` finds it: ``RefResolver.get_scope_name``.
    root = RefResolver.from_schema(schema, handlers=_HANDLERS, store={}).get_scope_name()
    code = compile(source, f"<{slot} schema validator>", "exec")
    return root, code


# A string literal whose only replacement fields are plain names, formatted with the
# function's locals: ``".evidence[{data__evidence_x}]".format(**locals())``.
_LOCALS_FORMAT = re.compile(
    r'"((?:[^"\\{}]|\\[^{}])*(?:\{[A-Za-z_][A-Za-z0-9_]*\}(?:[^"\\{}]|\\[^{}])*)+)"'
    r"\.format\(\*\*locals\(\)\)"
)


def named_items(source: str) -> str:
    """fastjsonschema's generated ``source`` with each ``"...{name}...".format(**locals())``
    written as the f-string ``f"...{name}..."``: the same text, without building a dict
    of every local of a large function.

    The generated code names each array item it hands to a definition's function this
    way (``data.evidence[0]``), valid or not: six times for a badge, a third of the time
    the achievement schema took. Other literals (any other brace) are left as they are.
    """
    return _LOCALS_FORMAT.sub(lambda found: f'f"{found.group(1)}"', source)


def _validator(root: str, code: CodeType) -> Validate:
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # noqa: S102 - code generated from our bundled schemas
    function = namespace.get(root)
    if not isinstance(function, FunctionType):
        raise TypeError(f"compiled schema defines no validation function {root!r}")
    validate: Validate = update_wrapper(partial(function, custom_formats=FORMAT_CHECKS), function)
    return validate


def _from_store(payload: bytes) -> Validate | None:
    """The validator of a stored ``(root, code)``, or ``None`` if it is not one."""
    try:
        root, code = marshal.loads(payload)  # noqa: S302 - our own store, see the module
    except (EOFError, ValueError, TypeError):
        return None
    if not (isinstance(root, str) and isinstance(code, CodeType)):
        return None
    try:
        return _validator(root, code)
    except Exception:  # a stored entry that does not run is compiled afresh instead
        return None


@cache
def detailed_validator(kind: SchemaKind, variant: Variant) -> Draft201909Validator:
    """The reference Draft 2019-09 validator, with the same ``format`` checks."""
    # Imported here: only an invalid document needs it (jsonschema takes about 0.1 s
    # to import, a command checking a valid badge never pays it).
    from jsonschema import Draft201909Validator, FormatChecker

    checker = FormatChecker(formats=())
    for name, check in FORMAT_CHECKS.items():
        checker.checks(name)(check)
    return Draft201909Validator(load_schema(kind, variant), format_checker=checker)


def warm_up(kinds: tuple[SchemaKind, ...] = ("achievement", "endorsement")) -> None:
    """Compile the validators for ``kinds`` now instead of on first use.

    Compiling costs about 0.5 s per kind (Python compiles the generated code);
    services call this at start-up so the first request does not pay it.
    """
    for kind in kinds:
        for variant in VARIANTS:
            fast_validator(kind, variant)
            detailed_validator(kind, variant)
