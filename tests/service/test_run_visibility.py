"""A run is visible only once analysis, ranking and ideas have all committed; a run a
dead process left behind is marked interrupted (issue 12, finding 1)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from tests.analysis.test_run import seed_world
from tests.service.test_pipeline import CONFIG, count, settings
from trendwatch.service import pipeline
from trendwatch.store import runs as run_rows
from trendwatch.store import views
from trendwatch.store.schema import ideas, opportunities, runs, topics


def statuses(store) -> dict[int, str]:
    with store.connect() as conn:
        return {r.id: r.status for r in conn.execute(select(runs.c.id, runs.c.status))}


def newest_id(store) -> int:
    return max(statuses(store))


def assert_invisible(store, run_id: int, now: datetime) -> None:
    """No reader sees anything of ``run_id``, even when asked for it by id."""
    assert run_rows.latest_run(store)["id"] != run_id
    assert views.run_snapshots(store, run_id) == {}
    assert run_rows.topic_rows(store, run_id) == []
    assert views.run_platforms(store, run_id) == []
    assert views.run_profiles(store, run_id) == []
    assert views.opportunities_with_snapshots(store, run_id, None)[1] == []
    with store.connect() as conn:
        topic_ids = list(conn.execute(select(topics.c.id)).scalars())
        profiles = set(conn.execute(select(opportunities.c.profile)).scalars())
    assert profiles   # the previous run's, at least
    for profile in profiles:
        assert views.run_opportunities(store, run_id, profile) == []
        assert all(r["run_id"] != run_id for r in views.topic_ideas(store, topic_ids, profile))
    _, series = views.snapshot_series(store, topic_ids)
    assert all(row[1] != run_id for row in series)
    assert views.topic_links(store, run_id, topic_ids) == []
    columns, rows = views.topics_table(store)
    last = columns.index("last_run_id")
    assert rows and all(r[last] != run_id for r in rows)
    assert all((views.topic(store, t) or {}).get("last_run_id") != run_id for t in topic_ids)
    assert all(views.topic_items(store, t, run_id)[1] == [] for t in topic_ids)


async def test_a_run_is_not_visible_until_ranked_and_a_ranking_failure_keeps_the_previous(
        store, now, monkeypatch):
    seed_world(store, now)
    good = await pipeline.run_analysis(store, settings(), now - timedelta(hours=1))
    assert run_rows.latest_run(store)["id"] == good.run_id
    from trendwatch.rank import run as rank_module

    real_rank = rank_module.rank_run
    seen: dict[str, object] = {}

    def rank_then_fail(store_, settings_, run_id, embedder, *args, **kwargs):
        # analysis has committed: the run exists, but nobody may see it yet
        seen["status"] = statuses(store)[run_id]
        seen["latest"] = run_rows.latest_run(store)["id"]
        real_rank(store_, settings_, run_id, embedder, *args, **kwargs)
        assert_invisible(store, run_id, now)   # even with its opportunities written
        raise RuntimeError("ranking died half-way")

    monkeypatch.setattr(rank_module, "rank_run", rank_then_fail)
    with pytest.raises(RuntimeError, match="half-way"):
        await pipeline.run_analysis(store, settings(), now)
    new = newest_id(store)
    assert seen == {"status": "analysed", "latest": good.run_id}
    assert statuses(store)[new] == "failed"
    assert run_rows.latest_run(store)["id"] == good.run_id
    assert_invisible(store, new, now)
    assert "ranking died half-way" in views.newest_run_started(store)["error"]


async def test_an_ideas_failure_keeps_the_previous_run_visible(store, now, monkeypatch):
    seed_world(store, now)
    good = await pipeline.run_analysis(store, settings(), now - timedelta(hours=1))

    async def broken(*args, **kwargs):
        raise ValueError("the generator broke")

    monkeypatch.setattr("trendwatch.ideas.briefing.abuild_ideas", broken)
    with pytest.raises(ValueError, match="generator broke"):
        await pipeline.run_analysis(store, settings(), now)
    new = newest_id(store)
    assert statuses(store) == {good.run_id: "ok", new: "failed"}
    assert run_rows.latest_run(store)["id"] == good.run_id
    assert_invisible(store, new, now)


async def test_no_ideas_publishes_the_run_after_ranking(store, now):
    seed_world(store, now)
    outcome = await pipeline.run_analysis(store, settings(), now, ideas=False)
    assert run_rows.latest_run(store)["id"] == outcome.run_id
    assert statuses(store) == {outcome.run_id: "ok"}
    assert count(store, opportunities) > 0 and count(store, ideas) == 0
    assert views.run_opportunities(store, outcome.run_id, next(iter(outcome.opportunities)))


async def test_a_rerun_of_a_published_run_that_fails_to_rank_leaves_it_published(
        store, now, monkeypatch):
    seed_world(store, now)
    good = await pipeline.run_analysis(store, settings(), now)

    def broken(*args, **kwargs):
        raise RuntimeError("ranking broke on the rerun")

    monkeypatch.setattr("trendwatch.rank.run.rank_run", broken)
    with pytest.raises(RuntimeError):
        await pipeline.run_analysis(store, settings(), now)   # same now, same items: reused
    assert statuses(store) == {good.run_id: "ok"}
    assert run_rows.latest_run(store)["id"] == good.run_id


def age_run(store, run_id: int, started_at: datetime) -> None:
    with store.begin() as conn:
        conn.execute(update(runs).where(runs.c.id == run_id).values(started_at=started_at))


async def test_runs_a_dead_process_left_are_marked_interrupted_by_the_next_analysis(store, now):
    seed_world(store, now)
    wall = datetime.now(UTC)
    dead = run_rows.start_run(store, now - timedelta(hours=3), now - timedelta(days=8),
                              "hashing-256", {})
    age_run(store, dead, wall - timedelta(hours=3))
    young = run_rows.start_run(store, now - timedelta(hours=2), now - timedelta(days=8),
                               "hashing-256", {})      # maybe another process's, right now
    outcome = await pipeline.run_analysis(store, settings(), now)
    found = statuses(store)
    assert found == {dead: "interrupted", young: "running", outcome.run_id: "ok"}
    with store.connect() as conn:
        error = conn.execute(select(runs.c.error).where(runs.c.id == dead)).scalar_one()
    assert error == "interrupted: the process stopped before the run finished"
    assert any(f"marked run(s) {dead} interrupted" in n for n in outcome.summary.notes)


def test_cli_analyze_marks_dead_runs(tmp_path, now):
    from trendwatch.cli import cli
    from trendwatch.store import open_store

    config = tmp_path / "feeds.toml"
    config.write_text(CONFIG)
    store = open_store(f"sqlite:///{tmp_path / 'cli.db'}")
    try:
        seed_world(store, now)
        dead = run_rows.start_run(store, now + timedelta(hours=1), now, "hashing-256", {})
        age_run(store, dead, datetime.now(UTC) - timedelta(hours=5))
        result = CliRunner().invoke(cli, ["analyze", "--config", str(config), "--db",
                                          str(store.engine.url), "--as-of", now.isoformat(), "-q"])
        assert result.exit_code == 0, result.output
        assert statuses(store)[dead] == "interrupted"
        assert run_rows.latest_run(store)["status"] == "ok"
    finally:
        store.engine.dispose()


def test_status_shows_a_run_marked_interrupted_at_service_start(tmp_path, now):
    """The service died mid-run: at the next start (pipeline.mark_dead_runs) the run is
    interrupted, and `trendwatch status` says so instead of "running" forever."""
    from trendwatch.cli import cli
    from trendwatch.store import open_store

    config = tmp_path / "feeds.toml"
    config.write_text(CONFIG)
    store = open_store(f"sqlite:///{tmp_path / 'status.db'}")
    try:
        dead = run_rows.start_run(store, now, now - timedelta(days=7), "hashing-256", {})
        wall = datetime.now(UTC)
        age_run(store, dead, wall - timedelta(hours=3))
        assert pipeline.mark_dead_runs(store, settings(), wall) == [dead]
        shown = CliRunner().invoke(cli, ["status", "--config", str(config), "--db",
                                         str(store.engine.url), "--format", "json"])
        assert shown.exit_code == 0, shown.output
        attempt = json.loads(shown.output)["latest_attempt"]
        assert attempt["id"] == dead and attempt["status"] == "interrupted"
        assert attempt["error"] == "interrupted: the process stopped before the run finished"
        text = CliRunner().invoke(cli, ["status", "--config", str(config), "--db",
                                        str(store.engine.url)])
        assert f"newest analysis attempt #{dead}: interrupted" in text.output
    finally:
        store.engine.dispose()


def test_mark_interrupted_spares_young_and_finished_runs(store, now):
    wall = datetime.now(UTC)
    made = {}
    for name in ("old_running", "old_analysed", "young_running", "old_failed"):
        made[name] = run_rows.start_run(store, now, now - timedelta(days=7), "m", {})
    with store.begin() as conn:
        conn.execute(update(runs).where(runs.c.id == made["old_analysed"]).values(status="analysed"))
        conn.execute(update(runs).where(runs.c.id == made["old_failed"]).values(status="failed"))
    for name in ("old_running", "old_analysed", "old_failed"):
        age_run(store, made[name], wall - timedelta(hours=2, minutes=1))
    assert run_rows.mark_interrupted(store, wall, timedelta(hours=2)) == sorted(
        [made["old_running"], made["old_analysed"]])
    found = statuses(store)
    assert [found[made[n]] for n in made] == ["interrupted", "interrupted", "running", "failed"]
    assert run_rows.mark_interrupted(store, wall, timedelta(hours=2)) == []
    # a process that ran past the timeout and comes back cannot publish what was given up on
    from trendwatch.errors import AnalysisError

    with pytest.raises(AnalysisError, match="interrupted, not analysed"):
        run_rows.publish_run(store, made["old_analysed"])
    assert run_rows.latest_run(store) is None


def test_run_timeout_below_five_minutes_is_refused():
    from trendwatch.errors import ConfigError

    assert settings().analysis.run_timeout == timedelta(hours=2)
    with pytest.raises((ConfigError, ValueError), match="run_timeout must be at least 5m"):
        from tests.conftest import make_settings

        make_settings('[analysis]\nrun_timeout = "1m"\n')
