"""Mastodon inbox: the account's mention notifications, read with its token (issue 13)."""

from __future__ import annotations

import copy
import logging
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp import web

from tests.conftest import make_settings
from tests.loopback import error, fixture, logging_app, run_collector
from trendwatch.collect.collectors import mastodon
from trendwatch.collect.collectors.mastodon import MastodonCollector, parse_notifications
from trendwatch.errors import AuthRequired, HTTPStatusError
from trendwatch.models import SourceState

TOKEN = "tok-1234-SECRET"


# --- parser -------------------------------------------------------------------------------------


def test_mentions_become_inbound_items_with_local_ids_and_reply_to():
    items = parse_notifications(fixture("mastodon/notifications_mentions.json"))
    # the direct message is left out by default, the favourite and the status-less one skipped
    assert [i.external_id for i in items] == ["113700000000000105", "113700000000000104",
                                              "113700000000000102"]
    complaint, question, private = items
    assert complaint.author == "kim@other.example"
    assert complaint.url == "https://other.example/@kim/113700000000000105"
    assert complaint.text == ("@acme still no answer & the battery is dead again. "
                              "Order acme.example/o/1")
    assert complaint.reply_to == "113700000000000101"
    assert complaint.published_at == datetime(2026, 11, 20, 8, 9, 58, tzinfo=UTC)
    assert question.author == "layla@social.example" and question.lang == "ar"
    assert question.text == "@acme كم سعر الدراجة الجديدة؟" and question.reply_to is None
    # followers-only mentions were addressed to the account; markup never survives
    assert private.text == "review\n\n@acme followers only: love the new saddle"
    assert "<" not in private.text and "alert" not in private.text


def test_direct_messages_only_when_asked():
    items = parse_notifications(fixture("mastodon/notifications_mentions.json"), direct=True)
    dm = next(i for i in items if i.external_id == "113700000000000103")
    assert dm.author == "bo@tiny.example" and "send the part" in dm.text
    assert parse_notifications({"error": "x"}) == [] and parse_notifications([]) == []


# --- options ------------------------------------------------------------------------------------


def test_inbox_options_are_checked_with_file_line_and_key():
    with pytest.raises(Exception, match=r"test.toml:\d+: sources\[0\].*token_env"):
        make_settings('[[sources]]\nkind = "mastodon"\ninstance = "https://social.example"\n'
                      'inbox = true\n')
    with pytest.raises(Exception, match="mentions only"):
        make_settings('[[sources]]\nkind = "mastodon"\ninstance = "https://social.example"\n'
                      'inbox = true\ntoken_env = "T"\nhashtags = ["ebike"]\n')
    with pytest.raises(Exception, match="trends = false"):
        make_settings('[[sources]]\nkind = "mastodon"\ninstance = "https://social.example"\n'
                      'inbox = true\ntoken_env = "T"\ntrends = true\n')
    with pytest.raises(Exception, match="direct = true needs"):
        make_settings('[[sources]]\nkind = "mastodon"\ninstance = "https://social.example"\n'
                      'direct = true\n')
    [source] = make_settings('[[sources]]\nkind = "mastodon"\ninstance = "https://social.example"\n'
                             'inbox = true\ntoken_env = "T"\n').sources
    assert source.inbox and source.timeline == "mentions" and source.trends is False
    assert source.name == "mastodon:social.example/mentions"


# --- a fake instance ----------------------------------------------------------------------------


