"""Workers on PostgreSQL: who runs, which sources and cluster jobs each one holds.

Any number of ``trendwatch worker`` processes (and ``serve`` on PostgreSQL, which is one
worker) share the service's work through these rows, with PostgreSQL's own row locks:

- a worker claims a batch of due sources (``FOR UPDATE SKIP LOCKED``: two workers never
  wait on, nor take, each other's rows) with a lease, ``claim_expires_at``; the source's
  result (``sources.record_success`` / ``record_failure``) advances ``next_check_at`` and
  clears the claim in the transaction that writes what was fetched, so a source is fetched
  once per interval across the cluster;
- a cluster job (analyze, briefing, purge) is one ``jobs`` row: the worker whose UPDATE
  matches ``next_run_at <= now`` and no live claim runs it (one UPDATE, atomic, so never
  two); it sets the next run when it releases the job;
- heartbeats extend every claim a worker holds; a worker that dies (kill -9, lost machine)
  stops extending them and the others take its sources and jobs once the claims expire.
  A job found claimed by a dead worker is marked interrupted and due now: it runs once more.

Every function takes ``now``; the claims compare it with the stored expiry times, so the
workers' clocks must agree to well within the lease (NTP).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from trendwatch.store.db import Store, insert_ignore
from trendwatch.store.schema import jobs, sources, workers

RUNNING, STOPPED, LOST = "running", "stopped", "lost"


def _free(table, now: datetime):
    """No live claim on the row: never claimed, released, or its lease ran out."""
    return table.c.claimed_by.is_(None) | (table.c.claim_expires_at <= now)


# --- the workers --------------------------------------------------------------------------

def register(store: Store, worker_id: str, host: str, pid: int, now: datetime) -> None:
    with store.begin() as conn:
        insert_ignore(conn, workers, [{"id": worker_id, "host": host, "pid": pid,
                                       "started_at": now, "heartbeat_at": now,
                                       "status": RUNNING}], index_elements=["id"])


def beat(store: Store, worker_id: str, now: datetime, ttl: timedelta) -> None:
    """The worker's heartbeat: its row, and every claim it holds extended to ``now + ttl``."""
    with store.begin() as conn:
        conn.execute(workers.update().where(workers.c.id == worker_id)
                     .values(heartbeat_at=now, status=RUNNING))
        for table in (sources, jobs):
            conn.execute(table.update().where(table.c.claimed_by == worker_id)
                         .values(claim_expires_at=now + ttl))


def set_holding(store: Store, worker_id: str, holding: str | None) -> None:
    with store.begin() as conn:
        conn.execute(workers.update().where(workers.c.id == worker_id).values(holding=holding))


def stop(store: Store, worker_id: str, now: datetime) -> None:
    """Graceful stop: every claim given back (others may take them at once), row stopped."""
    with store.begin() as conn:
        for table in (sources, jobs):
            conn.execute(table.update().where(table.c.claimed_by == worker_id)
                         .values(claimed_by=None, claim_expires_at=None))
        conn.execute(workers.update().where(workers.c.id == worker_id)
                     .values(status=STOPPED, stopped_at=now, heartbeat_at=now, holding=None))


def mark_lost(store: Store, now: datetime, ttl: timedelta) -> list[str]:
    """Workers that stopped beating more than ``ttl`` ago without stopping: killed or cut off."""
    with store.begin() as conn:
        return list(conn.execute(workers.update().where(
            workers.c.status == RUNNING, workers.c.heartbeat_at <= now - ttl,
        ).values(status=LOST, holding=None).returning(workers.c.id)).scalars())


def expire(store: Store, worker_id: str, now: datetime) -> None:
    """A worker known dead (its process is gone): its claims end now, not when they run
    out, and its row says lost. Its jobs are then recovered like any expired claim."""
    with store.begin() as conn:
        for table in (sources, jobs):
            conn.execute(table.update().where(table.c.claimed_by == worker_id,
                                              table.c.claim_expires_at > now)
                         .values(claim_expires_at=now))
        conn.execute(workers.update().where(workers.c.id == worker_id,
                                            workers.c.status == RUNNING)
                     .values(status=LOST, holding=None))


def list_workers(store: Store) -> list[dict[str, Any]]:
    """Every worker, newest first, with the sources and jobs it holds a claim on now."""
    with store.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(
            select(workers).order_by(workers.c.started_at.desc(), workers.c.id))]
        claimed_sources: dict[str, int] = dict(conn.execute(
            select(sources.c.claimed_by, func.count()).where(sources.c.claimed_by.is_not(None))
            .group_by(sources.c.claimed_by)).all())
        claimed_jobs: dict[str, list[str]] = {}
        for name, holder in conn.execute(select(jobs.c.name, jobs.c.claimed_by)
                                         .where(jobs.c.claimed_by.is_not(None))):
            claimed_jobs.setdefault(holder, []).append(name)
    for row in rows:
        row["sources_claimed"] = claimed_sources.get(row["id"], 0)
        row["jobs_claimed"] = sorted(claimed_jobs.get(row["id"], []))
    return rows


# --- sources ------------------------------------------------------------------------------

