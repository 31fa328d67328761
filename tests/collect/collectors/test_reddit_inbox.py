"""Reddit inbox: a script app's password grant, then /message/inbox|mentions (issue 13)."""

from __future__ import annotations

import copy
import logging
from datetime import UTC, datetime

import pytest
from aiohttp import web

from tests.conftest import make_settings
from tests.loopback import error, fixture, logging_app, run_collector
from trendwatch.collect.collectors import reddit
from trendwatch.collect.collectors.reddit import RedditCollector, parse_inbox
from trendwatch.errors import AuthRequired, HTTPStatusError
from trendwatch.models import SourceState

PASSWORD = "hunter2-correct-horse"
BASIC = "Basic c2NyaXB0LWlkOnNjcmlwdC1zZWNyZXQ="  # script-id:script-secret


@pytest.fixture(autouse=True)
def _no_cached_tokens():
    reddit._TOKENS.clear()
    yield
    reddit._TOKENS.clear()


# --- parser -------------------------------------------------------------------------------------


def test_comments_and_private_messages_become_items_with_parents():
    items, after = parse_inbox(fixture("reddit/message_inbox.json"))
    assert after == "t1_gone"
    assert [i.external_id for i in items] == ["t1_lq1abcd", "t1_lq1abce", "t4_2k9aac",
                                              "t4_2k9aab", "t4_2k9aaa", "t1_gone"]
    mention, reply, followup, _ours, first, gone = items
    assert mention.author == "commuter_anna" and mention.title == ""
    assert mention.text == ("u/acme_bikes my X2 battery died after 3 weeks & support never "
                            "answered")
    assert mention.url == ("https://www.reddit.com/r/ebikes/comments/1gx001/"
                           "acme_x2_battery_thread/lq1abcd/?context=3")
    assert mention.reply_to == "t3_1gx001" and mention.engagement == {"score": 3}
    assert mention.published_at == datetime(2026, 11, 20, 7, 50, tzinfo=UTC)
    assert reply.reply_to == "t1_lq0zzzz"
    assert first.title == "Quote for 40 cargo bikes" and first.reply_to is None
    assert first.url == "https://www.reddit.com/message/messages/2k9aaa"
    assert followup.reply_to == "t4_2k9aab" and followup.engagement == {}
    assert gone.author is None and gone.published_at == datetime(2026, 11, 20, 6, 53, 20,
                                                                 tzinfo=UTC)
    assert parse_inbox({"error": 403}) == ([], None)


def test_inbox_options():
    with pytest.raises(Exception, match=r"sources\[0\].*script app's login"):
        make_settings('[[sources]]\nkind = "reddit"\ninbox = true\n')
    with pytest.raises(Exception, match="messages only"):
        make_settings('[[sources]]\nkind = "reddit"\ninbox = true\nsubreddit = "ebikes"\n'
                      'client_id_env = "I"\nclient_secret_env = "S"\nusername = "acme_bikes"\n'
                      'password_env = "P"\n')
    with pytest.raises(Exception, match="at least one `subreddit`"):
        make_settings('[[sources]]\nkind = "reddit"\n')
    [source] = make_settings('[[sources]]\nkind = "reddit"\ninbox = true\nclient_id_env = "I"\n'
                             'client_secret_env = "S"\nusername = "acme_bikes"\npassword_env = "P"\n'
                             ).sources
    assert source.timeline == "inbox" and source.name == "reddit:u/acme_bikes/inbox"


# --- loopback reddit ----------------------------------------------------------------------------


