"""Bluesky: golden parser tests (facets are UTF-8 byte offsets) and a loopback XRPC server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aiohttp import web

from tests.loopback import error, fixture, logging_app, run_collector, serve_json
from trendwatch.collect.collectors import bluesky
from trendwatch.collect.collectors.bluesky import (
    BlueskyCollector,
    expand_links,
    facet_tags,
    parse_search,
    parse_trending_topics,
    parse_trends,
)
from trendwatch.errors import AuthRequired
from trendwatch.models import SourceState

UTC = UTC


@pytest.fixture(autouse=True)
def _no_cached_sessions():
    bluesky._SESSIONS.clear()
    yield
    bluesky._SESSIONS.clear()


# --- parsers ----------------------------------------------------------------------------------


def test_post_with_tag_and_link_facets_after_emoji():
    items, cursor = parse_search(fixture("bluesky/search_ebike.json"))
    assert cursor == "25" and len(items) == 4
    lena = items[0]
    # the emoji before the facets make byte and character offsets differ
    assert lena.text.startswith("Neue Lastenräder 🚲💨 im Test #Lastenrad und mehr: "
                                "https://www.heise.de/news/lastenrad-test-2026.html")
    assert lena.text.endswith("Lastenräder im Vergleichstest")  # the link card's title
    assert lena.hashtags == ["lastenrad"]
    assert lena.author == "lena.bsky.social" and lena.lang == "de"
    assert lena.url == "https://bsky.app/profile/did:plc:aaaa1111bbbb2222cccc3333/post/3lzz0000000a1"
    assert lena.external_id == "at://did:plc:aaaa1111bbbb2222cccc3333/app.bsky.feed.post/3lzz0000000a1"
    assert lena.published_at == datetime(2026, 11, 20, 7, 40, 1, 512345, tzinfo=UTC)
    assert lena.engagement == {"likes": 12, "reposts": 3, "replies": 1, "quotes": 0}


def test_posts_without_facets_rtl_and_missing_fields():
    items, _ = parse_search(fixture("bluesky/search_ebike.json"))
    noor, anon, volt = items[1:]
    assert noor.text == "الدراجات الكهربائية في المدينة 🚴‍♀️ #ebike #تنقل"
    assert noor.hashtags == ["ebike", "تنقل"] and noor.lang == "ar"  # from the text: no facets
    assert anon.author == "did:plc:gggg7777hhhh8888iiii9999"        # handle.invalid → the DID
    assert anon.lang is None and anon.engagement == {}
    assert anon.hashtags == ["commute", "ebike"]                     # record tags + text
    assert volt.hashtags == ["ebike"]                                # facet without `tag`: bytes


def test_facet_byte_offsets_are_not_character_offsets():
    text = "🚲 über #Rad"
    start = len("🚲 über ".encode())
    facets = [{"index": {"byteStart": start, "byteEnd": start + 4},
               "features": [{"$type": "app.bsky.richtext.facet#tag"}]}]
    assert facet_tags(text, facets) == ["Rad"]
    # character offsets (what a naive parser would use) point elsewhere and must not be trusted
    broken = [{"index": {"byteStart": 1, "byteEnd": 3}, "features": [{"$type": bluesky.FACET_TAG}]}]
    assert facet_tags(text, broken) == []  # inside the emoji's bytes: ignored
    link = "see example.com/a..."
    s = len(b"see ")
    facets = [{"index": {"byteStart": s, "byteEnd": len(link.encode())},
               "features": [{"$type": bluesky.FACET_LINK, "uri": "https://example.com/abc"}]}]
    assert expand_links(link, facets) == "see https://example.com/abc"
    assert expand_links(link, [{"index": {"byteStart": 99, "byteEnd": 120}, "features": []}]) == link


def test_empty_results_and_garbage():
    assert parse_search(fixture("bluesky/search_empty.json")) == ([], None)
    assert parse_search({"posts": [None, {"uri": 3}]}) == ([], None)
    assert parse_search([]) == ([], None)


def test_trends_become_post_count_points_for_the_hour(now):
    points = parse_trends(fixture("bluesky/trends.json"), now.replace(minute=37))
    assert [(p.term, p.metric, p.value) for p in points] == [
        ("Lastenrad", "posts", 1840), ("E-Bike Subsidy", "posts", 312)]
    assert points[0].at == now.replace(minute=0) and points[0].extra["status"] == "hot"
    assert "actors" not in points[0].extra  # people behind a trend are not stored
    topics = parse_trending_topics(fixture("bluesky/trending_topics.json"), now)
    assert [(p.term, p.metric, p.value) for p in topics] == [("cargobike", "rank", 1),
                                                             ("winter cycling", "rank", 2)]


# --- loopback XRPC ------------------------------------------------------------------------------


class FakePds:
    def __init__(self, *, expire_first: bool = False, search_routes=None):
        self.log: list[web.Request] = []
        self.expire_first = expire_first
        self.sessions = 0
        self.refreshes = 0

    async def create(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body != {"identifier": "monitor.example.com", "password": "app-pass-1234"}:
            return web.json_response({"error": "AuthenticationRequired",
                                      "message": "Invalid identifier or password"}, status=401)
        self.sessions += 1
        return web.json_response(fixture("bluesky/session.json"))

    async def refresh(self, request: web.Request) -> web.Response:
        assert request.headers["Authorization"] == "Bearer REFRESH-1"
        self.refreshes += 1
        return web.json_response({**fixture("bluesky/session.json"),
                                  "accessJwt": "ACCESS-2", "refreshJwt": "REFRESH-2"})

    async def search(self, request: web.Request) -> web.Response:
        auth = request.headers.get("Authorization")
        if auth is None:
            return web.json_response({"error": "Forbidden"}, status=403)
        if auth == "Bearer ACCESS-1" and self.expire_first:
            return web.json_response({"error": "ExpiredToken", "message": "Token has expired"},
                                     status=400)
        name = "search_newer.json" if "since" in request.query else "search_ebike.json"
        return web.json_response(fixture(f"bluesky/{name}"))

    def app(self, **overrides) -> web.Application:
        app = logging_app(self.log)
        routes = {
            "/xrpc/app.bsky.unspecced.getTrends": serve_json("bluesky/trends.json"),
            "/xrpc/app.bsky.unspecced.getTrendingTopics": serve_json("bluesky/trending_topics.json"),
            "/xrpc/app.bsky.feed.searchPosts": self.search,
        }
        routes.update(overrides)
        for path, handler in routes.items():
            app.router.add_get(path, handler)
        app.router.add_post("/xrpc/com.atproto.server.createSession", self.create)
        app.router.add_post("/xrpc/com.atproto.server.refreshSession", self.refresh)
        return app


def make(url, **options) -> BlueskyCollector:
    base = str(url).rstrip("/")
    return BlueskyCollector(BlueskyCollector.Options(kind="bluesky", base_url=base, pds_url=base,
                                                     **options))


@pytest.fixture
def login(monkeypatch):
    monkeypatch.setenv("BSKY_ID", "monitor.example.com")
    monkeypatch.setenv("BSKY_PASS", "app-pass-1234")
    return {"identifier_env": "BSKY_ID", "password_env": "BSKY_PASS"}


async def test_unauthenticated_search_403_is_explained_and_trends_are_kept(aiohttp_server, now):
    pds = FakePds()
    server = await aiohttp_server(pds.app())
    result = await run_collector(make(server.make_url(""), hashtags=["ebike"]), SourceState(), now)
    assert [p.term for p in result.trend_points] == ["Lastenrad", "E-Bike Subsidy"]
    assert result.items == []
    [warning] = result.warnings
    assert "403" in warning and "identifier_env" in warning and "app password" in warning


async def test_search_only_without_login_fails_with_auth_required(aiohttp_server, now):
    server = await aiohttp_server(FakePds().app())
    with pytest.raises(AuthRequired, match="unauthenticated search is refused with 403"):
        await run_collector(make(server.make_url(""), hashtags=["ebike"], trends=False),
                            SourceState(), now)


async def test_session_created_once_and_second_run_asks_since(aiohttp_server, login, now):
    pds = FakePds()
    server = await aiohttp_server(pds.app())
    c = make(server.make_url(""), hashtags=["Lastenrad"], trends=False, **login)
    first = await run_collector(c, SourceState(), now)
    assert len(first.items) == 4 and pds.sessions == 1
    search = [r for r in pds.log if r.path.endswith("searchPosts")]
    assert search[0].query["q"] == "#Lastenrad" and search[0].query["sort"] == "latest"
    assert search[0].headers["Authorization"] == "Bearer ACCESS-1"
    assert first.state.cursor["since"]["#Lastenrad"] == "2026-11-20T07:40:01.512345Z"

    second = await run_collector(c, first.state, now)
    assert pds.sessions == 1  # the session is reused in memory
    last = [r for r in pds.log if r.path.endswith("searchPosts")][-1]
    assert last.query["since"] == "2026-11-20T07:40:01.512345Z"
    assert [i.external_id.rsplit("/", 1)[1] for i in second.items] == ["3lzz0000000b1"]
    assert "ACCESS" not in str(second.state.cursor)  # tokens never reach the store


async def test_expired_token_is_refreshed_and_the_call_retried(aiohttp_server, login, now):
    pds = FakePds(expire_first=True)
    server = await aiohttp_server(pds.app())
    c = make(server.make_url(""), hashtags=["Lastenrad"], **login)
    result = await run_collector(c, SourceState(), now)
    assert pds.refreshes == 1 and len(result.items) == 4 and not result.warnings
    auths = [r.headers.get("Authorization") for r in pds.log if r.path.endswith("searchPosts")]
    assert auths == ["Bearer ACCESS-1", "Bearer ACCESS-2"]
    # trends also went through the logged-in PDS with the current token
    assert any(r.path.endswith("getTrends") and "Bearer" in r.headers.get("Authorization", "")
               for r in pds.log)


async def test_wrong_app_password_and_missing_env(aiohttp_server, monkeypatch, now):
    server = await aiohttp_server(FakePds().app())
    monkeypatch.setenv("BSKY_ID", "monitor.example.com")
    monkeypatch.setenv("BSKY_PASS", "wrong")
    c = make(server.make_url(""), hashtags=["x"], trends=False,
             identifier_env="BSKY_ID", password_env="BSKY_PASS")
    with pytest.raises(AuthRequired, match="refused the login.*app password"):
        await run_collector(c, SourceState(), now)
    monkeypatch.delenv("BSKY_PASS")
    with pytest.raises(AuthRequired, match="BSKY_PASS .* is not set.*answers app.bsky.feed.searchPosts only"):
        await run_collector(c, SourceState(), now)


async def test_trends_fall_back_to_trending_topics(aiohttp_server, now):
    pds = FakePds()
    server = await aiohttp_server(pds.app(**{"/xrpc/app.bsky.unspecced.getTrends": error(
        501, {"error": "MethodNotImplemented", "message": "Method Not Implemented"})}))
    result = await run_collector(make(server.make_url("")), SourceState(), now)
    assert [p.metric for p in result.trend_points] == ["rank", "rank"]


def test_login_options_come_in_pairs():
    with pytest.raises(ValueError, match="both identifier_env and password_env"):
        BlueskyCollector.Options(kind="bluesky", identifier_env="X")
