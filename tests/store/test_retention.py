"""Retention purge: raw items and what hangs on them go; topics and aggregates stay."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from sqlalchemy import func, select

from tests.seeding import seed
from trendwatch.store.retention import purge
from trendwatch.store.schema import (
    assignments,
    embeddings,
    items,
    opportunities,
    stories,
    topic_snapshots,
    topics,
)


def count(store, table):
    with store.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def test_purge_old_items_keeps_topics(store, now):
    seed(store, now)
    with store.begin() as conn:
        story = conn.execute(stories.insert().values(
            title="old", first_seen_at=now - timedelta(days=40),
            last_seen_at=now - timedelta(days=40))).inserted_primary_key[0]
        conn.execute(items.update().where(items.c.id.in_(["item0", "item1"])).values(
            fetched_at=now - timedelta(days=31), story_id=story))
        for item_id in ("item0", "item2"):
            conn.execute(embeddings.insert().values(
                item_id=item_id, model_id="m", vector=np.zeros(4, np.float32).tobytes()))

    before = {t: count(store, t) for t in (topics, topic_snapshots, opportunities)}
    dry = purge(store, now, timedelta(days=30), dry_run=True)
    assert (dry.items, dry.embeddings, dry.assignments) == (2, 1, 2)
    assert count(store, items) == 4

    report = purge(store, now, timedelta(days=30), batch=1)
    assert (report.items, report.embeddings, report.assignments, report.stories) == (2, 1, 2, 1)
    with store.connect() as conn:
        assert sorted(conn.execute(select(items.c.id)).scalars()) == ["item2", "item3"]
    assert count(store, embeddings) == 1 and count(store, assignments) == 2
    assert {t: count(store, t) for t in before} == before
    assert purge(store, now, timedelta(days=30)).items == 0
