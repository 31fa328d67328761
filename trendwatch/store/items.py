"""Item and story rows: what collection writes (batched) and what story grouping reads back.

Ingest keeps the logic (canonical URLs, MinHash, story grouping); every statement on the
``items`` and ``stories`` tables that collection needs lives here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, select

from trendwatch.store.db import Store, insert_ignore
from trendwatch.store.schema import embeddings, items, sources, stories
from trendwatch.store.sources import write_sources

CHUNK = 500


@dataclass(frozen=True)
class StoredItem:
    """What story grouping needs to know about an item already in a story."""

    id: str
    story_id: int
    published_at: datetime
    title: str
    minhash: Any
    outlet: str | None


def recent_story_items(store: Store, since: datetime) -> Iterator[StoredItem]:
    """Items published at or after ``since`` that belong to a story (one query)."""
    query = (select(items.c.id, items.c.story_id, items.c.published_at, items.c.title,
                    items.c.minhash, items.c.outlet)
             .where(items.c.published_at >= since, items.c.story_id.is_not(None)))
    with store.connect() as conn:
        rows = conn.execute(query).all()
    for row in rows:
        yield StoredItem(id=row.id, story_id=row.story_id, published_at=row.published_at,
                         title=row.title, minhash=row.minhash, outlet=row.outlet)


def existing_item_ids(conn: Connection, ids: Sequence[str]) -> set[str]:
    """Which of ``ids`` are already stored (one query per 500 ids)."""
    found: set[str] = set()
    for start in range(0, len(ids), CHUNK):
        found.update(conn.execute(
            select(items.c.id).where(items.c.id.in_(list(ids[start:start + CHUNK])))).scalars())
    return found


def insert_stories(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """Insert story rows (title, first_seen_at, last_seen_at) in one statement; ids in order."""
    if not rows:
        return []
    result = conn.execute(stories.insert().returning(stories.c.id, sort_by_parameter_order=True),
                          [dict(r) for r in rows])
    return list(result.scalars().all())


def write_stories(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert whole story rows that carry their ids (copies, seeded stores) in one statement."""
    if rows:
        conn.execute(stories.insert(), [dict(r) for r in rows])


def write_items(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert whole item rows into a store that has none of them (copies, seeded stores)."""
    if rows:
        conn.execute(items.insert(), [dict(r) for r in rows])


def extend_stories(conn: Connection, last_seen: Mapping[int, datetime]) -> None:
    """Move each story's ``last_seen_at`` forward to the given time (never backwards)."""
    if not last_seen:
        return
    conn.execute(
        stories.update().where(stories.c.id == bindparam("sid"))
        .where(stories.c.last_seen_at < bindparam("seen")).values(last_seen_at=bindparam("seen")),
        [{"sid": sid, "seen": seen} for sid, seen in last_seen.items()])


def insert_items(conn: Connection, rows: Iterable[Mapping[str, Any]]) -> int:
    """Insert item rows in one statement, skipping ids already stored. Returns how many were new."""
    return insert_ignore(conn, items, [dict(r) for r in rows], index_elements=["id"])


def item_texts(store: Store) -> list[dict[str, Any]]:
    """Id, title and text of every stored item."""
    with store.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(items.c.id, items.c.title, items.c.text))]


def count_items(store: Store) -> int:
    with store.connect() as conn:
        return conn.execute(select(func.count()).select_from(items)).scalar_one()


def count_stories(store: Store) -> int:
    with store.connect() as conn:
        return conn.execute(select(func.count()).select_from(stories)).scalar_one()


def copy_period(source: Store, target: Store, start: datetime, end: datetime) -> int:
    """Copy sources, stories, items published in (start, end] and their vectors
    (into an empty store: a backtest's scratch copy). Returns how many items were copied."""
    with source.connect() as src, target.begin() as dst:
        write_sources(dst, [dict(r._mapping) for r in src.execute(select(sources))])
        story_rows = [dict(r._mapping) for r in src.execute(
            select(stories).where(stories.c.last_seen_at > start, stories.c.first_seen_at <= end))]
        write_stories(dst, story_rows)
        period = (items.c.published_at > start) & (items.c.published_at <= end)
        rows = [dict(r._mapping) for r in src.execute(select(items).where(period))]
        story_ids = {r["story_id"] for r in rows if r["story_id"] is not None}
        missing = sorted(story_ids - {r["id"] for r in story_rows})
        for chunk_start in range(0, len(missing), CHUNK):
            write_stories(dst, [dict(r._mapping) for r in src.execute(
                select(stories).where(stories.c.id.in_(missing[chunk_start:chunk_start + CHUNK])))])
        for start_at in range(0, len(rows), 1000):
            write_items(dst, rows[start_at:start_at + 1000])
        vectors = src.execute(select(embeddings).join(items, items.c.id == embeddings.c.item_id)
                              .where(period))
        batch = []
        for row in vectors:
            batch.append(dict(row._mapping))
            if len(batch) >= 2000:
                dst.execute(embeddings.insert(), batch)
                batch = []
        if batch:
            dst.execute(embeddings.insert(), batch)
    return len(rows)
