"""The always-on service: APScheduler 3 (AsyncIOScheduler) ticking the pipeline steps.

The only module that imports APScheduler. Jobs:

    collect   every ``tick`` (1 min): polls the sources whose own ``every`` has passed
              (their state is in the store); skipped while another step runs
    analyze   every ``[analysis] every``: analyse → rank → post ideas (pipeline.run_analysis);
              then alerts on topics that turned emerging
    briefing  daily at ``[briefing] at`` in ``[briefing] timezone`` (DST-correct cron)
    purge     daily at 03:30 in the same zone: ``[privacy] retention`` and ``[inbox] retention``
    oncall    every 5 min: inbox messages about to breach their SLA out of office hours and
              new incidents alert ``[inbox] on_call`` (once per conversation / incident)
    poll      every few seconds: the dashboard's "refresh now" (collect + analyze)
    config    every few seconds (``reload.CONFIG_CHECK``): a changed, valid feeds.toml is
              swapped in live (sources synced, schedules moved); an invalid one is logged
              and recorded on the ``config`` jobs row while the running settings stay
    beat      every ``lease_ttl`` / 3 (30 s at most): the heartbeat of the ``jobs`` row and
              of the store's ``service`` lease, never held up by a running step

One service per store: ``claim`` takes the ``service`` lease (store/leases.py) before
anything runs, and a second service on the same store is refused with the holder's host,
pid and last heartbeat. The lease is released on a graceful stop; a killed service's lease
expires after ``lease_ttl``, or is taken over at once by a service on the same machine that
sees the holder's process is gone. A service that finds its lease taken over stops.

On PostgreSQL the service is one worker of a cluster (``cluster=True``: ``trendwatch
worker`` on any number of machines, and ``serve``): no service lease; it registers a
``workers`` row, collects by claiming due sources (store/workers.py, SKIP LOCKED) and, every
``poll``, claims the analyze / briefing / purge job whose ``next_run_at`` has come (one
worker wins each), setting the next run when done. The beat extends its claims; a dead
worker's claims expire after ``lease_ttl`` (at once when it died on this machine) and a job
it was running is marked interrupted and runs once more.

Steps never overlap (one lock, ``max_instances=1``, coalescing). A run missed while
the service was down runs once at start (``first_run_time``), never N times. SIGINT /
SIGTERM let the running step finish, then the service exits; a second signal exits at
once (every step writes in transactions, so the store keeps the last complete result).
Job state (last start/finish/status/error, next run) is kept in the ``jobs`` table.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import signal
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from trendwatch.collect.run import SourceOutcome, source_specs
from trendwatch.config.load import parse_settings
from trendwatch.config.schema import Settings
from trendwatch.errors import (
    ConfigError,
    DeliveryError,
    ServiceRunning,
    StoreError,
    TrendwatchError,
)
from trendwatch.service import pipeline
from trendwatch.service.reload import (
    CONFIG_CHECK,
    CONFIG_JOB,
    ConfigChange,
    diff_settings,
    keep_fixed,
)
from trendwatch.store import Store
from trendwatch.store import jobs as job_rows
from trendwatch.store import leases as lease_rows
from trendwatch.store import sources as source_rows
from trendwatch.store import workers as worker_rows

log = logging.getLogger("trendwatch.scheduler")

JOBS = ("collect", "analyze", "briefing", "purge", "oncall")
ON_CALL_EVERY = timedelta(minutes=5)
# on a cluster (workers on PostgreSQL) each of these runs on one worker at its time; every
# worker collects, claiming the due sources no other worker holds
CLUSTER_JOBS = ("analyze", "briefing", "purge", "oncall")
SOURCE_BATCH = 50  # sources a worker claims at a time: small, so the due ones spread out
PURGE_AT = (3, 30)
HEARTBEAT = timedelta(seconds=30)
LEASE_TTL = timedelta(seconds=90)  # a killed service blocks a restart this long at most
FIRST_ANALYSIS_DELAY = timedelta(seconds=5)

Step = Callable[[datetime], Awaitable[str | None]]   # a key=value summary; None = nothing to do


def utcnow() -> datetime:
    return datetime.now(UTC)


def build_triggers(settings: Settings, tick: timedelta) -> dict[str, BaseTrigger]:
    zone = ZoneInfo(settings.briefing.timezone)
    hour, minute = (int(part) for part in settings.briefing.at.split(":"))
    return {
        "collect": IntervalTrigger(seconds=tick.total_seconds(), timezone=UTC),
        "analyze": IntervalTrigger(seconds=settings.analysis.every.total_seconds(),
                                   timezone=UTC),
        "briefing": CronTrigger(hour=hour, minute=minute, timezone=zone),
        "purge": CronTrigger(hour=PURGE_AT[0], minute=PURGE_AT[1], timezone=zone),
        "oncall": IntervalTrigger(seconds=ON_CALL_EVERY.total_seconds(), timezone=UTC),
    }


def held_message(lease: lease_rows.Lease, now: datetime, ttl: timedelta) -> str:
    """Why a second service may not start, naming the one that runs."""
    beat = max(int((now - lease.heartbeat_at).total_seconds()), 0)
    return (f"another trendwatch service (host {lease.host}, pid {lease.pid}) is running on this "
            f"store since {lease.acquired_at:%Y-%m-%d %H:%M:%S} UTC (last heartbeat {beat} s ago); "
            f"stop it first, or wait {int(ttl.total_seconds())} s if it died (its lease expires "
            f"at {lease.expires_at:%H:%M:%S} UTC)")


def first_run_time(trigger: BaseTrigger, last_started: datetime | None, now: datetime, *,
                   run_if_never: datetime | None) -> datetime | None:
    """When a job should first run after a (re)start; ``None`` leaves it to the trigger.

    Interval jobs continue their cadence from the last start. A clock-time job whose
    fire time passed while the service was down runs once, now — however many fire
    times were missed.
    """
    if last_started is None:
        return run_if_never
    if isinstance(trigger, IntervalTrigger):
        return max(now, last_started + trigger.interval)
    missed = trigger.get_next_fire_time(None, last_started + timedelta(seconds=1))
    return now if missed is not None and missed <= now else None


@dataclass
class Steps:
    collect: Step
    analyze: Step
    briefing: Step
    purge: Step
    refresh: Step
    oncall: Step | None = None     # None: nothing to check (steps given by a test)

    def __getitem__(self, name: str) -> Step:
        return getattr(self, name)


# (settings, now, due_only, on_triage) → outcomes: a worker's claimed collection
Collector = Callable[[Settings, datetime, bool, Callable[[Any], None]],
                     Awaitable[list[SourceOutcome]]]


def default_steps(store: Store, settings: Settings, privacy_key: bytes | None, *,
                  collector: Collector | None = None) -> Steps:
    """The real pipeline, each step returning a short ``key=value`` summary. ``collector``
    replaces the single-process collection (a worker's claimed one)."""

    async def collect(now: datetime, due_only: bool = True) -> str | None:
        triaged: list[Any] = []
        if collector is not None:
            outcomes = await collector(settings, now, due_only, triaged.append)
        else:
            outcomes = await pipeline.run_collect(store, settings, now, due_only=due_only,
                                                  privacy_key=privacy_key, on_triage=triaged.append)
        if not outcomes and due_only:
            return None
        failed = [o.name for o in outcomes if o.status in ("error", "disabled")]
        for o in outcomes:
            if o.status == "error":
                log.warning("source failed source=%s kind=%s error=%s", json.dumps(o.name), o.kind,
                            json.dumps(o.message or ""))
        if outcomes and len(failed) == len(outcomes):
            # a first start without network looks like this: say what to do about it
            log.warning("no source could be fetched. No network here? `make demo` runs everything on "
                        "a bundled sample week, offline. Per-source errors: `trendwatch sources` or "
                        "the dashboard's Sources page")
        inbox = (f" inbound={sum(o.inbound for o in outcomes)} triaged={triaged[0].triaged} "
                 f"incidents_new={len(triaged[0].incidents_new)}") if triaged else ""
        return (f"sources={len(outcomes)} new={sum(o.new_items for o in outcomes)} "
                f"failed={len(failed)}{inbox}" + (f" failing={json.dumps(','.join(failed))}" if failed else ""))

    async def analyze(now: datetime) -> str:
        outcome = await pipeline.run_analysis(store, settings, now)
        alerts = await pipeline.run_alerts(store, settings, now)
        sent = sum(r.status == "sent" for r in alerts)
        return (f"run={outcome.run_id} mode={outcome.summary.mode} topics={outcome.summary.topics} "
                f"opportunities={sum(len(o) for o in outcome.opportunities.values())} "
                f"ideas={sum(outcome.ideas.values())} alerts_sent={sent} "
                f"alerts_failed={len(alerts) - sent}")

    async def briefing(now: datetime) -> str:
        results = await pipeline.run_briefing(store, settings, now)
        failed = [f"{r.target}: {r.error}" for r in results if r.status != "sent"]
        if failed:
            raise DeliveryError("briefing not delivered to " + "; ".join(failed))
        return "delivered=" + ",".join(sorted({r.target for r in results}))

    async def purge(now: datetime) -> str:
        report = await asyncio.to_thread(pipeline.run_purge, store, settings, now)
        return (f"items={report.items} embeddings={report.embeddings} "
                f"assignments={report.assignments} stories={report.stories}")

    async def refresh(now: datetime) -> str:
        collected = await collect(now, due_only=False)
        return f"{collected} {await analyze(now)}"

    async def oncall(now: datetime) -> str | None:
        from trendwatch.service.inbox import check_on_call

        done = await check_on_call(store, settings, now)
        if not (done["on_call"] or done["incidents"] or done["results"]):
            return None
        failed = sum(r.status != "sent" for r in done["results"])
        return f"on_call={done['on_call']} incidents={done['incidents']} failed={failed}"

    return Steps(collect, analyze, briefing, purge, refresh, oncall)


class Service:
    """Runs the jobs until SIGINT/SIGTERM (or ``request_stop``)."""

    def __init__(self, store: Store, settings: Settings, *, steps: Steps | None = None,
                 clock: Callable[[], datetime] = utcnow, tick: timedelta = timedelta(minutes=1),
                 poll: timedelta = timedelta(seconds=5), privacy_key: bytes | None = None,
                 first_analysis_delay: timedelta = FIRST_ANALYSIS_DELAY, hard_exit: bool = True,
                 lease_ttl: timedelta = LEASE_TTL, config_path: str | Path | None = None,
                 config_check: timedelta = CONFIG_CHECK, cluster: bool = False,
                 batch: int = SOURCE_BATCH):
        self.store = store
        self.settings = settings
        self.privacy_key = privacy_key
        # cluster: one worker of many on a PostgreSQL store (no service lease; claims)
        self.cluster = cluster
        self.batch = batch
        self.worker_id: str | None = None
        self._default_steps = steps is None  # rebuilt on a reload; given steps are the caller's
        self.steps = steps or self._default(settings)
        self.clock = clock
        self.tick = tick
        self.poll = poll
        self.hard_exit = hard_exit
        self.first_analysis_delay = first_analysis_delay
        self.scheduler: AsyncIOScheduler | None = None
        self._lock = asyncio.Lock()
        self._stop = asyncio.Event()
        self._active: set[asyncio.Task] = set()
        self.lease_ttl = lease_ttl
        self.lease: lease_rows.Lease | None = None
        self.config_path = Path(config_path) if config_path is not None else None
        self.config_check = config_check
        # what the running settings were loaded from: (mtime_ns, size) and sha256 of the bytes
        self._config_stat, self._config_digest = self._fingerprint()

    # -- lifecycle ------------------------------------------------------------------------

    def _default(self, settings: Settings) -> Steps:
        if not self.cluster:
            return default_steps(self.store, settings, self.privacy_key)
        steps = default_steps(self.store, settings, self.privacy_key,
                              collector=self._claimed_collect)

        async def refresh(now: datetime) -> str:
            # collect here; the analysis is made due now and runs on whichever worker
            # claims it, never beside a scheduled one
            collected = await steps.collect(now, due_only=False)
            await asyncio.to_thread(worker_rows.schedule_job, self.store, "analyze", now,
                                    replace=True)
            return f"{collected} analyze=due"

        steps.refresh = refresh
        return steps

    async def _claimed_collect(self, settings: Settings, now: datetime, due_only: bool,
                               on_triage: Callable[[Any], None] | None = None,
                               ) -> list[SourceOutcome]:
        assert self.worker_id is not None
        if not due_only:  # "refresh now": every healthy source due now, claimed as usual
            await asyncio.to_thread(worker_rows.make_due, self.store,
                                    [s.name for s in settings.sources if s.enabled], now)
        return await pipeline.run_claimed_collect(
            self.store, settings, now, worker_id=self.worker_id, ttl=self.lease_ttl,
            batch=self.batch, stopping=self._stop.is_set, clock=self.clock,
            privacy_key=self.privacy_key, on_triage=on_triage)

    def claim(self) -> lease_rows.Lease | None:
        """Take the store's ``service`` lease; ServiceRunning if another service holds it.
        A cluster worker takes no lease: it registers its ``workers`` row (None)."""
        if self.cluster:
            if self.worker_id is None:
                holder, host, pid = lease_rows.new_holder()
                worker_rows.register(self.store, holder, host, pid, self.clock())
                self.worker_id = holder
                self.expire_dead_here(self.clock())
            return None
        if self.lease is not None:
            return self.lease
        now = self.clock()
        holder, host, pid = lease_rows.new_holder()
        lease = lease_rows.acquire(self.store, lease_rows.SERVICE, holder, host, pid, now,
                                   self.lease_ttl)
        if not lease.ours and lease_rows.died_here(lease):
            log.warning("the previous service (pid %d on this machine) was killed: taking over "
                        "its lease", lease.pid)
            lease = lease_rows.acquire(self.store, lease_rows.SERVICE, holder, host, pid, now,
                                       self.lease_ttl, replacing=lease.holder)
        if not lease.ours:
            raise ServiceRunning(held_message(lease, now, self.lease_ttl))
        self.lease = lease
        return lease

    def expire_dead_here(self, now: datetime) -> list[str]:
        """Workers of this machine whose process is gone (killed): their claims end now, so
        a restart after kill -9 need not wait out the lease. Returns their ids."""
        dead = []
        for row in worker_rows.list_workers(self.store):
            if row["status"] != worker_rows.RUNNING or row["id"] == self.worker_id:
                continue
            seen = lease_rows.Lease("worker", row["id"], row["host"], row["pid"],
                                    row["started_at"], row["heartbeat_at"], row["heartbeat_at"])
            if lease_rows.died_here(seen):
                log.warning("worker pid %d on this machine was killed: its claims end now",
                            row["pid"])
                worker_rows.expire(self.store, row["id"], now)
                dead.append(row["id"])
        return dead

    def release(self) -> None:
        if self.worker_id is not None:
            worker_rows.stop(self.store, self.worker_id, self.clock())
            self.worker_id = None
        if self.lease is not None:
            lease_rows.release(self.store, self.lease)
            self.lease = None

    async def run(self) -> None:
        await asyncio.to_thread(self.claim)
        # runs a killed service left running are marked interrupted now, not at the next analysis
        await asyncio.to_thread(pipeline.mark_dead_runs, self.store, self.settings, self.clock())
        loop = asyncio.get_running_loop()
        handled = []
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, self.request_stop, sig.name)
                handled.append(sig)
            except (NotImplementedError, RuntimeError):  # not the main thread / platform
                pass
        try:
            await self._serve(loop)
        finally:
            for sig in handled:
                loop.remove_signal_handler(sig)
            await self._state(self.release)

    async def _serve(self, loop: asyncio.AbstractEventLoop) -> None:
        now = self.clock()
        started = now
        if not self.cluster:  # on a cluster, another worker's running job is alive
            await self._state(self._mark_interrupted, now)
        await self._state(job_rows.heartbeat, self.store, now, started=now)
        self.scheduler = AsyncIOScheduler(
            timezone=UTC, event_loop=loop,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None})
        known = {row["name"]: row for row in job_rows.list_jobs(self.store)}
        # a fresh install collects at once and analyses what it collected right after
        never = {"collect": now, "analyze": now + self.first_analysis_delay}
        for name, trigger in build_triggers(self.settings, self.tick).items():
            first = first_run_time(trigger, (known.get(name) or {}).get("last_started_at"), now,
                                   run_if_never=never.get(name))
            if self.cluster and name in CLUSTER_JOBS:
                # the store says when it runs next, for every worker: set by the first one
                await self._state(worker_rows.schedule_job, self.store, name,
                                  first or trigger.get_next_fire_time(None, now))
                continue
            extra = {"next_run_time": first} if first is not None else {}
            self.scheduler.add_job(self._job, trigger, args=[name], id=name, name=name, **extra)
        if self.cluster:
            # half a period after the collect ticks, so the two rarely meet at the lock
            self.scheduler.add_job(self._dispatch, IntervalTrigger(
                seconds=self.poll.total_seconds()), id="dispatch", name="dispatch",
                next_run_time=now + self.poll / 2)
        self.scheduler.add_job(self._poll, IntervalTrigger(seconds=self.poll.total_seconds()),
                               id="poll", name="poll", next_run_time=now)
        if self.config_path is not None:
            await self._state(job_rows.job_finished, self.store, CONFIG_JOB, now)
            self.scheduler.add_job(self._check_config_job,
                                   IntervalTrigger(seconds=self.config_check.total_seconds()),
                                   id=CONFIG_JOB, name=CONFIG_JOB,
                                   next_run_time=now + self.config_check)
        beat = min(HEARTBEAT, self.lease_ttl / 3)
        self.scheduler.add_job(self.beat, IntervalTrigger(seconds=beat.total_seconds()),
                               id="beat", name="beat", next_run_time=now + beat)
        self.scheduler.start()
        for name in JOBS:
            if not (self.cluster and name in CLUSTER_JOBS):
                await self._state(job_rows.set_next_run, self.store, name, self._next_run(name))
        if self.cluster:
            log.info("worker %s joined the cluster", self.worker_id)
        log.info("service started pid=%d jobs=%s briefing_at=%s timezone=%s db=%s", os.getpid(),
                 ",".join(JOBS), self.settings.briefing.at, self.settings.briefing.timezone,
                 self.store.url)
        await self._stop.wait()
        log.info("stopping: waiting for the running step to finish")
        # pause, not shutdown: APScheduler's shutdown cancels running coroutine jobs
        self.scheduler.pause()
        await asyncio.gather(*self._active, return_exceptions=True)
        self.scheduler.shutdown(wait=False)
        await self._state(job_rows.heartbeat, self.store, self.clock(), stopped=True)
        log.info("service stopped uptime=%ds", (self.clock() - started).total_seconds())

    def request_stop(self, reason: str = "request") -> None:
        if self._stop.is_set():
            log.warning("second %s: exiting now; an interrupted step leaves the previous results",
                        reason)
            if self.hard_exit:
                logging.shutdown()
                os._exit(130)
            for task in self._active:
                task.cancel()
            return
        log.info("%s received: finishing the current step, then exiting (again to force)", reason)
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    # -- jobs -----------------------------------------------------------------------------

    async def _job(self, name: str) -> None:
        if self._stop.is_set():
            return
        if name == "collect" and self._lock.locked():
            return  # the next tick comes in a minute; no queue of waiting ticks
        task = asyncio.current_task()
        assert task is not None
        self._active.add(task)
        try:
            async with self._lock:
                if self._stop.is_set():
                    return
                step = self.steps[name]
                if step is None:
                    return
                await self._execute(name, step)
        finally:
            self._active.discard(task)

    async def _dispatch(self) -> None:
        """A cluster worker's look at the cluster jobs: recover the ones a dead worker held,
        then run each due one this worker wins the claim on (at most one worker does)."""
        if self._stop.is_set() or self.worker_id is None:
            return
        now = self.clock()
        await self._state(self.expire_dead_here, now)
        recovered = await self._state(worker_rows.recover_jobs, self.store, now) or []
        for name in recovered:
            log.warning("job %s was interrupted: its worker stopped during the run; it runs "
                        "again now", name)
        lost = await self._state(worker_rows.mark_lost, self.store, now, self.lease_ttl) or []
        for worker in lost:
            log.warning("worker %s stopped beating: marked lost", worker)
        task = asyncio.current_task()
        assert task is not None
        self._active.add(task)
        try:
            for name in CLUSTER_JOBS:
                # claimed only once this worker's own step is done (a collect tick fires at
                # the same instants as this look): a job is never held while it waits here
                async with self._lock:
                    if self._stop.is_set():
                        return
                    won = await self._state(worker_rows.claim_job, self.store, name,
                                            self.worker_id, self.clock(), self.lease_ttl)
                    if won:
                        await self._execute(name, self.steps[name])
        finally:
            self._active.discard(task)

    def _cluster_next_run(self, name: str, started: datetime) -> datetime | None:
        trigger = build_triggers(self.settings, self.tick)[name]
        if isinstance(trigger, IntervalTrigger):
            return started + trigger.interval  # start to start, as the scheduler's cadence
        return trigger.get_next_fire_time(None, started + timedelta(seconds=1))

    async def _execute(self, name: str, step: Step) -> None:
        now = self.clock()
        await self._state(job_rows.job_started, self.store, name, now)
        began = time.perf_counter()
        error: str | None = None
        summary: str | None = ""
        try:
            summary = await step(now)
        except TrendwatchError as exc:
            error = str(exc)
            log.error("job failed job=%s seconds=%.1f error=%s", name, time.perf_counter() - began,
                      json.dumps(error, ensure_ascii=False))
        except asyncio.CancelledError:
            await self._state(job_rows.job_finished, self.store, name, self.clock(),
                              "interrupted by shutdown")
            raise
        except Exception as exc:  # a bug: keep serving, but loudly and on record
            error = f"internal error: {exc!r}"
            log.exception("job crashed job=%s", name)
        else:
            level = logging.INFO if summary is not None else logging.DEBUG
            log.log(level, "job finished job=%s seconds=%.1f %s", name, time.perf_counter() - began,
                    summary if summary is not None else "idle=true")
        await self._state(job_rows.job_finished, self.store, name, self.clock(), error)
        if self.cluster and name in CLUSTER_JOBS:
            await self._state(worker_rows.release_job, self.store, name, self.worker_id,
                              self._cluster_next_run(name, now))
        elif name in JOBS:
            await self._state(job_rows.set_next_run, self.store, name, self._next_run(name))

    async def beat(self) -> None:
        """Heartbeats: the ``jobs`` row for status, the lease for the one-service rule."""
        now = self.clock()
        await self._state(job_rows.heartbeat, self.store, now)
        if self.worker_id is not None:
            await self._state(worker_rows.beat, self.store, self.worker_id, now, self.lease_ttl)
        if self.lease is None:
            return
        kept = await self._state(lease_rows.heartbeat, self.store, self.lease, now,
                                 self.lease_ttl)
        if kept is False and not self._stop.is_set():
            # our lease expired (the store was unreachable too long) and another service took
            # it: two services must not run on one store, so this one goes
            current = await self._state(lease_rows.get_lease, self.store, lease_rows.SERVICE)
            log.error("the store's service lease was taken over by host=%s pid=%s: stopping",
                      getattr(current, "host", "?"), getattr(current, "pid", "?"))
            self.lease = None
            self.request_stop("lease lost")

    async def _poll(self) -> None:
        now = self.clock()
        if self._stop.is_set():
            return
        requested = await self._state(job_rows.take_refresh_request, self.store, now)
        if requested is None:
            return
        log.info("refresh requested at=%s", requested.isoformat())
        task = asyncio.current_task()
        assert task is not None
        self._active.add(task)
        try:
            async with self._lock:
                if not self._stop.is_set():
                    await self._execute(job_rows.REFRESH, self.steps.refresh)
        finally:
            self._active.discard(task)

    # -- live reload ----------------------------------------------------------------------

    def _fingerprint(self) -> tuple[tuple[int, int] | None, str | None]:
        if self.config_path is None:
            return None, None
        try:
            stat = self.config_path.stat()
            digest = hashlib.sha256(self.config_path.read_bytes()).hexdigest()
        except OSError:
            return None, None
        return (stat.st_mtime_ns, stat.st_size), digest

    async def _check_config_job(self) -> None:
        if not self._stop.is_set():
            await self.check_config(self.clock())

    async def check_config(self, now: datetime) -> str | None:
        """One look at feeds.toml: reload it if its bytes changed. Returns what was logged
        (None when unchanged)."""
        if self.config_path is None:
            return None
        path = self.config_path
        try:
            stat = await asyncio.to_thread(path.stat)
        except OSError:
            return None  # mid-replace, or gone: the running settings stay until a file is back
        seen = (stat.st_mtime_ns, stat.st_size)
        if seen == self._config_stat:
            return None
        try:
            data = await asyncio.to_thread(path.read_bytes)
        except OSError:
            return None
        self._config_stat = seen
        digest = hashlib.sha256(data).hexdigest()
        if digest == self._config_digest:
            return None  # touched, same bytes
        self._config_digest = digest
        try:
            new = parse_settings(data.decode("utf-8"), source_name=str(path))
            specs = source_specs(new.sources)
        except UnicodeDecodeError as exc:
            return await self._reload_failed(now, f"{path}: cannot read the config file: {exc}")
        except ConfigError as exc:
            return await self._reload_failed(now, str(exc))
        change = diff_settings(self.settings, new)
        new = keep_fixed(self.settings, new)
        try:
            await asyncio.to_thread(source_rows.sync_sources, self.store, specs, now)
        except StoreError as exc:
            self._config_digest = None  # try again at the next check
            self._config_stat = None
            log.error("config reload postponed: cannot sync the sources error=%s",
                      json.dumps(str(exc)))
            return None
        self.settings = new
        if self._default_steps:
            self.steps = self._default(new)
        await self._reschedule(change, now)
        message = change.summary(path.name)
        log.info("%s", message)
        if change.restart_needed:
            await self._state(job_rows.job_noted, self.store, CONFIG_JOB, now,
                              change.restart_note())
        else:
            await self._state(job_rows.job_finished, self.store, CONFIG_JOB, now)
        return message

    async def _reload_failed(self, now: datetime, error: str) -> str:
        message = f"{self.config_path.name} not reloaded, the running settings stay: {error}"
        log.error("%s", message)
        await self._state(job_rows.job_finished, self.store, CONFIG_JOB, now, error)
        return message

    async def _reschedule(self, change: ConfigChange, now: datetime) -> None:
        if self.scheduler is None or not change.reschedule:
            return
        triggers = build_triggers(self.settings, self.tick)
        known = {row["name"]: row for row in job_rows.list_jobs(self.store)}
        for name in change.reschedule:
            trigger = triggers[name]
            # an interval continues from its last start (a shorter one may be due now)
            first = first_run_time(trigger, (known.get(name) or {}).get("last_started_at"), now,
                                   run_if_never=None)
            if self.cluster and name in CLUSTER_JOBS:
                await self._state(worker_rows.schedule_job, self.store, name,
                                  first or trigger.get_next_fire_time(None, now), replace=True)
                continue
            self.scheduler.reschedule_job(name, trigger=trigger)
            if first is not None and isinstance(trigger, IntervalTrigger):
                self.scheduler.modify_job(name, next_run_time=first)
            await self._state(job_rows.set_next_run, self.store, name, self._next_run(name))

    # -- helpers --------------------------------------------------------------------------

    def _next_run(self, name: str) -> datetime | None:
        job = self.scheduler.get_job(name) if self.scheduler else None
        return job.next_run_time if job is not None else None

    def _mark_interrupted(self, now: datetime) -> None:
        for row in job_rows.list_jobs(self.store):
            if row["name"] != job_rows.SERVICE and row["last_status"] == "running":
                job_rows.job_finished(self.store, row["name"], now,
                                      "interrupted: the service stopped during this run")

    async def _state(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Job-state writes run off the event loop (SQLite may wait for a long writer)."""
        try:
            return await asyncio.to_thread(fn, *args, **kwargs)
        except StoreError as exc:
            log.error("cannot record job state error=%s", json.dumps(str(exc)))
            return None
