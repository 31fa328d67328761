"""The store contract: one suite, every backend.

Each test takes the backend-parametrised ``store`` fixture (tests/conftest.py), so it runs
on SQLite and on PostgreSQL (the latter marked ``postgres``). The suite goes through the
public functions of ``trendwatch/store/*.py``; one class per module, so a new module
(items, deliveries, views, …) adds a class of its own. Reads of raw rows use the tables of
``trendwatch.store.schema`` only to check what the functions wrote.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from sqlalchemy import func, select

from tests.conftest import make_settings
from tests.seeding import ARABIC_LABEL, seed
from tests.synthetic import add_items, burst, steady
from trendwatch.analysis.embed.base import HashingEmbedder
from trendwatch.analysis.run import analyze
from trendwatch.collect.run import source_specs
from trendwatch.errors import StoreError
from trendwatch.models import SourceState, TrendPoint
from trendwatch.store import jobs as job_rows
from trendwatch.store import opportunities as fit_rows
from trendwatch.store import runs as run_rows
from trendwatch.store import sources as source_rows
from trendwatch.store.db import (
    Store,
    create_store_engine,
    insert_ignore,
    key_file_for,
    open_store,
    upsert,
)
from trendwatch.store.retention import purge
from trendwatch.store.schema import (
    embeddings,
    feedback,
    ideas,
    items,
    jobs,
    runs,
    sources,
    stories,
    topics,
    trend_points,
)
from trendwatch.store.vectors import vector_from_bytes, vector_to_bytes

BERLIN = ZoneInfo("Europe/Berlin")
UTC = UTC


def count(store, table) -> int:
    with store.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def add_source(store, name: str = "feed", now: datetime | None = None) -> int:
    now = now or datetime(2026, 1, 1, tzinfo=UTC)
    with store.begin() as conn:
        return conn.execute(sources.insert().values(
            name=name, kind="rss", platform="news", params={}, created_at=now, error_count=0,
            disabled=False, last_new_items=0, last_bytes=0)).inserted_primary_key[0]


def item_row(source_id: int, item_id: str, at: datetime, **extra) -> dict:
    row = {"id": item_id, "source_id": source_id, "platform": "news", "title": f"title {item_id}",
           "text": "", "published_at": at, "fetched_at": at, "hashtags": [], "engagement": {},
           "story_id": None}
    row.update(extra)
    return row


# --- store/db.py ---------------------------------------------------------------------------

class TestDb:
    def test_migrate_is_idempotent(self, store, database_url):
        store.migrate()
        again = open_store(database_url)
        try:
            assert count(again, sources) == 0
        finally:
            again.close()

    def test_dialect_matches_backend(self, store, backend):
        assert store.dialect == {"sqlite": "sqlite", "postgres": "postgresql"}[backend]

    def test_transaction_rolls_back_on_error(self, store):
        with pytest.raises(RuntimeError):
            with store.begin() as conn:
                conn.execute(jobs.insert().values(name="x"))
                raise RuntimeError("boom")
        assert count(store, jobs) == 0

    def test_insert_ignore_counts_only_new_rows(self, store, now):
        source_id = add_source(store)
        rows = [item_row(source_id, f"i{n}", now) for n in range(3)]
        with store.begin() as conn:
            assert insert_ignore(conn, items, rows, index_elements=["id"]) == 3
        with store.begin() as conn:
            more = rows[1:] + [item_row(source_id, "i3", now)]
            assert insert_ignore(conn, items, more, index_elements=["id"]) == 1
            assert insert_ignore(conn, items, [], index_elements=["id"]) == 0
        assert count(store, items) == 4
        with store.connect() as conn:  # the first write wins
            assert conn.execute(select(items.c.title).where(items.c.id == "i1")).scalar() == "title i1"

    def test_insert_ignore_without_index_elements(self, store):
        with store.begin() as conn:
            assert insert_ignore(conn, jobs, [{"name": "a"}, {"name": "b"}]) == 2
            assert insert_ignore(conn, jobs, [{"name": "a"}]) == 0

    def test_upsert_inserts_then_updates_only_named_columns(self, store, now):
        with store.begin() as conn:
            upsert(conn, jobs, [{"name": "collect", "last_status": "ok", "last_error": "old"}],
                   index_elements=["name"], update=["last_status", "last_error"])
            upsert(conn, jobs, [{"name": "collect", "last_status": "failed", "last_error": None,
                                 "next_run_at": now}],
                   index_elements=["name"], update=["last_status"])
            upsert(conn, jobs, [], index_elements=["name"], update=["last_status"])
        row = job_rows.get_job(store, "collect")
        assert (row["last_status"], row["last_error"], row["next_run_at"]) == ("failed", "old", None)
        assert count(store, jobs) == 1

    def test_times_round_trip_as_aware_utc(self, store):
        local = datetime(2026, 3, 29, 2, 30, 15, 123456, tzinfo=ZoneInfo("Asia/Kolkata"))
        job_rows.set_next_run(store, "analyze", local)
        got = job_rows.get_job(store, "analyze")["next_run_at"]
        assert got == local and got.tzinfo == UTC and got.utcoffset() == timedelta(0)
        assert got.isoformat() == "2026-03-28T21:00:15.123456+00:00"

    def test_naive_time_is_refused(self, store):
        with pytest.raises(Exception, match="naive datetime"):
            job_rows.set_next_run(store, "analyze", datetime(2026, 1, 1))

    def test_times_compare_as_instants_not_text(self, store):
        # 09:30 in Berlin (summer time) is 07:30 UTC: inside 07:00-08:00 UTC, though not as text
        source_id = add_source(store)
        with store.begin() as conn:
            insert_ignore(conn, items, [
                item_row(source_id, "a", datetime(2026, 6, 1, 9, 30, tzinfo=BERLIN)),
                item_row(source_id, "b", datetime(2026, 6, 1, 9, 30, tzinfo=UTC)),
            ])
        window = run_rows.load_window(store, datetime(2026, 6, 1, 7, 0, tzinfo=UTC),
                                      datetime(2026, 6, 1, 8, 0, tzinfo=UTC))
        assert [r["id"] for r in window] == ["a"]
        assert window[0]["published_at"] == datetime(2026, 6, 1, 7, 30, tzinfo=UTC)

    def test_json_booleans_and_bytes_round_trip(self, store):
        params = {"url": "https://example.org/ä?x=1", "n": 3, "f": 0.5, "nested": {"a": [1, None, True]},
                  "emoji": "🚲", "arabic": ARABIC_LABEL}
        blob = bytes(range(256))
        with store.begin() as conn:
            source_id = conn.execute(sources.insert().values(
                name="j", kind="rss", platform="news", params=params, cursor=None, disabled=True,
                created_at=datetime(2026, 1, 1, tzinfo=UTC))).inserted_primary_key[0]
            insert_ignore(conn, items, [item_row(source_id, "x", datetime(2026, 1, 1, tzinfo=UTC),
                                                 minhash=blob, hashtags=["#ä", "#b"])])
        with store.connect() as conn:
            row = conn.execute(select(sources).where(sources.c.id == source_id)).one()
            item = conn.execute(select(items).where(items.c.id == "x")).one()
        assert row.params == params and row.cursor is None and row.disabled is True
        # server defaults of the migration
        assert (row.error_count, row.last_new_items, row.last_bytes) == (0, 0, 0)
        assert bytes(item.minhash) == blob and item.hashtags == ["#ä", "#b"]

    def test_migrations_match_the_table_definitions(self, store):
        from alembic.autogenerate import compare_metadata
        from alembic.migration import MigrationContext

        from trendwatch.store.schema import metadata

        with store.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []

    def test_long_configured_names_are_stored_whole(self, store, now):
        # SQLite does not enforce VARCHAR lengths; PostgreSQL would refuse these values
        model = "accounts/example/models/" + "m" * 230
        run_id = run_rows.start_run(store, now, now - timedelta(days=7), model, {})
        source_id = add_source(store, "s" * 300)
        with store.begin() as conn:
            insert_ignore(conn, items, [item_row(source_id, "i", now)])
        run_rows.save_embeddings(store, ["i"], model, np.ones((1, 4), np.float32))
        assert run_rows.missing_embeddings(store, ["i"], model) == []
        profile, product = "p" * 250, "q" * 250
        with store.begin() as conn:
            topic = conn.execute(topics.insert().values(
                first_seen_at=now, last_seen_at=now, label="t", keywords=[], hashtags=[],
                languages=[], status="watch", size=1, dormant=False)).inserted_primary_key[0]
            (idea,) = fit_rows.insert_ideas(conn, [dict(
                run_id=run_id, topic_id=topic, profile=profile, product=product, angle="explainer",
                hook="h", hashtags=[], sources=[], drafts=[], generator=f"llm:{model}",
                created_at=now)])
            fit_rows.add_feedback(conn, topic, "useful", profile=profile, idea_id=idea, now=now)
        with store.connect() as conn:
            (stored,) = fit_rows.stored_ideas(conn, run_id, profile, topic, product)
            assert fit_rows.load_marks(conn, profile)[0].topic_id == topic
        assert stored["generator"] == f"llm:{model}"
        assert run_rows.other_models(store, "x") == [model]

    def test_autoincrement_ids_increase(self, store):
        ids = [add_source(store, f"s{n}") for n in range(3)]
        assert ids == sorted(ids) and len(set(ids)) == 3

    def test_url_names_the_database_without_password(self, store, backend):
        assert store.url.startswith({"sqlite": "sqlite:///", "postgres": "postgresql+psycopg://"}[backend])
        remote = Store(create_store_engine("postgresql://user:secret@127.0.0.1:5432/db"))
        try:
            assert "secret" not in remote.url and remote.url.endswith("@127.0.0.1:5432/db")
        finally:
            remote.close()


class TestUrls:
    """URL handling needs no server: one run is enough."""

    @pytest.mark.parametrize("url", ["postgresql://u@h/db", "postgresql+psycopg://u@h/db",
                                     "postgres://u@h/db"])
    def test_postgres_urls_use_psycopg3(self, url):
        engine = create_store_engine(url)
        try:
            assert engine.url.drivername == "postgresql+psycopg" and engine.dialect.name == "postgresql"
        finally:
            engine.dispose()

    @pytest.mark.parametrize("url", ["not a url", "mysql://u@h/db"])
    def test_other_urls_are_refused(self, url):
        with pytest.raises(StoreError):
            create_store_engine(url)

    def test_key_file_next_to_sqlite_file_else_data(self, tmp_path):
        assert key_file_for(f"sqlite:///{tmp_path / 'a' / 'x.db'}") == (tmp_path / "a" / "privacy.key").resolve()
        assert str(key_file_for("postgresql://u@h/db")) == "data/privacy.key"


# --- store/vectors.py ----------------------------------------------------------------------

class TestVectors:
    def test_bytes_are_float32(self):
        vector = np.array([0.1, -2.5, 3e-8], dtype=np.float64)
        data = vector_to_bytes(vector)
        assert len(data) == 12
        assert np.array_equal(vector_from_bytes(data), vector.astype(np.float32))


# --- store/sources.py ----------------------------------------------------------------------

FEEDS = ('[[sources]]\nkind = "rss"\nname = "b-feed"\nurl = "https://example.org/b.xml"\n'
         '[[sources]]\nkind = "rss"\nname = "a-feed"\nurl = "https://example.org/a.xml"\n')


class TestSources:
    def test_sync_is_idempotent_and_resets_changed_targets(self, store, now):
        settings = make_settings(FEEDS)
        ids = source_rows.sync_sources(store, source_specs(settings.sources), now)
        assert set(ids) == {"a-feed", "b-feed"}
        assert source_rows.sync_sources(store, source_specs(settings.sources), now + timedelta(hours=1)) == ids
        assert count(store, sources) == 2
        with store.begin() as conn:
            source_rows.record_failure(conn, ids["a-feed"], now=now, next_check_at=now,
                                       error="gone", status=410, disable=True)
        changed = make_settings(FEEDS.replace("a.xml", "a2.xml"))
        assert source_rows.sync_sources(store, source_specs(changed.sources), now) == ids
        with store.connect() as conn:
            state, errors = source_rows.get_state_and_errors(conn, ids["a-feed"])
            row = conn.execute(select(sources).where(sources.c.id == ids["a-feed"])).one()
        assert state.url == "https://example.org/a2.xml" and errors == 0
        assert row.disabled is False and row.disabled_reason is None

    def test_success_and_failure_state(self, store, now):
        ids = source_rows.sync_sources(store, source_specs(make_settings(FEEDS).sources), now)
        a = ids["a-feed"]
        state = SourceState(url="https://example.org/moved.xml", etag='"v1"',
                            last_modified="Wed, 01 Jan 2026 00:00:00 GMT", cursor={"min_id": "42"})
        with store.begin() as conn:
            source_rows.record_success(conn, a, state=state, now=now, next_check_at=now,
                                       status=200, new_items=5, bytes_received=1234, warning=None)
            for _ in range(2):
                source_rows.record_failure(conn, a, now=now, next_check_at=now, error="HTTP 503",
                                           status=503)
        with store.connect() as conn:
            assert source_rows.get_state(conn, a) == state
            assert source_rows.get_state_and_errors(conn, a) == (state, 2)

    def test_due_sources(self, store, now):
        ids = source_rows.sync_sources(store, source_specs(make_settings(FEEDS).sources), now)
        names = ["a-feed", "b-feed", "unknown"]
        assert source_rows.due_source_names(store, now, names) == {"a-feed", "b-feed"}
        later = (now + timedelta(hours=1)).astimezone(BERLIN)
        with store.begin() as conn:
            source_rows.record_success(conn, ids["a-feed"], state=SourceState(), now=now,
                                       next_check_at=later, status=200, new_items=0,
                                       bytes_received=0, warning=None)
            source_rows.record_failure(conn, ids["b-feed"], now=now, next_check_at=now,
                                       error="gone", status=410, disable=True)
        assert source_rows.due_source_names(store, now, names) == set()
        assert source_rows.due_source_names(store, now + timedelta(hours=1), names) == {"a-feed"}

    def test_health_counts_items_and_orders_by_name(self, store, now):
        ids = source_rows.sync_sources(store, source_specs(make_settings(FEEDS).sources), now)
        with store.begin() as conn:
            insert_ignore(conn, items, [
                item_row(ids["b-feed"], "new", now - timedelta(hours=1)),
                item_row(ids["b-feed"], "old", now - timedelta(days=3)),
            ])
        health = source_rows.source_health(store, now)
        assert [h["name"] for h in health] == ["a-feed", "b-feed"]
        assert [(h["items_24h"], h["items_total"]) for h in health] == [(0, 0), (1, 2)]
        assert health[0]["created_at"] == now
        only = source_rows.source_health(store, now, ["b-feed"])
        assert [h["name"] for h in only] == ["b-feed"]

    def test_trend_points_upsert_keeps_the_highest_value(self, store, now):
        source_id = add_source(store)
        points = [TrendPoint("EBike", "uses", now, 3), TrendPoint("ebike", "uses", now, 7),
                  TrendPoint("cargo", "uses", now, 1, {"rank": 2})]
        with store.begin() as conn:
            source_rows.write_trend_points(conn, source_id, "mastodon", points)
            source_rows.write_trend_points(conn, source_id, "mastodon", [])
        with store.begin() as conn:
            source_rows.write_trend_points(conn, source_id, "mastodon",
                                           [TrendPoint("cargo", "uses", now.astimezone(BERLIN), 4)])
        with store.connect() as conn:
            rows = conn.execute(select(trend_points.c.term, trend_points.c.value, trend_points.c.extra,
                                       trend_points.c.at).order_by(trend_points.c.term)).all()
        assert [(r.term, r.value, r.extra) for r in rows] == [("cargo", 4.0, {}), ("ebike", 7.0, {})]
        assert all(r.at == now for r in rows)


# --- store/jobs.py -------------------------------------------------------------------------

class TestJobs:
    def test_job_lifecycle(self, store, now):
        job_rows.job_started(store, "collect", now)
        assert job_rows.get_job(store, "collect")["last_status"] == "running"
        job_rows.job_finished(store, "collect", now + timedelta(minutes=1), error="boom")
        job = job_rows.get_job(store, "collect")
        assert (job["last_status"], job["last_error"]) == ("failed", "boom")
        assert job["last_started_at"] == now and job["last_finished_at"] == now + timedelta(minutes=1)
        job_rows.job_finished(store, "collect", now + timedelta(minutes=2))
        assert job_rows.get_job(store, "collect")["last_error"] is None
        assert job_rows.get_job(store, "missing") is None

    def test_list_is_ordered_by_name(self, store, now):
        for name in ("purge", "analyze", "collect"):
            job_rows.set_next_run(store, name, now)
        job_rows.set_next_run(store, "purge", None)
        listed = job_rows.list_jobs(store)
        assert [j["name"] for j in listed] == ["analyze", "collect", "purge"]
        assert listed[2]["next_run_at"] is None

    def test_heartbeat(self, store, now):
        job_rows.heartbeat(store, now, started=now)
        job_rows.heartbeat(store, now + timedelta(seconds=30))
        service = job_rows.get_job(store, job_rows.SERVICE)
        assert (service["last_started_at"], service["last_finished_at"], service["last_status"]) == (
            now, now + timedelta(seconds=30), "running")
        job_rows.heartbeat(store, now + timedelta(minutes=1), stopped=True)
        assert job_rows.get_job(store, job_rows.SERVICE)["last_status"] == "stopped"

    def test_refresh_request_is_taken_once_and_not_early(self, store, now):
        assert job_rows.take_refresh_request(store, now) is None
        job_rows.request_refresh(store, now.astimezone(BERLIN))
        assert job_rows.take_refresh_request(store, now - timedelta(seconds=1)) is None
        assert job_rows.take_refresh_request(store, now) == now
        assert job_rows.take_refresh_request(store, now) is None


# --- store/runs.py -------------------------------------------------------------------------

def analysed(store, now):
    specs = []
    for i, topic in enumerate(["solar", "football", "coffee"]):
        specs += steady(topic, now - timedelta(days=3), now, per_day=8, outlets=6, seed=i)
    specs += burst("chips", now - timedelta(hours=20), now, count=30,
                   outlets=[f"o{k}" for k in range(10)], seed=9)
    add_items(store, specs)
    return analyze(store, make_settings(), now, HashingEmbedder())


class TestRuns:
    def test_window_is_ordered_and_half_open(self, store, now):
        source_id = add_source(store)
        with store.begin() as conn:
            insert_ignore(conn, items, [
                item_row(source_id, "b", now), item_row(source_id, "a", now),
                item_row(source_id, "early", now - timedelta(hours=2)),
                item_row(source_id, "edge", now - timedelta(hours=3)),
            ])
        window = run_rows.load_window(store, now - timedelta(hours=3), now)
        assert [r["id"] for r in window] == ["early", "a", "b"]
        assert all(r["published_at"].tzinfo == UTC for r in window)

    def test_embeddings_round_trip_and_are_written_once(self, store, now):
        source_id = add_source(store)
        ids = [f"i{n}" for n in range(3)]
        with store.begin() as conn:
            insert_ignore(conn, items, [item_row(source_id, i, now) for i in ids])
        vectors = np.random.default_rng(1).normal(size=(3, 8)).astype(np.float32)
        assert run_rows.missing_embeddings(store, ids, "m1") == ids
        run_rows.save_embeddings(store, ids[:2], "m1", vectors[:2])
        run_rows.save_embeddings(store, ids, "m1", vectors * 0)  # existing ones stay
        run_rows.save_embeddings(store, ids[:1], "m0", vectors[:1])
        assert run_rows.missing_embeddings(store, ids, "m1") == []
        loaded = run_rows.load_vectors(store, ids, "m1")
        assert loaded.dtype == np.float32 and np.array_equal(loaded[:2], vectors[:2])
        assert not loaded[2].any()
        assert run_rows.load_vectors(store, [], "m1").shape == (0, 1)
        assert run_rows.other_models(store, "m1") == ["m0"]
        assert count(store, embeddings) == 4

    def test_run_bookkeeping(self, store, now):
        assert run_rows.latest_run(store) is None and run_rows.count_runs(store) == 0
        failed = run_rows.start_run(store, now, now - timedelta(days=7), "m", {"k": [1, 2]})
        run_rows.fail_run(store, failed, "x" * 5000)
        with store.connect() as conn:
            row = conn.execute(select(runs).where(runs.c.id == failed)).one()
        assert row.status == "failed" and len(row.error) == 2000 and row.params == {"k": [1, 2]}
        assert row.finished_at.tzinfo == UTC and row.window_start == now - timedelta(days=7)
        assert run_rows.latest_run(store) is None
        assert run_rows.count_runs(store) == 1

    def test_an_analysis_run_reads_back(self, store, now):
        summary = analysed(store, now)
        run = run_rows.latest_run(store)
        assert run["id"] == summary.run_id and run["as_of"] == now and run["status"] == "ok"
        assert run_rows.latest_run(store, before=now - timedelta(seconds=1)) is None
        assert run_rows.last_full_run(store, now)["id"] == summary.run_id
        assert run_rows.summary_of(store, run, ["n"]).topics == summary.topics

        rows = run_rows.topic_rows(store, summary.run_id)
        assert len(rows) == summary.topics
        assert [r["emergence"] for r in rows] == sorted((r["emergence"] for r in rows), reverse=True)
        assert all(r["as_of"] == now and r["first_seen_at"].tzinfo == UTC for r in rows)

        assigned = run_rows.load_assignments(store, summary.run_id)
        assert len(assigned) == run["counts"]["assigned"]
        priors = run_rows.load_priors(store, summary.run_id)
        assert {p.id for p in priors} == {r["topic_id"] for r in rows}
        for prior in priors:
            assert prior.centroid.dtype == np.float32 and not prior.dormant
            assert prior.members == {i for i, t in assigned.items() if t == prior.id}
        assert all(p.dormant for p in run_rows.load_priors(store, None))
        labels = run_rows.load_labels(store, [r["topic_id"] for r in rows])
        assert {t: lab.label for t, lab in labels.items()} == {r["topic_id"]: r["label"] for r in rows}

        detail = run_rows.topic_detail(store, rows[0]["topic_id"])
        assert detail["items_run_id"] == summary.run_id and "centroid" not in detail["topic"]
        published = [i["published_at"] for i in detail["items"]]
        assert published == sorted(published, reverse=True) and len(published) == rows[0]["size"]
        assert run_rows.topic_detail(store, 10**6) is None

    def test_rerun_is_reused(self, store, now):
        first = analysed(store, now)
        again = analyze(store, make_settings(), now, HashingEmbedder())
        assert again.run_id == first.run_id and again.mode == "reused"
        assert run_rows.count_runs(store) == 1


# --- store/opportunities.py ----------------------------------------------------------------

class TestOpportunities:
    def test_latest_run_and_load_run(self, store, now):
        seeded = seed(store, now)
        with store.connect() as conn:
            assert fit_rows.latest_run_id(conn) == seeded.run2
            assert fit_rows.load_run(conn, seeded.run1)["as_of"] == now - timedelta(hours=25)
            with pytest.raises(StoreError, match="no analysis run"):
                fit_rows.load_run(conn, 10**6)

    def test_topic_facts(self, store, now):
        seeded = seed(store, now)
        with store.connect() as conn:
            facts = {f.topic_id: f for f in fit_rows.load_topic_facts(conn, seeded.run2,
                                                                      now - timedelta(hours=24))}
        assert set(facts) == {seeded.t1, seeded.t2, seeded.t3, seeded.t4}
        t1 = facts[seeded.t1]
        assert t1.sources_24h == 2 and t1.distinct_sources == 9 and t1.status == "emerging"
        assert t1.titles[0] == "Swap stations open in Berlin" and len(t1.titles) == 4
        assert facts[seeded.t3].label == ARABIC_LABEL and facts[seeded.t3].sources_24h == 0

    def test_opportunities_replace_and_order(self, store, now):
        seeded = seed(store, now)
        with store.connect() as conn:
            found = fit_rows.load_opportunities(conn, seeded.run2, "Acme")
            assert [o["priority"] for o in found] == [0.8, 0.7, 0.6, 0.5, 0.2]
            assert found[0]["as_of"] == now - timedelta(hours=1)
            flow = fit_rows.load_opportunities(conn, seeded.run2, "Acme", product="northwind FLOW")
            assert {o["product"] for o in flow} == {"Northwind Flow"} and len(flow) == 3
            assert fit_rows.load_opportunities(conn, seeded.run2, "Other") == []

        class Found:
            def __init__(self, topic_id, priority):
                self.topic_id, self.product, self.relevance = topic_id, "Northwind Flow", priority
                self.priority, self.explanation, self.parts = priority, "why", {"terms": ["a"]}

        with store.begin() as conn:
            fit_rows.replace_opportunities(conn, seeded.run2, "Acme",
                                           [Found(seeded.t2, 0.3), Found(seeded.t4, 0.9)])
        with store.begin() as conn:  # twice: the same rows, no duplicate key
            fit_rows.replace_opportunities(conn, seeded.run2, "Acme",
                                           [Found(seeded.t2, 0.3), Found(seeded.t4, 0.9)])
        with store.connect() as conn:
            found = fit_rows.load_opportunities(conn, seeded.run2, "Acme")
        assert [(o["topic_id"], o["parts"]) for o in found] == [(seeded.t4, {"terms": ["a"]}),
                                                               (seeded.t2, {"terms": ["a"]})]
        with store.begin() as conn:
            fit_rows.replace_opportunities(conn, seeded.run2, "Acme", [])
            assert fit_rows.load_opportunities(conn, seeded.run2, "Acme") == []

    def test_topic_items_newest_first_one_per_story(self, store, now):
        seeded = seed(store, now)
        with store.begin() as conn:
            story = conn.execute(stories.insert().values(
                title="wire", first_seen_at=now, last_seen_at=now)).inserted_primary_key[0]
            conn.execute(items.update().where(items.c.id.in_(["item0", "item1"]))
                         .values(story_id=story))
        with store.connect() as conn:
            got = fit_rows.topic_items(conn, seeded.run2, seeded.t1)
            assert [i["id"] for i in got] == ["item0", "item2", "item3"]
            assert [i["id"] for i in fit_rows.topic_items(conn, seeded.run2, seeded.t1, limit=1)] == ["item0"]
            assert fit_rows.topic_items(conn, seeded.run2, seeded.t2) == []

    def test_ideas_store_reuse_and_feedback(self, store, now):
        seeded = seed(store, now)
        key = (seeded.run2, "Acme", seeded.t1, "Northwind Flow")
        with store.connect() as conn:
            (stored,) = fit_rows.stored_ideas(conn, *key)
        assert stored["drafts"][1]["platform"] == "x" and stored["best_before"] == now + timedelta(days=2)
        assert stored["dropped"] == []
        row = {k: stored[k] for k in ("run_id", "topic_id", "profile", "product", "angle", "hook",
                                      "hashtags", "sources", "drafts", "generator")}
        with store.begin() as conn:
            new_ids = fit_rows.insert_ideas(conn, [dict(row, hook="second", created_at=now),
                                                   dict(row, hook="third", created_at=now)])
        assert len(new_ids) == 2 and new_ids == sorted(new_ids) and stored["id"] < new_ids[0]
        with store.begin() as conn:
            fit_rows.add_feedback(conn, seeded.t1, "useful", profile="Acme", idea_id=new_ids[0], now=now)
            fit_rows.add_feedback(conn, seeded.t1, "not_useful", profile=None, idea_id=new_ids[1],
                                  now=now, note="off")
        with store.connect() as conn:
            assert [i["hook"] for i in fit_rows.stored_ideas(conn, *key)] == [stored["hook"], "second"]
        with store.begin() as conn:
            fit_rows.delete_unmarked_ideas(conn, *key)
        with store.connect() as conn:
            left = conn.execute(select(ideas.c.hook, ideas.c.feedback).order_by(ideas.c.id)).all()
        assert [tuple(r) for r in left] == [("second", "useful"), ("third", "not_useful")]

    def test_feedback_marks_and_clear(self, store, now):
        seeded = seed(store, now)
        with store.begin() as conn:
            fit_rows.add_feedback(conn, seeded.t2, "mute", profile="Acme", idea_id=None, now=now)
            fit_rows.add_feedback(conn, seeded.t4, "useful", profile=None, idea_id=None, now=now)
            fit_rows.add_feedback(conn, seeded.t1, "useful", profile="Other", idea_id=None, now=now)
            with pytest.raises(StoreError, match="no topic"):
                fit_rows.add_feedback(conn, 10**6, "useful", profile=None, idea_id=None, now=now)
            with pytest.raises(StoreError, match="no idea"):
                fit_rows.add_feedback(conn, seeded.t1, "useful", profile=None, idea_id=10**6, now=now)
            idea_id = conn.execute(select(ideas.c.id)).scalar()
            with pytest.raises(StoreError, match="belongs to topic"):
                fit_rows.add_feedback(conn, seeded.t2, "useful", profile=None, idea_id=idea_id, now=now)
        with store.connect() as conn:
            marks = fit_rows.load_marks(conn, "Acme")
            assert [(m.topic_id, m.verdict) for m in marks] == [(seeded.t2, "mute"), (seeded.t4, "useful")]
            assert conn.execute(select(feedback.c.created_at)).scalars().first() == now
        with store.begin() as conn:
            assert fit_rows.clear_feedback(conn, seeded.t4, "Acme") == 1
            assert fit_rows.clear_feedback(conn, seeded.t1, None) == 1
            assert fit_rows.clear_feedback(conn, seeded.t1, None) == 0
        assert count(store, feedback) == 1


# --- store/retention.py --------------------------------------------------------------------

class TestRetention:
    def test_purge_by_collection_time_with_children(self, store, now):
        source_id = add_source(store)
        old = (now - timedelta(days=31)).astimezone(BERLIN)
        with store.begin() as conn:
            story = conn.execute(stories.insert().values(
                title="old", first_seen_at=old, last_seen_at=old)).inserted_primary_key[0]
            insert_ignore(conn, items, [
                item_row(source_id, "old1", old, story_id=story),
                item_row(source_id, "old2", old),
                # published long ago but collected today: stays
                item_row(source_id, "fresh", now, published_at=now - timedelta(days=400)),
            ])
        run_rows.save_embeddings(store, ["old1", "fresh"], "m", np.ones((2, 4), np.float32))

        dry = purge(store, now, timedelta(days=30), dry_run=True)
        assert (dry.items, dry.embeddings, dry.dry_run) == (2, 1, True)
        assert count(store, items) == 3

        report = purge(store, now, timedelta(days=30), batch=1)
        assert (report.items, report.embeddings, report.assignments, report.stories) == (2, 1, 0, 1)
        assert report.as_dict()["cutoff"] == now - timedelta(days=30)
        with store.connect() as conn:
            assert list(conn.execute(select(items.c.id)).scalars()) == ["fresh"]
        assert count(store, embeddings) == 1 and count(store, stories) == 0
        assert purge(store, now, timedelta(days=30)).items == 0

    def test_topics_stay(self, store, now):
        seed(store, now)
        before = count(store, topics)
        report = purge(store, now + timedelta(days=60), timedelta(days=30))
        assert report.items == 4 and report.assignments == 4
        assert count(store, topics) == before and count(store, items) == 0
