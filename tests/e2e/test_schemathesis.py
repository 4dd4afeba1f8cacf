"""Schemathesis against both services' OpenAPI documents, in-process through the ASGI
apps: generated requests (valid and invalid) never get a 5xx, and every answer has a
status, content type and body the document declares.

A short deterministic run here; ``make fuzz`` runs many more examples
(``RUGZAK_FUZZ_EXAMPLES``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import schemathesis
from anyio.from_thread import start_blocking_portal
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from issuer.achievements import parse_input
from issuer.api import create_app as issuer_app
from issuer.settings import IssuerSettings
from tests.issuer.conftest import ACHIEVEMENT, PASSPHRASE, FakeClock, make_issuer
from tests.verifier.conftest import Clock
from tests.verifier.helpers import DOMAIN, make_pack
from verifier.api import create_app as verifier_app
from verifier.settings import Settings

EXAMPLES = int(os.environ.get("RUGZAK_FUZZ_EXAMPLES", "5"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=EXAMPLES <= 20,  # the short CI run is the same every time
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _running(app: FastAPI) -> Iterator[FastAPI]:
    """The app with its lifespan running (store open, key unlocked) in a portal."""
    with (
        start_blocking_portal() as portal,
        portal.wrap_async_context_manager(app.router.lifespan_context(app)),
    ):
        yield app


@pytest.fixture(scope="module")
def issuer_headers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    config = IssuerSettings(
        data_dir=tmp_path_factory.mktemp("issuer"),
        kdf="min",
        passphrase=PASSPHRASE,
        rate_limit_per_minute=0,
    )
    clock = FakeClock(datetime.now(UTC))
    issuer, token = make_issuer(config, clock)
    issuer.create_achievement(parse_input(ACHIEVEMENT), actor="t", achievement_id="a")
    return {
        "app": issuer_app(config, issuer=issuer, clock=clock),
        "headers": {"Authorization": f"Bearer {token}"},
    }


@pytest.fixture(scope="module")
def issuer_api(issuer_headers: dict[str, Any]) -> Iterator[Any]:
    for app in _running(issuer_headers["app"]):
        yield schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.fixture(scope="module")
def verifier_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    tmp = tmp_path_factory.mktemp("verifier")
    config = Settings(
        public_origin=DOMAIN,
        database_url="sqlite://",
        data_dir=tmp,
        offline=True,
        trust_pack=make_pack(tmp / "pack.json"),
        rate_limit_per_minute=0,
    )
    for app in _running(verifier_app(config, clock=Clock())):
        yield schemathesis.openapi.from_asgi("/openapi.json", app)


issuer_schema = schemathesis.pytest.from_fixture("issuer_api")
verifier_schema = schemathesis.pytest.from_fixture("verifier_api")


@pytest.mark.slow
@issuer_schema.parametrize()
@FUZZ
def test_issuer_api_conforms(case: Any, issuer_headers: dict[str, Any]) -> None:
    case.call_and_validate(headers=issuer_headers["headers"], checks=CHECKS)


@pytest.mark.slow
@verifier_schema.parametrize()
@FUZZ
def test_verifier_api_conforms(case: Any) -> None:
    case.call_and_validate(checks=CHECKS)