def claim_due_sources(store: Store, worker_id: str, names: Sequence[str], now: datetime,
                      ttl: timedelta, limit: int) -> list[str]:
    """Claim up to ``limit`` of ``names`` that are due, enabled and not claimed by a live
    worker, most overdue first; returns the names claimed. Rows another worker is claiming
    in the same instant are skipped, not waited for (SKIP LOCKED)."""
    if not names or limit <= 0:
        return []
    due = (select(sources.c.id).where(
        sources.c.name.in_(list(names)), sources.c.disabled.is_(False),
        sources.c.next_check_at.is_(None) | (sources.c.next_check_at <= now), _free(sources, now),
    ).order_by(sources.c.next_check_at, sources.c.id).limit(limit)
        .with_for_update(skip_locked=True))
    with store.begin() as conn:
        claimed = list(conn.execute(sources.update().where(sources.c.id.in_(due)).values(
            claimed_by=worker_id, claim_expires_at=now + ttl).returning(sources.c.name)).scalars())
        if claimed:
            conn.execute(workers.update().where(workers.c.id == worker_id)
                         .values(holding=f"collect: {len(claimed)} sources"))
    return sorted(claimed)


def release_sources(store: Store, worker_id: str) -> int:
    """Give back the sources still claimed (a collection that stopped before reaching them)."""
    with store.begin() as conn:
        return conn.execute(sources.update().where(sources.c.claimed_by == worker_id)
                            .values(claimed_by=None, claim_expires_at=None)).rowcount


def make_due(store: Store, names: Sequence[str], now: datetime) -> int:
    """The dashboard's "refresh now" on a cluster: the healthy sources become due at once
    (the workers claim them as usual, so none is fetched twice)."""
    with store.begin() as conn:
        return conn.execute(sources.update().where(
            sources.c.name.in_(list(names)), sources.c.disabled.is_(False),
            sources.c.error_count == 0, sources.c.next_check_at > now,
        ).values(next_check_at=now)).rowcount


# --- cluster jobs -------------------------------------------------------------------------

def schedule_job(store: Store, name: str, when: datetime | None, *,
                 replace: bool = False) -> None:
    """Give a cluster job its next run: only if it has none (a first worker on a new store)
    or, with ``replace`` (its schedule changed in feeds.toml), unless a worker runs it now."""
    with store.begin() as conn:
        insert_ignore(conn, jobs, [{"name": name, "next_run_at": when}], index_elements=["name"])
        unset = jobs.c.claimed_by.is_(None) if replace else jobs.c.next_run_at.is_(None)
        conn.execute(jobs.update().where(jobs.c.name == name, unset).values(next_run_at=when))


def recover_jobs(store: Store, now: datetime) -> list[str]:
    """Jobs whose worker died while running them (claim expired): marked interrupted and due
    now, so the next claim runs each of them once more. Returns their names."""
    with store.begin() as conn:
        dead = conn.execute(select(jobs.c.name, jobs.c.claimed_by).where(
            jobs.c.claimed_by.is_not(None), jobs.c.claim_expires_at <= now,
        ).with_for_update(skip_locked=True)).all()
        for name, holder in dead:
            host, _, rest = holder.partition(":")
            pid = rest.split(":", 1)[0]
            conn.execute(jobs.update().where(jobs.c.name == name, jobs.c.claimed_by == holder)
                         .values(claimed_by=None, claim_expires_at=None, next_run_at=now,
                                 last_status="failed", last_finished_at=now,
                                 last_error=f"interrupted: worker {host} pid {pid} stopped during "
                                            f"this run; run again"))
    return [name for name, _ in dead]


def claim_job(store: Store, name: str, worker_id: str, now: datetime, ttl: timedelta) -> bool:
    """Take the job if it is due and nobody runs it; True for the one worker that wins."""
    with store.begin() as conn:
        won = conn.execute(jobs.update().where(
            jobs.c.name == name, jobs.c.next_run_at.is_not(None), jobs.c.next_run_at <= now,
            _free(jobs, now),
        ).values(claimed_by=worker_id, claim_expires_at=now + ttl, last_started_at=now,
                 last_status="running").returning(jobs.c.name)).first() is not None
        if won:
            conn.execute(workers.update().where(workers.c.id == worker_id)
                         .values(holding=f"job: {name}"))
    return won


def release_job(store: Store, name: str, worker_id: str, next_run_at: datetime | None) -> bool:
    """Done with the job: its next run set and the claim cleared, if still ours."""
    with store.begin() as conn:
        mine = conn.execute(jobs.update().where(jobs.c.name == name,
                                                jobs.c.claimed_by == worker_id)
                            .values(claimed_by=None, claim_expires_at=None,
                                    next_run_at=next_run_at)).rowcount == 1
        conn.execute(workers.update().where(workers.c.id == worker_id).values(holding=None))
    return mine


def collected(store: Store) -> tuple[int, int]:
    """(sources with a stored result and no claim, sources that failed last time)."""
    with store.connect() as conn:
        done = conn.execute(select(func.count()).select_from(sources).where(
            sources.c.last_attempt_at.is_not(None), sources.c.claimed_by.is_(None))).scalar_one()
        failing = conn.execute(select(func.count()).select_from(sources).where(
            sources.c.error_count > 0)).scalar_one()
    return done, failing
