"""An app factory for ASGI servers that start it by name (``uvicorn --factory``,
several worker processes): settings, passphrase included, come from the environment."""

from __future__ import annotations

from fastapi import FastAPI

from issuer.api.app import create_app
from issuer.settings import IssuerSettings


def make_app() -> FastAPI:
    """``uvicorn --factory issuer.api.asgi:make_app`` (reads ``RUGZAK_ISSUER_*``)."""
    return create_app(IssuerSettings())
