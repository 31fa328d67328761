"""Hacker News (Algolia): hits parser and polling by created_at_i."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aiohttp import web

from tests.loopback import fixture, logging_app, run_collector, serve_json
from trendwatch.collect.collectors.hackernews import HackernewsCollector, parse_hits
from trendwatch.models import SourceState

UTC = UTC


def test_hits_with_points_comments_and_ask_hn_text():
    show, ask = parse_hits(fixture("hackernews/search_by_date.json"))
    assert show.title == "Show HN: Open-source e-bike battery monitor"
    assert show.url == "https://github.com/example/battmon" and show.external_id == "46100002"
    assert show.engagement == {"score": 112, "replies": 41} and show.author == "tinkerer"
    assert show.published_at == datetime(2026, 11, 20, 7, 0, tzinfo=UTC)
    assert ask.url == "https://news.ycombinator.com/item?id=46100001"  # no url: the discussion
    assert ask.text == "I'm considering an e-bike. Thoughts?"


def test_empty_and_missing_fields():
    assert parse_hits({"hits": []}) == [] and parse_hits({}) == []
    [item] = parse_hits({"hits": [{"objectID": "1", "title": "t", "created_at": "2026-11-20T01:00:00Z"}]})
    assert item.engagement == {} and item.published_at == datetime(2026, 11, 20, 1, tzinfo=UTC)


async def test_second_run_asks_only_for_newer_stories(aiohttp_server, now):
    log: list[web.Request] = []
    app = logging_app(log)

    async def by_date(request: web.Request) -> web.Response:
        newer = "numericFilters" in request.query
        return web.json_response(fixture("hackernews/search_newer.json" if newer
                                         else "hackernews/search_by_date.json"))

    app.router.add_get("/api/v1/search_by_date", by_date)
    app.router.add_get("/api/v1/search", serve_json("hackernews/front_page.json"))
    server = await aiohttp_server(app)
    c = HackernewsCollector(HackernewsCollector.Options(
        kind="hackernews", base_url=str(server.make_url("")).rstrip("/"), query="e-bike"))
    first = await run_collector(c, SourceState(), now)
    assert len(first.items) == 3
    assert log[0].query["tags"] == "front_page"
    assert log[1].query["query"] == "e-bike" and log[1].query["tags"] == "story"
    second = await run_collector(c, first.state, now)
    assert log[-1].query["numericFilters"] == "created_at_i>1795158000"
    assert [i.external_id for i in second.items if i.external_id != "46099000"] == ["46100003"]
    assert second.state.cursor["since"]["e-bike"] == 1795167000


def test_hashtags_are_refused():
    with pytest.raises(ValueError, match="no hashtags"):
        HackernewsCollector.Options(kind="hackernews", hashtags=["x"])
