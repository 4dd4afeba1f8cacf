"""``rugzak-wallet``: the terminal app (no verb, or ``tui``) and verbs for scripts.

Passphrases come from ``RUGZAK_PASSPHRASE`` or a hidden prompt. Exit codes: 0 ok,
1 a badge was refused on import, 2 bad input (wrong passphrase, unreadable file,
unknown badge, ...). Errors go to stderr as a plain sentence; with ``--json`` the
stable code follows it, for scripts.
"""

from wallet.cli.app import app, main, make_cli

__all__ = ["app", "main", "make_cli"]
