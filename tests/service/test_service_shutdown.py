"""`trendwatch serve` as a real process against a local feed server: killed mid-cycle,
stopped with SIGTERM mid-cycle, restarted — the store stays consistent and continues."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

import pytest
from aiohttp import web
from sqlalchemy import func, select

from trendwatch.store import jobs as job_rows
from trendwatch.store import open_store
from trendwatch.store.schema import items, sources

ROOT = Path(__file__).resolve().parents[2]
FEED = (Path(__file__).parents[1] / "fixtures" / "feeds" / "rss2.xml").read_bytes()


class Serve:
    """One `trendwatch serve` process with its log lines collected."""

    def __init__(self, config: Path, db: str):
        self.config, self.db = config, db
        self.lines: list[str] = []
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1",
               "TRENDWATCH_PRIVACY_KEY": "test-key-0123456789abcdef"}
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "trendwatch", "serve", "--config", str(self.config), "--tick", "1s", "--log-level", "debug",
            "--db", self.db, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
            env=env, cwd=str(self.config.parent))
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.process and self.process.stderr
        async for line in self.process.stderr:
            self.lines.append(line.decode(errors="replace").rstrip())

    async def wait_for_line(self, text: str, timeout: float = 30) -> None:
        async def poll():
            while not any(text in line for line in self.lines):
                await asyncio.sleep(0.05)
        await asyncio.wait_for(poll(), timeout)

    async def stop(self, sig: int, timeout: float = 30) -> int:
        assert self.process
        self.process.send_signal(sig)
        code = await asyncio.wait_for(self.process.wait(), timeout)
        await self._reader
        return code

    def log(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
async def feed_server(aiohttp_server):
    state = {"requests": 0, "arrived": asyncio.Event(), "delay": 2.0}

    async def feed(request):
        state["requests"] += 1
        state["arrived"].set()
        await asyncio.sleep(state["delay"])
        return web.Response(body=FEED, content_type="application/rss+xml")

    app = web.Application()
    app.router.add_get("/feed.xml", feed)
    server = await aiohttp_server(app, host="127.0.0.1")
    return server, state


def write_config(folder: Path, url: str) -> Path:
    path = folder / "feeds.toml"
    path.write_text(
        '[company]\nname = "Acme"\n'
        f'[[sources]]\nkind = "rss"\nname = "Local"\nurl = "{url}"\nevery = "30m"\n'
        f'[briefing]\nat = "07:00"\ntimezone = "Europe/Berlin"\nfolder = "{folder / "briefings"}"\n',
        encoding="utf-8")
    return path


def counts(db: str) -> tuple[int, dict]:
    store = open_store(db)
    try:
        with store.connect() as conn:
            n = conn.execute(select(func.count()).select_from(items)).scalar()
            source = dict(conn.execute(select(sources)).one()._mapping)
        return n, source
    finally:
        store.close()


async def test_kill_then_sigterm_mid_cycle_then_restart(tmp_path, feed_server, database_url):
    server, state = feed_server
    config = write_config(tmp_path, str(server.make_url("/feed.xml")))
    db = database_url

    # 1. killed hard during the first collection: nothing half-written, the job shows "running"
    first = Serve(config, db)
    await first.start()
    await asyncio.wait_for(state["arrived"].wait(), 60)
    assert await first.stop(signal.SIGKILL) == -signal.SIGKILL
    n, source = counts(db)
    assert n == 0 and source["last_ok_at"] is None

    # 2. the next start marks the interrupted run, collects again; SIGTERM mid-fetch waits for it
    state["arrived"].clear()
    second = Serve(config, db)
    await second.start()
    await asyncio.wait_for(state["arrived"].wait(), 60)
    assert await second.stop(signal.SIGTERM) == 0, second.log()
    log = second.log()
    assert "SIGTERM received: finishing the current step" in log
    assert "job finished job=collect" in log and "service stopped" in log
    n, source = counts(db)
    assert n > 0 and source["last_ok_at"] is not None and source["error_count"] == 0
    store = open_store(db)
    rows = {r["name"]: r for r in job_rows.list_jobs(store)}
    store.close()
    assert rows["collect"]["last_status"] == "ok"
    assert rows["service"]["last_status"] == "stopped"
    assert "running" not in {r["last_status"] for r in rows.values()}
    assert state["requests"] == 2

    # 3. a third start continues from the stored state: the source is not due yet
    state["delay"] = 0.0
    third = Serve(config, db)
    await third.start()
    await third.wait_for_line("job finished job=collect")
    assert await third.stop(signal.SIGTERM) == 0, third.log()
    assert re.search(r"job finished job=collect seconds=[0-9.]+ idle=true", third.log())
    assert state["requests"] == 2 and counts(db)[0] == n
