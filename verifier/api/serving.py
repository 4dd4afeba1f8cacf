"""Running the app under uvicorn, with a listening socket that keeps TCP_NODELAY.

uvicorn's own multi-worker mode binds ``socket.socket(family)``, whose ``proto`` is 0;
asyncio then skips TCP_NODELAY on accepted connections (it checks for IPPROTO_TCP),
and a response written as headers then body waits for the client's delayed ACK:
about 40 ms on every request. Binding the socket here with IPPROTO_TCP avoids it.
"""

from __future__ import annotations

import socket

import uvicorn
from uvicorn.supervisors import Multiprocess

from shared.runtime.observe import log_config

APP = "verifier.api.app:create_app"


def tcp_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def run(
    host: str, port: int, *, workers: int = 1, log_level: str = "warning", log_format: str = "text"
) -> None:
    """Serve ``create_app()`` (settings from the environment) on ``host:port``."""
    config = uvicorn.Config(
        APP,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        log_config=log_config(log_format, log_level),
        access_log=False,
        ws="none",
    )
    sock = tcp_socket(host, port)
    if workers > 1:
        Multiprocess(config, sockets=[sock]).run()
    else:
        uvicorn.Server(config).run(sockets=[sock])
