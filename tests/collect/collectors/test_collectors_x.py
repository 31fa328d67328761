"""X recent search: parser, since_id polling, and the monthly read cap."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aiohttp import web

from tests.conftest import make_settings
from tests.loopback import error, fixture, logging_app, run_collector, serve_json
from trendwatch.collect.collectors.x import XCollector, parse_search, seconds_to_next_month
from trendwatch.collect.run import collect_sources
from trendwatch.errors import AuthRequired, BudgetExceeded, CollectError, HTTPStatusError
from trendwatch.models import SourceState
from trendwatch.store import sources as source_rows
from trendwatch.store.quotas import StoreBudget, get_quota

UTC = UTC


def test_posts_users_metrics_and_rtl():
    first, second = parse_search(fixture("x/search_recent.json"))
    assert first.author == "citycycling" and first.hashtags == ["ebike"]
    assert first.url == "https://x.com/i/web/status/1859000000000000002"  # no handle in links
    assert first.engagement == {"likes": 40, "reposts": 5, "replies": 2, "quotes": 1}
    assert first.published_at == datetime(2026, 11, 20, 7, 55, tzinfo=UTC)
    assert second.text == "مسارات جديدة للدراجات #ebike" and second.lang == "ar"
    assert parse_search(fixture("x/search_empty.json")) == []


def make(url, **options) -> XCollector:
    return XCollector(XCollector.Options(kind="x", base_url=str(url).rstrip("/"), hashtags=["ebike"],
                                         token_env="X_TOKEN", **options))


@pytest.fixture
def token(monkeypatch):
    monkeypatch.setenv("X_TOKEN", "bearer-1")


def x_app(log, handler=None) -> web.Application:
    app = logging_app(log)
    app.router.add_get("/2/tweets/search/recent", handler or serve_json("x/search_recent.json"))
    return app


async def test_reads_are_counted_and_the_cap_stops_the_source(aiohttp_server, token, store, now):
    log: list[web.Request] = []
    server = await aiohttp_server(x_app(log))
    budget = StoreBudget(store)
    c = make(server.make_url(""), monthly_read_cap=14)
    first = await run_collector(c, SourceState(), now, budget=budget)
    assert log[0].query["max_results"] == "14" and log[0].query["query"] == "#ebike -is:retweet"
    assert log[0].headers["Authorization"] == "Bearer bearer-1"
    assert first.state.cursor == {"since_id": "1859000000000000002"}
    quota = get_quota(store, "x:#ebike:2026-11")
    assert (quota.used, quota.reserved, quota.cap) == (2, 0, 14)
    second = await run_collector(c, first.state, now, budget=budget)
    assert log[1].query["since_id"] == "1859000000000000002"
    assert log[1].query["max_results"] == "12"
    assert get_quota(store, "x:#ebike:2026-11").used == 4
    # 10 left is still a request; fewer than the API's minimum of 10 is not
    with pytest.raises(BudgetExceeded, match="4 of 13 posts read in 2026-11") as raised:
        await run_collector(make(server.make_url(""), monthly_read_cap=13), second.state, now,
                            budget=budget)
    assert len(log) == 2
    assert raised.value.retry_after == seconds_to_next_month(now)
    # a new month starts a new count
    december = datetime(2026, 12, 1, 0, 5, tzinfo=UTC)
    await run_collector(make(server.make_url(""), monthly_read_cap=13), second.state, december,
                        budget=budget)
    assert get_quota(store, "x:#ebike:2026-12").used == 2
    assert get_quota(store, "x:#ebike:2026-11").used == 4


async def test_reads_counted_in_the_old_cursor_carry_over_into_the_quota(aiohttp_server, token,
                                                                        store, now):
    log: list[web.Request] = []
    server = await aiohttp_server(x_app(log))
    old = SourceState(cursor={"since_id": "1", "budget": {"month": "2026-11", "reads": 90}})
    await run_collector(make(server.make_url(""), monthly_read_cap=110), old, now,
                        budget=StoreBudget(store))
    assert log[0].query["max_results"] == "20"
    assert get_quota(store, "x:#ebike:2026-11").used == 92


async def test_an_error_answer_releases_the_reservation(aiohttp_server, token, store, now):
    server = await aiohttp_server(x_app([], error(429, headers={"x-rate-limit-reset": "0"})))
    with pytest.raises(HTTPStatusError):
        await run_collector(make(server.make_url(""), monthly_read_cap=100), SourceState(), now,
                            budget=StoreBudget(store))
    quota = get_quota(store, "x:#ebike:2026-11")
    assert (quota.used, quota.reserved) == (0, 0)


async def test_x_refuses_to_run_without_the_stores_budget(aiohttp_server, token, now):
    log: list[web.Request] = []
    server = await aiohttp_server(x_app(log))
    with pytest.raises(CollectError, match="read budget|counted in the store"):
        await run_collector(make(server.make_url(""), monthly_read_cap=100), SourceState(), now)
    assert log == []


async def test_cap_reached_is_recorded_on_the_source(aiohttp_server, token, store, now):
    server = await aiohttp_server(x_app([]))
    settings = make_settings(f'[[sources]]\nkind = "x"\nname = "x"\nenabled = true\n'
                             f'hashtags = ["ebike"]\ntoken_env = "X_TOKEN"\nmonthly_read_cap = 11\n'
                             f'base_url = "{server.make_url("")}"\n')
    [first] = await collect_sources(store, settings, now=now)
    assert first.status == "ok" and first.new_items == 2
    [second] = await collect_sources(store, settings, names=["x"], now=now)
    assert second.status == "error" and "monthly read cap" in second.message
    [health] = source_rows.source_health(store, now)
    assert health["next_check_at"] >= datetime(2026, 12, 1, tzinfo=UTC)


async def test_x_is_off_unless_enabled_and_needs_a_cap():
    settings = make_settings('[[sources]]\nkind = "x"\nhashtags = ["a"]\ntoken_env = "T"\n'
                             'monthly_read_cap = 100\n')
    assert settings.sources[0].enabled is False
    with pytest.raises(Exception, match="monthly_read_cap"):
        make_settings('[[sources]]\nkind = "x"\nhashtags = ["a"]\ntoken_env = "T"\n')


async def test_401_is_auth_required(aiohttp_server, token, store, now):
    server = await aiohttp_server(x_app([], error(401, {"title": "Unauthorized", "detail": "Unauthorized"})))
    with pytest.raises(AuthRequired, match="HTTP 401.*Unauthorized"):
        await run_collector(make(server.make_url(""), monthly_read_cap=100), SourceState(), now,
                            budget=StoreBudget(store))
