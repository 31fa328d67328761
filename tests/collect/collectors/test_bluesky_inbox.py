"""Bluesky inbox: listNotifications with the app password's session (issue 13)."""

from __future__ import annotations

import copy
import logging
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp import web

from tests.conftest import make_settings
from tests.loopback import fixture, logging_app, run_collector
from trendwatch.collect.collectors import bluesky
from trendwatch.collect.collectors.bluesky import BlueskyCollector, parse_notifications
from trendwatch.errors import AuthRequired, HTTPStatusError
from trendwatch.models import SourceState

PASSWORD = "abcd-efgh-ijkl-mnop"
ACME = "did:plc:acmebikes00000000000000"


@pytest.fixture(autouse=True)
def _no_cached_sessions():
    bluesky._SESSIONS.clear()
    yield
    bluesky._SESSIONS.clear()


# --- parser -------------------------------------------------------------------------------------


def test_mentions_replies_and_quotes_become_items_likes_and_follows_do_not():
    items, cursor = parse_notifications(fixture("bluesky/notifications.json"))
    assert cursor == "2026-11-20T06:00:00.000Z"
    mention, reply, quote = items
    assert mention.external_id == "at://did:plc:aaaa1111bbbb2222cccc3333/app.bsky.feed.post/3mab0000000m1"
    assert mention.url == "https://bsky.app/profile/did:plc:aaaa1111bbbb2222cccc3333/post/3mab0000000m1"
    assert mention.author == "lena.bsky.social"
    # the link shortened by the client is the facet's full URL again
    assert mention.text == ("@acme.com my cargo bike won't charge since the update, see "
                            "https://acme.com/support/charging")
    assert mention.published_at == datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    assert mention.reply_to is None and mention.lang == "en"
    assert reply.reply_to == f"at://{ACME}/app.bsky.feed.post/3mab0000000p1"
    assert reply.text == "شكرا، لكن المشكلة ما زالت موجودة" and reply.lang == "ar"
    assert reply.author == "omar.example.com"
    # an invalid handle falls back to the DID; a quote is not a reply
    assert quote.author == "did:plc:ghost333ffff4444gggg5555" and quote.reply_to is None
    assert quote.hashtags == ["acmebikes"]
    assert parse_notifications({"error": "x"}) == ([], None)


def test_inbox_options():
    with pytest.raises(Exception, match=r"sources\[0\].*identifier_env"):
        make_settings('[[sources]]\nkind = "bluesky"\ninbox = true\n')
    with pytest.raises(Exception, match="notifications only"):
        make_settings('[[sources]]\nkind = "bluesky"\ninbox = true\nidentifier_env = "I"\n'
                      'app_password_env = "P"\nquery = ["acme"]\n')
    [source] = make_settings('[[sources]]\nkind = "bluesky"\ninbox = true\nidentifier_env = "I"\n'
                             'app_password_env = "P"\n').sources
    assert source.password_env == "P" and source.timeline == "mentions" and not source.trends
    assert source.name == "bluesky:notifications"


# --- loopback PDS -------------------------------------------------------------------------------


