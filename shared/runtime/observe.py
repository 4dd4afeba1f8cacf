"""What both services report to their operators: Prometheus metrics, JSON logs, health.

- ``ServiceMetrics``: a prometheus_client registry per app (no global state: tests run
  many apps in one process) with request counts and latency histograms by route
  template, never by raw path (paths carry credential ids and request codes). With
  several worker processes set ``PROMETHEUS_MULTIPROC_DIR`` (prometheus_client's
  multiprocess mode) so that ``/metrics`` adds up every worker.
- ``Observe``: ASGI middleware that times each request and, when logging requests,
  writes one structured line: method, route template, status, duration. No client
  address, no path, no body, no header.
- ``JsonFormatter`` / ``log_config``: JSON lines for the services' logs (opt-in). Only
  whitelisted fields are written; an exception is logged as its type and the code
  locations of its traceback, never its message (which may quote a request).
- ``metrics_response`` / ``readiness``: what ``/metrics`` and ``/readyz`` answer.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import secrets
import time
import traceback
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Literal

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client import generate_latest as _generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from shared.errors import AccessDenied, ErrorCode
from shared.runtime.web import ASGIApp, Message, Receive, Scope, Send

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
UNMATCHED = "unmatched"
#: Extra fields a log line may carry (anything else passed as ``extra`` is dropped).
LOG_FIELDS = ("event", "service", "method", "route", "status", "duration_ms", "outcome", "code")


def _generate(registry: CollectorRegistry) -> bytes:
    data: bytes = _generate_latest(registry)
    return data


class ServiceMetrics:
    """The metrics of one service (``service`` is a label on every series)."""

    def __init__(self, service: str) -> None:
        self.service = service
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "rugzak_http_requests",
            "HTTP requests answered, by route template and status.",
            ["service", "method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "rugzak_http_request_duration_seconds",
            "Time to answer an HTTP request, by route template.",
            ["service", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self._series: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def counter(self, name: str, documentation: str, labels: tuple[str, ...]) -> Counter:
        """A service-specific counter in this registry."""
        return Counter(name, documentation, list(labels), registry=self.registry)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route, status)
        series = self._series.get(key)
        if series is None:
            # prometheus_client's labels() checks and locks on every call; the few
            # (method, route, status) series a service has are looked up once each.
            series = (
                self.requests.labels(self.service, method, route, str(status)),
                self.latency.labels(self.service, route),
            )
            self._series[key] = series
        series[0].inc()
        series[1].observe(seconds)

    def render(self) -> bytes:
        """The exposition text: every worker's numbers in multiprocess mode."""
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            combined = CollectorRegistry()
            MultiProcessCollector(combined)  # type: ignore[no-untyped-call]
            return _generate(combined)
        return _generate(self.registry)


def by_labels(counter: Counter, maxsize: int = 32) -> Callable[..., Counter]:
    """``counter.labels`` remembered per label values (the last ``maxsize``):
    prometheus_client checks the values and takes a lock on every ``labels`` call,
    for the same few children each time."""
    return functools.lru_cache(maxsize=maxsize)(counter.labels)


def route_of(scope: Scope) -> str:
    """The matched route's template (``/credentials/{credential_id}``), else ``unmatched``."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) and path else UNMATCHED


class Observe:
    """Counts and times every HTTP request; logs one line each when ``log`` is given."""

    def __init__(
        self, app: ASGIApp, metrics: ServiceMetrics, log: logging.Logger | None = None
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500  # unless a response starts: the server answers 500 then

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            seconds = time.perf_counter() - start
            route = route_of(scope)
            self.metrics.observe(scope["method"], route, status, seconds)
            if self.log is not None:
                self.log.info(
                    "request",
                    extra={
                        "event": "request",
                        "service": self.metrics.service,
                        "method": scope["method"],
                        "route": route,
                        "status": status,
                        "duration_ms": round(seconds * 1000, 2),
                    },
                )


def metrics_response(request: Request, metrics: ServiceMetrics, token: str | None) -> Response:
    """``/metrics``: the exposition text; with ``token`` set, only for its bearer."""
    if token is not None:
        given = request.headers.get("authorization", "")
        scheme, _, value = given.partition(" ")
        if scheme.lower() != "bearer" or not value:
            raise AccessDenied("a bearer token is required", code=ErrorCode.unauthorized)
        if not secrets.compare_digest(value.encode(), token.encode()):
            raise AccessDenied("the metrics token is not valid", code=ErrorCode.forbidden)
    return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)


class ReadyOut(BaseModel):
    """What ``/readyz`` answers (200 ready, 503 not_ready)."""

    status: Literal["ready", "not_ready"]
    checks: dict[str, bool]


def readiness(checks: Mapping[str, bool]) -> JSONResponse:
    """``/readyz``: 200 when every check holds, else 503; the body names each check."""
    ready = all(checks.values())
    body = {"status": "ready" if ready else "not_ready", "checks": dict(checks)}
    return JSONResponse(body, status_code=200 if ready else 503)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and whitelisted fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in LOG_FIELDS:
            value = record.__dict__.get(name)
            if value is not None:
                line[name] = value
        if record.exc_info and record.exc_info[0] is not None:
            line["exc_type"] = record.exc_info[0].__name__
            frames = traceback.extract_tb(record.exc_info[2])
            line["exc_at"] = [f"{os.path.basename(f.filename)}:{f.lineno}:{f.name}" for f in frames]
        return json.dumps(line, ensure_ascii=False, default=str)


def log_config(fmt: str, level: str = "info") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for uvicorn and the services: ``text`` or ``json``."""
    formatter: dict[str, Any] = (
        {"()": "shared.runtime.observe.JsonFormatter"}
        if fmt == "json"
        else {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
    )
    handler = {"class": "logging.StreamHandler", "formatter": "main", "stream": "ext://sys.stderr"}
    upper = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"main": formatter},
        "handlers": {"main": handler},
        "loggers": {
            "uvicorn": {"handlers": ["main"], "level": upper, "propagate": False},
            "uvicorn.error": {"level": upper},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            "rugzak": {"handlers": ["main"], "level": upper, "propagate": False},
        },
    }
