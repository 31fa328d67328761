"""Reddit: listing parser (JSON and RSS), User-Agent, OAuth, 403/429 stop the run."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aiohttp import web

from tests.loopback import error, fixture, fixture_bytes, logging_app, run_collector, serve_json
from trendwatch.collect.collectors import reddit
from trendwatch.collect.collectors.reddit import RedditCollector, parse_listing, parse_listing_rss
from trendwatch.errors import AuthRequired, HTTPStatusError
from trendwatch.models import SourceState

UTC = UTC


def test_listing_posts_with_counts_deleted_authors_and_emoji():
    items = parse_listing(fixture("reddit/new_ebikes.json"))
    assert len(items) == 3  # the t1 comment is not a post
    ask, news, winter = items
    assert ask.title == "Best folding e-bike for a train commute?"
    assert ask.text == "I ride 8 km + train. Budget 2k €. Thoughts? & tips welcome"
    assert ask.author == "commuter_anna" and ask.external_id == "t3_1gx001"
    assert ask.url == "https://www.reddit.com/r/ebikes/comments/1gx001/best_folding_e-bike_for_a_trai/"
    assert ask.published_at == datetime(2026, 11, 20, 7, 40, tzinfo=UTC)
    assert ask.engagement == {"score": 42, "replies": 17}
    assert news.author is None and "https://news.example/2026/11/ebike-subsidy" in news.text
    assert winter.title.startswith("😅") and winter.published_at.tzinfo == UTC


def test_empty_and_broken_listings():
    assert parse_listing({"kind": "Listing", "data": {"children": []}}) == []
    assert parse_listing({"error": 404}) == [] and parse_listing([]) == []


def test_rss_listing():
    [item] = parse_listing_rss(fixture_bytes("reddit/new_ebikes.rss"),
                               "https://www.reddit.com/r/ebikes/new/.rss")
    assert item.author == "commuter_anna" and item.external_id == "t3_1gx001"
    assert item.outlet is None and "8 km + train" in item.text
    assert item.published_at == datetime(2026, 11, 20, 7, 40, tzinfo=UTC)


def make(url, **options) -> RedditCollector:
    base = str(url).rstrip("/")
    return RedditCollector(RedditCollector.Options(kind="reddit", subreddit="ebikes", base_url=base,
                                                   oauth_url=base, **options))


async def test_listings_with_descriptive_user_agent(aiohttp_server, now):
    log: list[web.Request] = []
    app = logging_app(log)
    app.router.add_get("/r/ebikes/new.json", serve_json("reddit/new_ebikes.json"))
    app.router.add_get("/r/ebikes/hot.json", serve_json("reddit/hot_ebikes.json"))
    server = await aiohttp_server(app)
    result = await run_collector(make(server.make_url("")), SourceState(), now)
    assert len(result.items) == 4 and not result.warnings
    assert [r.path for r in log] == ["/r/ebikes/new.json", "/r/ebikes/hot.json"]
    assert log[0].query["raw_json"] == "1" and log[0].query["limit"] == "100"
    assert log[0].headers["User-Agent"].startswith(f"{reddit.sys.platform}:trendwatch:")


async def test_oauth_client_credentials(aiohttp_server, monkeypatch, now):
    monkeypatch.setenv("R_ID", "cid")
    monkeypatch.setenv("R_SECRET", "csecret")
    reddit._TOKENS.clear()
    log: list[web.Request] = []
    app = logging_app(log)

    async def token(request: web.Request) -> web.Response:
        assert request.headers["Authorization"] == "Basic Y2lkOmNzZWNyZXQ="
        assert (await request.post())["grant_type"] == "client_credentials"
        return web.json_response({"access_token": "tok", "token_type": "bearer",
                                  "expires_in": 86400, "scope": "*"})

    app.router.add_post("/api/v1/access_token", token)
    app.router.add_get("/r/ebikes/new", serve_json("reddit/new_ebikes.json"))
    server = await aiohttp_server(app)
    c = make(server.make_url(""), trends=False, client_id_env="R_ID", client_secret_env="R_SECRET")
    result = await run_collector(c, SourceState(), now)
    assert len(result.items) == 3
    assert log[-1].headers["Authorization"] == "Bearer tok"
    reddit._TOKENS.clear()


@pytest.mark.parametrize("status,exc", [(403, AuthRequired), (429, HTTPStatusError)])
async def test_403_and_429_stop_the_run(aiohttp_server, now, status, exc):
    log: list[web.Request] = []
    app = logging_app(log)
    app.router.add_get("/r/ebikes/new.json", error(status, headers={"Retry-After": "120"}))
    app.router.add_get("/r/ebikes/hot.json", serve_json("reddit/hot_ebikes.json"))
    server = await aiohttp_server(app)
    with pytest.raises(exc) as raised:
        await run_collector(make(server.make_url("")), SourceState(), now)
    assert len(log) == 1  # /hot was not asked for after the refusal
    if status == 429:
        assert raised.value.retry_after == 120
    else:
        assert "private, quarantined or banned" in str(raised.value)


def test_options_are_checked():
    with pytest.raises(ValueError, match="not subreddit names"):
        RedditCollector.Options(kind="reddit", subreddit="e bikes")
    with pytest.raises(ValueError, match="both client_id_env"):
        RedditCollector.Options(kind="reddit", subreddit="ebikes", client_id_env="X")
