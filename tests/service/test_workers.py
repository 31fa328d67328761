"""Three `trendwatch worker` processes on the real PostgreSQL, one killed with SIGKILL midway.

The loopback feed server logs every request: across the cluster each source is fetched once
per interval (no two fetches of a source closer than its `every`, none late by more than
a worker's tick), the store holds exactly what a single-process collect of the same feeds
stores, and the analysis ran once per interval. Size: SOURCES sources with `every` =
EVERY, run for INTERVALS intervals (≈ 60 s in all on 2 cores).
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from tests.conftest import POSTGRES
from trendwatch.config.load import load_settings
from trendwatch.store import open_store
from trendwatch.store import workers as worker_rows
from trendwatch.store.db import create_store_engine
from trendwatch.store.schema import items, jobs, runs, sources

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SOURCES = 400
EVERY = 15          # seconds: every source and the analysis
INTERVALS = 3
LEASE = 6           # seconds: a killed worker's claims pass to the others after this
TICK = EVERY / 4    # what `worker --tick auto` picks for this config
SLACK = 6.0         # scheduling and CPU contention on a shared 2-core machine
PRIVACY_KEY = secrets.token_hex(32)  # one key for the cluster, as on several machines


def feed(i: int) -> bytes:
    entries = "".join(
        f"<item><title>Acme story {i}-{k}: widgets {i % 7} and gadgets {k}</title>"
        f"<link>https://news.example/{i}/{k}</link><guid>urn:story:{i}:{k}</guid>"
        f"<pubDate>Fri, 20 Nov 2026 0{k}:00:00 GMT</pubDate>"
        f"<description>Widgets {i % 7} meet gadgets {k} in story {i}.</description></item>"
        for k in range(3))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {i}</title>'
            f"<link>https://news.example/{i}</link><description>d</description>{entries}"
            f"</channel></rss>").encode()


class FeedServer:
    """Feeds f0…fN on 127.0.0.1 in a thread, with ETag (304s) and a request log."""

    def __init__(self, count: int):
        self.bodies = {f"f{i}": feed(i) for i in range(count)}
        self.log: list[tuple[str, float]] = []
        self.recording = True
        self.port = 0
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        from aiohttp import web

        async def handler(request: web.Request) -> web.StreamResponse:
            name = request.match_info["name"]
            body = self.bodies.get(name)
            if body is None:
                raise web.HTTPNotFound()
            if self.recording:
                self.log.append((name, time.monotonic()))
            etag = f'"{name}-v1"'
            if request.headers.get("If-None-Match") == etag:
                return web.Response(status=304, headers={"ETag": etag})
            return web.Response(body=body, headers={"ETag": etag,
                                                    "Content-Type": "application/rss+xml"})

        async def main() -> None:
            app = web.Application()
            app.router.add_get("/{name}", handler)
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
            await site.start()
            self.port = runner.addresses[0][1]
            self._stop = asyncio.Event()
            self._ready.set()
            await self._stop.wait()
            await runner.cleanup()

        self._loop = asyncio.new_event_loop()
        self._loop.run_until_complete(main())

    def __enter__(self) -> FeedServer:
        self._thread.start()
        assert self._ready.wait(30)
        return self

    def __exit__(self, *exc) -> None:
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)


def config_text(port: int, count: int) -> str:
    sources = "".join(
        f'[[sources]]\nname = "f{i}"\nkind = "rss"\nurl = "http://127.0.0.1:{port}/f{i}"\n'
        f'every = "{EVERY}s"\n' for i in range(count))
    return ('[company]\nname = "Acme"\n'
            f'[analysis]\nevery = "{EVERY}s"\nmodel = "hashing"\n'
            '[briefing]\nat = "07:00"\n' + sources)


@pytest.fixture
def cluster_db():
    """A database of its own on the test server, dropped afterwards."""
    admin = create_store_engine(POSTGRES.admin_url).execution_options(isolation_level="AUTOCOMMIT")
    name = f"trendwatch_workers_{os.getpid()}_{secrets.token_hex(3)}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - no server: skip (fail on CI)
        admin.dispose()
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    url = make_url(POSTGRES.admin_url).set(drivername="postgresql+psycopg", database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def start_worker(config: Path, db: str, log: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1",
           "TRENDWATCH_PRIVACY_KEY": PRIVACY_KEY,
           "NUMBA_CACHE_DIR": os.environ.get("NUMBA_CACHE_DIR", "/tmp/numba")}
    return subprocess.Popen(
        [sys.executable, "-m", "trendwatch", "worker", "--config", str(config), "--db", db,
         "--lease", f"{LEASE}s", "--log-level", "info"],
        env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb"), cwd=config.parent)


def worker_id_of(store, pid: int) -> str | None:
    return next((w["id"] for w in worker_rows.list_workers(store) if w["pid"] == pid), None)


def kill_while_idle(store, process: subprocess.Popen, deadline: float) -> str:
    """SIGKILL the worker at a moment it holds no source claim (frozen with SIGSTOP while
    its claims are read): a fetch in flight at a kill is fetched again, on purpose."""
    worker_id = worker_id_of(store, process.pid)
    assert worker_id is not None
    while time.monotonic() < deadline:
        process.send_signal(signal.SIGSTOP)
        with store.connect() as conn:
            held = conn.execute(select(sources.c.name).where(
                sources.c.claimed_by == worker_id)).all() + conn.execute(select(jobs.c.name).where(
                    jobs.c.claimed_by == worker_id)).all()
        if not held:
            process.send_signal(signal.SIGKILL)
            process.wait(10)
            return worker_id
        process.send_signal(signal.SIGCONT)
        time.sleep(0.3)
    raise AssertionError("the worker never stopped holding claims")


def test_three_workers_fetch_each_source_once_per_interval_through_a_kill(tmp_path,
                                                                            cluster_db):
    with FeedServer(SOURCES) as server:
        config = tmp_path / "feeds.toml"
        config.write_text(config_text(server.port, SOURCES), encoding="utf-8")
        # the schema exists before the workers race to it (they would wait on the
        # migration lock anyway); `trendwatch init` is what a user runs once
        open_store(cluster_db).close()
        logs = [tmp_path / f"worker{i}.log" for i in range(3)]
        procs = [start_worker(config, cluster_db, log) for log in logs]
        store = open_store(cluster_db, migrate=False)
        try:
            deadline = time.monotonic() + 60
            while not server.log and time.monotonic() < deadline:
                assert all(p.poll() is None for p in procs), [lg.read_text() for lg in logs]
                time.sleep(0.2)
            start = server.log[0][1]
            end = start + INTERVALS * EVERY + 2
            time.sleep(max(start + 1.5 * EVERY - time.monotonic(), 0))
            killed = kill_while_idle(store, procs[1], time.monotonic() + EVERY)
            time.sleep(max(end - time.monotonic(), 0))
            server.recording = False
            for p in (procs[0], procs[2]):
                p.send_signal(signal.SIGTERM)
            codes = [p.wait(60) for p in (procs[0], procs[2])]
        finally:
            for p in procs:
                if p.poll() is None:
                    p.kill()
                    p.wait(10)
        assert codes == [0, 0], [lg.read_text()[-3000:] for lg in logs]

        fetched: dict[str, list[float]] = defaultdict(list)
        for name, at in server.log:
            fetched[name].append(at)
        assert set(fetched) == set(server.bodies)  # none never fetched
        for name, times in fetched.items():
            gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
            # never twice within an interval …
            assert min(gaps, default=EVERY) >= EVERY - 1.0, (name, gaps)
            # … and never an interval skipped, to the end of the run
            assert max(gaps + [end - times[-1]], default=0) <= EVERY + TICK + SLACK, (name, gaps)
            assert times[0] - start <= EVERY, name   # within the first interval
        assert len(server.log) >= SOURCES * INTERVALS
        print(f"\n{SOURCES} sources, every {EVERY}s, {len(server.log)} fetches in "
              f"{end - start:.0f}s; first round done after "
              f"{max(t[0] for t in fetched.values()) - start:.1f}s")

        # the workers: two stopped gracefully (claims given back), the killed one's claims
        # expired and no claim is left anywhere
        states = {w["id"]: w for w in worker_rows.list_workers(store)}
        assert len(states) == 3
        assert sorted(w["status"] for i, w in states.items() if i != killed) == ["stopped"] * 2
        assert states[killed]["status"] in ("lost", "running")
        with store.connect() as conn:
            assert conn.execute(select(sources.c.name).where(
                sources.c.claimed_by.is_not(None))).all() == []
            cluster_items = {(r.name, r.url, r.title) for r in conn.execute(
                select(sources.c.name, items.c.url, items.c.title).join(
                    sources, sources.c.id == items.c.source_id))}
            # as_of: the `now` the analysis job was claimed at (started_at comes after the
            # window is read, later by a varying amount)
            started = [r.as_of for r in conn.execute(select(runs.c.as_of).order_by(runs.c.as_of))]
        store.close()

        # the analysis ran once per interval: never two starts closer than `every`
        assert len(started) >= INTERVALS - 1, started
        gaps = [(b - a).total_seconds() for a, b in zip(started, started[1:], strict=False)]
        assert min(gaps) >= EVERY - 1.0, gaps

        # the same feeds collected by one process into SQLite: the same items
        from trendwatch.collect.run import collect_sources

        single = open_store(f"sqlite:///{tmp_path / 'single.db'}")
        asyncio.run(collect_sources(single, load_settings(config), now=datetime.now(UTC)))
        with single.connect() as conn:
            single_items = {(r.name, r.url, r.title) for r in conn.execute(
                select(sources.c.name, items.c.url, items.c.title).join(
                    sources, sources.c.id == items.c.source_id))}
        single.close()
        assert len(single_items) == SOURCES * 3
        assert cluster_items == single_items
