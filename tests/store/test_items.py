"""store/items.py: the item and story writes of collection, on the ``store`` fixture."""

from __future__ import annotations

from datetime import timedelta

from trendwatch.models import SourceSpec
from trendwatch.store import items as item_rows
from trendwatch.store.sources import sync_sources


def item(i: str, at, *, story_id=None, title="A title"):
    return {"id": i, "platform": "news", "external_id": None, "outlet": "Outlet", "author": None,
            "url": f"https://example.org/{i}", "canonical_url": f"https://example.org/{i}",
            "title": title, "text": "", "lang": "en", "published_at": at, "fetched_at": at,
            "hashtags": [], "engagement": {}, "minhash": None, "story_id": story_id}


def source(store, now) -> int:
    return sync_sources(store, [SourceSpec("feed", "rss", "news", {"url": "x"}, "x")], now)["feed"]


def test_insert_items_skips_existing_ids(store, now):
    sid = source(store, now)
    with store.begin() as conn:
        assert item_rows.insert_items(conn, [dict(item("a", now), source_id=sid),
                                             dict(item("b", now), source_id=sid)]) == 2
    with store.begin() as conn:
        assert item_rows.existing_item_ids(conn, ["a", "c", "b"]) == {"a", "b"}
        assert item_rows.insert_items(conn, [dict(item("a", now), source_id=sid),
                                             dict(item("c", now), source_id=sid)]) == 1
        assert item_rows.insert_items(conn, []) == 0
    assert item_rows.count_items(store) == 3


def test_existing_ids_across_chunks(store, now):
    sid = source(store, now)
    rows = [dict(item(f"i{n}", now), source_id=sid) for n in range(1200)]
    with store.begin() as conn:
        item_rows.insert_items(conn, rows)
        found = item_rows.existing_item_ids(conn, [f"i{n}" for n in range(0, 1300, 3)])
    assert found == {f"i{n}" for n in range(0, 1200, 3)}


def test_stories_inserted_in_order_and_only_extended_forward(store, now):
    sid = source(store, now)
    later = now + timedelta(hours=2)
    with store.begin() as conn:
        ids = item_rows.insert_stories(conn, [
            {"title": "first", "first_seen_at": now, "last_seen_at": now},
            {"title": "second", "first_seen_at": later, "last_seen_at": later}])
        assert item_rows.insert_stories(conn, []) == []
        item_rows.insert_items(conn, [dict(item("a", now, story_id=ids[0], title="first"), source_id=sid),
                                      dict(item("b", later, story_id=ids[1], title="second"),
                                           source_id=sid)])
    assert len(ids) == 2 and ids[0] < ids[1]
    assert item_rows.count_stories(store) == 2
    with store.begin() as conn:
        item_rows.extend_stories(conn, {ids[0]: now + timedelta(hours=5), ids[1]: now})
        item_rows.extend_stories(conn, {})
    recent = {r.id: r for r in item_rows.recent_story_items(store, now)}
    assert set(recent) == {"a", "b"}
    assert recent["a"].story_id == ids[0] and recent["a"].title == "first"
    assert [r.id for r in item_rows.recent_story_items(store, now + timedelta(hours=1))] == ["b"]
    from sqlalchemy import select

    from trendwatch.store.schema import stories
    with store.connect() as conn:
        seen = dict(conn.execute(select(stories.c.id, stories.c.last_seen_at)).all())
    assert seen[ids[0]] == now + timedelta(hours=5)   # moved forward
    assert seen[ids[1]] == later                      # never backwards


def test_items_without_story_are_not_recent_story_items(store, now):
    sid = source(store, now)
    with store.begin() as conn:
        item_rows.insert_items(conn, [dict(item("loose", now), source_id=sid)])
    assert list(item_rows.recent_story_items(store, now - timedelta(days=1))) == []
