"""The verifier's HTTP API (FastAPI) and the employer page."""

from verifier.api.app import create_app

__all__ = ["create_app"]
