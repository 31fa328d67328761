"""Live reload of feeds.toml: the running service picks up a valid change, keeps its
settings on an invalid one, and says what needs a restart. The check is called directly
with the time passed in."""

from __future__ import annotations

import asyncio
import os
from datetime import timedelta

from tests.conftest import MINIMAL_COMPANY, make_settings
from tests.service.test_scheduler import FakeSteps
from trendwatch.config.load import load_settings
from trendwatch.service.reload import CONFIG_JOB, diff_settings, keep_fixed
from trendwatch.service.scheduler import Service
from trendwatch.store import jobs as job_rows
from trendwatch.store import sources as source_rows


def rss(name: str, every: str = "30m") -> str:
    return (f'[[sources]]\nkind = "rss"\nname = "{name}"\nurl = "http://127.0.0.1:9/{name}.xml"\n'
            f'every = "{every}"\n')


class ConfigFile:
    """feeds.toml with a distinct mtime per write (a coarse clock must not hide a change)."""

    def __init__(self, folder):
        self.path = folder / "feeds.toml"
        self.writes = 0

    def write(self, body: str) -> None:
        self.path.write_text(MINIMAL_COMPANY + body, encoding="utf-8")
        self.writes += 1
        stamp = 1_800_000_000_000_000_000 + self.writes * 1_000_000_000
        os.utime(self.path, ns=(stamp, stamp))


def test_diff_names_sources_schedules_and_what_needs_a_restart():
    old = make_settings(rss("a") + rss("b") + rss("c") + '[analysis]\nevery = "1h"\n')
    new = make_settings(rss("a") + rss("b", every="5m") + rss("d") + rss("e")
                        + '[analysis]\nevery = "2h"\n[storage]\nurl = "sqlite:///other.db"\n'
                        '[dashboard]\naddress = "127.0.0.2"\n')
    change = diff_settings(old, new)
    assert (change.added, change.changed, change.removed) == (["d", "e"], ["b"], ["c"])
    assert change.reschedule == ["analyze"]
    assert change.restart_needed == ["database url ([storage] url)",
                                     "dashboard address ([dashboard] address)"]
    assert change.summary("feeds.toml") == (
        "feeds.toml reloaded: 2 sources added, 1 changed, 1 removed; rescheduled analyze; "
        "restart needed to apply database url ([storage] url), dashboard address "
        "([dashboard] address)")
    kept = keep_fixed(old, new)
    assert kept.storage.url is None and kept.dashboard.address == "127.0.0.1"
    assert kept.analysis.every == timedelta(hours=2) and len(kept.sources) == 4
    zone = diff_settings(old, make_settings(rss("a") + rss("b") + rss("c")
                                            + '[analysis]\nevery = "1h"\n[briefing]\n'
                                            'timezone = "Asia/Tokyo"\n'))
    assert zone.reschedule == ["briefing", "purge"]
    assert zone.summary("feeds.toml") == "feeds.toml reloaded: no source changed; " \
                                         "rescheduled briefing, purge"


def service_for(store, config: ConfigFile, **kwargs) -> Service:
    return Service(store, load_settings(config.path), config_path=config.path, hard_exit=False,
                   **kwargs)


async def test_a_valid_change_is_swapped_in_and_its_sources_synced(store, tmp_path, now):
    config = ConfigFile(tmp_path)
    config.write(rss("a") + rss("b") + rss("c"))
    service = service_for(store, config)
    source_rows.sync_sources(store, [], now)
    assert await service.check_config(now) is None           # unchanged
    os.utime(config.path)                                     # touched, same bytes
    assert await service.check_config(now) is None

    config.write(rss("a") + rss("b", every="5m") + rss("d") + rss("e"))
    message = await service.check_config(now + timedelta(seconds=5))
    assert message == "feeds.toml reloaded: 2 sources added, 1 changed, 1 removed"
    assert [s.name for s in service.settings.sources] == ["a", "b", "d", "e"]
    assert {h["name"] for h in source_rows.source_health(store, now)} >= {"a", "b", "d", "e"}
    row = job_rows.get_job(store, CONFIG_JOB)
    assert row["last_status"] == "ok" and row["last_error"] is None
    assert row["last_finished_at"] == now + timedelta(seconds=5)
    assert await service.check_config(now + timedelta(seconds=10)) is None   # seen once


