"""The shell's steps on a real store: analyse → rank → ideas as one typed step, the CLI's
`analyze` leaving exactly what the service leaves, per-source isolation, bugs surfacing,
and reruns at the same ``now`` writing nothing twice."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from aiohttp import web
from click.testing import CliRunner
from sqlalchemy import func, select

from tests.analysis.test_run import seed_world
from tests.conftest import FIXTURES, make_settings
from trendwatch.errors import AnalysisError
from trendwatch.service import pipeline
from trendwatch.service.scheduler import Service, default_steps
from trendwatch.store import jobs as job_rows
from trendwatch.store import open_store
from trendwatch.store import sources as source_rows
from trendwatch.store.schema import ideas, items, opportunities, runs, topic_snapshots, topics

PRODUCTS = ('[analysis]\nmodel = "hashing-256"\n[[products]]\nname = "Fab tools"\n'
            'description = "semiconductor chip wafer lithography"\n')
CONFIG = '[company]\nname = "Acme"\n' + PRODUCTS


def settings():
    return make_settings(PRODUCTS)


def rows(store, table, *, drop=("id",)):
    """Every row of ``table`` without its surrogate keys, in a stable order."""
    with store.connect() as conn:
        found = [{k: v for k, v in r._mapping.items() if k not in drop}
                 for r in conn.execute(select(table))]
    return sorted(found, key=lambda r: json.dumps(r, sort_keys=True, default=str))


def count(store, table) -> int:
    with store.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


async def test_analysis_step_analyses_ranks_and_writes_ideas(store, now):
    seed_world(store, now)
    outcome = await pipeline.run_analysis(store, settings(), now)
    assert isinstance(outcome, pipeline.AnalysisOutcome)
    assert outcome.run_id == outcome.summary.run_id and outcome.summary.topics == 6
    found = outcome.opportunities["default"] if "default" in outcome.opportunities else \
        next(iter(outcome.opportunities.values()))
    assert found and all(o.product == "Fab tools" for o in found)
    assert count(store, opportunities) == sum(len(v) for v in outcome.opportunities.values())
    stored = rows(store, ideas)
    assert stored and all(row["drafts"] and row["generator"] == "template" for row in stored)
    assert sum(outcome.ideas.values()) == len(stored)
    summary = outcome.as_dict()
    assert summary["run_id"] == outcome.run_id and summary["ideas"] == outcome.ideas


async def test_no_ideas_ranks_but_writes_no_ideas(store, now):
    seed_world(store, now)
    outcome = await pipeline.run_analysis(store, settings(), now, ideas=False)
    assert count(store, opportunities) > 0 and outcome.opportunities
    assert count(store, ideas) == 0 and outcome.ideas == {}


async def test_without_products_the_step_only_analyses(store, now):
    seed_world(store, now)
    outcome = await pipeline.run_analysis(store, make_settings('[analysis]\nmodel = "hashing-256"\n'),
                                          now)
    assert outcome.summary.topics == 6
    assert outcome.opportunities == {} and count(store, opportunities) == 0


def test_cli_analyze_leaves_what_the_service_step_leaves(tmp_path, now):
    """Same seeded store, once through `trendwatch analyze`, once through the service's step."""
    import asyncio

    from trendwatch.cli import cli

    config = tmp_path / "feeds.toml"
    config.write_text(CONFIG)
    by_cli = open_store(f"sqlite:///{tmp_path / 'cli.db'}")
    by_service = open_store(f"sqlite:///{tmp_path / 'service.db'}")
    try:
        seed_world(by_cli, now)
        seed_world(by_service, now)
        result = CliRunner().invoke(cli, ["analyze", "--config", str(config), "--db",
                                          str(by_cli.engine.url), "--as-of", now.isoformat(),
                                          "--format", "json"])
        assert result.exit_code == 0, result.output
        printed = json.loads(result.output)
        outcome = asyncio.run(pipeline.run_analysis(by_service, settings(), now))
        assert printed["run_id"] == outcome.run_id and printed["ideas"] == outcome.ideas
        assert printed["opportunities"] == {k: len(v) for k, v in outcome.opportunities.items()}

        assert count(by_cli, opportunities) > 0 and count(by_cli, ideas) > 0
        assert rows(by_cli, topics) == rows(by_service, topics)
        assert rows(by_cli, opportunities) == rows(by_service, opportunities)
        assert rows(by_cli, ideas) == rows(by_service, ideas)
    finally:
        by_cli.close()
        by_service.close()


def test_cli_analyze_no_ideas(store, tmp_path, now):
    from trendwatch.cli import cli

    config = tmp_path / "feeds.toml"
    config.write_text(CONFIG)
    seed_world(store, now)
    result = CliRunner().invoke(cli, ["analyze", "--config", str(config), "--db",
                                      str(store.engine.url), "--as-of", now.isoformat(), "-q",
                                      "--no-ideas"])
    assert result.exit_code == 0, result.output
    assert "opportunities (no ideas: --no-ideas)" in result.output
    assert count(store, opportunities) > 0 and count(store, ideas) == 0


