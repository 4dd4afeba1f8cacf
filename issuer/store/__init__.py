"""The issuer's store: SQLAlchemy Core over SQLite or PostgreSQL."""

from issuer.store.repository import Store

__all__ = ["Store"]
