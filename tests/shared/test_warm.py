"""``shared.credentials.warm``: what verification needs, built before the first badge."""

from __future__ import annotations

import pytest

from shared.credentials.warm import _samples, warm_up, warm_up_issuing
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


def test_warm_up_issuing_builds_and_signs_a_credential(monkeypatch: pytest.MonkeyPatch) -> None:
    from shared.credentials import issuing

    signed: list[dict[str, object]] = []
    real = issuing.issue_credential

    def recording(*args: object, **kwargs: object) -> dict[str, object]:
        credential: dict[str, object] = real(*args, **kwargs)  # type: ignore[arg-type]
        signed.append(credential)
        return credential

    monkeypatch.setattr(issuing, "issue_credential", recording)
    warm_up_issuing()
    assert len(signed) == 2  # with the parts as models, and prebuilt
    assert all("proof" in credential for credential in signed)
