"""``python -m verifier``: the same as ``rugzak-verifier``."""

from verifier.cli import main

main()
