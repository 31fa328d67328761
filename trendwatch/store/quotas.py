"""Row-locked read budgets (``quotas``): a paid API's cap shared by every process on a store.

``reserve`` takes up to ``want`` units before a request, ``settle`` gives the reservation
back and adds what the platform actually counted. Both run in one transaction holding the
row: ``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the transaction's first statement is
a write (the insert of a missing row), so it holds the database's write lock from its start
(what ``BEGIN IMMEDIATE`` gives) and no other process can read-modify-write in between.
Two processes (``trendwatch collect`` beside the service) therefore never both spend the
same remainder.

Stale reservations (a process died between reserve and settle) are counted as used — the
conservative choice for money: the request may have reached the platform and been billed.
Only the sum of reservations is stored, so staleness is read from the row: when nothing
touched it for ``STALE`` (far longer than any request may take), every reservation on it
is stale and is moved into ``used``. Until then a dead reservation still counts against
the cap, so the cap holds either way. ``updated_at`` never moves back (a process whose run
started earlier passes an older ``now``), so a live reservation is not taken for stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from trendwatch.errors import StoreError
from trendwatch.store.db import Store, insert_ignore
from trendwatch.store.schema import quotas

STALE = timedelta(minutes=30)


@dataclass(frozen=True)
class Quota:
    key: str
    cap: int
    used: int
    reserved: int
    updated_at: datetime

    @property
    def left(self) -> int:
        return max(self.cap - self.used - self.reserved, 0)


def reserve(store: Store, key: str, cap: int, want: int, now: datetime, *,
            minimum: int = 1, carried: int = 0) -> int:
    """Reserve up to ``want`` of what is left under ``cap``; returns what was granted.

    Grants 0 when less than ``minimum`` is left (an API that cannot ask for fewer). The cap
    is the configured one of this call (a lowered cap applies at once). ``carried`` is what
    was already used before the row existed (counts kept elsewhere by an older version).
    """
    if want < 0 or minimum < 0:
        raise ValueError("want and minimum must not be negative")
    with store.begin() as conn:
        # first statement a write: on SQLite this takes the write lock for the transaction
        insert_ignore(conn, quotas, [{"key": key, "cap": cap, "used": max(carried, 0),
                                      "reserved": 0, "updated_at": now}],
                      index_elements=["key"])
        row = conn.execute(select(quotas).where(quotas.c.key == key).with_for_update()).one()
        used, reserved = row.used, row.reserved
        if reserved and row.updated_at <= now - STALE:
            used, reserved = used + reserved, 0
        left = cap - used - reserved
        granted = min(want, left) if left >= max(minimum, 1) and want else 0
        # the guard re-checks the row we read: nothing may have changed it under the lock
        changed = conn.execute(quotas.update().where(
            quotas.c.key == key, quotas.c.used == row.used, quotas.c.reserved == row.reserved,
        ).values(cap=cap, used=used, reserved=reserved + granted,
                 updated_at=max(row.updated_at, now))).rowcount
        if changed != 1:  # pragma: no cover - only if the lock did not hold
            raise StoreError(f"quota {key!r} changed under its row lock on {store.url}")
        return granted


def settle(store: Store, key: str, reserved: int, used: int, now: datetime) -> None:
    """Release a reservation of ``reserved`` and count ``used`` (what the platform counted).

    A reservation that was already counted as used because it went stale is not released
    twice: the part missing from ``reserved`` is taken back from ``used`` instead.
    """
    if reserved <= 0 and used <= 0:
        return
    with store.begin() as conn:
        insert_ignore(conn, quotas, [{"key": key, "cap": 0, "used": 0, "reserved": 0,
                                      "updated_at": now}], index_elements=["key"])
        row = conn.execute(select(quotas).where(quotas.c.key == key).with_for_update()).one()
        released = min(max(reserved, 0), row.reserved)
        folded = max(reserved, 0) - released
        conn.execute(quotas.update().where(quotas.c.key == key).values(
            reserved=row.reserved - released,
            used=max(row.used - folded + max(used, 0), 0),
            updated_at=max(row.updated_at, now),
        ))


def get_quota(store: Store, key: str) -> Quota | None:
    with store.connect() as conn:
        row = conn.execute(select(quotas).where(quotas.c.key == key)).first()
    return Quota(**row._mapping) if row else None


class StoreBudget:
    """The ``Budget`` collectors get (collect.collectors.base): quotas in this store."""

    def __init__(self, store: Store):
        self.store = store

    def reserve(self, key: str, cap: int, want: int, now: datetime, *, minimum: int = 1,
                carried: int = 0) -> int:
        return reserve(self.store, key, cap, want, now, minimum=minimum, carried=carried)

    def settle(self, key: str, reserved: int, used: int, now: datetime) -> None:
        settle(self.store, key, reserved, used, now)

    def used(self, key: str) -> int:
        quota = get_quota(self.store, key)
        return quota.used + quota.reserved if quota else 0
