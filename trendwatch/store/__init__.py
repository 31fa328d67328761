"""The store: SQLite file by default, PostgreSQL by URL. See store.db for the engine."""

from trendwatch.store.db import Store, open_store

__all__ = ["Store", "open_store"]
