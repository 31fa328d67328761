"""HTTP behaviour of collection against aiohttp's loopback test server.

Conditional GET, Retry-After, failures, timeouts, size limits (also gzip bombs),
redirects (301/308 move the source, 302 does not), 410, garbage and gzip.
"""

from __future__ import annotations

import asyncio
import gzip
import json
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp import web
from click.testing import CliRunner

from tests.conftest import FIXTURES, MINIMAL_COMPANY, make_settings
from trendwatch.cli import cli
from trendwatch.collect.http import HttpClient, parse_retry_after
from trendwatch.collect.run import collect_sources
from trendwatch.config.schema import HttpSettings
from trendwatch.errors import BodyTooLarge
from trendwatch.store import sources as source_rows

FEED = (FIXTURES / "feeds" / "rss2.xml").read_bytes()
LAST_MODIFIED = "Thu, 19 Nov 2026 10:00:00 GMT"


def rss_source(name: str, url, extra: str = "") -> str:
    return f'[[sources]]\nkind = "rss"\nname = "{name}"\nurl = "{url}"\n{extra}'


def health(store, now) -> dict[str, dict]:
    return {h["name"]: h for h in source_rows.source_health(store, now)}


@pytest.fixture
async def server(aiohttp_server):
    """One app with a route per behaviour; ``hits`` records each request's path and headers."""
    hits: list[tuple[str, dict]] = []
    streamed = {"bytes": 0}

    @web.middleware
    async def record(request, handler):
        hits.append((request.path, dict(request.headers)))
        return await handler(request)

    async def feed(request):
        if (request.headers.get("If-None-Match") == '"v1"'
                or request.headers.get("If-Modified-Since") == LAST_MODIFIED):
            return web.Response(status=304)
        return web.Response(body=FEED, headers={"ETag": '"v1"', "Last-Modified": LAST_MODIFIED,
                                                "Content-Type": "application/rss+xml"})

    async def status(request):
        code = int(request.match_info["code"])
        headers = {"Retry-After": request.query["retry"]} if "retry" in request.query else {}
        return web.Response(status=code, text="nope", headers=headers)

    async def slow(request):
        await asyncio.sleep(5)
        return web.Response(body=FEED)

    async def huge(request):
        # 50 MB streamed without Content-Length: only counting while reading can stop it
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        chunk = b"<!-- padding -->" * 65536  # 1 MiB
        try:
            for _ in range(50):
                await response.write(chunk)
                streamed["bytes"] += len(chunk)
        except (ConnectionResetError, asyncio.CancelledError, RuntimeError):
            pass
        return response

    async def declared_huge(request):
        response = web.StreamResponse(headers={"Content-Length": str(50 * 1000 * 1000)})
        await response.prepare(request)
        await response.write(b"<rss>")
        return response

    bomb = gzip.compress(b"\0" * (30 * 1000 * 1000), compresslevel=9)

    async def gzip_bomb(request):
        return web.Response(body=bomb, headers={"Content-Encoding": "gzip",
                                                "Content-Type": "application/rss+xml"})

    async def gzipped(request):
        return web.Response(body=gzip.compress(FEED), headers={"Content-Encoding": "gzip",
                                                               "Content-Type": "application/rss+xml"})

    async def garbage(request):
        return web.Response(body=bytes(range(256)) * 40, content_type="application/octet-stream")

    def redirect(code: int, to: str):
        async def handler(request):
            return web.Response(status=code, headers={"Location": to})
        return handler

    app = web.Application(middlewares=[record])
    app.router.add_get("/feed.xml", feed)
    app.router.add_get("/new/feed.xml", feed)
    app.router.add_get("/status/{code}", status)
    app.router.add_get("/slow.xml", slow)
    app.router.add_get("/huge.xml", huge)
    app.router.add_get("/declared-huge.xml", declared_huge)
    app.router.add_get("/bomb.xml", gzip_bomb)
    app.router.add_get("/gzip.xml", gzipped)
    app.router.add_get("/garbage.xml", garbage)
    app.router.add_get("/moved-301.xml", redirect(301, "/new/feed.xml"))
    app.router.add_get("/moved-308.xml", redirect(308, "/new/feed.xml"))
    app.router.add_get("/moved-302.xml", redirect(302, "/new/feed.xml"))
    srv = await aiohttp_server(app)
    srv.hits = hits
    srv.streamed = streamed
    return srv


