"""The wallet's storage: one sealed SQLite file (key, badges, cards), backups and
the passphrase-derived keys that open them."""
