"""Mastodon: golden parser tests and a loopback instance with real paging semantics."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp import web

from tests.conftest import make_settings
from tests.loopback import error, fixture, logging_app, run_collector, serve_json
from trendwatch.collect.collectors import mastodon
from trendwatch.collect.collectors.mastodon import (
    MastodonCollector,
    parse_links,
    parse_statuses,
    parse_tag_history,
)
from trendwatch.collect.run import collect_sources
from trendwatch.errors import AuthRequired
from trendwatch.models import SourceState
from trendwatch.store import sources as source_rows
from trendwatch.store.schema import trend_points

UTC = UTC


# --- parsers ----------------------------------------------------------------------------------


def test_statuses_html_becomes_text_and_hashtags_are_kept():
    [item] = parse_statuses(fixture("mastodon/trends_statuses.json"))
    assert item.text == ("Our #CargoBike fleet just hit 10,000 km 🚲🎉 Thanks @sam! "
                         "Details: https://blog.example/fleet")
    assert "<" not in item.text
    assert item.hashtags[0] == "cargobike"
    assert item.author == "velo@social.example"  # local accounts get their instance
    assert item.published_at == datetime(2026, 11, 20, 6, 45, 12, 118000, tzinfo=UTC)
    assert item.engagement == {"likes": 57, "reposts": 21, "replies": 4, "quotes": 0}
    assert item.external_id == "https://social.example/users/velo/statuses/113500000000000101"
    assert item.url == "https://social.example/@velo/113500000000000101"
    assert item.lang == "en" and item.title == ""


def test_timeline_rtl_boosts_and_private_posts():
    items = parse_statuses(fixture("mastodon/timeline_ebike.json"))
    assert len(items) == 3  # the followers-only post is dropped
    arabic, remote, boosted = items
    assert arabic.text == "مرحبا! دراجتي الكهربائية الجديدة وصلت اليوم #ebike"
    assert arabic.lang == "ar" and arabic.hashtags == ["ebike"]
    assert remote.author == "kim@other.example"
    assert remote.hashtags == ["ebike", "winter"]
    # a boost is the boosted post, by its author
    assert boosted.author == "rail@trains.example"
    assert boosted.text.startswith("Folding bikes on trains")
    assert boosted.published_at == datetime(2026, 11, 20, 5, 0, tzinfo=UTC)


def test_missing_fields_and_garbage_are_tolerated():
    items = parse_statuses(fixture("mastodon/status_sparse.json"))
    assert len(items) == 2
    assert items[0].text == "just text, no tags list" and items[0].engagement == {}
    assert items[0].author == "x@tiny.example"
    assert items[1].text == "" and items[1].published_at is None and items[1].author is None
    assert parse_statuses([]) == [] and parse_statuses({"error": "x"}) == []


def test_tag_history_numbers_arrive_as_strings():
    points = parse_tag_history(fixture("mastodon/trends_tags.json"), trending=True)
    ebike_uses = [p for p in points if p.term == "ebike" and p.metric == "uses"]
    assert [p.value for p in ebike_uses] == [42, 12, 4]
    assert ebike_uses[0].at == datetime(2026, 11, 20, tzinfo=UTC)
    assert ebike_uses[0].extra == {"trending": True, "rank": 1}
    accounts = [p.value for p in points if p.term == "Radverkehr" and p.metric == "accounts"]
    assert accounts == [6, 3, 0]
    assert parse_tag_history([], trending=True) == []
    assert parse_tag_history({"name": "x", "history": [{"day": "bad"}]}, trending=False) == []


def test_trending_links_are_articles_of_their_outlet():
    [link] = parse_links(fixture("mastodon/trends_links.json"))
    assert link.outlet == "News Example" and link.author is None
    assert link.text == "Three cities announce new subsidies for cargo bikes & e-bikes."


# --- a fake instance ------------------------------------------------------------------------


class FakeInstance:
    """Serves /api/v1/timelines/tag/ebike like Mastodon: newest first, min_id/max_id, Link."""

    def __init__(self, count: int):
        self.template = fixture("mastodon/timeline_ebike.json")[0]
        self.statuses: list[dict] = []
        self.add(count)
        self.log: list[web.Request] = []

    def add(self, count: int) -> None:
        start = len(self.statuses)
        for n in range(start, start + count):
            status = copy.deepcopy(self.template)
            status["id"] = str(113600000000000000 + n)
            status["uri"] = f"https://social.example/users/layla/statuses/{status['id']}"
            status["created_at"] = (datetime(2026, 11, 20, 0, tzinfo=UTC)
                                    + timedelta(minutes=n)).isoformat().replace("+00:00", "Z")
            self.statuses.append(status)

    async def timeline(self, request: web.Request) -> web.Response:
        limit = int(request.query.get("limit", 20))
        newest_first = sorted(self.statuses, key=lambda s: int(s["id"]), reverse=True)
        if "min_id" in request.query:
            newer = [s for s in newest_first if int(s["id"]) > int(request.query["min_id"])]
            page = newer[-limit:]  # the ones immediately after min_id
        elif "max_id" in request.query:
            page = [s for s in newest_first if int(s["id"]) < int(request.query["max_id"])][:limit]
        else:
            page = newest_first[:limit]
        headers = {}
        if page:
            base = str(request.url.with_query(None))
            headers["Link"] = (f'<{base}?limit={limit}&max_id={page[-1]["id"]}>; rel="next", '
                               f'<{base}?limit={limit}&min_id={page[0]["id"]}>; rel="prev"')
        return web.json_response(page, headers=headers)

    def app(self, **overrides) -> web.Application:
        app = logging_app(self.log)
        routes = {
            "/api/v1/trends/tags": serve_json("mastodon/trends_tags.json"),
            "/api/v1/trends/statuses": serve_json("mastodon/trends_statuses.json"),
            "/api/v1/trends/links": serve_json("mastodon/trends_links.json"),
            "/api/v1/tags/ebike": serve_json("mastodon/tag_ebike.json"),
            "/api/v1/timelines/tag/ebike": self.timeline,
        }
        routes.update(overrides)
        for path, handler in routes.items():
            app.router.add_get(path, handler)
        return app


def collector(url, **options) -> MastodonCollector:
    return MastodonCollector(MastodonCollector.Options(kind="mastodon", instance=str(url), **options))


async def test_polling_walks_link_headers_and_second_run_asks_only_for_newer(
        aiohttp_server, monkeypatch, now):
    monkeypatch.setattr(mastodon, "PAGE_LIMIT", 2)
    fake = FakeInstance(5)
    server = await aiohttp_server(fake.app())
    c = collector(server.make_url(""), hashtags=["ebike"], trends=False, max_pages=5)

    first = await run_collector(c, SourceState(), now)
    assert sorted(int(i.external_id.rsplit("/", 1)[1]) % 1000 for i in first.items) == [0, 1, 2, 3, 4]
    timeline = [r for r in fake.log if "timelines" in r.path]
    assert [r.query.get("max_id") for r in timeline] == [None, "113600000000000003",
                                                        "113600000000000001"]
    assert first.state.cursor["min_id"][f"{server.make_url('')}".rstrip("/") + "#ebike"] == \
        "113600000000000004"

    fake.add(3)
    fake.log.clear()
    second = await run_collector(c, first.state, now)
    timeline = [r for r in fake.log if "timelines" in r.path]
    assert all("min_id" in r.query for r in timeline)  # never the whole timeline again
    assert timeline[0].query["min_id"] == "113600000000000004"
    assert sorted(int(i.external_id.rsplit("/", 1)[1]) % 1000 for i in second.items) == [5, 6, 7]
    assert list(second.state.cursor["min_id"].values()) == ["113600000000000007"]


async def test_closed_timeline_is_a_warning_when_trends_work(aiohttp_server, store, now):
    fake = FakeInstance(1)
    server = await aiohttp_server(fake.app(**{
        "/api/v1/timelines/tag/ebike": error(401, {"error": "This method requires an authenticated user"}),
    }))
    settings = make_settings(f'[[sources]]\nkind = "mastodon"\nname = "m"\n'
                             f'instance = "{server.make_url("")}"\nhashtags = ["ebike"]\n')
    [outcome] = await collect_sources(store, settings, now=now)
    assert outcome.status == "ok" and outcome.new_items == 2  # trending status + link
    assert "#ebike" in outcome.message and "closed timelines" in outcome.message
    [health] = source_rows.source_health(store, now)
    assert health["error_count"] == 0 and "unavailable" in health["last_error"]
    with store.connect() as conn:
        terms = {r.term for r in conn.execute(trend_points.select())}
    assert terms == {"ebike", "radverkehr"}


async def test_everything_closed_is_an_auth_error_not_an_empty_success(aiohttp_server, now):
    closed = error(403, {"error": "forbidden"})
    fake = FakeInstance(1)
    server = await aiohttp_server(fake.app(**{p: closed for p in (
        "/api/v1/trends/tags", "/api/v1/trends/statuses", "/api/v1/trends/links",
        "/api/v1/tags/ebike", "/api/v1/timelines/tag/ebike")}))
    with pytest.raises(AuthRequired, match="HTTP 403"):
        await run_collector(collector(server.make_url(""), hashtags=["ebike"]), SourceState(), now)


async def test_token_is_sent_and_rate_limit_headers_stop_the_run(aiohttp_server, monkeypatch, now):
    monkeypatch.setenv("MASTO_TOKEN", "s3cret")
    reset = (now + timedelta(minutes=4)).isoformat().replace("+00:00", ".000Z")
    fake = FakeInstance(1)
    server = await aiohttp_server(fake.app(**{"/api/v1/trends/tags": serve_json(
        "mastodon/trends_tags.json",
        headers={"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "1",
                 "X-RateLimit-Reset": reset})}))
    c = collector(server.make_url(""), hashtags=["ebike"], token_env="MASTO_TOKEN")
    result = await run_collector(c, SourceState(), now)
    assert [r.path for r in fake.log] == ["/api/v1/trends/tags"]
    assert fake.log[0].headers["Authorization"] == "Bearer s3cret"
    assert result.retry_after == pytest.approx(240, abs=1)
    assert any("rate limit" in w for w in result.warnings) and result.trend_points


async def test_429_with_retry_after_is_honoured(aiohttp_server, store, now):
    fake = FakeInstance(1)
    limited = error(429, {"error": "Too many requests"}, headers={"Retry-After": "600"})
    server = await aiohttp_server(fake.app(**{p: limited for p in (
        "/api/v1/trends/tags", "/api/v1/trends/statuses", "/api/v1/trends/links")}))
    settings = make_settings(f'[[sources]]\nkind = "mastodon"\nname = "m"\n'
                             f'instance = "{server.make_url("")}"\n')
    [outcome] = await collect_sources(store, settings, now=now)
    assert outcome.status == "error" and "429" in outcome.message
    assert len(fake.log) == 1  # the first 429 stopped the other parts
    [health] = source_rows.source_health(store, now)
    assert health["next_check_at"] >= now + timedelta(seconds=600)


# --- one token per instance (issue 12, finding 5) -----------------------------------------------


def test_one_token_for_several_instances_is_a_config_error_naming_line_and_key():
    body = ('[[sources]]\nkind = "mastodon"\nname = "two"\n'
            'instance = ["https://mastodon.social", "https://other.example"]\n'
            'token_env = "MASTO_TOKEN"\n')
    with pytest.raises(Exception) as caught:
        make_settings(body)
    message = str(caught.value)
    assert "test.toml:8: sources[0].token_env: one token for 2 instances would be sent to each" in message
    assert '"mastodon.social" = "…", "other.example" = "…"' in message


def test_a_token_table_names_only_listed_instances():
    with pytest.raises(Exception, match=r"token_env names \['evil.example'\], which are not in `instance`"):
        make_settings('[[sources]]\nkind = "mastodon"\ninstance = "https://mastodon.social"\n'
                      'token_env = { "evil.example" = "MASTO_TOKEN" }\n')
    settings = make_settings('[[sources]]\nkind = "mastodon"\ninstance = "https://mastodon.social"\n'
                             'token_env = "MASTO_TOKEN"\n')  # one instance, one name: as before
    assert settings.sources[0].token_env == "MASTO_TOKEN"


async def test_each_instance_gets_its_own_token_and_no_other(aiohttp_server, monkeypatch, now):
    monkeypatch.setenv("TOKEN_A", "token-of-a")
    fakes = [FakeInstance(1), FakeInstance(1), FakeInstance(1)]
    servers = [await aiohttp_server(f.app(), host="127.0.0.1") for f in fakes]
    # three instances on one host: told apart by port
    hosts = [f"127.0.0.1:{s.port}" for s in servers]
    options = mastodon.MastodonOptions(
        kind="mastodon", instance=[str(s.make_url("")) for s in servers], hashtags=["ebike"],
        token_env={hosts[0]: "TOKEN_A", hosts[1]: "TOKEN_B"}, max_pages=1)
    monkeypatch.setenv("TOKEN_B", "token-of-b")
    await run_collector(MastodonCollector(options), SourceState(), now)
    seen = [{r.headers.get("Authorization") for r in f.log} for f in fakes]
    assert seen == [{"Bearer token-of-a"}, {"Bearer token-of-b"}, {None}]


async def test_a_link_header_to_another_host_gets_no_token(aiohttp_server, monkeypatch, now):
    monkeypatch.setenv("MASTO_TOKEN", "token-of-home")
    elsewhere_log: list = []
    elsewhere = logging_app(elsewhere_log)
    elsewhere.router.add_get("/page2", lambda request: web.json_response([]))
    other = await aiohttp_server(elsewhere, host="127.0.0.1")
    page = [copy.deepcopy(s) for s in fixture("mastodon/timeline_ebike.json")]
    page = (page * 40)[:40]  # a full page, so the collector follows `next`
    for number, status in enumerate(page):
        status["id"] = str(1000 + number)
    link = f'<{other.make_url("/page2")}>; rel="next"'
    fake = FakeInstance(1)
    server = await aiohttp_server(fake.app(**{"/api/v1/timelines/tag/ebike": lambda request: web.json_response(
        page, headers={"Link": link})}), host="127.0.0.1")
    c = collector(server.make_url(""), hashtags=["ebike"], token_env="MASTO_TOKEN", trends=False)
    await run_collector(c, SourceState(), now)
    assert [r.path for r in elsewhere_log] == ["/page2"]
    assert "Authorization" not in elsewhere_log[0].headers
    assert all(r.headers.get("Authorization") == "Bearer token-of-home" for r in fake.log)
