"""store/runs.py: the analysis run's rows, and THE latest run, on the ``store`` fixture."""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from trendwatch.analysis.score import TopicScore
from trendwatch.analysis.track import NewCluster, TrackResult
from trendwatch.models import Label, SourceSpec
from trendwatch.store import items as item_rows
from trendwatch.store import opportunities as fit_rows
from trendwatch.store import runs
from trendwatch.store.sources import sync_sources


def add_items(store, now, ids):
    sid = sync_sources(store, [SourceSpec("feed", "rss", "news", {}, None)], now)["feed"]
    rows = [{"id": i, "source_id": sid, "platform": "news", "outlet": f"o{n}", "title": f"title {i}",
             "text": "", "lang": "en", "published_at": now - timedelta(hours=n), "fetched_at": now,
             "url": f"https://example.org/{i}?utm_source=x", "hashtags": [], "engagement": {}}
            for n, i in enumerate(ids)]
    with store.begin() as conn:
        item_rows.insert_items(conn, rows)
    return {r["id"]: r for r in rows}


def score(status="emerging", sources=3):
    return TopicScore(status=status, signal="strong", emergence=2.5, growth_24h=1.0, growth_7d=None,
                      distinct_sources=sources, distinct_stories=sources, platforms={"news": sources})


def ok_run(store, now, as_of, by_row, members=("a", "b", "c"), topic_id=None):
    run_id = runs.start_run(store, as_of, as_of - timedelta(days=7), "hashing-256", {})
    centroid = np.ones(4, dtype=np.float32) / 2
    cluster = NewCluster(label=0, centroid=centroid, members=frozenset(members))
    new = runs.write_run(
        store, run_id=run_id, now=as_of, mode="full", clusters=[cluster],
        tracked=TrackResult(topic_of={0: topic_id}),
        labels={0: Label("battery swap", ["battery", "swap"], ["#ebike"], ["en"])},
        scores={0: score()}, sims={m: 0.9 for m in members}, by_row=by_row, timings={"embed": 0.1},
        n_items=len(by_row))
    return run_id, new


def test_latest_run_orders_by_as_of_then_id_and_ignores_failed(store, now):
    by_row = add_items(store, now, ["a", "b", "c"])
    assert runs.latest_run(store) is None
    late, _ = ok_run(store, now, now, by_row)
    early, _ = ok_run(store, now, now - timedelta(hours=6), by_row)  # newer id, older as_of
    failed = runs.start_run(store, now + timedelta(hours=1), now, "hashing-256", {})
    runs.fail_run(store, failed, "boom")
    running = runs.start_run(store, now + timedelta(hours=2), now, "hashing-256", {})
    assert early > late and running > failed
    assert runs.latest_run(store)["id"] == late
    assert runs.latest_run(store, before=now - timedelta(hours=1))["id"] == early
    assert runs.latest_run(store, before=now - timedelta(days=1)) is None
    same, _ = ok_run(store, now, now, by_row)                        # same as_of: higher id wins
    assert runs.latest_run(store)["id"] == same
    with store.connect() as conn:                                    # a Connection works too
        assert runs.latest_run(conn)["id"] == same
        assert fit_rows.latest_run_id(conn) == same
    assert runs.count_runs(store) == 5


def test_write_run_then_read_it_back(store, now):
    by_row = add_items(store, now, ["a", "b", "c", "d"])
    first, new = ok_run(store, now, now - timedelta(hours=6), by_row)
    assert new == 1
    run = runs.latest_run(store)
    assert run["status"] == "ok" and run["counts"]["assigned"] == 3 and run["counts"]["mode"] == "full"
    assert runs.last_full_run(store, now)["id"] == first
    [topic] = runs.topic_rows(store, first)
    tid = topic["topic_id"]
    assert topic["label"] == "battery swap" and topic["status"] == "emerging"
    assert runs.load_assignments(store, first) == {"a": tid, "b": tid, "c": tid}
    assert runs.load_labels(store, [tid])[tid].hashtags == ["#ebike"]
    [prior] = runs.load_priors(store, first)
    assert prior.id == tid and prior.members == {"a", "b", "c"} and not prior.dormant
    assert [p.dormant for p in runs.load_priors(store, None)] == [True]
    # the same topic found again with one more item: updated, not new
    second, new = ok_run(store, now, now, by_row, members=("a", "b", "c", "d"), topic_id=tid)
    assert new == 0
    detail = runs.topic_detail(store, tid)
    assert [h["run_id"] for h in detail["history"]] == [first, second]
    assert detail["items_run_id"] == second and len(detail["items"]) == 4
    assert "centroid" not in detail["topic"]
    [history] = runs.topic_histories(store)
    assert history["id"] == tid and history["first_emerging"] == now - timedelta(hours=6)
    assert runs.topic_detail(store, tid + 100) is None


def test_summary_of_a_reused_run(store, now):
    by_row = add_items(store, now, ["a", "b", "c"])
    run_id, _ = ok_run(store, now, now, by_row)
    summary = runs.summary_of(store, runs.latest_run(store), ["note"])
    assert summary.run_id == run_id and summary.mode == "reused" and summary.topics == 1
    assert summary.statuses == {"emerging": 1} and summary.notes == ["note"]


def test_embeddings_round_trip(store, now):
    add_items(store, now, ["a", "b"])
    vectors = np.array([[1, 0, 0], [0, 1, 0]], dtype=np.float32)
    assert runs.missing_embeddings(store, ["a", "b"], "m1") == ["a", "b"]
    runs.save_embeddings(store, ["a", "b"], "m1", vectors)
    runs.save_embeddings(store, ["a"], "m1", vectors[1:])          # existing vectors are kept
    assert runs.missing_embeddings(store, ["b", "a"], "m1") == []
    assert runs.missing_embeddings(store, ["a"], "m2") == ["a"]
    assert np.array_equal(runs.load_vectors(store, ["b", "a"], "m1"), vectors[::-1])
    assert runs.load_vectors(store, [], "m1").shape == (0, 1)
    runs.save_embeddings(store, ["a"], "m2", vectors[:1])
    assert runs.other_models(store, "m1") == ["m2"]
    assert [w["id"] for w in runs.load_window(store, now - timedelta(hours=5), now)] == ["b", "a"]


def test_topic_items_returns_links_as_stored(store, now):
    by_row = add_items(store, now, ["a", "b", "c"])
    run_id, _ = ok_run(store, now, now, by_row)
    tid = runs.topic_rows(store, run_id)[0]["topic_id"]
    with store.connect() as conn:
        got = fit_rows.topic_items(conn, run_id, tid, limit=2)
    assert [r["id"] for r in got] == ["a", "b"]                       # newest first, limited
    assert got[0]["url"] == "https://example.org/a?utm_source=x"       # cleaning is the caller's
