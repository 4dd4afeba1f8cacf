"""Helpers for the real-Chromium tests: a live server thread, y4m videos, the driver."""

from __future__ import annotations

import contextlib
import io
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import uvicorn
from PIL import Image

from verifier.api import create_app
from verifier.settings import Settings

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def chromium_available() -> bool:
    return bool(shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def live_server(settings: Settings, port: int) -> Iterator[str]:
    """The real app under uvicorn in a thread; yields its base URL."""
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", ws="none"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the verifier did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def write_y4m(
    pngs: list[bytes],
    path: Path,
    *,
    frames_each: int = 6,
    size: tuple[int, int] = (640, 480),
    invert: bool = False,
) -> None:
    """A YUV4MPEG2 (4:2:0) video showing each PNG, centred on white, for ``frames_each`` frames."""
    width, height = size
    frames: list[bytes] = []
    for png in pngs:
        code = Image.open(io.BytesIO(png)).convert("L")
        side = min(width, height) - 16
        code = code.resize((side, side), Image.Resampling.NEAREST)
        canvas = Image.new("L", size, 255)
        canvas.paste(code, ((width - side) // 2, (height - side) // 2))
        if invert:  # light modules on a dark screen, as some terminals show it
            canvas = Image.eval(canvas, lambda v: 255 - v)
        y = canvas.tobytes()
        chroma = bytes([128]) * ((width // 2) * (height // 2))
        frames.append(y + chroma + chroma)
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for frame in frames:
            for _ in range(frames_each):
                out.write(b"FRAME\n")
                out.write(frame)


def make_driver(profile: Path, *, video: Path | None = None, width: int = 1100, height: int = 1500):  # type: ignore[no-untyped-def]
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        "--lang=en-GB",
    ):
        options.add_argument(flag)
    if video is not None:
        options.add_argument(f"--use-file-for-fake-video-capture={video}")
    return webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
