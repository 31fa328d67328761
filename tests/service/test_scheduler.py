"""The service's schedule (fake clock through the triggers) and its job discipline
(real AsyncIOScheduler with fake steps: no overlap, misfire once, refresh, clean stop)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from tests.conftest import make_settings
from trendwatch.errors import AnalysisError
from trendwatch.service.scheduler import Service, Steps, build_triggers, first_run_time
from trendwatch.store import jobs as job_rows

BERLIN = ZoneInfo("Europe/Berlin")
UTC = UTC


def fire_times(trigger, start: datetime, count: int) -> list[datetime]:
    times, previous, now = [], None, start
    for _ in range(count):
        previous = trigger.get_next_fire_time(previous, now)
        times.append(previous)
        now = previous + timedelta(seconds=1)
    return times


def test_briefing_fires_at_local_time_across_both_dst_changes():
    settings = make_settings('[briefing]\nat = "07:00"\ntimezone = "Europe/Berlin"\n')
    trigger = build_triggers(settings, timedelta(minutes=1))["briefing"]
    assert isinstance(trigger, CronTrigger)

    spring = fire_times(trigger, datetime(2026, 3, 27, 12, tzinfo=UTC), 4)  # DST starts 29 March
    assert [t.astimezone(BERLIN).strftime("%d %H:%M") for t in spring] == [
        "28 07:00", "29 07:00", "30 07:00", "31 07:00"]
    assert [t.astimezone(UTC).hour for t in spring] == [6, 5, 5, 5]

    autumn = fire_times(trigger, datetime(2026, 10, 23, 12, tzinfo=UTC), 4)  # DST ends 25 October
    assert [t.astimezone(BERLIN).strftime("%d %H:%M") for t in autumn] == [
        "24 07:00", "25 07:00", "26 07:00", "27 07:00"]
    assert [t.astimezone(UTC).hour for t in autumn] == [5, 6, 6, 6]


def test_briefing_time_in_the_skipped_hour_still_fires_once_that_day():
    settings = make_settings('[briefing]\nat = "02:30"\ntimezone = "Europe/Berlin"\n')
    trigger = build_triggers(settings, timedelta(minutes=1))["briefing"]
    times = fire_times(trigger, datetime(2026, 3, 28, 12, tzinfo=UTC), 3)
    days = [t.astimezone(BERLIN).date().isoformat() for t in times]
    assert len(set(days)) == 3   # one briefing per day, none lost or doubled at the DST gap


def test_missed_clock_job_runs_once_after_downtime():
    trigger = CronTrigger(hour=7, minute=0, timezone=BERLIN)
    now = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    three_days_ago = now - timedelta(days=3)
    assert first_run_time(trigger, three_days_ago, now, run_if_never=None) == now
    this_morning = datetime(2026, 11, 20, 6, 0, 5, tzinfo=UTC)  # ran at 07:00 Berlin today
    assert first_run_time(trigger, this_morning, now, run_if_never=None) is None
    assert first_run_time(trigger, None, now, run_if_never=None) is None


def test_interval_job_continues_its_cadence():
    settings = make_settings('[analysis]\nevery = "1h"\n')
    trigger = build_triggers(settings, timedelta(minutes=1))["analyze"]
    now = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    assert first_run_time(trigger, now - timedelta(minutes=20), now, run_if_never=now) == \
        now + timedelta(minutes=40)
    assert first_run_time(trigger, now - timedelta(hours=30), now, run_if_never=now) == now
    assert first_run_time(trigger, None, now, run_if_never=now) == now


class FakeSteps:
    """Steps that record calls and concurrency; durations in seconds."""

    def __init__(self, durations: dict[str, float] | None = None, fail: set[str] = frozenset()):
        self.durations = durations or {}
        self.fail = fail
        self.calls: dict[str, int] = {}
        self.finished: dict[str, int] = {}
        self.active = 0
        self.max_active = 0

    def step(self, name: str):
        async def run(now: datetime) -> str:
            self.calls[name] = self.calls.get(name, 0) + 1
            self.active += 1
            self.max_active = max(self.max_active, self.active)
            try:
                await asyncio.sleep(self.durations.get(name, 0.01))
                if name in self.fail:
                    raise AnalysisError(f"{name} cannot run")
            finally:
                self.active -= 1
            self.finished[name] = self.finished.get(name, 0) + 1
            return f"fake={name}"
        return run

    def steps(self) -> Steps:
        return Steps(**{n: self.step(n) for n in ("collect", "analyze", "briefing", "purge", "refresh")})


async def run_for(service: Service, seconds: float) -> None:
    task = asyncio.create_task(service.run())
    await asyncio.sleep(seconds)
    service.request_stop("test")
    await asyncio.wait_for(task, 10)


def make_service(store, fake: FakeSteps, **kwargs) -> Service:
    settings = make_settings('[analysis]\nevery = "1s"\n')
    return Service(store, settings, steps=fake.steps(), tick=timedelta(seconds=0.1),
                   poll=timedelta(seconds=0.1), first_analysis_delay=timedelta(seconds=0.2),
                   hard_exit=False, **kwargs)


async def test_steps_never_overlap_and_ticks_coalesce(store):
    fake = FakeSteps({"collect": 0.3, "analyze": 0.3})
    await run_for(make_service(store, fake), 2.0)
    assert fake.max_active == 1
    assert 2 <= fake.calls["collect"] <= 8       # ~20 ticks in 2 s, but never queued up
    assert fake.calls["analyze"] >= 1
    rows = {r["name"]: r for r in job_rows.list_jobs(store)}
    assert rows["collect"]["last_status"] == "ok"
    assert rows["service"]["last_status"] == "stopped"


async def test_missed_briefing_runs_once_at_start(store):
    now = datetime.now(UTC)
    job_rows.job_started(store, "briefing", now - timedelta(days=3))
    job_rows.job_finished(store, "briefing", now - timedelta(days=3))
    fake = FakeSteps()
    await run_for(make_service(store, fake), 1.0)
    assert fake.calls.get("briefing") == 1
    row = job_rows.get_job(store, "briefing")
    assert row["last_status"] == "ok" and row["next_run_at"] > now


async def test_failed_step_is_recorded_and_service_goes_on(store):
    fake = FakeSteps(fail={"analyze"})
    await run_for(make_service(store, fake), 1.5)
    row = job_rows.get_job(store, "analyze")
    assert row["last_status"] == "failed" and row["last_error"] == "analyze cannot run"
    assert fake.calls["collect"] >= 2             # collection kept ticking


async def test_refresh_request_runs_once_and_is_cleared(store):
    job_rows.request_refresh(store, datetime.now(UTC) - timedelta(seconds=1))
    fake = FakeSteps()
    await run_for(make_service(store, fake), 1.0)
    assert fake.calls.get("refresh") == 1
    row = job_rows.get_job(store, "refresh")
    assert row["next_run_at"] is None and row["last_status"] == "ok"


async def test_stop_lets_the_running_step_finish(store):
    fake = FakeSteps({"collect": 2.0})
    service = make_service(store, fake)
    task = asyncio.create_task(service.run())
    for _ in range(100):                    # the start (lease, dead runs) takes a moment
        if fake.active:
            break
        await asyncio.sleep(0.05)
    assert fake.active == 1
    service.request_stop("SIGTERM")
    await asyncio.wait_for(task, 10)
    assert fake.finished.get("collect") == 1 and fake.active == 0
    assert job_rows.get_job(store, "collect")["last_status"] == "ok"
    assert "analyze" not in fake.calls            # nothing new starts once stopping


async def test_interrupted_job_is_marked_at_next_start(store):
    job_rows.job_started(store, "analyze", datetime.now(UTC) - timedelta(minutes=5))
    fake = FakeSteps({"collect": 0.05})
    await run_for(make_service(store, fake), 0.3)
    row = job_rows.get_job(store, "analyze")
    assert row["last_status"] in ("failed", "ok")
    assert row["last_status"] != "running"


async def test_collect_without_network_names_each_error_and_points_to_the_demo(store, now, caplog):
    import logging
    import socket

    from trendwatch.service.scheduler import default_steps

    with socket.socket() as sock:          # a port nobody listens on: "no network"
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = make_settings(f'[[sources]]\nkind = "rss"\nname = "Offline feed"\n'
                             f'url = "http://127.0.0.1:{port}/feed.xml"\n')
    steps = default_steps(store, settings, None)
    with caplog.at_level(logging.WARNING, logger="trendwatch.scheduler"):
        summary = await steps.collect(now, due_only=False)
    assert "failed=1" in summary
    messages = [r.getMessage() for r in caplog.records]
    assert any('source="Offline feed"' in m and "error=" in m for m in messages), messages
    assert any("make demo" in m for m in messages)
