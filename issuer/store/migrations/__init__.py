"""Alembic migrations of the issuer's store (run by ``rugzak-issuer db upgrade``)."""
