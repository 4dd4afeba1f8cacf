"""``python -m issuer`` is ``rugzak-issuer``."""

from issuer.cli import main

main()
