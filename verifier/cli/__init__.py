"""``rugzak-verifier``: the command line for employers and verifier operators."""

from verifier.cli.app import app, main

__all__ = ["app", "main"]
