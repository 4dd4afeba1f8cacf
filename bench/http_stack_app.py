"""The verifier app with its verification taken out, for ``bench_verifier.py --http-stack``.

What the server spends around a verification (uvicorn, the middleware, parsing the
body, building and rendering the answer) cannot be told from the total by subtracting
a same-process run of the verifier: the verification itself costs more inside a busy
server than alone (other processes on the same cores, caches shared with the HTTP
work). So the benchmark measures the stack directly: this app is the real one, served
the same way, except that each worker verifies presentations only until one is valid
and answers every later one with that result (the same answer, built and rendered per
request). Benchmark code only: nothing in the services refers to it.

Run by the benchmark as ``python bench/http_stack_app.py HOST PORT WORKERS``.
"""

from __future__ import annotations

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


class FirstAnswer:
    """A verifier that verifies until one presentation is valid, then gives that
    result for every presentation."""

    def __init__(self, verifier: Any) -> None:
        self.verifier = verifier
        self.answer: VerificationResult | None = None

    def verify_presentation(self, document: Any, challenge: str | None = None) -> Any:
        if self.answer is not None:
            return self.answer
        result = self.verifier.verify_presentation(document, challenge=challenge)
        if str(result.verdict) == "valid":
            self.answer = result
        return result


def create_app() -> FastAPI:
    """The verifier app (settings from the environment) with ``FirstAnswer`` in place."""
    app = create_verifier_app()
    opened = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(served: FastAPI) -> AsyncIterator[None]:
        async with opened(served):
            served.state.verifier = FirstAnswer(served.state.verifier)
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
