"""Safe-mode checks on expanded JSON-LD.

pyld keeps relative IRIs through expansion and then silently skips the
triples that use them; jsonld.js ``safe: true`` refuses them. We refuse them
too, naming the offending value.
"""

from __future__ import annotations

import re
from typing import Any

from shared.errors import ErrorCode, InvalidInput
from shared.vocab import as_list

# The same test pyld applies before emitting an IRI.
_ABSOLUTE_IRI = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$")


def is_absolute_iri(value: str) -> bool:
    """True when pyld would emit ``value`` as an IRI (or a blank node)."""
    return _ABSOLUTE_IRI.match(value) is not None


def _relative(kind: str, value: Any) -> InvalidInput:
    code = ErrorCode.undefined_term if kind == "@type" else ErrorCode.invalid_jsonld
    return InvalidInput(
        f"{kind} value is not an absolute IRI: {value!r}", code=code, detail=str(value)
    )


def check_expanded(element: Any) -> None:
    """Raise ``InvalidInput`` when expanded JSON-LD holds a relative IRI pyld would drop."""
    if isinstance(element, list):
        for item in element:
            check_expanded(item)
        return
    if not isinstance(element, dict):
        return
    if "@value" in element:
        datatype = element.get("@type")
        if isinstance(datatype, str) and datatype != "@json" and not is_absolute_iri(datatype):
            raise _relative("@type", datatype)
        return
    for key, value in element.items():
        if key == "@id":
            if isinstance(value, str) and not is_absolute_iri(value):
                raise _relative("@id", value)
        elif key == "@type":
            for item in as_list(value):
                if isinstance(item, str) and not is_absolute_iri(item):
                    raise _relative("@type", item)
        elif key in ("@list", "@set", "@graph", "@included", "@reverse") or not key.startswith("@"):
            check_expanded(value)
