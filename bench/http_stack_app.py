"""The verifier app with its verification taken out, for ``bench_verifier.py --http-stack``.

What the server spends around a verification (uvicorn, the middleware, parsing the
body, building and rendering the answer) cannot be told from the total by subtracting
a same-process run of the verifier: the verification itself costs more inside a busy
server than alone (other processes on the same cores, caches shared with the HTTP
work). So the benchmark measures the stack directly: this app is the real one, served
the same way, except that each worker verifies, when it starts, presentations from
the file named by ``RUGZAK_BENCH_STACK_BODIES`` until one is valid, and answers every
request with that result (the same answer, built and rendered per request).
Benchmark code only: nothing in the services refers to it.

Run by the benchmark as ``python bench/http_stack_app.py HOST PORT WORKERS``.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from fastapi import FastAPI  # noqa: E402

from shared.runtime import serving  # noqa: E402
from shared.runtime.serving import ServerLimits  # noqa: E402
from shared.verification import VerificationResult  # noqa: E402
from verifier.api.app import create_app as create_verifier_app  # noqa: E402

#: A JSON file holding request bodies whose nonces are not spent, one or more per worker.
BODIES_ENV = "RUGZAK_BENCH_STACK_BODIES"


class FirstAnswer:
    """Answers every presentation with one valid result, found at start."""

    def __init__(self, answer: VerificationResult) -> None:
        self.answer = answer

    def verify_presentation(self, document: Any, challenge: str | None = None) -> Any:
        return self.answer


def first_valid(verifier: Any, bodies: list[bytes]) -> VerificationResult:
    """The result of the first of ``bodies`` that verifies as valid (its nonce unspent:
    each worker claims its own, the nonce store makes that atomic)."""
    for body in bodies:
        result: VerificationResult = verifier.verify_presentation(json.loads(body)["presentation"])
        if str(result.verdict) == "valid":
            return result
    raise SystemExit("no valid presentation left for the stack-only server")


def create_app() -> FastAPI:
    """The verifier app (settings from the environment) with ``FirstAnswer`` in place."""
    app = create_verifier_app()
    opened = app.router.lifespan_context
    bodies = [body.encode() for body in json.loads(Path(os.environ[BODIES_ENV]).read_text())]

    @asynccontextmanager
    async def lifespan(served: FastAPI) -> AsyncIterator[None]:
        async with opened(served):
            answer = first_valid(served.state.verifier, bodies)
            served.state.verifier = FirstAnswer(answer)
            yield

    app.router.lifespan_context = lifespan
    return app


def main() -> None:
    host, port, workers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    config = serving.config(
        "http_stack_app:create_app",
        limits=ServerLimits(),
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
    )
    serving.run(config, serving.tcp_socket(host, port))


if __name__ == "__main__":
    main()
