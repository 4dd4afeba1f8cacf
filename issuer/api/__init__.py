"""The issuer's HTTP API (FastAPI)."""

from issuer.api.app import create_app

__all__ = ["create_app"]