async def test_rerun_at_the_same_now_is_idempotent(store, now):
    seed_world(store, now)
    first = await pipeline.run_analysis(store, settings(), now)
    before = {t: rows(store, t) for t in (runs, topics, topic_snapshots, opportunities, ideas)}
    idea_ids = rows(store, ideas, drop=())
    again = await pipeline.run_analysis(store, settings(), now)
    assert again.run_id == first.run_id and again.summary.mode == "reused"
    assert again.ideas == first.ideas
    assert {t: rows(store, t) for t in before} == before
    assert rows(store, ideas, drop=()) == idea_ids   # the stored ideas are kept, not redrafted


def feed_app() -> web.Application:
    body = (FIXTURES / "feeds" / "rss2.xml").read_bytes()

    async def feed(request: web.Request) -> web.Response:
        return web.Response(body=body, headers={"Content-Type": "application/rss+xml"})

    async def broken(request: web.Request) -> web.Response:
        return web.Response(status=500, text="boom")

    app = web.Application()
    app.router.add_get("/feed.xml", feed)
    app.router.add_get("/broken.xml", broken)
    return app


async def test_a_failing_source_is_recorded_and_the_others_finish(aiohttp_server, store, now):
    server = await aiohttp_server(feed_app())
    config = make_settings(
        f'[[sources]]\nkind = "rss"\nname = "good"\nurl = "{server.make_url("/feed.xml")}"\n'
        f'[[sources]]\nkind = "rss"\nname = "bad"\nurl = "{server.make_url("/broken.xml")}"\n')
    # the service's collect step (pipeline.run_collect) reports the failure and carries on
    summary = await default_steps(store, config, None).collect(now)
    assert "sources=2 new=2 failed=1" in summary and 'failing="bad"' in summary
    health = {h["name"]: h for h in source_rows.source_health(store, now)}
    assert health["bad"]["error_count"] == 1 and "HTTP 500" in health["bad"]["last_error"]
    assert health["good"]["items_total"] == 2 and not health["good"]["last_error"]

    outcomes = {o.name: o for o in await pipeline.run_collect(store, config, now, due_only=False)}
    assert "bad" not in outcomes  # still in its backoff window
    assert outcomes["good"].status == "ok" and outcomes["good"].new_items == 0
    # collecting the same feed again at the same time stores no duplicates
    assert count(store, items) == 2


async def test_a_bug_in_analysis_propagates_and_keeps_the_previous_run(store, now, monkeypatch):
    seed_world(store, now)
    good = await pipeline.run_analysis(store, settings(), now - timedelta(hours=1))
    opportunities_before = rows(store, opportunities)

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug in scoring")

    monkeypatch.setattr("trendwatch.analysis.run.score_topics", broken)
    with pytest.raises(ZeroDivisionError, match="a bug in scoring"):
        await pipeline.run_analysis(store, settings(), now)
    with store.connect() as conn:
        statuses = {r.id: r.status for r in conn.execute(select(runs.c.id, runs.c.status))}
    assert statuses[good.run_id] == "ok" and sorted(statuses.values()) == ["failed", "ok"]
    assert rows(store, opportunities) == opportunities_before


async def test_a_bug_in_ranking_is_not_swallowed_by_the_step(store, now, monkeypatch):
    seed_world(store, now)

    def broken(*args, **kwargs):
        raise KeyError("a bug in ranking")

    monkeypatch.setattr("trendwatch.rank.run.rank_run", broken)
    with pytest.raises(KeyError, match="a bug in ranking"):
        await pipeline.run_analysis(store, settings(), now)
    assert count(store, ideas) == 0

    # the service keeps serving, but the failure is on the job's record, not dropped
    service = Service(store, settings(), clock=lambda: now, hard_exit=False)
    await service._execute("analyze", service.steps.analyze)
    job = {j["name"]: j for j in job_rows.list_jobs(store)}["analyze"]
    assert job["last_status"] == "failed" and "a bug in ranking" in job["last_error"]


async def test_an_expected_failure_is_recorded_as_such(store, now, monkeypatch):
    seed_world(store, now)

    def refuse(*args, **kwargs):
        raise AnalysisError("run 1 was analysed with another model")

    monkeypatch.setattr("trendwatch.rank.run.rank_run", refuse)
    service = Service(store, settings(), clock=lambda: now, hard_exit=False)
    await service._execute("analyze", service.steps.analyze)
    job = {j["name"]: j for j in job_rows.list_jobs(store)}["analyze"]
    assert job["last_status"] == "failed" and job["last_error"].startswith("run 1 was analysed")


async def test_ideas_are_generated_on_the_callers_event_loop(store, now):
    """The generator (an LLM client in production) runs on the service's loop, not on a
    second loop started in a worker thread."""
    import asyncio
    import threading

    from trendwatch.ideas import TemplateGenerator

    seen = []

    class Recording(TemplateGenerator):
        async def generate(self, context):
            seen.append((asyncio.get_running_loop(), threading.get_ident()))
            return await super().generate(context)

    seed_world(store, now)
    outcome = await pipeline.run_analysis(store, settings(), now, generator=Recording())
    assert seen and sum(outcome.ideas.values()) > 0
    assert set(seen) == {(asyncio.get_running_loop(), threading.get_ident())}
