"""`gdelt` source: ArtList JSON parsing and the request it makes, against a loopback server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from aiohttp import web
from sqlalchemy import select

from tests.conftest import FIXTURES, make_settings
from trendwatch.collect.collectors.gdelt import gdelt_timespan, parse_gdelt
from trendwatch.collect.run import collect_sources
from trendwatch.errors import ConfigError, ParseError
from trendwatch.store.schema import items

ARTLIST = (FIXTURES / "gdelt" / "artlist.json").read_bytes()


def test_parse_artlist_outlet_is_domain_and_dates_are_utc():
    found, warnings = parse_gdelt(ARTLIST, "cargo bike")
    assert [i.outlet for i in found] == ["bikebiz.example", "rad.example.de", "news.example.sa"]
    assert found[0].published_at == datetime(2026, 11, 19, 9, 15, tzinfo=UTC)
    assert [i.lang for i in found] == ["en", "de", "ar"]
    assert found[2].title == "الدراجات الكهربائية & المدن"
    assert warnings == ["skipped 1 GDELT articles without url or title"]


@pytest.mark.parametrize("body, expected", [
    (b"", "empty response"),
    (b"   \n", "empty response"),
    (b"<html><body><p>Invalid query: the phrase is too short.</p></body></html>",
     "it said: Invalid query: the phrase is too short."),
    (b"Please limit requests to one every 5 seconds", "did not return JSON"),
    (b'{"articles": [', "invalid JSON"),
    (b'{"articles": "nope"}', "'articles' is not a list"),
])
def test_unusable_answers_are_clear_parse_errors(body, expected):
    with pytest.raises(ParseError, match="GDELT") as info:
        parse_gdelt(body, "bikes")
    assert expected in str(info.value)
    assert "'bikes'" in str(info.value)


def test_no_matches_is_an_empty_result_with_a_warning():
    assert parse_gdelt(b"{}", "zzz") == ([], ["GDELT found no articles for query 'zzz'"])


def test_timespan_syntax():
    assert gdelt_timespan(timedelta(days=1)) == "1d"
    assert gdelt_timespan(timedelta(hours=6)) == "6h"
    assert gdelt_timespan(timedelta(minutes=90)) == "90min"


def test_options_validated():
    with pytest.raises(ConfigError, match=r"sources\[0\]\.timespan: GDELT searches between"):
        make_settings('[[sources]]\nkind = "gdelt"\nquery = "x"\ntimespan = "1m"\n')
    with pytest.raises(ConfigError, match=r"sources\[0\]\.max_records"):
        make_settings('[[sources]]\nkind = "gdelt"\nquery = "x"\nmax_records = 1000\n')


async def test_collect_sends_the_doc_api_query_and_stores_articles(aiohttp_server, store, now):
    seen: list = []

    async def doc(request: web.Request) -> web.Response:
        seen.append(dict(request.query))
        return web.Response(body=ARTLIST, content_type="application/json")

    async def bad(request: web.Request) -> web.Response:
        return web.Response(text="<html>Your query was too short or too long.</html>",
                            content_type="text/html")

    app = web.Application()
    app.router.add_get("/api/v2/doc/doc", doc)
    app.router.add_get("/broken/api/v2/doc/doc", bad)
    server = await aiohttp_server(app)
    settings = make_settings(
        f'[[sources]]\nkind = "gdelt"\nname = "g"\nquery = \'"cargo bike" sourcelang:english\'\n'
        f'timespan = "6h"\nmax_records = 50\nbase_url = "{server.make_url("/")}"\n'
        f'[[sources]]\nkind = "gdelt"\nname = "g-bad"\nquery = "x"\n'
        f'base_url = "{server.make_url("/broken")}"\n'
    )
    outcomes = {o.name: o for o in await collect_sources(store, settings, now=now)}
    assert outcomes["g"].status == "ok" and outcomes["g"].new_items == 3
    assert outcomes["g-bad"].status == "error"
    assert "too short or too long" in outcomes["g-bad"].message
    assert seen == [{"query": '"cargo bike" sourcelang:english', "mode": "ArtList", "format": "json",
                     "maxrecords": "50", "timespan": "6h", "sort": "DateDesc"}]
    with store.connect() as conn:
        rows = conn.execute(select(items.c.outlet, items.c.canonical_url, items.c.lang)
                            .order_by(items.c.outlet)).all()
    assert [r.outlet for r in rows] == ["bikebiz.example", "news.example.sa", "rad.example.de"]
    assert rows[0].canonical_url == "https://bikebiz.example/news/cargo-bike-subsidy"
    # polling again returns the same window: nothing is stored twice
    again = await collect_sources(store, settings, names=["g"], now=now + timedelta(hours=1))
    assert again[0].new_items == 0
