"""``rugzak-issuer``: the command line for organisations."""

from issuer.cli.app import app, main

__all__ = ["app", "main"]
