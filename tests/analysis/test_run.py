import json
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from tests.conftest import make_settings
from tests.synthetic import add_items, burst, steady
from trendwatch.analysis.embed.base import HashingEmbedder
from trendwatch.analysis.run import analyze
from trendwatch.store import runs as analysis_store
from trendwatch.store.schema import assignments, embeddings, runs, topic_snapshots, topics

STEADY = ["solar", "football", "coffee", "election"]


def seed_world(store, now, *, burst_outlets=15):
    specs = []
    for i, topic in enumerate(STEADY):
        specs += steady(topic, now - timedelta(days=7), now, per_day=12, outlets=8, seed=i)
    specs += burst("chips", now - timedelta(hours=20), now, count=40,
                   outlets=[f"o{k}" for k in range(burst_outlets)], seed=9)
    specs += burst("vaccine", now - timedelta(hours=20), now, count=40, outlets=["spammer"], seed=10)
    return add_items(store, specs)


def by_label(store, run_id):
    return {r["label"]: r for r in analysis_store.topic_rows(store, run_id)}


def test_end_to_end_emergence_and_gates(store, now):
    seed_world(store, now)
    summary = analyze(store, make_settings(), now, HashingEmbedder())
    assert summary.mode == "full" and summary.topics == 6 and summary.embedded == summary.items
    rows = by_label(store, summary.run_id)
    emerging = [r for r in rows.values() if r["status"] == "emerging"]
    assert len(emerging) == 1 and set(emerging[0]["keywords"]) & {"chip", "semiconductor", "wafer"}
    assert emerging[0]["distinct_sources"] == 15
    spam = [r for r in rows.values() if set(r["keywords"]) & {"vaccine", "booster", "dose"}][0]
    assert spam["status"] != "emerging" and spam["distinct_sources"] == 1
    steady_rows = [r for r in rows.values() if r["status"] == "established"]
    assert len(steady_rows) == 4
    for r in rows.values():
        assert r["score_parts"]["surprise"] >= 0 and r["platforms"] == {"news": r["size"]}


def test_rerun_at_same_as_of_is_idempotent(store, now):
    seed_world(store, now)
    settings, embedder = make_settings(), HashingEmbedder()
    first = analyze(store, settings, now, embedder)
    again = analyze(store, settings, now, embedder)
    assert again.run_id == first.run_id and again.mode == "reused"
    with store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(runs)).scalar_one() == 1
        assert conn.execute(select(func.count()).select_from(topics)).scalar_one() == first.topics


def test_topic_ids_stable_across_runs_and_new_items_join(store, now):
    seed_world(store, now)
    settings, embedder = make_settings(), HashingEmbedder()
    first = analyze(store, settings, now, embedder)
    before = {r["topic_id"]: set(r["keywords"][:3]) for r in analysis_store.topic_rows(store, first.run_id)}
    later = now + timedelta(hours=2)
    new_ids = add_items(store, steady("coffee", now, later, per_day=48, outlets=8, seed=42, prefix="n"))
    second = analyze(store, settings, later, embedder)
    assert second.mode == "incremental" and second.new_topics == 0
    joined = analysis_store.load_assignments(store, second.run_id)
    coffee_topic = [t for t, kw in before.items() if kw & {"coffee", "espresso", "barista", "roast",
                                                           "bean", "brew", "arabica", "cafe"}][0]
    assert sum(joined.get(i) == coffee_topic for i in new_ids) >= len(new_ids) * 0.8
    third = analyze(store, settings, later + timedelta(hours=7), embedder)  # full re-clustering
    assert third.mode == "full"
    after = {r["topic_id"] for r in analysis_store.topic_rows(store, third.run_id)}
    assert after == set(before)


def test_crash_mid_run_keeps_previous_results(store, now, monkeypatch):
    seed_world(store, now)
    settings, embedder = make_settings(), HashingEmbedder()
    good = analyze(store, settings, now, embedder)
    def snapshot_count():
        with store.connect() as conn:
            return conn.execute(select(func.count()).select_from(topic_snapshots)).scalar_one()

    n_snapshots = snapshot_count()
    def boom(*args, **kwargs):  # fails after topics were updated inside the run's transaction
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(analysis_store.topic_snapshots, "insert", boom)
    add_items(store, burst("coffee", now, now + timedelta(hours=8), count=30,
                           outlets=[f"c{k}" for k in range(12)], seed=5))
    with pytest.raises(RuntimeError, match="disk on fire"):
        analyze(store, settings, now + timedelta(hours=8), embedder, full=True)
    monkeypatch.undo()
    latest = analysis_store.latest_run(store)
    assert latest["id"] == good.run_id
    assert snapshot_count() == n_snapshots
    with store.connect() as conn:
        failed = conn.execute(select(runs).where(runs.c.status == "failed")).one()
        assert "disk on fire" in failed.error
        assert conn.execute(select(func.count()).select_from(assignments)
                            .where(assignments.c.run_id == failed.id)).scalar_one() == 0
        assert all(r.last_run_id == good.run_id for r in conn.execute(select(topics)))


def test_switching_model_reembeds_and_says_so(store, now):
    seed_world(store, now)
    settings = make_settings()
    analyze(store, settings, now, HashingEmbedder(256))
    notes = []
    summary = analyze(store, settings, now, HashingEmbedder(128), log=notes.append)
    assert summary.embedded == summary.items
    assert any("model changed to hashing-128" in n and "re-embedding" in n for n in notes)
    with store.connect() as conn:
        models = dict(conn.execute(select(embeddings.c.model_id, func.count())
                                   .group_by(embeddings.c.model_id)).all())
    assert models == {"hashing-256": summary.items, "hashing-128": summary.items}


