"""One service per store: the `service` lease, its heartbeat, and `trendwatch serve` twice."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import make_settings
from tests.service.test_scheduler import FakeSteps, make_service, run_for
from trendwatch.errors import ServiceRunning
from trendwatch.service.scheduler import Service
from trendwatch.store import jobs as job_rows
from trendwatch.store import open_store
from trendwatch.store.leases import SERVICE, acquire, get_lease

ROOT = Path(__file__).resolve().parents[2]


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def test_a_second_service_is_refused_naming_the_first(store, now):
    clock = Clock(now)
    first = Service(store, make_settings(), steps=FakeSteps().steps(), clock=clock)
    first.claim()
    clock.now = now + timedelta(seconds=20)
    second = Service(store, make_settings(), steps=FakeSteps().steps(), clock=clock)
    with pytest.raises(ServiceRunning) as refused:
        second.claim()
    message = str(refused.value)
    assert f"pid {os.getpid()}" in message and "host " in message
    assert "since 2026-11-20 08:00:00 UTC" in message and "last heartbeat 20 s ago" in message
    assert "stop it first, or wait 90 s if it died" in message
    first.release()
    second.claim()
    assert get_lease(store, SERVICE).holder == second.lease.holder


async def test_the_beat_keeps_the_lease_and_a_lost_lease_stops_the_service(store, now):
    clock = Clock(now)
    service = Service(store, make_settings(), steps=FakeSteps().steps(), clock=clock,
                      hard_exit=False)
    service.claim()
    clock.now = now + timedelta(seconds=60)
    await service.beat()
    assert get_lease(store, SERVICE).expires_at == now + timedelta(seconds=150)
    assert not service.stopping
    # the store was unreachable past the ttl and another service took over
    late = now + timedelta(seconds=300)
    assert acquire(store, SERVICE, "other:9:n:t", "other", 9, late, timedelta(seconds=90)).ours
    clock.now = late
    await service.beat()
    assert service.stopping and service.lease is None
    assert get_lease(store, SERVICE).holder == "other:9:n:t"


async def test_a_graceful_stop_releases_the_lease(store):
    service = make_service(store, FakeSteps())
    await run_for(service, 0.5)
    assert get_lease(store, SERVICE) is None
    again = make_service(store, FakeSteps())
    again.claim()
    again.release()


def _serve(config: Path, db: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1",
           "TRENDWATCH_PRIVACY_KEY": "test-key-of-sixteen-bytes"}
    return subprocess.Popen([sys.executable, "-m", "trendwatch", "serve", "--config", str(config),
                             "--db", db, "--tick", "1h"], env=env, cwd=str(config.parent),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def test_serve_twice_on_one_store_refuses_the_second(tmp_path):
    config = tmp_path / "feeds.toml"
    config.write_text('[company]\nname = "Acme"\n[analysis]\nevery = "24h"\n', encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'trendwatch.db'}"
    store = open_store(db)
    # analysed a minute ago: the service has no model to load before the test stops it
    job_rows.job_started(store, "analyze", datetime.now(UTC) - timedelta(minutes=1))
    job_rows.job_finished(store, "analyze", datetime.now(UTC) - timedelta(minutes=1))
    store.close()
    first = _serve(config, db)
    try:
        deadline = time.monotonic() + 60
        lease = None
        while lease is None and time.monotonic() < deadline and first.poll() is None:
            time.sleep(0.2)
            store = open_store(db, migrate=False)
            lease = get_lease(store, SERVICE)
            store.close()
        assert lease is not None and lease.pid == first.pid, first.stderr and first.poll()
        second = _serve(config, db)
        _, err = second.communicate(timeout=60)
        assert second.returncode != 0
        assert f"another trendwatch service (host {lease.host}, pid {first.pid})" in " ".join(
            err.split())
        assert first.poll() is None
    finally:
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=60)
    assert first.returncode == 0
    store = open_store(db)
    assert get_lease(store, SERVICE) is None   # released on the graceful stop
    store.close()


async def test_the_scheduler_beats_while_a_long_step_holds_the_lock(store):
    fake = FakeSteps({"collect": 1.5})
    service = make_service(store, fake, lease_ttl=timedelta(seconds=0.6))
    task = asyncio.create_task(service.run())
    await asyncio.sleep(0.3)
    first = get_lease(store, SERVICE).heartbeat_at
    await asyncio.sleep(0.9)                  # the collect step still runs
    assert fake.active == 1
    assert get_lease(store, SERVICE).heartbeat_at > first
    service.request_stop("test")
    await asyncio.wait_for(task, 10)
    assert datetime.now(UTC) - first < timedelta(seconds=30)
