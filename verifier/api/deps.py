"""FastAPI dependencies: the per-app services live on ``app.state`` (set by the lifespan).

They are ``async def``: FastAPI runs a plain ``def`` dependency in a worker thread, and
those hand-offs cost more CPU than the lookups (about 0.3 ms per request, measured).
"""

from __future__ import annotations

from typing import Annotated

import anyio
from fastapi import Depends, Request

from verifier.service.trust import TrustPack
from verifier.service.verifier import Verifier
from verifier.settings import Settings


async def get_verifier(request: Request) -> Verifier:
    verifier: Verifier = request.app.state.verifier
    return verifier


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_pack(request: Request) -> TrustPack | None:
    pack: TrustPack | None = request.app.state.pack
    return pack


async def get_limiter(request: Request) -> anyio.CapacityLimiter | None:
    """Where verifications run: None means on the event loop (see Settings.verify_inline)."""
    if request.app.state.verify_inline:
        return None
    limiter: anyio.CapacityLimiter = request.app.state.limiter
    return limiter


async def get_thread_limiter(request: Request) -> anyio.CapacityLimiter:
    """Always a worker thread (image decoding releases the GIL and can take a while)."""
    limiter: anyio.CapacityLimiter = request.app.state.limiter
    return limiter


VerifierDep = Annotated[Verifier, Depends(get_verifier)]
ThreadLimiterDep = Annotated[anyio.CapacityLimiter, Depends(get_thread_limiter)]
LimiterDep = Annotated[anyio.CapacityLimiter | None, Depends(get_limiter)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
PackDep = Annotated[TrustPack | None, Depends(get_pack)]