async def test_second_run_sends_conditional_headers_and_gets_304(server, store, now):
    settings = make_settings(rss_source("f", server.make_url("/feed.xml")))
    first = (await collect_sources(store, settings, now=now))[0]
    assert first.status == "ok" and first.new_items == 2 and first.bytes_received == len(FEED)
    second = (await collect_sources(store, settings, now=now + timedelta(hours=1)))[0]
    assert second.status == "not_modified" and second.bytes_received == 0 and second.new_items == 0
    path, headers = server.hits[-1]
    assert headers["If-None-Match"] == '"v1"'
    assert headers["If-Modified-Since"] == LAST_MODIFIED
    assert "gzip" in headers["Accept-Encoding"] and headers["User-Agent"].startswith("trendwatch/")
    assert health(store, now)["f"]["last_status"] == 304


async def test_429_retry_after_sets_next_check(server, store, now):
    settings = make_settings(rss_source("limited", server.make_url("/status/429?retry=7200")))
    outcome = (await collect_sources(store, settings, now=now))[0]
    assert outcome.status == "error" and "HTTP 429" in outcome.message and "retry after 7200s" in outcome.message
    row = health(store, now)["limited"]
    assert row["next_check_at"] == now + timedelta(hours=2)
    assert row["last_status"] == 429 and row["error_count"] == 1
    # not due yet: neither a plain nor a --due run hits the server again
    hits = len(server.hits)
    assert await collect_sources(store, settings, now=now + timedelta(hours=1)) == []
    assert await collect_sources(store, settings, now=now + timedelta(hours=1), due_only=True) == []
    assert len(server.hits) == hits


def test_retry_after_http_date():
    now = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    assert parse_retry_after("Fri, 20 Nov 2026 08:10:00 GMT", now) == 600
    assert parse_retry_after("120") == 120
    assert parse_retry_after("soon") is None


async def test_500_backs_off_and_repeated_failures_back_off_longer(server, store, now):
    settings = make_settings(rss_source("broken", server.make_url("/status/500")))
    outcome = (await collect_sources(store, settings, now=now))[0]
    assert outcome.status == "error" and "HTTP 500" in outcome.message
    first_delay = health(store, now)["broken"]["next_check_at"] - now
    assert timedelta(minutes=24) <= first_delay <= timedelta(minutes=36)
    later = now + timedelta(hours=1)
    await collect_sources(store, settings, now=later, names=["broken"])
    row = health(store, later)["broken"]
    assert row["error_count"] == 2 and row["next_check_at"] - later >= timedelta(minutes=48)


async def test_timeout_is_a_clear_error(server, store, now):
    settings = make_settings(rss_source("slow", server.make_url("/slow.xml")) + '[http]\ntimeout = "1s"\n')
    outcome = (await collect_sources(store, settings, now=now))[0]
    assert outcome.status == "error" and outcome.message.startswith("timed out after 1s")
    assert outcome.seconds < 4


async def test_streamed_50mb_body_is_refused_without_reading_it_all(server, store, now):
    settings = make_settings(rss_source("huge", server.make_url("/huge.xml")))
    outcome = (await collect_sources(store, settings, now=now))[0]
    assert outcome.status == "error"
    assert "larger than 20,000,000 bytes refused" in outcome.message
    await asyncio.sleep(0.2)
    assert server.streamed["bytes"] < 40 * 1024 * 1024


async def test_declared_oversize_is_refused_before_reading(server):
    async with HttpClient(HttpSettings()) as http:
        with pytest.raises(BodyTooLarge, match="50,000,000 bytes refused"):
            await http.fetch(str(server.make_url("/declared-huge.xml")))


async def test_gzip_bomb_is_refused_by_decompressed_size(server):
    async with HttpClient(HttpSettings(max_body="5MB")) as http:
        with pytest.raises(BodyTooLarge, match="larger than 5,000,000 bytes"):
            await http.fetch(str(server.make_url("/bomb.xml")))


async def test_gzip_encoded_feed_is_decoded(server, store, now):
    settings = make_settings(rss_source("gz", server.make_url("/gzip.xml")))
    outcome = (await collect_sources(store, settings, now=now))[0]
    assert outcome.status == "ok" and outcome.new_items == 2


