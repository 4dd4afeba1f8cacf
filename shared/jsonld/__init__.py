"""JSON-LD to RDF for documents whose contexts are all bundled.

``reference`` wraps pyld (the engine of record); the fast path compiles each
bundled context once and emits canonical N-Quads without pyld's per-node
context copying.
"""
