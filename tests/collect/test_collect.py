"""The collection runner against a loopback server: conditional GET, failures, isolation."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web
from sqlalchemy import func, select

from tests.conftest import FIXTURES, make_settings
from trendwatch.collect.run import collect_sources
from trendwatch.collect.schedule import next_check_at
from trendwatch.store import sources as source_rows
from trendwatch.store.schema import items


def feed_app(seen: list) -> web.Application:
    body = (FIXTURES / "feeds" / "rss2.xml").read_bytes()

    async def feed(request: web.Request) -> web.Response:
        seen.append(dict(request.headers))
        if request.headers.get("If-None-Match") == '"v1"':
            return web.Response(status=304)
        return web.Response(body=body, headers={"ETag": '"v1"', "Content-Type": "application/rss+xml"})

    async def broken(request: web.Request) -> web.Response:
        return web.Response(status=500, text="boom")

    app = web.Application()
    app.router.add_get("/feed.xml", feed)
    app.router.add_get("/broken.xml", broken)
    return app


async def test_second_run_is_conditional_and_failures_are_isolated(aiohttp_server, store, now):
    seen: list = []
    server = await aiohttp_server(feed_app(seen))
    settings = make_settings(
        f'[[sources]]\nkind = "rss"\nname = "good"\nurl = "{server.make_url("/feed.xml")}"\n'
        f'[[sources]]\nkind = "rss"\nname = "bad"\nurl = "{server.make_url("/broken.xml")}"\n'
    )
    first = {o.name: o for o in await collect_sources(store, settings, now=now)}
    assert first["good"].status == "ok" and first["good"].new_items == 2
    assert first["bad"].status == "error" and "HTTP 500" in first["bad"].message

    second = {o.name: o for o in await collect_sources(store, settings, now=now + timedelta(minutes=10))}
    assert "bad" not in second  # still in its backoff window
    assert second["good"].status == "not_modified"
    assert seen[-1]["If-None-Match"] == '"v1"'
    assert "trendwatch" in seen[-1]["User-Agent"]
    with store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(items)).scalar() == 2
    health = {h["name"]: h for h in source_rows.source_health(store, now)}
    assert health["bad"]["error_count"] == 1 and "HTTP 500" in health["bad"]["last_error"]
    assert health["good"]["items_total"] == 2


def test_backoff_grows_and_respects_retry_after(now):
    every = timedelta(minutes=30)
    import random

    rng = random.Random(1)
    first = next_check_at(now, every, error_count=1, rng=rng) - now
    third = next_check_at(now, every, error_count=3, rng=rng) - now
    assert timedelta(minutes=24) <= first <= timedelta(minutes=36)
    assert third >= timedelta(minutes=96)
    capped = next_check_at(now, every, error_count=40, max_backoff=timedelta(hours=2), rng=rng) - now
    assert capped <= timedelta(hours=2.4)
    assert next_check_at(now, every, retry_after=7200) - now == timedelta(hours=2)