class FakePds:
    """createSession / refreshSession / listNotifications with cursor paging (newest first)."""

    def __init__(self, count: int = 0, *, expire: str | None = None):
        self.log: list[web.Request] = []
        self.template = fixture("bluesky/notifications.json")["notifications"][0]
        self.notifications: list[dict] = []
        self.posts = 0
        self.sessions = self.refreshes = 0
        self.expire = expire             # "access": first access token expires; "both": refresh too
        self.add(count)

    def add(self, count: int) -> None:
        for n in range(self.posts, self.posts + count):
            note = copy.deepcopy(self.template)
            note["uri"] = f"at://did:plc:aaaa1111bbbb2222cccc3333/app.bsky.feed.post/3mac{n:09d}"
            at = datetime(2026, 11, 20, 0, tzinfo=UTC) + timedelta(minutes=n)
            note["indexedAt"] = at.isoformat().replace("+00:00", ".000Z")
            self.notifications.append(note)
            if n % 3 == 1:  # likes in between: not messages, still on the pages
                like = copy.deepcopy(fixture("bluesky/notifications.json")["notifications"][1])
                like["indexedAt"] = (at + timedelta(seconds=1)).isoformat().replace("+00:00", "Z")
                self.notifications.append(like)
        self.posts += count

    async def create(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body != {"identifier": "acme.com", "password": PASSWORD}:
            return web.json_response({"error": "AuthenticationRequired",
                                      "message": "Invalid identifier or password"}, status=401)
        self.sessions += 1
        session = fixture("bluesky/session.json")
        return web.json_response({**session, "accessJwt": f"ACCESS-S{self.sessions}",
                                  "refreshJwt": f"REFRESH-S{self.sessions}"})

    async def refresh(self, request: web.Request) -> web.Response:
        self.refreshes += 1
        if self.expire == "both":
            return web.json_response({"error": "ExpiredToken", "message": "Token has expired"},
                                     status=400)
        token = request.headers["Authorization"].removeprefix("Bearer REFRESH-")
        return web.json_response({"accessJwt": f"ACCESS-R{token}", "refreshJwt": "REFRESH-R"})

    async def list_notifications(self, request: web.Request) -> web.Response:
        auth = request.headers.get("Authorization", "")
        if auth == "Bearer ACCESS-S1" and self.expire:
            return web.json_response({"error": "ExpiredToken", "message": "Token has expired"},
                                     status=401)
        if not auth.startswith("Bearer ACCESS-"):
            return web.json_response({"error": "AuthMissing"}, status=401)
        assert request.query.getall("reasons") == ["mention", "reply", "quote"]
        limit = int(request.query["limit"])
        ordered = sorted(self.notifications, key=lambda n: n["indexedAt"], reverse=True)
        start = int(request.query.get("cursor", 0))
        page = ordered[start:start + limit]
        body: dict = {"notifications": page}
        if start + limit < len(ordered):
            body["cursor"] = str(start + limit)
        return web.json_response(body)

    def app(self, handler=None) -> web.Application:
        app = logging_app(self.log)
        app.router.add_post("/xrpc/com.atproto.server.createSession", self.create)
        app.router.add_post("/xrpc/com.atproto.server.refreshSession", self.refresh)
        app.router.add_get("/xrpc/app.bsky.notification.listNotifications",
                           handler or self.list_notifications)
        return app


@pytest.fixture
def login(monkeypatch):
    monkeypatch.setenv("ACME_BSKY_ID", "acme.com")
    monkeypatch.setenv("ACME_BSKY_APP_PASSWORD", PASSWORD)


def inbox(url, **options) -> BlueskyCollector:
    base = str(url).rstrip("/")
    return BlueskyCollector(BlueskyCollector.Options(
        kind="bluesky", base_url=base, pds_url=base, inbox=True, identifier_env="ACME_BSKY_ID",
        app_password_env="ACME_BSKY_APP_PASSWORD", **options))


def listed(fake: FakePds) -> list[web.Request]:
    return [r for r in fake.log if r.path.endswith("listNotifications")]


async def test_pages_with_cursor_then_reads_only_newer(aiohttp_server, login, monkeypatch, now):
    monkeypatch.setattr(bluesky, "NOTIFICATION_LIMIT", 3)
    fake = FakePds(6)
    server = await aiohttp_server(fake.app())
    c = inbox(server.make_url(""), max_pages=10)
    first = await run_collector(c, SourceState(), now)
    assert sorted(i.external_id[-2:] for i in first.items) == ["00", "01", "02", "03", "04", "05"]
    assert [r.query.get("cursor") for r in listed(fake)] == [None, "3", "6"]
    assert listed(fake)[0].headers["Authorization"] == "Bearer ACCESS-S1" and fake.sessions == 1
    assert first.state.cursor["notifications"] == "2026-11-20T00:05:00Z"
    assert "ACCESS" not in str(first.state.cursor)

    fake.add(2)
    fake.log.clear()
    second = await run_collector(c, first.state, now)
    assert fake.sessions == 1  # the session is reused
    # page 1: two new posts and a like; page 2 reaches what was read before, and it stops
    assert [r.query.get("cursor") for r in listed(fake)] == [None, "3"]
    # the newest item of last time comes again (same indexedAt) and the store skips it
    assert sorted(i.external_id[-2:] for i in second.items) == ["05", "06", "07"]


async def test_expired_access_token_is_refreshed(aiohttp_server, login, now):
    fake = FakePds(1, expire="access")
    server = await aiohttp_server(fake.app())
    result = await run_collector(inbox(server.make_url("")), SourceState(), now)
    assert len(result.items) == 1 and fake.refreshes == 1 and fake.sessions == 1
    assert [r.headers["Authorization"] for r in listed(fake)] == ["Bearer ACCESS-S1",
                                                                 "Bearer ACCESS-RS1"]


async def test_expired_refresh_token_means_a_new_session(aiohttp_server, login, now):
    fake = FakePds(1, expire="both")
    server = await aiohttp_server(fake.app())
    result = await run_collector(inbox(server.make_url("")), SourceState(), now)
    assert len(result.items) == 1 and fake.refreshes == 1 and fake.sessions == 2
    assert listed(fake)[-1].headers["Authorization"] == "Bearer ACCESS-S2"


async def test_refused_login_names_the_variables_not_the_password(aiohttp_server, monkeypatch,
                                                                  now, caplog):
    monkeypatch.setenv("ACME_BSKY_ID", "acme.com")
    monkeypatch.setenv("ACME_BSKY_APP_PASSWORD", "wrong-" + PASSWORD)
    caplog.set_level(logging.DEBUG)
    server = await aiohttp_server(FakePds(1).app())
    with pytest.raises(AuthRequired) as caught:
        await run_collector(inbox(server.make_url("")), SourceState(), now)
    assert "ACME_BSKY_ID" in str(caught.value) and "ACME_BSKY_APP_PASSWORD" in str(caught.value)
    assert PASSWORD not in str(caught.value) and PASSWORD not in caplog.text


async def test_missing_password_is_an_error_not_an_anonymous_read(monkeypatch, now):
    monkeypatch.setenv("ACME_BSKY_ID", "acme.com")
    monkeypatch.delenv("ACME_BSKY_APP_PASSWORD", raising=False)
    with pytest.raises(AuthRequired, match="ACME_BSKY_APP_PASSWORD .*is not set"):
        await run_collector(inbox("https://pds.example"), SourceState(), now)


async def test_429_honours_retry_after(aiohttp_server, login, now):
    async def limited(request: web.Request) -> web.Response:
        return web.json_response({"error": "RateLimitExceeded"}, status=429,
                                 headers={"Retry-After": "90"})

    fake = FakePds(1)
    server = await aiohttp_server(fake.app(limited))
    with pytest.raises(HTTPStatusError) as caught:
        await run_collector(inbox(server.make_url("")), SourceState(), now)
    assert caught.value.status == 429 and caught.value.retry_after == 90
    assert len(listed(fake)) == 1
