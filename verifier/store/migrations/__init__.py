"""Alembic migrations of the verifier's store (run by ``rugzak-verifier db upgrade``)."""
