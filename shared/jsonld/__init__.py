"""JSON-LD to canonical N-Quads for documents whose contexts are all bundled.

Modules:

- ``reference``: pyld (the engine of record) plus safe mode: undefined terms and
  relative IRIs are errors, not silently dropped or resolved.
- ``context``: active contexts compiled once and memoized per transition
  (the transition itself is computed by pyld, so scoping rules are pyld's).
- ``to_rdf``: one walk from compact JSON-LD to quads, mirroring pyld's
  expansion; anything it does not handle raises ``Fallback``.
- ``rdfc``: RDFC-1.0 (URDNA2015); the simple case is ours, colliding
  first-degree hashes go through pyld's Hash N-Degree Quads with a work limit.
- ``safety``: safe-mode checks on pyld's expanded output.

``shared.canonical`` is the public face; import from there.
"""
