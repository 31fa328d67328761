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
    ideas,
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


def text_values(store) -> list[tuple[str, str, str]]:
    """(table, column, value as text) for every text and JSON cell of every table."""
    import json

    from sqlalchemy import JSON, String, Text

    from trendwatch.store.schema import metadata

    found = []
    with store.connect() as conn:
        for table in metadata.sorted_tables:
            columns = [c for c in table.c if isinstance(c.type, (String, Text, JSON))]
            if not columns:
                continue
            for row in conn.execute(select(*columns)):
                for column, value in zip(columns, row):
                    if value is None:
                        continue
                    text = value if isinstance(value, str) else json.dumps(
                        value, ensure_ascii=False, default=str)
                    found.append((table.name, column.name, text))
    return found


def test_purge_leaves_no_copy_of_a_purged_item_anywhere(store, now):
    """Items analysed, ranked and turned into post ideas (which quote their titles and
    links), then half of them age past retention: no cell of any table still holds the
    title or link of a purged item."""
    import asyncio

    from tests.analysis.test_run import seed_world
    from tests.service.test_pipeline import settings
    from trendwatch.service import pipeline

    seed_world(store, now)
    with store.begin() as conn:   # one story per burst item: stories copy titles too
        for n, row in enumerate(conn.execute(select(items.c.id, items.c.title)).all()):
            story = conn.execute(stories.insert().values(
                title=row.title[:500], first_seen_at=now - timedelta(days=2),
                last_seen_at=now - timedelta(days=2 if n % 3 else 0))).inserted_primary_key[0]
            conn.execute(items.update().where(items.c.id == row.id).values(story_id=story))
    asyncio.run(pipeline.run_analysis(store, settings(), now))
    assert count(store, ideas) > 0
    with store.begin() as conn:
        every = conn.execute(select(items.c.id, items.c.title, items.c.url)
                             .order_by(items.c.id)).all()
        old = [r for n, r in enumerate(every) if n % 2 == 0]
        conn.execute(items.update().where(items.c.id.in_([r.id for r in old])).values(
            fetched_at=now - timedelta(days=40)))
    kept_titles = {r.title for r in every} - {r.title for r in old}
    cited = {s["item_id"] for row in _ideas(store) for s in row.sources}
    assert cited & {r.id for r in old}, "the seed must have ideas citing purged items"

    dry = purge(store, now, timedelta(days=30), dry_run=True)
    report = purge(store, now, timedelta(days=30), batch=7)
    assert report.items == dry.items == len(old) and report.ideas == dry.ideas > 0
    assert report.stories + report.stories_blanked == len(old)

    needles = ({r.url for r in old} | ({r.title for r in old} - kept_titles) | {r.id for r in old})
    leaks = [(table, column, needle) for table, column, text in text_values(store)
             for needle in needles if needle and needle in text]
    assert leaks == []
    for row in _ideas(store):   # the ideas that stay cite only kept items
        assert {s["item_id"] for s in row.sources}.isdisjoint({r.id for r in old})


def _ideas(store):
    with store.connect() as conn:
        return conn.execute(select(ideas.c.id, ideas.c.sources)).all()


def test_purge_deletes_ideas_citing_purged_items_and_unlinks_their_feedback(store, now):
    from trendwatch.store.schema import feedback

    seeded = seed(store, now)
    with store.begin() as conn:
        keep = conn.execute(ideas.insert().values(
            run_id=seeded.run2, topic_id=seeded.t1, profile="Acme", product="Northwind Flow",
            angle="explainer", hook="Second look", hashtags=[], drafts=[],
            sources=[{"title": "Second Electrek story", "url": "https://electrek.co/two",
                      "outlet": "Electrek", "item_id": "item2", "story_id": None}],
            generator="template", created_at=now)).inserted_primary_key[0]
        gone = conn.execute(select(ideas.c.id).where(ideas.c.id != keep)).scalar_one()
        conn.execute(feedback.insert().values(topic_id=seeded.t1, profile="Acme", idea_id=gone,
                                              verdict="useful", created_at=now, note="nice"))
        conn.execute(items.update().where(items.c.id == "item0").values(
            fetched_at=now - timedelta(days=31)))
    report = purge(store, now, timedelta(days=30))
    assert (report.items, report.ideas) == (1, 1)
    with store.connect() as conn:
        assert list(conn.execute(select(ideas.c.id)).scalars()) == [keep]
        verdict = conn.execute(select(feedback.c.idea_id, feedback.c.verdict)).one()
    assert tuple(verdict) == (None, "useful")   # the verdict on the topic stays


def test_purge_drops_trend_points_older_than_the_horizon(store, now):
    from trendwatch.models import SourceSpec
    from trendwatch.store.schema import trend_points
    from trendwatch.store.sources import sync_sources

    sid = sync_sources(store, [SourceSpec("tags", "mastodon_trends", "mastodon", {}, None)],
                       now)["tags"]
    with store.begin() as conn:
        conn.execute(trend_points.insert(), [
            {"source_id": sid, "platform": "mastodon", "term": "ebike", "metric": "uses",
             "at": now - timedelta(days=days), "value": 1.0, "extra": {}} for days in (40, 31, 29, 1)])
    assert purge(store, now, timedelta(days=30), dry_run=True).trend_points == 2
    assert purge(store, now, timedelta(days=30)).trend_points == 2
    with store.connect() as conn:
        ages = sorted((now - at).days for at in conn.execute(select(trend_points.c.at)).scalars())
    assert ages == [1, 29]
