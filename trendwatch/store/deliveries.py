"""The deliveries table: one row per message sent (or failed) to one target."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, select

from trendwatch.store.db import Store
from trendwatch.store.schema import deliveries


def _connection(db: Store | Connection):
    """A context manager yielding a connection for either a Store or an open Connection."""
    from contextlib import nullcontext

    return db.connect() if isinstance(db, Store) else nullcontext(db)


def record_deliveries(store: Store, rows: Sequence[dict[str, Any]]) -> None:
    """Insert one row per delivery attempt outcome (kind, target, topic_id, created_at,
    status, attempts, error, detail)."""
    if not rows:
        return
    with store.begin() as conn:
        for row in rows:
            conn.execute(deliveries.insert().values(**row))


def last_briefing(db: Store | Connection, profile: str, exclude_run: int | None = None) -> dict | None:
    """The most recent briefing delivered for this profile (any target), optionally one
    about another run than ``exclude_run``."""
    with _connection(db) as conn:
        rows = conn.execute(select(deliveries).where(deliveries.c.kind == "briefing",
                                                     deliveries.c.status == "sent")
                            .order_by(deliveries.c.created_at.desc()).limit(50))
        for row in rows:
            detail = row.detail or {}
            if detail.get("profile") == profile and detail.get("run_id") not in (None, exclude_run):
                return dict(row._mapping)
    return None


def recent_alert_topics(db: Store | Connection, now: datetime) -> set[int]:
    """Topics alerted (successfully) in the 24 h before ``now``."""
    with _connection(db) as conn:
        rows = conn.execute(select(deliveries.c.topic_id).where(
            deliveries.c.kind == "alert", deliveries.c.status == "sent",
            deliveries.c.created_at > now - timedelta(hours=24)))
        return {tid for tid in rows.scalars() if tid is not None}


def count_failed_since(db: Store | Connection, since: datetime) -> int:
    with _connection(db) as conn:
        return conn.execute(select(func.count()).select_from(deliveries).where(
            deliveries.c.status == "failed", deliveries.c.created_at >= since)).scalar() or 0


def failed_since(db: Store | Connection, since: datetime, limit: int = 20) -> list[dict[str, Any]]:
    """Failed deliveries since ``since``, newest first."""
    with _connection(db) as conn:
        return [dict(r._mapping) for r in conn.execute(
            select(deliveries).where(deliveries.c.status == "failed",
                                     deliveries.c.created_at >= since)
            .order_by(deliveries.c.created_at.desc()).limit(limit))]