class FakeReddit:
    def __init__(self, pages: int = 1):
        self.log: list[web.Request] = []
        self.logins = 0
        self.valid: set[str] = set()
        listing = fixture("reddit/message_inbox.json")
        self.pages = [listing]
        for n in range(1, pages):  # older pages: the same things, renamed, an hour earlier each
            page = copy.deepcopy(listing)
            for child in page["data"]["children"]:
                child["data"]["name"] += f"_p{n}"
                if isinstance(child["data"].get("created_utc"), float):
                    child["data"]["created_utc"] -= 3600 * n
            self.pages.append(page)
        for n, page in enumerate(self.pages):
            page["data"]["after"] = f"page{n + 1}" if n + 1 < len(self.pages) else None

    async def token(self, request: web.Request) -> web.Response:
        form = await request.post()
        assert request.headers["Authorization"] == BASIC
        assert "(by /u/" in request.headers["User-Agent"]
        if form.get("grant_type") != "password" or form.get("username") != "acme_bikes" \
                or form.get("password") != PASSWORD:
            return web.json_response({"error": "invalid_grant"})  # Reddit answers 200
        self.logins += 1
        self.valid.add(f"Bearer user-token-{self.logins}")
        return web.json_response({"access_token": f"user-token-{self.logins}", "token_type":
                                  "bearer", "expires_in": 86400, "scope": "*"})

    async def inbox(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") not in self.valid:
            return web.json_response({"message": "Unauthorized", "error": 401}, status=401)
        assert request.query["mark"] == "false" and request.query["raw_json"] == "1"
        after = request.query.get("after")
        return web.json_response(self.pages[int(after[4:]) if after else 0])

    def app(self, inbox=None) -> web.Application:
        app = logging_app(self.log)
        app.router.add_post("/api/v1/access_token", self.token)
        app.router.add_get("/message/inbox", inbox or self.inbox)
        app.router.add_get("/message/mentions", inbox or self.inbox)
        return app


@pytest.fixture
def login(monkeypatch):
    monkeypatch.setenv("ACME_REDDIT_ID", "script-id")
    monkeypatch.setenv("ACME_REDDIT_SECRET", "script-secret")
    monkeypatch.setenv("ACME_REDDIT_PASSWORD", PASSWORD)


def inbox(url, **options) -> RedditCollector:
    base = str(url).rstrip("/")
    return RedditCollector(RedditCollector.Options(
        kind="reddit", inbox=True, base_url=base, oauth_url=base, client_id_env="ACME_REDDIT_ID",
        client_secret_env="ACME_REDDIT_SECRET", username="acme_bikes",
        password_env="ACME_REDDIT_PASSWORD", user_agent="linux:acme-care:1.0 (by /u/acme_bikes)",
        **options))


def reads(fake: FakeReddit) -> list[web.Request]:
    return [r for r in fake.log if r.path.startswith("/message/")]


async def test_password_grant_then_inbox_pages_and_own_messages_skipped(aiohttp_server, login, now):
    fake = FakeReddit(pages=3)
    server = await aiohttp_server(fake.app())
    c = inbox(server.make_url(""), max_pages=5)
    first = await run_collector(c, SourceState(), now)
    assert fake.logins == 1
    assert [r.query.get("after") for r in reads(fake)] == [None, "page1", "page2"]
    names = [i.external_id for i in first.items]
    assert len(names) == 15 and "t4_2k9aab" not in names  # the account's own reply
    assert first.state.cursor["messages"] == "2026-11-20T07:50:00+00:00"
    assert "user-token" not in str(first.state.cursor)

    fake.log.clear()
    second = await run_collector(c, first.state, now)
    assert fake.logins == 1  # the token is reused
    assert len(reads(fake)) == 1  # the first page reaches what was read last time
    assert [i.external_id for i in second.items] == ["t1_lq1abcd"]  # the newest, again


async def test_mentions_timeline_reads_message_mentions(aiohttp_server, login, now):
    fake = FakeReddit()
    server = await aiohttp_server(fake.app())
    result = await run_collector(inbox(server.make_url(""), timeline="mentions"), SourceState(), now)
    assert [r.path for r in reads(fake)] == ["/message/mentions"] and result.items


async def test_wrong_password_names_variables_never_values(aiohttp_server, login, monkeypatch,
                                                          now, caplog):
    monkeypatch.setenv("ACME_REDDIT_PASSWORD", "wrong")
    caplog.set_level(logging.DEBUG)
    server = await aiohttp_server(FakeReddit().app())
    with pytest.raises(AuthRequired) as caught:
        await run_collector(inbox(server.make_url("")), SourceState(), now)
    message = str(caught.value)
    assert "invalid_grant" in message and "ACME_REDDIT_PASSWORD" in message
    for value in ("wrong", "script-secret", PASSWORD):
        assert value not in message and value not in caplog.text


@pytest.mark.parametrize("status,logins", [(401, 2), (403, 1)])
async def test_refused_token_on_the_inbox_is_an_auth_error_and_forgets_the_token(
        aiohttp_server, login, now, status, logins):
    fake = FakeReddit()
    server = await aiohttp_server(fake.app(error(status, {"message": "Forbidden", "error": status})))
    with pytest.raises(AuthRequired, match=f"HTTP {status}: .*ACME_REDDIT_ID, ACME_REDDIT_SECRET "
                                           "and ACME_REDDIT_PASSWORD"):
        await run_collector(inbox(server.make_url("")), SourceState(), now)
    assert reddit._TOKENS == {} and fake.logins == logins  # a 401 is worth one new login


async def test_429_honours_retry_after(aiohttp_server, login, now):
    fake = FakeReddit()
    server = await aiohttp_server(fake.app(error(429, headers={"Retry-After": "45"})))
    with pytest.raises(HTTPStatusError) as caught:
        await run_collector(inbox(server.make_url(""), max_pages=3), SourceState(), now)
    assert caught.value.retry_after == 45 and len(reads(fake)) == 1


async def test_a_token_revoked_early_means_one_new_login(aiohttp_server, login, now):
    fake = FakeReddit()
    server = await aiohttp_server(fake.app())
    c = inbox(server.make_url(""))
    await run_collector(c, SourceState(), now)
    # the platform revoked the token we still hold as valid
    reddit._TOKENS[c._token_key()] = ("revoked", reddit._TOKENS[c._token_key()][1])
    fake.log.clear()
    result = await run_collector(c, SourceState(), now)
    assert result.items and fake.logins == 2
    assert [r.headers["Authorization"] for r in reads(fake)] == ["Bearer revoked",
                                                                "Bearer user-token-2"]
