"""Alembic environment for the issuer's store. It runs only from code
(``issuer.store.schema``), on the connection passed in ``config.attributes``."""

from __future__ import annotations

from alembic import context

from issuer.store.tables import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    version_table=context.config.attributes["version_table"],
    render_as_batch=True,  # SQLite alters tables by copying them
)
with context.begin_transaction():
    context.run_migrations()
