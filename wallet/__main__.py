"""``python -m wallet``."""

from wallet.cli import main

main()
