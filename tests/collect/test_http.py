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


# --------------------------------------------------------------------------- redirects into private networks


class MapResolver:
    """Names → addresses for the test (answers in turn when a name has several lists,
    the last one repeating): no DNS is asked, nothing leaves 127.0.0.1."""

    def __init__(self, answers: dict[str, list[list[str]]]):
        self.answers = {name: list(lists) for name, lists in answers.items()}
        self.asked: list[str] = []

    async def resolve(self, host, port=0, family=0):
        import socket

        self.asked.append(host)
        lists = self.answers[host]
        addresses = lists.pop(0) if len(lists) > 1 else lists[0]
        return [{"hostname": host, "host": a, "port": port,
                 "family": socket.AF_INET6 if ":" in a else socket.AF_INET, "proto": 0,
                 "flags": socket.AI_NUMERICHOST} for a in addresses]

    async def close(self):
        pass


@pytest.fixture
async def hopper(aiohttp_server):
    """/to?url=…&code=… redirects there; /secret is what must never be reached."""
    hits: list[tuple[str, dict]] = []

    async def to(request):
        hits.append((request.path, dict(request.headers)))
        return web.Response(status=int(request.query.get("code", "302")),
                            headers={"Location": request.query["url"]})

    async def secret(request):
        hits.append((request.path, dict(request.headers)))
        return web.Response(body=FEED, content_type="application/rss+xml")

    async def loop(request):
        hits.append((request.path, dict(request.headers)))
        n = int(request.match_info["n"])
        return web.Response(status=302, headers={"Location": f"/loop/{n + 1}"})

    app = web.Application()
    app.router.add_get("/to", to)
    app.router.add_get("/secret", secret)
    app.router.add_get("/loop/{n}", loop)
    srv = await aiohttp_server(app)
    srv.hits = hits
    return srv


def redirect_url(host: str, port: int, to: str, code: int = 302) -> str:
    from urllib.parse import quote

    return f"http://{host}:{port}/to?code={code}&url={quote(to, safe='')}"


def public_client(resolver, **settings) -> HttpClient:
    return HttpClient(HttpSettings(**settings), resolver=resolver)


async def test_a_redirect_from_a_public_host_to_a_private_address_is_refused(hopper):
    from trendwatch.errors import RedirectRefused

    port = hopper.port
    resolver = MapResolver({"feeds.example": [["127.0.0.1"]]})
    for code in (301, 302, 307, 308):
        async with public_client(resolver) as client:
            with pytest.raises(RedirectRefused) as refused:
                await client.fetch(redirect_url("feeds.example", port,
                                                f"http://127.0.0.1:{port}/secret", code))
        assert "redirect to a private address 127.0.0.1" in str(refused.value)
        assert "set [http] allow_private = true" in str(refused.value)
    assert [path for path, _ in hopper.hits] == ["/to"] * 4   # /secret was never asked


async def test_a_redirect_to_a_name_that_resolves_private_is_refused_before_connecting(hopper):
    from trendwatch.errors import RedirectRefused

    resolver = MapResolver({"feeds.example": [["127.0.0.1"]], "intranet.example": [["10.0.0.5"]],
                            "v6.example": [["fe80::1"]], "mapped.example": [["::ffff:169.254.169.254"]]})
    for name, address in (("intranet.example", "10.0.0.5"), ("v6.example", "fe80::1"),
                          ("mapped.example", "::ffff:169.254.169.254")):
        async with public_client(resolver) as client:
            with pytest.raises(RedirectRefused, match=f"private address {address} "):
                await client.fetch(redirect_url("feeds.example", hopper.port,
                                                f"http://{name}:{hopper.port}/secret"))
    assert [p for p, _ in hopper.hits] == ["/to"] * 3


async def test_dns_rebinding_after_the_check_is_refused_at_connect_time(hopper):
    """cdn.example answers a global address when the redirect is checked and loopback when
    the connection is made: the connector's resolver refuses the second answer."""
    from trendwatch.errors import RedirectRefused

    resolver = MapResolver({"feeds.example": [["127.0.0.1"]],
                            "cdn.example": [["93.184.216.34"], ["127.0.0.1"]]})
    async with public_client(resolver) as client:
        with pytest.raises(RedirectRefused, match="cdn.example resolved to a private address "
                                                  "127.0.0.1 when connecting"):
            await client.fetch(redirect_url("feeds.example", hopper.port,
                                            f"http://cdn.example:{hopper.port}/secret"))
    assert resolver.asked.count("cdn.example") == 2   # checked, then connected: never 93.184…
    assert [p for p, _ in hopper.hits] == ["/to"]


async def test_allow_private_follows_but_a_301_never_moves_a_source_into_the_private_network(hopper):
    resolver = MapResolver({"feeds.example": [["127.0.0.1"]]})
    async with public_client(resolver, allow_private=True) as client:
        result = await client.fetch(redirect_url("feeds.example", hopper.port,
                                                 f"http://127.0.0.1:{hopper.port}/secret", 301))
    assert result.status == 200 and result.url.endswith("/secret")
    assert result.permanent_url is None


async def test_a_private_source_may_redirect_within_private_networks(hopper):
    """What the test suite (and an intranet source configured by address) relies on: the
    URL asked for is itself a private address, so its redirects may stay private."""
    resolver = MapResolver({"localhost": [["127.0.0.1"]]})
    async with public_client(resolver) as client:
        result = await client.fetch(
            redirect_url("127.0.0.1", hopper.port, f"http://localhost:{hopper.port}/secret", 308),
            headers={"Authorization": "Bearer s3cret", "X-Keep": "1"})
    assert result.status == 200 and result.permanent_url == f"http://localhost:{hopper.port}/secret"
    secret_headers = dict(hopper.hits)["/secret"]
    assert "Authorization" not in secret_headers and secret_headers["X-Keep"] == "1"


async def test_same_host_redirects_are_followed_and_a_301_moves_the_source(hopper):
    resolver = MapResolver({"feeds.example": [["127.0.0.1"]]})
    async with public_client(resolver) as client:
        result = await client.fetch(redirect_url("feeds.example", hopper.port, "/secret", 301))
    assert result.status == 200
    assert result.permanent_url == f"http://feeds.example:{hopper.port}/secret"


async def test_at_most_five_redirects_are_followed(hopper):
    from trendwatch.errors import FetchError

    async with HttpClient(HttpSettings()) as client:
        with pytest.raises(FetchError, match=r"too many redirects \(more than 5\)"):
            await client.fetch(f"http://127.0.0.1:{hopper.port}/loop/0")
    assert [p for p, _ in hopper.hits] == [f"/loop/{n}" for n in range(6)]


@pytest.mark.parametrize("address, private", [
    ("127.0.0.1", True), ("10.0.0.5", True), ("172.16.3.4", True), ("192.168.1.1", True),
    ("169.254.169.254", True), ("100.64.0.1", True), ("0.0.0.0", True), ("224.0.0.1", True),
    ("240.0.0.1", True), ("::1", True), ("fe80::1%eth0", True), ("fc00::1", True),
    ("::ffff:10.0.0.5", True), ("not-an-address", True),
    ("93.184.216.34", False), ("2606:4700:4700::1111", False), ("::ffff:93.184.216.34", False),
])
def test_what_counts_as_a_private_address(address, private):
    from trendwatch.collect.http import is_private_address

    assert is_private_address(address) is private
