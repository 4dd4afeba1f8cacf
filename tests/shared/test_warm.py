"""``shared.credentials.warm``: what verification needs, built before the first badge."""

from __future__ import annotations

from shared.credentials.warm import _samples, warm_up
from shared.jsonld.context import Fallback
from shared.jsonld.to_rdf import document_quads
from shared.ob.schema_engine import fast_validator


def test_every_sample_takes_the_fast_canonicalization_path() -> None:
    """A sample the fast path refused would warm pyld's path instead of ours."""
    for document in _samples():
        try:
            assert document_quads(document)
        except Fallback as exc:  # pragma: no cover - the failure this test is for
            raise AssertionError(f"{document.get('type')}: {exc}") from exc


def test_warm_up_compiles_the_schema_validators() -> None:
    fast_validator.cache_clear()
    warm_up()
    assert fast_validator.cache_info().currsize == 4  # achievement and endorsement, both forms
