"""Serving both apps under uvicorn with limits a public service needs.

uvicorn alone holds a connection that never finishes its request head for ever (it
arms no timer until the first response), accepts connections until the process runs
out of file descriptors, and then asyncio logs a traceback for every refused accept.
Here:

* ``GuardedHttpToolsProtocol`` closes a connection whose request head is not complete
  within ``header_timeout`` seconds (also between keep-alive requests), and closes
  new connections at once while ``max_connections`` are open, so the process keeps
  file descriptors for its database and for the clients it serves;
* the request head is capped (``max_header_bytes``: 400 past it) and idle keep-alive
  connections close after ``keep_alive`` seconds; the event loop is uvloop;
* uvicorn's own proxy-header handling is off: it would trust ``X-Forwarded-For``
  from loopback and rewrite the client address that rate limits key on. The apps
  derive the address themselves (``shared.runtime.web.client_address``);
* "out of system resource" from asyncio's accept loop is logged as one line per
  minute, without the traceback.

The body read timeout is applied by ``shared.runtime.web.BodyLimit``.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.supervisors import Multiprocess

from shared.runtime.serving_settings import ServerLimits, ServingSettings

__all__ = [
    "GuardedHttpToolsProtocol",
    "ServerLimits",
    "ServingSettings",
    "config",
    "listening_url",
    "quiet_accept_errors",
    "run",
    "tcp_socket",
]


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a request-head deadline, a head size cap and a
    connection cap.

    httptools (llhttp, in C) rather than h11: with h11's pure-Python parser a request
    cost about 1.2 ms more server CPU (``bench/bench_verifier.py``). The limits come
    from ``config.rugzak_limits`` (set by :func:`config`), so the class itself stays
    importable by name in spawned worker processes.
    """

    def __init__(self, config: uvicorn.Config, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        self.limits: ServerLimits = getattr(config, "rugzak_limits", ServerLimits())
        self._head_timer: asyncio.TimerHandle | None = None
        self._head_pending = True  # the next bytes begin a request head
        self._head_bytes = 0  # request line and headers parsed so far
        self._pending_bytes = 0  # bytes received while the head is not complete

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.limits.max_connections:
            # Full: close at once instead of queueing; the client may retry.
            transport.close()
            return
        self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._head_pending and not self.transport.is_closing():
            # no complete head yet: the parser holds the partial line in memory
            self._pending_bytes += len(data)
            if self._pending_bytes > self.limits.max_header_bytes:
                self.send_400_response("Invalid HTTP request received.")

    def on_message_begin(self) -> None:
        self._head_pending, self._head_bytes = True, 0
        super().on_message_begin()

    def _count_head(self, size: int) -> None:
        self._head_bytes += size
        if self._head_bytes > self.limits.max_header_bytes:
            # an error in a parser callback: uvicorn answers 400 and closes
            raise ValueError("the request head is too large")

    def on_url(self, url: bytes) -> None:
        self._count_head(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count_head(len(name) + len(value) + 4)
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._head_pending, self._pending_bytes = False, 0
        self._disarm_head_timer()  # the request head is in
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and not self.pipeline:
            # the next request head has its own deadline
            self._head_pending, self._head_bytes, self._pending_bytes = True, 0, 0
            self._arm_head_timer()

    def _arm_head_timer(self) -> None:
        self._disarm_head_timer()
        self._head_timer = self.loop.call_later(self.limits.header_timeout, self._head_timeout)

    def _disarm_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timeout(self) -> None:
        self._head_timer = None
        if self._head_pending and not self.transport.is_closing():
            self.transport.close()


def tcp_socket(host: str, port: int) -> socket.socket:
    """A bound listening socket made with ``IPPROTO_TCP``.

    uvicorn's multi-worker mode binds ``socket.socket(family)``, whose ``proto`` is 0;
    asyncio then skips TCP_NODELAY on accepted connections (it checks for
    IPPROTO_TCP), and a response written as headers then body waits for the client's
    delayed ACK: about 40 ms on every request. Port 0 picks a free port.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def listening_url(sock: socket.socket) -> str:
    """``http://host:port`` of a bound socket (the real port when 0 was asked for)."""
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def config(app: Any, *, limits: ServerLimits, **options: Any) -> uvicorn.Config:
    """A ``uvicorn.Config`` for ``app`` (an app, or an import string with
    ``factory=True``) that applies ``limits``; ``options`` go to uvicorn as given."""
    result = uvicorn.Config(
        app,
        http=GuardedHttpToolsProtocol,
        loop="uvloop",
        proxy_headers=False,
        timeout_keep_alive=max(1, round(limits.keep_alive)),
        ws="none",
        **options,
    )
    result.rugzak_limits = limits  # type: ignore[attr-defined]
    return result


def run(config: uvicorn.Config, sock: socket.socket) -> None:
    """Serve on an already bound socket, in ``config.workers`` processes."""
    if config.workers > 1:
        Multiprocess(config, sockets=[sock]).run()
    else:
        uvicorn.Server(config).run(sockets=[sock])


class _AcceptErrorOnce(logging.Filter):
    """asyncio logs every failed accept with a traceback; keep one line a minute."""

    def __init__(self) -> None:
        super().__init__()
        self.last = -1e9

    def filter(self, record: logging.LogRecord) -> bool:
        if "out of system resource" not in record.getMessage():
            return True
        now = time.monotonic()
        if now - self.last < 60:
            return False
        self.last = now
        record.exc_info = None
        record.exc_text = None
        record.msg = "cannot accept more connections: out of file descriptors or memory"
        record.args = ()
        return True


def quiet_accept_errors() -> None:
    """Install the one-line-a-minute filter on asyncio's logger (idempotent)."""
    logger = logging.getLogger("asyncio")
    if not any(isinstance(f, _AcceptErrorOnce) for f in logger.filters):
        logger.addFilter(_AcceptErrorOnce())
