"""Running the verifier under uvicorn with the shared limits (``shared.runtime.serving``)."""

from __future__ import annotations

from collections.abc import Callable

from shared.runtime import serving
from shared.runtime.observe import log_config
from shared.runtime.serving import ServerLimits

APP = "verifier.api.app:create_app"


def run(
    host: str,
    port: int,
    *,
    workers: int = 1,
    log_level: str = "warning",
    log_format: str = "text",
    limits: ServerLimits | None = None,
    on_listen: Callable[[str], None] | None = None,
) -> None:
    """Serve ``create_app()`` (settings from the environment) on ``host:port``.

    ``on_listen`` hears the address once the socket is bound (port 0: a free port).
    """
    config = serving.config(
        APP,
        limits=limits or ServerLimits(),
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        log_config=log_config(log_format, log_level),
        access_log=False,
    )
    sock = serving.tcp_socket(host, port)
    if on_listen is not None:
        on_listen(serving.listening_url(sock))
    serving.run(config, sock)
