"""Services in cluster mode (workers on one store): cluster jobs run once across them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from tests.service.test_scheduler import FakeSteps, make_service
from trendwatch.store import jobs as job_rows
from trendwatch.store import workers as worker_rows

# cluster mode is what the CLI runs on PostgreSQL only (SQLite has one `serve`)
pytestmark = [pytest.mark.postgres, pytest.mark.parametrize("backend", ["postgres"])]


async def test_two_workers_run_the_analysis_once_per_interval_between_them(store):
    fakes = [FakeSteps({"analyze": 0.2}), FakeSteps({"analyze": 0.2})]
    services = [make_service(store, fake, cluster=True, lease_ttl=timedelta(seconds=3))
                for fake in fakes]
    tasks = [asyncio.create_task(s.run()) for s in services]
    await asyncio.sleep(3.6)   # analysis every 1 s from 0.2 s in: 3 or 4 runs
    for s in services:
        s.request_stop("test")
    await asyncio.wait_for(asyncio.gather(*tasks), 10)
    runs = sum(f.calls.get("analyze", 0) for f in fakes)
    # alone, each would run it 4 times (8 in all); a loaded machine may fit one less
    assert 2 <= runs <= 4, [f.calls for f in fakes]
    assert all(f.calls.get("collect", 0) >= 1 for f in fakes)   # every worker collects
    assert all(f.max_active == 1 for f in fakes)
    states = worker_rows.list_workers(store)
    assert [w["status"] for w in states] == ["stopped", "stopped"]
    row = job_rows.get_job(store, "analyze")
    assert row["claimed_by"] is None and row["last_status"] == "ok"
    assert row["next_run_at"] > datetime.now(UTC) - timedelta(seconds=1)


async def test_a_job_held_by_a_dead_worker_is_interrupted_then_run_once(store):
    now = datetime.now(UTC)
    worker_rows.register(store, "far-away:9:ns:tok", "far-away", 9, now - timedelta(minutes=5))
    worker_rows.schedule_job(store, "purge", now - timedelta(minutes=5))
    assert worker_rows.claim_job(store, "purge", "far-away:9:ns:tok",
                                 now - timedelta(minutes=5), timedelta(seconds=90))
    fake = FakeSteps()
    service = make_service(store, fake, cluster=True)
    task = asyncio.create_task(service.run())
    await asyncio.sleep(1.0)
    service.request_stop("test")
    await asyncio.wait_for(task, 10)
    assert fake.calls.get("purge") == 1
    row = job_rows.get_job(store, "purge")
    assert row["last_status"] == "ok" and row["claimed_by"] is None
    assert row["next_run_at"] > now + timedelta(hours=1)      # the next 03:30
    dead = next(w for w in worker_rows.list_workers(store) if w["host"] == "far-away")
    assert dead["status"] == "lost"
