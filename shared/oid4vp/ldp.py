"""``ldp_vc`` rules (OpenID4VP 1.0 Appendix B.1.3.2): expanded types and the binding.

- ``type_values`` are compared with the credential's types *after applying its
  ``@context``* (Appendix B.1.1): :func:`expanded_types` does that with the
  bundled, offline contexts only (an unknown context expands to nothing, so the
  credential matches no query rather than triggering a fetch).
- The Verifiable Presentation's proof carries ``challenge`` = the request's
  ``nonce`` and ``domain`` = its full ``client_id``, prefix included
  (Appendix B.1.3.2.5, §14.2.2, §14.10): :func:`binding`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pyld import jsonld

from shared.contexts import document_loader
from shared.errors import RugzakError

__all__ = ["Binding", "binding", "expanded_types"]


@dataclass(frozen=True)
class Binding:
    """What the holder's proof must carry for one authorization request."""

    challenge: str
    domain: str


def binding(*, nonce: str, client_id: str) -> Binding:
    """challenge = nonce, domain = client_id (Appendix B.1.3.2.5)."""
    return Binding(challenge=nonce, domain=client_id)


def expanded_types(credential: Mapping[str, Any]) -> frozenset[str]:
    """The credential's ``type`` values as IRIs under its own ``@context``.

    A type no context defines stays as written (a relative IRI), as Appendix
    B.1.1 says. Returns an empty set when the contexts cannot be processed.
    """
    context = credential.get("@context")
    types = credential.get("type")
    if context is None or types is None:
        return frozenset()
    probe = {"@context": context, "type": types}
    try:
        expanded = jsonld.expand(probe, {"documentLoader": document_loader, "base": None})
    except (jsonld.JsonLdError, RugzakError, ValueError, TypeError, RecursionError):
        return frozenset()
    out: set[str] = set()
    for node in expanded:
        if isinstance(node, dict):
            out.update(t for t in node.get("@type", []) if isinstance(t, str))
    return frozenset(out)
