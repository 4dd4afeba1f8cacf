"""The served protocol (``shared.runtime.serving``): httptools and uvloop, with the
request-head deadline (also between keep-alive requests), the head size cap and the
connection cap, over real sockets."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
import uvloop
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from shared.runtime import serving
from shared.runtime.serving import GuardedHttpToolsProtocol, ServerLimits

LIMITS = ServerLimits(max_connections=3, header_timeout=0.5, keep_alive=30, max_header_bytes=4096)
WAIT = 20.0


async def ok_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]}
    )
    await send({"type": "http.response.body", "body": b"ok"})


@pytest.fixture
def port() -> Iterator[int]:
    config = serving.config(ok_app, limits=LIMITS, log_level="warning")
    server = uvicorn.Server(config)
    sock = serving.tcp_socket("127.0.0.1", 0)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(400):
        if server.started:
            break
        threading.Event().wait(0.05)
    try:
        yield sock.getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(WAIT)
        sock.close()


def connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=WAIT)


def closed_by_server(sock: socket.socket) -> bool:
    try:
        return sock.recv(1024) == b""
    except ConnectionResetError:
        return True


def answer(sock: socket.socket) -> bytes:
    data = b""
    while not data.endswith(b"ok"):
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def test_the_protocol_is_httptools_on_uvloop() -> None:
    config = serving.config(ok_app, limits=LIMITS)
    config.load()
    assert config.http_protocol_class is GuardedHttpToolsProtocol
    assert issubclass(GuardedHttpToolsProtocol, HttpToolsProtocol)
    factory = config.get_loop_factory()
    assert factory is not None
    loop = factory()
    try:
        assert isinstance(loop, uvloop.Loop)
    finally:
        loop.close()


def test_a_keep_alive_connection_gets_a_new_head_deadline(port: int) -> None:
    with connect(port) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert answer(sock).startswith(b"HTTP/1.1 200")
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # the second head never ends
        assert closed_by_server(sock)


def test_a_head_over_the_cap_is_refused(port: int) -> None:
    with connect(port) as sock:  # just under: served
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * 3900 + b"\r\n\r\n")
        assert answer(sock).startswith(b"HTTP/1.1 200")
    with connect(port) as sock:  # over, in one piece
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * 5000 + b"\r\n\r\n")
        assert answer(sock).startswith(b"HTTP/1.1 400")
    with connect(port) as sock:  # over, and never finished
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * 5000)
        assert answer(sock).startswith(b"HTTP/1.1 400")


def test_connections_over_the_cap_are_closed_at_once(port: int) -> None:
    held = [connect(port) for _ in range(LIMITS.max_connections)]
    try:
        for sock in held:  # all accepted and served
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            assert answer(sock).startswith(b"HTTP/1.1 200")
        with connect(port) as extra:
            assert closed_by_server(extra)
    finally:
        for sock in held:
            sock.close()
