"""Source rows: configured sources mirrored into the store, with their fetch state."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, select

from trendwatch.models import SourceSpec, SourceState, TrendPoint
from trendwatch.store.db import Store, insert_ignore, upsert
from trendwatch.store.schema import items, sources, trend_points


def sync_sources(store: Store, configured: Iterable[SourceSpec], now: datetime) -> dict[str, int]:
    """Create/update one row per configured source; returns name → id.

    The caller describes each source (``collect.collectors.source_specs``); the store
    never builds collectors.

    A source whose configured target changed gets its URL and conditional state
    reset (a 301 learnt for the old URL must not override a new config), and is
    re-enabled if it had been disabled by a 410.
    """
    ids: dict[str, int] = {}
    with store.begin() as conn:
        existing = {row.name: row for row in conn.execute(select(sources))}
        for spec in configured:
            params = spec.params
            row = existing.get(spec.name)
            if row is None:
                # workers starting together insert the same new sources: one wins, the
                # others skip the row and read its id
                insert_ignore(conn, sources, [dict(
                    name=spec.name, kind=spec.kind, platform=spec.platform,
                    params=params, url=spec.url, created_at=now, next_check_at=now,
                    error_count=0, disabled=False, last_new_items=0, last_bytes=0,
                )], index_elements=["name"])
                ids[spec.name] = conn.execute(select(sources.c.id).where(
                    sources.c.name == spec.name)).scalar_one()
                continue
            ids[spec.name] = row.id
            if row.params != params or row.kind != spec.kind:
                conn.execute(sources.update().where(sources.c.id == row.id).values(
                    kind=spec.kind, platform=spec.platform, params=params,
                    url=spec.url, etag=None, last_modified=None, disabled=False,
                    disabled_reason=None, error_count=0, next_check_at=now,
                ))
    return ids


def write_sources(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Insert whole source rows that carry their ids (copies, seeded stores) in one statement."""
    if rows:
        conn.execute(sources.insert(), [dict(r) for r in rows])


def get_state(conn: Connection, source_id: int) -> SourceState:
    return get_state_and_errors(conn, source_id)[0]


def get_state_and_errors(conn: Connection, source_id: int) -> tuple[SourceState, int]:
    """The polling state and the count of consecutive failures, from one read of the row."""
    row = conn.execute(select(sources).where(sources.c.id == source_id)).one()
    state = SourceState(url=row.url, etag=row.etag, last_modified=row.last_modified,
                        cursor=dict(row.cursor or {}))
    return state, row.error_count


def record_success(conn: Connection, source_id: int, *, state: SourceState, now: datetime,
                   next_check_at: datetime, status: int | None, new_items: int,
                   bytes_received: int, warning: str | None, parser: str | None = None) -> None:
    """``parser`` names the feed parser that read this fetch; None (a 304, no feed) keeps
    the one recorded before."""
    values: dict[str, Any] = dict(
        url=state.url, etag=state.etag, last_modified=state.last_modified, cursor=state.cursor,
        last_attempt_at=now, last_ok_at=now, last_status=status, error_count=0,
        last_error=warning, next_check_at=next_check_at, last_new_items=new_items,
        last_bytes=bytes_received, claimed_by=None, claim_expires_at=None,
    )
    if parser is not None:
        values["parser"] = parser
    conn.execute(sources.update().where(sources.c.id == source_id).values(**values))


def record_failure(conn: Connection, source_id: int, *, now: datetime, next_check_at: datetime,
                   error: str, status: int | None, disable: bool = False) -> None:
    values: dict[str, Any] = dict(
        last_attempt_at=now, last_status=status, error_count=sources.c.error_count + 1,
        last_error=error, next_check_at=next_check_at, last_new_items=0, last_bytes=0,
        claimed_by=None, claim_expires_at=None,
    )
    if disable:
        values.update(disabled=True, disabled_reason=error)
    conn.execute(sources.update().where(sources.c.id == source_id).values(**values))


def due_source_names(store: Store, now: datetime, names: Sequence[str]) -> set[str]:
    with store.connect() as conn:
        rows = conn.execute(select(sources.c.name).where(
            sources.c.name.in_(list(names)), sources.c.disabled.is_(False),
            (sources.c.next_check_at.is_(None)) | (sources.c.next_check_at <= now),
        ))
        return set(rows.scalars())


def source_health(store: Store, now: datetime, names: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """One dict per source: state plus items in the last 24 h and in total."""
    day_ago = now - timedelta(hours=24)
    recent = (select(items.c.source_id, func.count().label("n"))
              .where(items.c.fetched_at >= day_ago).group_by(items.c.source_id).subquery())
    total = (select(items.c.source_id, func.count().label("n"))
             .group_by(items.c.source_id).subquery())
    query = (select(sources, func.coalesce(recent.c.n, 0).label("items_24h"),
                    func.coalesce(total.c.n, 0).label("items_total"))
             .outerjoin(recent, recent.c.source_id == sources.c.id)
             .outerjoin(total, total.c.source_id == sources.c.id)
             .order_by(sources.c.name))
    if names is not None:
        query = query.where(sources.c.name.in_(list(names)))
    with store.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]


def write_trend_points(conn: Connection, source_id: int, platform: str,
                       points: Sequence[TrendPoint]) -> None:
    # one row per key: an upsert may not touch the same row twice in one statement, and a
    # source can report a term twice (trending and followed, or from two instances)
    by_key: dict[tuple, dict[str, Any]] = {}
    for p in points:
        row = {"source_id": source_id, "platform": platform, "term": p.term.casefold(),
               "metric": p.metric, "at": p.at, "value": float(p.value), "extra": p.extra}
        key = (row["term"], row["metric"], row["at"])
        if key not in by_key or row["value"] > by_key[key]["value"]:
            by_key[key] = row
    rows = list(by_key.values())
    upsert(conn, trend_points, rows, index_elements=["source_id", "term", "metric", "at"],
           update=["value", "extra"])
