"""The contract every registered collector keeps, run automatically against each kind.

For every kind in ``REGISTRY`` a case below serves fixture responses in the platform's
real wire shapes from a loopback server. Each case checks that the collector
- returns items whose times are aware UTC,
- produces stable ids: a second run over the same responses adds nothing,
- talks only to the base URL it was given (every request is seen by the server, and
  the client refuses anything else).
A kind registered without a case fails this suite: add its case when adding the kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from typing import Any

import pytest
from aiohttp import web
from sqlalchemy import func, select

from tests.conftest import FIXTURES, make_settings
from tests.loopback import fixture, fixture_bytes, logging_app, run_collector
from trendwatch.collect.collectors import REGISTRY, bluesky, build_collector, reddit
from trendwatch.collect.http import HttpClient
from trendwatch.collect.run import collect_sources
from trendwatch.models import SourceState
from trendwatch.store.quotas import StoreBudget
from trendwatch.store.schema import items


def _feed(path: str, content_type: str):
    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=(FIXTURES / path).read_bytes(), content_type=content_type)
    return handler


def _json(rel: str):
    async def handler(request: web.Request) -> web.Response:
        return web.json_response(fixture(rel))
    return handler


def _xml(rel: str):
    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=fixture_bytes(rel), content_type="application/rss+xml")
    return handler


@dataclass
class Case:
    options: Callable[[str], dict[str, Any]]          # base URL → the source's options
    routes: dict[str, Callable] = field(default_factory=dict)
    post_routes: dict[str, Callable] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    network: bool = True                               # False: reads local files only


CASES: dict[str, Case] = {
    "rss": Case(lambda base: {"url": f"{base}/feed.xml"},
                {"/feed.xml": _feed("feeds/rss2.xml", "application/rss+xml")}),
    "google_news": Case(lambda base: {"query": "e-bike", "base_url": base},
                        {"/rss/search": _feed("feeds/arabic.xml", "application/rss+xml")}),
    "youtube": Case(lambda base: {"channel_id": "UC" + "a" * 22, "base_url": base},
                    {"/feeds/videos.xml": _feed("feeds/atom.xml", "application/atom+xml")}),
    "gdelt": Case(lambda base: {"query": "cargo bike", "base_url": base},
                  {"/api/v2/doc/doc": _feed("gdelt/artlist_ok.json", "application/json")}),
    "file": Case(lambda base: {"path": str(FIXTURES / "imports" / "clean.jsonl")}, network=False),
    "mastodon": Case(lambda base: {"instance": base, "hashtags": ["ebike"]}, {
        "/api/v1/trends/tags": _json("mastodon/trends_tags.json"),
        "/api/v1/trends/statuses": _json("mastodon/trends_statuses.json"),
        "/api/v1/trends/links": _json("mastodon/trends_links.json"),
        "/api/v1/tags/ebike": _json("mastodon/tag_ebike.json"),
        "/api/v1/timelines/tag/ebike": _json("mastodon/timeline_ebike.json"),
    }),
    "bluesky": Case(
        lambda base: {"base_url": base, "pds_url": base, "hashtags": ["ebike"],
                      "identifier_env": "CONTRACT_BSKY_ID", "password_env": "CONTRACT_BSKY_PW"},
        {"/xrpc/app.bsky.unspecced.getTrends": _json("bluesky/trends.json"),
         "/xrpc/app.bsky.feed.searchPosts": _json("bluesky/search_ebike.json")},
        {"/xrpc/com.atproto.server.createSession": _json("bluesky/session.json")},
        env={"CONTRACT_BSKY_ID": "monitor.example.com", "CONTRACT_BSKY_PW": "app-pass"}),
    "reddit": Case(lambda base: {"subreddit": "ebikes", "base_url": base, "oauth_url": base}, {
        "/r/ebikes/new.json": _json("reddit/new_ebikes.json"),
        "/r/ebikes/hot.json": _json("reddit/hot_ebikes.json"),
    }),
    "hackernews": Case(lambda base: {"base_url": base, "query": ["e-bike"]}, {
        "/api/v1/search": _json("hackernews/front_page.json"),
        "/api/v1/search_by_date": _json("hackernews/search_by_date.json"),
    }),
    "google_trends": Case(lambda base: {"base_url": base, "geo": "US"},
                          {"/trending/rss": _xml("google_trends/us.xml")}),
    "x": Case(lambda base: {"base_url": base, "enabled": True, "hashtags": ["ebike"],
                            "token_env": "CONTRACT_X_TOKEN", "monthly_read_cap": 1000},
              {"/2/tweets/search/recent": _json("x/search_recent.json")},
              env={"CONTRACT_X_TOKEN": "t"}),
}


def test_no_case_for_an_unregistered_kind():
    assert set(CASES) <= set(REGISTRY), f"cases for unknown kinds: {set(CASES) - set(REGISTRY)}"


@pytest.fixture
def contract(request, aiohttp_server, monkeypatch):
    """(options, request log, base URL) for one kind, with a guard on every fetch."""
    kind = request.param
    case = CASES.get(kind)
    for name, value in (case.env if case else {}).items():
        monkeypatch.setenv(name, value)
    bluesky._SESSIONS.clear()
    reddit._TOKENS.clear()
    return kind, case, aiohttp_server


@pytest.mark.parametrize("contract", sorted(REGISTRY), indirect=True)
async def test_collector_contract(contract, store, now, monkeypatch):
    kind, case, aiohttp_server = contract
    if case is None:
        pytest.fail(f"collector kind {kind!r} is registered but has no contract case: add one "
                    f"to CASES in {__file__}")
    log: list[web.Request] = []
    statuses: list[int] = []
    app = logging_app(log)

    @web.middleware
    async def status(request, handler):
        response = await handler(request)
        statuses.append(response.status)
        return response

    app.middlewares.append(status)
    for path, handler in case.routes.items():
        app.router.add_get(path, handler)
    for path, handler in case.post_routes.items():
        app.router.add_post(path, handler)
    server = await aiohttp_server(app)
    base = str(server.make_url("")).rstrip("/")

    real_fetch = HttpClient.fetch
    outside: list[str] = []

    async def guarded(self, url, **kwargs):
        if not str(url).startswith(base + "/"):
            outside.append(str(url))
            raise AssertionError(f"{kind} requested {url}, outside {base}")
        return await real_fetch(self, url, **kwargs)

    monkeypatch.setattr(HttpClient, "fetch", guarded)

    options = REGISTRY[kind].Options.model_validate({"kind": kind, "name": kind, **case.options(base)})
    settings = make_settings("")
    settings.sources = [options]

    # 1. the raw items: aware UTC times
    result = await run_collector(build_collector(options), SourceState(), now,
                                 budget=StoreBudget(store))
    assert result.items, f"{kind}: the fixture responses produced no items"
    for item in result.items:
        assert item.published_at is not None, f"{kind}: item without a time: {item}"
        assert item.published_at.utcoffset() == timedelta(0)
        assert item.published_at.tzinfo is UTC or item.published_at.tzname() == "UTC"

    # 2. through the runner twice: the second run over the same responses adds nothing
    [first] = await collect_sources(store, settings, now=now)
    assert first.status == "ok", first.message
    assert first.new_items > 0
    with store.connect() as conn:
        count = conn.execute(select(func.count()).select_from(items)).scalar()
    [second] = await collect_sources(store, settings, names=[kind], now=now + timedelta(hours=1))
    assert second.status in ("ok", "not_modified"), second.message
    assert second.new_items == 0, f"{kind}: ids are not stable across runs"
    with store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(items)).scalar() == count
        stored = conn.execute(select(items.c.published_at, items.c.platform)).all()
    assert all(r.published_at.utcoffset() == timedelta(0) for r in stored)
    assert {r.platform for r in stored} == {REGISTRY[kind].platform}

    # 3. nothing left the given base URL, and the server answered every request it got
    assert not outside
    assert bool(log) == case.network, f"{kind}: requests seen: {len(log)}"
    assert all(s < 400 for s in statuses), f"{kind}: unexpected statuses {statuses}"
