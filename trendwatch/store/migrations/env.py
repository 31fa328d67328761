"""Alembic environment: runs on the connection the Store hands over (no alembic.ini needed)."""

from alembic import context

from trendwatch.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only Store.migrate runs migrations
    raise RuntimeError("run migrations through trendwatch.store.Store.migrate()")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
