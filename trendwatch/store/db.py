"""Engine, connections and migrations.

SQLite gets WAL, a busy timeout and foreign keys on every connection; anything
dialect-specific (upserts) lives in this module so the rest runs on PostgreSQL too.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from trendwatch.errors import StoreError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
MIGRATION_LOCK = 0x7472656E64  # PostgreSQL advisory lock held while migrating ("trend")


class Store:
    """A migrated database. Use ``begin()`` for one transaction, ``connect()`` to read."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.dialect = engine.dialect.name

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextlib.contextmanager
    def begin(self) -> Iterator[Connection]:
        try:
            with self.engine.begin() as conn:
                yield conn
        except OperationalError as exc:
            raise StoreError(f"database error on {self.url}: {exc.orig}") from exc

    @contextlib.contextmanager
    def connect(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                yield conn
        except OperationalError as exc:
            raise StoreError(f"database error on {self.url}: {exc.orig}") from exc

    def migrate(self) -> None:
        """Bring the schema to the newest revision (all heads). Safe to run every start."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        config.attributes["connection"] = None
        try:
            with self.engine.begin() as conn:
                if self.dialect == "postgresql":
                    # service and dashboard may start together: one migrates, the other waits
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
                config.attributes["connection"] = conn
                command.upgrade(config, "heads")
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot migrate {self.url}: {exc}") from exc

    def close(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def create_store_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:  # ValueError: a port that is no number
        # the URL itself is not quoted: unparsable, its password cannot be masked reliably
        raise StoreError(
            "the database URL is not valid; expected e.g. sqlite:///data/trendwatch.db "
            "or postgresql+psycopg://user@host/db"
        ) from exc
    if parsed.drivername in ("postgres", "postgresql"):  # postgres:// as Heroku & co. spell it
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, poolclass=NullPool if not database else None)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql":
        try:
            return create_engine(parsed, pool_pre_ping=True)
        except ModuleNotFoundError as exc:
            raise StoreError(
                "PostgreSQL needs the psycopg driver: pip install 'psycopg[binary]>=3.1'"
            ) from exc
    raise StoreError(f"unsupported database {parsed.get_backend_name()!r}: use sqlite or postgresql")


def open_store(url: str, *, migrate: bool = True) -> Store:
    """Open (and by default migrate) the store at ``url``."""
    store = Store(create_store_engine(url))
    if migrate:
        store.migrate()
    return store


def insert_ignore(conn: Connection, table: Table, rows: Sequence[dict[str, Any]],
                  index_elements: Iterable[str] | None = None) -> int:
    """Insert rows, skipping those whose key already exists. Returns how many were new."""
    if not rows:
        return 0
    stmt = _dialect_insert(conn, table)
    stmt = stmt.on_conflict_do_nothing(index_elements=list(index_elements) if index_elements else None)
    if conn.dialect.name == "postgresql":
        # psycopg reports no total rowcount for a batched insert: count the rows it returns
        key = list(table.primary_key.columns) or list(table.columns)[:1]
        return len(conn.execute(stmt.returning(*key), list(rows)).all())
    result = conn.execute(stmt, list(rows))
    return max(result.rowcount or 0, 0)


def upsert(conn: Connection, table: Table, rows: Sequence[dict[str, Any]],
           index_elements: Sequence[str], update: Sequence[str]) -> None:
    """Insert rows or update the ``update`` columns of the existing ones."""
    if not rows:
        return
    stmt = _dialect_insert(conn, table)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(index_elements),
        set_={column: stmt.excluded[column] for column in update},
    )
    conn.execute(stmt, list(rows))


def _dialect_insert(conn: Connection, table: Table) -> Any:
    """The dialect's INSERT (both have ON CONFLICT DO NOTHING/UPDATE and RETURNING)."""
    if conn.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert
        return sqlite_insert(table)
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert
        return postgresql_insert(table)
    raise StoreError(f"unsupported dialect {conn.dialect.name}")  # pragma: no cover


def sqlite_folder(database_url: str) -> Path | None:
    """The folder of a SQLite database file; None for any other store (or a bad URL)."""
    try:
        url = make_url(database_url)
    except (ArgumentError, ValueError):
        return None
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).resolve().parent
    return None


def key_file_for(database_url: str) -> Path:
    """Where a file that belongs with this store lives: next to a SQLite file, else ./data."""
    folder = sqlite_folder(database_url)
    return (folder if folder is not None else Path("data")) / "privacy.key"


@contextlib.contextmanager
def scratch_postgres(admin_url: str, prefix: str = "trendwatch_scratch") -> Iterator[str]:
    """A new, empty PostgreSQL database on the server of ``admin_url`` for the duration of
    the block (benchmarks), dropped afterwards; yields its URL."""
    import secrets

    admin = create_store_engine(admin_url).execution_options(isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(admin_url).set(drivername="postgresql+psycopg",
                                          database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