class FakeNotifications:
    """/api/v1/notifications like Mastodon: auth, types[], since_id/max_id, Link next/prev."""

    def __init__(self, count: int):
        self.template = fixture("mastodon/notifications_mentions.json")[0]
        self.notifications: list[dict] = []
        self.log: list[web.Request] = []
        self.add(count)

    def add(self, count: int) -> None:
        start = len(self.notifications)
        for n in range(start, start + count):
            note = copy.deepcopy(self.template)
            note["id"] = str(10000 + n)
            note["status"]["id"] = str(113800000000000000 + n)
            note["status"]["in_reply_to_id"] = None
            self.notifications.append(note)

    async def handler(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return web.json_response({"error": "The access token is invalid"}, status=401)
        assert request.query.getall("types[]") == ["mention"]
        limit = int(request.query.get("limit", 15))
        page = sorted(self.notifications, key=lambda n: int(n["id"]), reverse=True)
        if "max_id" in request.query:
            page = [n for n in page if int(n["id"]) < int(request.query["max_id"])]
        if "since_id" in request.query:
            page = [n for n in page if int(n["id"]) > int(request.query["since_id"])]
        page = page[:limit]
        headers = {}
        if page:
            base = str(request.url.with_query(None))
            headers["Link"] = (f'<{base}?limit={limit}&types%5B%5D=mention&max_id={page[-1]["id"]}>; '
                               f'rel="next", <{base}?limit={limit}&types%5B%5D=mention&min_id='
                               f'{page[0]["id"]}>; rel="prev"')
        return web.json_response(page, headers=headers)

    def app(self, handler=None) -> web.Application:
        app = logging_app(self.log)
        app.router.add_get("/api/v1/notifications", handler or self.handler)
        return app


def inbox(url, **options) -> MastodonCollector:
    return MastodonCollector(MastodonCollector.Options(
        kind="mastodon", instance=str(url), inbox=True, token_env="ACME_MASTO_TOKEN", **options))


async def test_mentions_page_back_then_poll_forward_with_since_id(aiohttp_server, monkeypatch, now):
    monkeypatch.setenv("ACME_MASTO_TOKEN", TOKEN)
    monkeypatch.setattr(mastodon, "NOTIFICATION_LIMIT", 2)
    fake = FakeNotifications(5)
    server = await aiohttp_server(fake.app())
    c = inbox(server.make_url(""), max_pages=5)

    first = await run_collector(c, SourceState(), now)
    assert sorted(int(i.external_id) % 1000 for i in first.items) == [0, 1, 2, 3, 4]
    assert [r.query.get("max_id") for r in fake.log] == [None, "10003", "10001"]
    assert not first.trend_points  # an inbox source reads nothing else
    key = str(server.make_url("")).rstrip("/")
    assert first.state.cursor["since_id"] == {key: "10004"}

    fake.add(3)
    fake.log.clear()
    second = await run_collector(c, first.state, now)
    assert fake.log[0].query["since_id"] == "10004"
    # since_id gives the newest page; `next` walks down to what was read last time
    assert sorted(int(i.external_id) % 1000 for i in second.items) == [5, 6, 7]
    assert second.state.cursor["since_id"] == {key: "10007"}

    fake.log.clear()
    third = await run_collector(c, second.state, now)
    assert third.items == [] and len(fake.log) == 1


async def test_refused_token_names_the_variable_never_the_value(aiohttp_server, monkeypatch, now,
                                                                caplog):
    monkeypatch.setenv("ACME_MASTO_TOKEN", "wrong-" + TOKEN)
    fake = FakeNotifications(1)
    server = await aiohttp_server(fake.app())
    caplog.set_level(logging.DEBUG)
    with pytest.raises(AuthRequired) as caught:
        await run_collector(inbox(server.make_url("")), SourceState(), now)
    message = str(caught.value)
    assert "HTTP 401" in message and "ACME_MASTO_TOKEN" in message
    assert "read:notifications" in message
    assert TOKEN not in message and TOKEN not in caplog.text


async def test_unset_token_variable_is_an_auth_error(monkeypatch, now):
    monkeypatch.delenv("ACME_MASTO_TOKEN", raising=False)
    with pytest.raises(AuthRequired, match="ACME_MASTO_TOKEN"):
        await run_collector(inbox("https://social.example"), SourceState(), now)


async def test_429_honours_retry_after(aiohttp_server, monkeypatch, now):
    monkeypatch.setenv("ACME_MASTO_TOKEN", TOKEN)
    fake = FakeNotifications(1)
    server = await aiohttp_server(fake.app(error(429, {"error": "Too many requests"},
                                                 headers={"Retry-After": "120"})))
    with pytest.raises(HTTPStatusError) as caught:
        await run_collector(inbox(server.make_url("")), SourceState(), now)
    assert caught.value.status == 429 and caught.value.retry_after == 120
    assert len(fake.log) == 1


async def test_rate_limit_headers_stop_paging(aiohttp_server, monkeypatch, now):
    monkeypatch.setenv("ACME_MASTO_TOKEN", TOKEN)
    monkeypatch.setattr(mastodon, "NOTIFICATION_LIMIT", 1)
    fake = FakeNotifications(3)
    reset = (now + timedelta(minutes=5)).isoformat().replace("+00:00", ".000Z")

    async def limited(request: web.Request) -> web.Response:
        response = await fake.handler(request)
        response.headers.update({"X-RateLimit-Remaining": "1", "X-RateLimit-Reset": reset})
        return response

    server = await aiohttp_server(fake.app(limited))
    result = await run_collector(inbox(server.make_url(""), max_pages=3), SourceState(), now)
    assert len(fake.log) == 1 and len(result.items) == 1
    assert result.retry_after == pytest.approx(300, abs=1)


async def test_collect_stores_mentions_with_their_status_ids(aiohttp_server, monkeypatch, store,
                                                             now):
    from sqlalchemy import select

    from trendwatch.collect.run import collect_sources
    from trendwatch.store import sources as source_rows
    from trendwatch.store.schema import items

    monkeypatch.setenv("ACME_MASTO_TOKEN", TOKEN)
    fake = FakeNotifications(2)
    server = await aiohttp_server(fake.app())
    settings = make_settings(f'[[sources]]\nkind = "mastodon"\ninstance = "{server.make_url("")}"\n'
                             'inbox = true\ntoken_env = "ACME_MASTO_TOKEN"\n')
    [outcome] = await collect_sources(store, settings, now=now)
    assert outcome.status == "ok" and outcome.new_items == 2
    with store.connect() as conn:
        ids = sorted(r.external_id for r in conn.execute(select(items.c.external_id)))
    assert ids == ["113800000000000000", "113800000000000001"]

    monkeypatch.setenv("ACME_MASTO_TOKEN", "revoked-" + TOKEN)
    [outcome] = await collect_sources(store, settings, now=now + timedelta(hours=1))
    assert outcome.status == "error" and "ACME_MASTO_TOKEN" in outcome.message
    [health] = source_rows.source_health(store, now + timedelta(hours=1))
    assert TOKEN not in (health["last_error"] or "") and "ACME_MASTO_TOKEN" in health["last_error"]
