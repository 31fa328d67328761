"""Job state of the service: one `jobs` row per scheduled job.

The scheduler only ticks; what ran when, how it ended and when it runs next live
here so `trendwatch status` and the dashboard can show it and a restart can tell
what was missed. Two rows are not jobs of their own:

- ``service``: ``last_started_at`` = when the service started, ``last_finished_at`` =
  its latest heartbeat (or when it stopped), ``last_status`` running | stopped.
- ``refresh``: the dashboard's "refresh now" sets ``next_run_at``; the service
  clears it and runs collect + analysis.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from trendwatch.store.db import Store, upsert
from trendwatch.store.schema import jobs

SERVICE = "service"
REFRESH = "refresh"


def _set(store: Store, name: str, **values: Any) -> None:
    with store.begin() as conn:
        upsert(conn, jobs, [{"name": name, **values}], index_elements=["name"],
               update=list(values))


def job_started(store: Store, name: str, now: datetime) -> None:
    _set(store, name, last_started_at=now, last_status="running")


def job_finished(store: Store, name: str, now: datetime, error: str | None = None) -> None:
    _set(store, name, last_finished_at=now, last_status="failed" if error else "ok",
         last_error=error)


def set_next_run(store: Store, name: str, when: datetime | None) -> None:
    _set(store, name, next_run_at=when)


def heartbeat(store: Store, now: datetime, *, started: datetime | None = None,
              stopped: bool = False) -> None:
    values: dict[str, Any] = {"last_finished_at": now,
                              "last_status": "stopped" if stopped else "running"}
    if started is not None:
        values["last_started_at"] = started
        values["last_error"] = None
    _set(store, SERVICE, **values)


def request_refresh(store: Store, now: datetime) -> None:
    """What the dashboard's "refresh now" button does."""
    _set(store, REFRESH, next_run_at=now)


def take_refresh_request(store: Store, now: datetime) -> datetime | None:
    """The pending refresh request, cleared atomically (a click during the run stays pending)."""
    with store.begin() as conn:
        requested = conn.execute(select(jobs.c.next_run_at).where(jobs.c.name == REFRESH)).scalar()
        if requested is None or requested > now:
            return None
        conn.execute(jobs.update().where(jobs.c.name == REFRESH,
                                         jobs.c.next_run_at == requested).values(next_run_at=None))
        return requested


def get_job(store: Store, name: str) -> dict[str, Any] | None:
    with store.connect() as conn:
        row = conn.execute(select(jobs).where(jobs.c.name == name)).first()
        return dict(row._mapping) if row else None


def list_jobs(store: Store) -> list[dict[str, Any]]:
    with store.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(jobs).order_by(jobs.c.name))]


@dataclass(frozen=True)
class RefreshAnswer:
    accepted: bool
    pending: bool = False              # an earlier request is still waiting for the service
    next_allowed_at: datetime | None = None


def ask_refresh(store: Store, now: datetime, every: timedelta) -> RefreshAnswer:
    """The dashboard's rate-limited "Refresh now": accepted only when nothing is pending and
    the service last started a refresh ``every`` ago or more (across all users)."""
    with store.begin() as conn:
        row = conn.execute(select(jobs.c.next_run_at, jobs.c.last_started_at)
                           .where(jobs.c.name == REFRESH)).first()
        pending, last = (row.next_run_at, row.last_started_at) if row else (None, None)
        if pending is not None:
            return RefreshAnswer(False, pending=True, next_allowed_at=pending + every)
        if last is not None and now - last < every:
            return RefreshAnswer(False, next_allowed_at=last + every)
        upsert(conn, jobs, [{"name": REFRESH, "next_run_at": now}], index_elements=["name"],
               update=["next_run_at"])
        return RefreshAnswer(True)


def job_noted(store: Store, name: str, now: datetime, note: str) -> None:
    """Finished ok, with something to act on (e.g. "restart needed …"), kept in last_error."""
    _set(store, name, last_finished_at=now, last_status="ok", last_error=note)
