"""Shared fixtures. Tests never touch the internet: servers run on 127.0.0.1."""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from trendwatch.config.load import parse_settings  # noqa: E402
from trendwatch.config.schema import Settings
from trendwatch.store import Store, open_store  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"

MINIMAL_COMPANY = '[company]\nname = "Acme"\n'


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def eval_dir() -> Path:
    if not EVAL.is_dir():
        pytest.skip("../shared/eval is not available")
    return EVAL


# --- backends ------------------------------------------------------------------------------
# Every test that takes `store` (or `database_url`) runs once on SQLite and once on
# PostgreSQL. The PostgreSQL cases carry the `postgres` marker (`-m "not postgres"` for a
# SQLite-only run). One database is created per session; each test gets its own schema,
# selected through `search_path` on every connection of its URL, and dropped afterwards.

POSTGRES_URL_ENV = "TRENDWATCH_TEST_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


class _PostgresServer:
    """The test server, reached lazily: nothing connects unless a postgres case runs."""

    def __init__(self) -> None:
        self.admin_url = os.environ.get(POSTGRES_URL_ENV) or DEFAULT_POSTGRES_URL
        self.error: str | None = None
        self.skipped = 0
        self.ran = 0
        self._engine = None
        self._database_url = None
        self._database: str | None = None
        self._counter = 0

    @property
    def where(self) -> str:
        from sqlalchemy.engine import make_url

        url = make_url(self.admin_url)
        return f"{url.host or 'localhost'}:{url.port or 5432}"

    def _start(self) -> None:
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        from trendwatch.store.db import create_store_engine

        admin = None
        try:
            admin = create_store_engine(self.admin_url).execution_options(
                isolation_level="AUTOCOMMIT")
            self._database = f"trendwatch_test_{os.getpid()}_{secrets.token_hex(3)}"
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{self._database}"'))
        except Exception as exc:  # noqa: BLE001 - any failure means "no server"
            self.error = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            self._database = None
            return
        finally:
            if admin is not None:
                admin.dispose()
        url = make_url(self.admin_url).set(drivername="postgresql+psycopg",
                                           database=self._database)
        self._database_url = url
        self._engine = create_engine(url, isolation_level="AUTOCOMMIT")

    def schema_url(self) -> tuple[str, str]:
        """A fresh schema and the URL whose connections use it; skips (or fails on CI)."""
        from sqlalchemy import text

        if self._engine is None and self.error is None:
            self._start()
        if self.error is not None:
            message = f"PostgreSQL at {self.where} unreachable ({self.error})"
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail(f"{message}; CI=true requires it (set {POSTGRES_URL_ENV})")
            self.skipped += 1
            pytest.skip(message)
        self._counter += 1
        schema = f"t{self._counter}_{secrets.token_hex(3)}"
        with self._engine.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        self.ran += 1
        url = self._database_url.update_query_dict({"options": f"-csearch_path={schema}"})
        return schema, url.render_as_string(hide_password=False)

    def drop_schema(self, schema: str) -> None:
        from sqlalchemy import text

        with self._engine.connect() as conn:
            conn.execute(text("SET lock_timeout = '10s'"))
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))

    def stop(self) -> None:
        from sqlalchemy import text

        from trendwatch.store.db import create_store_engine

        if self._engine is None:
            return
        self._engine.dispose()
        admin = create_store_engine(self.admin_url).execution_options(isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self._database}" WITH (FORCE)'))
        finally:
            admin.dispose()
        self._engine = None


POSTGRES = _PostgresServer()
_PASSED: dict[str, int] = {}


def pytest_runtest_logreport(report) -> None:
    if report.when == "call" and report.passed:
        backend = "postgres" if "postgres" in report.keywords else "sqlite"
        if "[sqlite" in report.nodeid or backend == "postgres":
            _PASSED[backend] = _PASSED.get(backend, 0) + 1


def pytest_sessionfinish(session, exitstatus) -> None:
    POSTGRES.stop()


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if _PASSED:
        terminalreporter.write_line(
            "store backends: " + ", ".join(f"{n} passed on {b}" for b, n in sorted(_PASSED.items())))
    if POSTGRES.skipped:
        terminalreporter.write_line(
            f"PostgreSQL at {POSTGRES.where} unreachable: {POSTGRES.skipped} postgres tests "
            f"skipped ({POSTGRES.error}; set {POSTGRES_URL_ENV} or start the server)",
            yellow=True)


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    """Which database the test runs on: sqlite or postgres (marked `postgres`)."""
    return request.param


@pytest.fixture
def database_url(backend, tmp_path) -> str:
    """A migrated-on-open, empty database of the test's backend, removed afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    schema, url = POSTGRES.schema_url()
    try:
        yield url
    finally:
        POSTGRES.drop_schema(schema)


@pytest.fixture
def store(database_url) -> Store:
    s = open_store(database_url)
    yield s
    s.close()


@pytest.fixture
def now() -> datetime:
    return datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def make_settings(body: str = "", company: str = MINIMAL_COMPANY) -> Settings:
    """Settings from a TOML snippet, with a minimal [company] unless one is given."""
    return parse_settings(company + "\n" + body, source_name="test.toml")


@pytest.fixture(scope="session")
def torch_embedder():
    """The packaged all-MiniLM-L6-v2 through torch, loaded once per test session."""
    from trendwatch.analysis.embed.sentence import SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder()
    embedder.embed(["warm up"])
    return embedder
