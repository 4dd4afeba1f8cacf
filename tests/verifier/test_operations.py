"""Operations endpoints and signals of the verifier: /healthz, /readyz, /metrics
(Prometheus), status-list fetch counts, and JSON request logs without personal data."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from pydantic import SecretStr

from shared.runtime.observe import JsonFormatter
from shared.status_cache import HttpReply
from tests.verifier.conftest import MakeClient
from tests.verifier.helpers import LEARNER, badge, present, signed
from verifier.api import create_app
from verifier.service.build import counted
from verifier.settings import Settings
from verifier.store import make_engine


async def test_healthz_and_readyz(make_client: MakeClient, settings: Settings) -> None:
    client = await make_client(settings)
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ready",
        "checks": {"database": True, "migrations": True},
    }


async def test_readyz_is_503_when_the_schema_falls_behind(
    make_client: MakeClient, settings: Settings, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'v.db'}"
    client = await make_client(settings.model_copy(update={"database_url": url}))
    engine = sa.create_engine(url)
    with engine.begin() as conn:  # another version's migration ran underneath
        conn.execute(sa.text("UPDATE rzv_schema_version SET version_num = '9999_future'"))
    engine.dispose()
    ready = await client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"] == {"database": True, "migrations": False}


async def test_metrics_are_off_by_default(make_client: MakeClient, settings: Settings) -> None:
    client = await make_client(settings)
    answer = await client.get("/metrics")
    assert answer.status_code == 404
    assert answer.json()["code"] == "not_found"


async def test_metrics_count_requests_by_route_and_verdicts_by_outcome(
    make_client: MakeClient, settings: Settings
) -> None:
    client = await make_client(settings.model_copy(update={"metrics": True}))
    made = (await client.post("/requests")).json()
    challenge = made["challenge"]
    assert (await client.get(f"/requests/{challenge}")).status_code == 200
    vp = present([signed(badge(LEARNER.did))], challenge)
    valid = await client.post("/verify/presentation", json={"presentation": vp})
    assert valid.json()["verdict"] == "valid"
    again = await client.post("/verify/presentation", json={"presentation": vp})
    assert again.json()["verdict"] == "invalid"  # the nonce was used
    await client.get("/no/such/page")

    text = (await client.get("/metrics")).text
    assert 'rugzak_verifier_verdicts_total{outcome="valid"} 1.0' in text
    assert 'rugzak_verifier_verdicts_total{outcome="invalid"} 1.0' in text
    assert (
        'rugzak_http_requests_total{method="POST",route="/verify/presentation",'
        'service="verifier",status="200"} 2.0'
    ) in text
    assert 'route="/requests/{challenge}"' in text
    assert 'route="unmatched"' in text
    assert 'rugzak_http_request_duration_seconds_bucket{le="0.05",route="/verify/presentation"' in (
        text
    )
    assert challenge not in text  # templates, never raw paths


async def test_metrics_token(make_client: MakeClient, settings: Settings) -> None:
    client = await make_client(
        settings.model_copy(update={"metrics": True, "metrics_token": SecretStr("m-7f3a9c")})
    )
    assert (await client.get("/metrics")).json()["code"] == "unauthorized"
    wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert (wrong.status_code, wrong.json()["code"]) == (403, "forbidden")
    right = await client.get("/metrics", headers={"Authorization": "Bearer m-7f3a9c"})
    assert right.status_code == 200
    assert right.headers["content-type"].startswith("text/plain")


def test_status_list_fetches_are_counted_by_result() -> None:
    heard: list[str] = []
    replies = iter([HttpReply(200, b"{}"), HttpReply(304), HttpReply(404)])

    def transport(url: str, etag: str | None, timeout: float) -> HttpReply:
        reply = next(replies, None)
        if reply is None:
            raise httpx.ConnectError("refused")
        return reply

    fetch = counted(transport, heard.append)
    for _ in range(3):
        fetch("https://issuer.example/status/1", None, 5.0)
    with pytest.raises(httpx.ConnectError):
        fetch("https://issuer.example/status/1", None, 5.0)
    assert heard == ["ok", "not_modified", "failed", "failed"]


async def test_request_log_lines_hold_no_personal_data(
    make_client: MakeClient, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    client = await make_client(settings.model_copy(update={"log_requests": True}))
    challenge = (await client.post("/requests")).json()["challenge"]
    vp = present([signed(badge(LEARNER.did, name="Fleur van der Berg-Özdemir"))], challenge)
    with caplog.at_level(logging.INFO, logger="rugzak.verifier.requests"):
        await client.post("/verify/presentation", json={"presentation": vp})
        await client.get(f"/requests/{challenge}")
    lines = [JsonFormatter().format(r) for r in caplog.records if r.name.startswith("rugzak")]
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first["event"] == "request"
    assert (first["method"], first["route"], first["status"]) == (
        "POST",
        "/verify/presentation",
        200,
    )
    assert isinstance(first["duration_ms"], float)
    logged = "\n".join(lines)
    for secret in (challenge, LEARNER.did, "Fleur", "203.0.113.7"):
        assert secret not in logged


def test_json_log_keeps_an_exception_s_type_and_place_not_its_message() -> None:
    try:
        raise ValueError("did:key:z6MkLearner Fleur van der Berg-Özdemir")
    except ValueError:
        record = logging.getLogger("rugzak.verifier").makeRecord(
            "rugzak.verifier", logging.ERROR, __file__, 1, "internal error: %s", ("ValueError",),
            exc_info=__import__("sys").exc_info(),
        )  # fmt: skip
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "internal error: ValueError"
    assert line["exc_type"] == "ValueError"
    assert line["exc_at"][0].startswith("test_operations.py:")
    assert "Fleur" not in json.dumps(line)
    assert "did:key" not in json.dumps(line)


async def test_readyz_is_503_when_the_database_does_not_answer(settings: Settings) -> None:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        app.state.engine.dispose()
        # a database nobody listens on (port 1): the connection is refused at once
        app.state.engine = make_engine("postgresql+psycopg://rugzak@127.0.0.1:1/none")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            ready = await http.get("/readyz")
        app.state.engine.dispose()
    assert ready.status_code == 503
    assert ready.json() == {
        "status": "not_ready",
        "checks": {"database": False, "migrations": False},
    }


async def test_start_up_compiles_what_the_first_badge_needs(
    make_client: MakeClient, settings: Settings
) -> None:
    """The schema validators are compiled while the service starts (about a second),
    not by the first employer's request."""
    from shared.ob.schema_engine import detailed_validator, fast_validator

    fast_validator.cache_clear()
    detailed_validator.cache_clear()
    await make_client(settings)
    compiled = {
        (kind, variant)
        for kind in ("achievement", "endorsement")
        for variant in ("formal", "jsonld")
    }
    assert fast_validator.cache_info().currsize == len(compiled)
    assert detailed_validator.cache_info().currsize == len(compiled)


async def test_start_up_settles_the_heap(
    make_client: MakeClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What start-up loaded is taken out of the cyclic collector's walks
    (``shared.runtime.heap``) before the first request."""
    import verifier.api.app as app_module

    settled: list[bool] = []
    monkeypatch.setattr(app_module, "settle_heap", lambda: settled.append(True) or True)
    client = await make_client(settings)
    assert settled == [True]
    assert (await client.get("/healthz")).status_code == 200


def test_remembered_labels_count_on_the_counter_s_own_children() -> None:
    from shared.runtime.observe import ServiceMetrics, by_labels

    metrics = ServiceMetrics("verifier")
    verdicts = metrics.counter("rugzak_test_verdicts", "Verdicts.", ("outcome",))
    count = by_labels(verdicts)
    for outcome in ("valid", "valid", "invalid"):
        count(outcome).inc()
    assert count("valid") is verdicts.labels("valid")
    text = metrics.render().decode()
    assert 'rugzak_test_verdicts_total{outcome="valid"} 2.0' in text
    assert 'rugzak_test_verdicts_total{outcome="invalid"} 1.0' in text
    assert 'outcome="unknown"' not in text  # no series before its first verdict
