"""Google Trends daily RSS: approx traffic as trend points, attached news as items."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.loopback import fixture_bytes, logging_app, run_collector
from trendwatch.collect.collectors.google_trends import (
    GoogleTrendsCollector,
    parse_traffic,
    parse_trending_rss,
)
from trendwatch.errors import ParseError
from trendwatch.models import SourceState

UTC = UTC


def test_traffic_strings():
    assert parse_traffic("20,000+") == 20000
    assert parse_traffic("2K+") == 2000 and parse_traffic("1M+") == 1_000_000
    assert parse_traffic("200+") == 200
    assert parse_traffic("") is None and parse_traffic("lots") is None


def test_trends_and_news_items(now):
    items, points = parse_trending_rss(fixture_bytes("google_trends/us.xml"), geo="US",
                                       now=now.replace(minute=20))
    assert [(p.term, p.metric, p.value) for p in points] == [
        ("e-bike tax credit", "traffic", 20000), ("cargo bike", "traffic", 2000)]
    first = points[0]
    assert first.at == now.replace(minute=0) and first.extra["approx"] == "20,000+"
    assert first.extra["started_at"] == "2026-11-20T12:40:00+00:00"
    assert [n["source"] for n in first.extra["news"]] == ["News Example", "The Daily Example"]
    assert len(items) == 3
    assert items[1].title == "What the e-bike credit means for commuters"  # markup removed
    assert items[1].outlet == "The Daily Example"
    assert items[0].published_at == datetime(2026, 11, 20, 12, 40, tzinfo=UTC)


def test_empty_channel_and_bad_xml(now):
    assert parse_trending_rss(b"<rss><channel></channel></rss>", geo="US", now=now) == ([], [])
    with pytest.raises(ParseError, match="geo=US"):
        parse_trending_rss(b"<html>nope", geo="US", now=now)
    bomb = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
            b"<rss><channel><item><title>&b;</title></item></channel></rss>")
    with pytest.raises(ParseError):
        parse_trending_rss(bomb, geo="US", now=now)


async def test_one_request_per_geo(aiohttp_server, now):
    from aiohttp import web

    log: list[web.Request] = []
    app = logging_app(log)

    async def rss(request: web.Request) -> web.Response:
        return web.Response(body=fixture_bytes("google_trends/us.xml"),
                            content_type="application/rss+xml")

    app.router.add_get("/trending/rss", rss)
    server = await aiohttp_server(app)
    c = GoogleTrendsCollector(GoogleTrendsCollector.Options(
        kind="google_trends", geo=["us", "de"], base_url=str(server.make_url("")).rstrip("/")))
    result = await run_collector(c, SourceState(), now)
    assert [r.query["geo"] for r in log] == ["US", "DE"]
    assert len(result.trend_points) == 4 and len(result.items) == 6
