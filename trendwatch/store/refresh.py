"""The dashboard's "Refresh now", rate-limited across all users by the ``refresh`` jobs row.

The row already remembers both what matters: ``next_run_at`` = a request still waiting
for the service, ``last_started_at`` = when the service last ran a refresh. A new request
is accepted only when nothing is pending and the last one started ``every`` ago or more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from trendwatch.store.db import Store, upsert
from trendwatch.store.jobs import REFRESH
from trendwatch.store.schema import jobs


@dataclass(frozen=True)
class RefreshAnswer:
    accepted: bool
    pending: bool = False              # an earlier request is still waiting for the service
    next_allowed_at: datetime | None = None


def request_refresh(store: Store, now: datetime, every: timedelta) -> RefreshAnswer:
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
