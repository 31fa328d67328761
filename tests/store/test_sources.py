"""store/sources.py: mirrored source rows and their fetch state, on the ``store`` fixture."""

from __future__ import annotations

from datetime import timedelta

from trendwatch.models import SourceSpec, SourceState
from trendwatch.store import sources as source_rows


def spec(name="feed", url="https://a.example/feed", **params):
    return SourceSpec(name=name, kind="rss", platform="news", params={"url": url, **params}, url=url)


def test_sync_creates_then_keeps_ids(store, now):
    ids = source_rows.sync_sources(store, [spec("a"), spec("b")], now)
    assert set(ids) == {"a", "b"}
    assert source_rows.sync_sources(store, [spec("a"), spec("b")], now) == ids
    health = {h["name"]: h for h in source_rows.source_health(store, now)}
    assert health["a"]["platform"] == "news" and health["a"]["url"] == "https://a.example/feed"
    assert health["a"]["items_total"] == 0


def test_changed_target_resets_state_and_reenables(store, now):
    sid = source_rows.sync_sources(store, [spec()], now)["feed"]
    with store.begin() as conn:
        source_rows.record_failure(conn, sid, now=now, next_check_at=now + timedelta(days=1),
                                   error="gone", status=410, disable=True)
        source_rows.record_failure(conn, sid, now=now, next_check_at=now + timedelta(days=1),
                                   error="gone", status=410, disable=True)
    with store.connect() as conn:
        state, errors = source_rows.get_state_and_errors(conn, sid)
    assert errors == 2
    assert source_rows.due_source_names(store, now + timedelta(days=2), ["feed"]) == set()
    # same config: nothing reset
    source_rows.sync_sources(store, [spec()], now)
    assert source_rows.source_health(store, now)[0]["disabled"]
    source_rows.sync_sources(store, [spec(url="https://b.example/feed")], now)
    row = source_rows.source_health(store, now)[0]
    assert not row["disabled"] and row["error_count"] == 0 and row["url"] == "https://b.example/feed"
    assert source_rows.due_source_names(store, now, ["feed"]) == {"feed"}


def test_success_stores_state(store, now):
    sid = source_rows.sync_sources(store, [spec()], now)["feed"]
    state = SourceState(url="https://moved.example/feed", etag='"e1"', last_modified="x",
                        cursor={"min_id": "7"})
    with store.begin() as conn:
        source_rows.record_success(conn, sid, state=state, now=now, next_check_at=now + timedelta(hours=1),
                                   status=200, new_items=3, bytes_received=100, warning=None)
    with store.connect() as conn:
        assert source_rows.get_state(conn, sid) == state
    assert source_rows.due_source_names(store, now, ["feed"]) == set()
    assert source_rows.due_source_names(store, now + timedelta(hours=1), ["feed"]) == {"feed"}


def test_success_records_the_parser_and_a_304_keeps_it(store, now):
    sid = source_rows.sync_sources(store, [spec()], now)["feed"]
    common = dict(state=SourceState(), now=now, next_check_at=now, status=200, new_items=0,
                  bytes_received=10, warning=None)
    with store.begin() as conn:
        source_rows.record_success(conn, sid, parser="fastfeedparser", **common)
    assert source_rows.source_health(store, now)[0]["parser"] == "fastfeedparser"
    with store.begin() as conn:   # a 304 reads no feed: the parser stays as recorded
        source_rows.record_success(conn, sid, **common)
    assert source_rows.source_health(store, now)[0]["parser"] == "fastfeedparser"
    with store.begin() as conn:
        source_rows.record_success(conn, sid, parser="feedparser", **common)
    assert source_rows.source_health(store, now)[0]["parser"] == "feedparser"