async def test_the_reloaded_settings_reach_the_steps(store, tmp_path, now):
    config = ConfigFile(tmp_path)
    config.write("")
    service = service_for(store, config)
    before = service.steps
    config.write(rss("a"))
    await service.check_config(now)
    assert service.steps is not before   # the default steps close over the new settings
    given = FakeSteps().steps()
    fixed = service_for(store, config, steps=given)
    config.write(rss("a") + rss("b"))
    await fixed.check_config(now)
    assert fixed.steps is given and len(fixed.settings.sources) == 2


async def test_an_invalid_change_keeps_the_settings_and_is_recorded(store, tmp_path, now, caplog):
    config = ConfigFile(tmp_path)
    config.write(rss("a"))
    service = service_for(store, config)
    running = service.settings
    config.write(rss("a") + '[analysis]\nevery = "soon"\n')
    message = await service.check_config(now)
    assert message.startswith("feeds.toml not reloaded, the running settings stay:")
    assert "feeds.toml:9: analysis.every: 'soon' is not a duration" in message
    assert service.settings is running
    assert "analysis.every" in caplog.text
    row = job_rows.get_job(store, CONFIG_JOB)
    assert row["last_status"] == "failed" and ":9: analysis.every" in row["last_error"]
    assert await service.check_config(now + timedelta(seconds=5)) is None   # logged once
    config.write(rss("a") + rss("b"))
    assert "1 source added" in await service.check_config(now + timedelta(seconds=10))
    assert job_rows.get_job(store, CONFIG_JOB)["last_status"] == "ok"


async def test_start_only_settings_say_restart_needed(store, tmp_path, now):
    config = ConfigFile(tmp_path)
    config.write(rss("a"))
    service = service_for(store, config)
    config.write(rss("a") + '[storage]\nurl = "sqlite:///elsewhere.db"\n')
    message = await service.check_config(now)
    assert message == ("feeds.toml reloaded: no source changed; restart needed to apply "
                       "database url ([storage] url)")
    assert service.settings.storage.url is None               # still the store it has open
    row = job_rows.get_job(store, CONFIG_JOB)
    assert row["last_status"] == "ok" and row["last_error"].startswith("restart needed")


async def test_a_changed_interval_moves_the_running_schedule(store, tmp_path, now):
    config = ConfigFile(tmp_path)
    config.write('[analysis]\nevery = "6h"\n')
    fake = FakeSteps()
    service = service_for(store, config, steps=fake.steps(), tick=timedelta(seconds=0.1),
                          poll=timedelta(seconds=0.1), config_check=timedelta(hours=1))
    task = asyncio.create_task(service.run())
    await asyncio.sleep(0.5)
    assert service.scheduler.get_job("analyze").trigger.interval == timedelta(hours=6)
    assert job_rows.get_job(store, CONFIG_JOB)["last_status"] == "ok"   # the load at start
    config.write('[analysis]\nevery = "2h"\n[briefing]\nat = "06:15"\n')
    message = await service.check_config(now)
    assert message.endswith("rescheduled analyze, briefing")
    assert service.scheduler.get_job("analyze").trigger.interval == timedelta(hours=2)
    briefing = service.scheduler.get_job("briefing")
    assert (briefing.next_run_time.hour, briefing.next_run_time.minute) == (6, 15)
    assert job_rows.get_job(store, "briefing")["next_run_at"] == briefing.next_run_time
    service.request_stop("test")
    await asyncio.wait_for(task, 10)