def test_empty_window(store, now):
    summary = analyze(store, make_settings(), now, HashingEmbedder())
    assert summary.items == 0 and summary.topics == 0


def test_cli_topics_and_topic(store, database_url, now, tmp_path, monkeypatch):
    seed_world(store, now)
    config = tmp_path / "feeds.toml"
    config.write_text('[company]\nname = "Acme"\n[analysis]\nmodel = "hashing-256"\n')
    db_url = database_url
    from trendwatch.cli import cli

    runner = CliRunner()
    base = ["--config", str(config), "--db", db_url]
    result = runner.invoke(cli, ["analyze", *base, "--as-of", now.isoformat(), "--quiet"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["topics", *base, "--all", "--format", "json"])
    listed = json.loads(result.output)
    assert len(listed) == 6
    top = listed[0]
    assert top["status"] == "emerging"
    assert top["headline"] == top["label"]
    for key in ("id", "label", "headline", "keywords", "emergence", "score_parts", "size", "distinct_sources",
                "first_seen", "last_seen", "platforms", "signal", "growth_24h"):
        assert key in top
    result = runner.invoke(cli, ["topic", *base, str(top["id"]), "--format", "json"])
    detail = json.loads(result.output)
    assert len(detail["items"]) == top["size"] and detail["history"][0]["status"] == "emerging"
    assert all(i["id"] and i["external_id"] for i in detail["items"])
    assert runner.invoke(cli, ["topics", *base]).exit_code == 0
    assert runner.invoke(cli, ["topic", *base, "99999"]).exit_code != 0


def test_backtest_replays_in_a_scratch_copy(store, now, tmp_path):
    from trendwatch.analysis.backtest import backtest

    seed_world(store, now)
    result = backtest(store, make_settings(), now - timedelta(hours=24), now, timedelta(hours=12),
                      embedder=HashingEmbedder(), scratch=tmp_path / "bt")
    assert len(result.steps) == 3
    assert analysis_store.latest_run(store) is None  # the live store is untouched
    flagged = [t for t in result.topics if t["first_emerging"]]
    assert flagged and all(set(t["keywords"]) & {"chip", "semiconductor", "wafer", "foundry", "fab",
                                                  "lithography", "node", "nanometer", "export", "supply"}
                           for t in flagged)
    assert all(len(t["history"]) >= 1 for t in result.topics)
    assert "first_emerging" in result.as_csv().splitlines()[0]


def test_a_model_switch_keeps_the_topics_ids(store, now):
    """After a model change the known topics are placed in the new space from their members,
    so the same stories keep their ids (the old centroids are of another size)."""
    seed_world(store, now)
    settings = make_settings()
    first = analyze(store, settings, now, HashingEmbedder(256))
    before = {r["topic_id"] for r in analysis_store.topic_rows(store, first.run_id)}
    later = now + timedelta(hours=1)
    second = analyze(store, settings, later, HashingEmbedder(128))
    assert second.mode == "full" and second.model_id == "hashing-128"
    after = {r["topic_id"] for r in analysis_store.topic_rows(store, second.run_id)}
    assert after == before and second.new_topics == 0


OUTAGE = ["X global outage leaves millions of users unable to post - {o}",
          "Millions of X users hit by global outage | {o}",
          "X restores service after global outage hits millions of users",
          "LIVE: X global outage, millions of users report errors (video)",
          "Global outage on X: millions of users report errors … Read more"]


def test_topics_get_headlines(store, now):
    from trendwatch.analysis.label import is_keyphrase_label
    from trendwatch.models import Label

    seed_world(store, now)
    outlets = ["Reuters", "BBC News", "The Verge", "AP News", "Al Jazeera", "Le Monde"]
    add_items(store, [{"topic": "chips", "at": now - timedelta(hours=10, minutes=7 * k),
                       "outlet": outlets[k % 6],
                       "text": OUTAGE[k % 5].format(o=outlets[k % 6])}
                      for k in range(30)])
    settings, embedder = make_settings(), HashingEmbedder()
    first = analyze(store, settings, now, embedder)
    rows = analysis_store.topic_rows(store, first.run_id)
    outage = [r for r in rows if "outage" in r["keywords"]]
    assert outage   # the hashing embedder may split the story by wording: each part is named
    for row in outage:
        head = row["label"]
        assert 4 <= len(head.split()) <= 14 and "outage" in head.casefold(), head
        assert not any(b in head for b in ["Reuters", "BBC", "Verge", "LIVE", "(video)", "Read more",
                                           "…"]), head
        assert not is_keyphrase_label(Label(head, row["keywords"], [], ["en"])), head
    for r in rows:   # the synthetic background's titles make headlines too, keyphrases stay
        assert 4 <= len(r["label"].split()) <= 14 and r["keywords"]
    later = now + timedelta(hours=2)
    add_items(store, [{"topic": "chips", "at": later - timedelta(minutes=k), "outlet": "Wired",
                       "text": "Users say X outage is over as service returns for millions"}
                      for k in range(3)])
    second = analyze(store, settings, later, embedder)
    again = {r["topic_id"]: r["label"] for r in analysis_store.topic_rows(store, second.run_id)}
    for row in outage:   # the headline does not flip between runs
        assert again[row["topic_id"]] == row["label"]