async def test_garbage_bytes_are_a_parse_error(server, store, now):
    settings = make_settings(rss_source("junk", server.make_url("/garbage.xml")))
    outcome = (await collect_sources(store, settings, now=now))[0]
    assert outcome.status == "error" and "not a" in outcome.message and "feed" in outcome.message


@pytest.mark.parametrize("code, moves", [(301, True), (308, True), (302, False)])
async def test_permanent_redirects_move_the_source(server, store, now, code, moves):
    old = server.make_url(f"/moved-{code}.xml")
    settings = make_settings(rss_source("r", old))
    outcome = (await collect_sources(store, settings, now=now))[0]
    assert outcome.status == "ok" and outcome.new_items == 2
    stored = health(store, now)["r"]["url"]
    assert stored == (str(server.make_url("/new/feed.xml")) if moves else str(old))
    server.hits.clear()
    second = (await collect_sources(store, settings, now=now + timedelta(hours=1)))[0]
    paths = [p for p, _ in server.hits]
    if moves:
        assert paths == ["/new/feed.xml"] and second.status == "not_modified"
    else:
        assert paths == [f"/moved-{code}.xml", "/new/feed.xml"]


async def test_410_disables_the_source_and_sources_shows_it(server, store, now, tmp_path):
    body = rss_source("gone", server.make_url("/status/410")) + rss_source("ok", server.make_url("/feed.xml"))
    settings = make_settings(body)
    outcomes = {o.name: o for o in await collect_sources(store, settings, now=now)}
    assert outcomes["gone"].status == "disabled" and "410" in outcomes["gone"].message
    assert outcomes["ok"].status == "ok"
    server.hits.clear()
    later = await collect_sources(store, settings, now=now + timedelta(days=2), due_only=True)
    assert [o.name for o in later] == ["ok"]
    assert all(p != "/status/410" for p, _ in server.hits)

    config = tmp_path / "feeds.toml"
    config.write_text(MINIMAL_COMPANY + body)
    result = CliRunner().invoke(cli, ["sources", "--format", "json", "--config", str(config),
                                      "--db", str(store.engine.url)])
    assert result.exit_code == 0, result.output
    rows = {r["name"]: r for r in json.loads(result.output)}
    assert rows["gone"]["status"] == "disabled" and rows["gone"]["last_status"] == 410
    assert rows["ok"]["status"] == "ok"


async def test_post_json_returns_every_status_with_its_whole_body(aiohttp_server):
    seen = []

    async def echo(request):
        seen.append((dict(request.headers), await request.json()))
        code = int(request.query.get("code", "200"))
        response = web.StreamResponse(status=code, headers={"Content-Type": "application/json"})
        await response.prepare(request)
        for part in (b'{"ok": ', b'"' + b"y" * 100_000 + b'"', b"}"):
            await response.write(part)
        await response.write_eof()
        return response

    app = web.Application()
    app.router.add_post("/hook", echo)
    server = await aiohttp_server(app)
    settings = HttpSettings(user_agent="tw-test")
    async with HttpClient(settings, timeout=timedelta(seconds=3)) as client:
        ok = await client.post_json(str(server.make_url("/hook")), {"a": 1},
                                    headers={"Authorization": "Bearer t"})
        gone = await client.post_json(str(server.make_url("/hook?code=410")), b'{"raw": true}')
        busy = await client.post_json(str(server.make_url("/hook?code=503")), {"b": 2})
    assert ok.status == 200 and json.loads(ok.body)["ok"] == "y" * 100_000
    assert (gone.status, busy.status) == (410, 503) and len(busy.body) == len(ok.body)
    headers, body = seen[0]
    assert body == {"a": 1} and headers["Content-Type"] == "application/json"
    assert headers["Authorization"] == "Bearer t" and headers["User-Agent"] == "tw-test"
    assert seen[1][1] == {"raw": True}                       # bytes are sent as they are
    assert client.settings.timeout == timedelta(seconds=3)   # the caller's total timeout
    async with HttpClient(settings, max_body=1000) as client:
        with pytest.raises(BodyTooLarge):
            await client.post_json(str(server.make_url("/hook")), {})
