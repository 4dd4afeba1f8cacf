"""Alembic environment for the verifier's store. It runs only from code
(``verifier.store.schema``), on the connection passed in ``config.attributes``."""

from __future__ import annotations

from alembic import context

from verifier.store.tables import verifier_metadata

attributes = context.config.attributes
context.configure(
    connection=attributes["connection"],
    target_metadata=verifier_metadata(attributes["table_prefix"]),
    version_table=attributes["version_table"],
    render_as_batch=True,  # SQLite alters tables by copying them
)
with context.begin_transaction():
    context.run_migrations()
