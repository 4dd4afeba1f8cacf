"""The apps' I/O plumbing, written once: kept apart from the pure core.

``web``     error answers and request limits for both FastAPI services
``db``      SQLAlchemy engines (SQLite or PostgreSQL)
``files``   durable, atomic file writes
``sealing`` secrets sealed under a passphrase (Argon2id + XSalsa20-Poly1305)
``fetch``   outgoing HTTP that refuses private addresses (the SSRF guard)

The core (credentials, proofs, DIDs, status lists...) never imports this package;
an import-linter contract checks it. Import the submodules directly: each pulls in
only its own dependencies.
"""
