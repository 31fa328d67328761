"""The demo sample server answers every route in the real wire shape.

Feeds are read back with the project's own parser; platform JSON with the platform
collectors' parsers when they are installed, and always against the shape rules.
"""

from __future__ import annotations

import importlib
import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import EVAL
from trendwatch.collect.parse.feeds import parse_feed
from trendwatch.demo import build_dataset
from trendwatch.demo.server import build_app

END = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
WEEK_START = END - timedelta(days=7)


@pytest.fixture(scope="module")
def week():
    return build_dataset()


@pytest.fixture
async def client(aiohttp_client, week):
    return await aiohttp_client(build_app(week, END))


@pytest.fixture
def eval_dir_optional():
    """The shared eval folder when present: lets the shape checks use the real lexicons."""
    return EVAL if EVAL.is_dir() else None


def parser(module: str, name: str):
    """A collector's pure parser, or None while that collector is not installed."""
    try:
        return getattr(importlib.import_module(f"trendwatch.collect.collectors.{module}"), name)
    except (ImportError, AttributeError):
        return None


async def test_outlet_feeds_parse_with_the_project_parser(client, week):
    for slug, name, kind in (("cyclewire", "Cycle Industry Wire", "rss"),
                             ("urbanmobility", "Urban Mobility Report", "atom"),
                             ("tanaqqul", "التنقل اليوم", "rss")):
        response = await client.get(f"/feeds/{slug}.xml")
        assert response.status == 200
        assert kind in response.headers["Content-Type"]
        parsed = parse_feed(await response.read(), dict(response.headers), str(response.url))
        expected = [a for a in week.articles if a.outlet == slug]
        assert len(parsed.items) == len(expected) and not parsed.warnings
        assert parsed.title == name
        for item in parsed.items:
            assert item.outlet == name and item.url.startswith(str(client.make_url("/news/")))
            assert WEEK_START <= item.published_at <= END
            assert item.text and item.title and item.author
    arabic = parse_feed(await (await client.get("/feeds/tanaqqul.xml")).read())
    assert all(any("\u0600" <= c <= "\u06ff" for c in i.title) for i in arabic.items)


async def test_article_links_resolve(client):
    parsed = parse_feed(await (await client.get("/feeds/cyclewire.xml")).read())
    page = await client.get(urlsplit(parsed.items[0].url).path)
    assert page.status == 200 and "Sample article" in await page.text()
    assert (await client.get("/news/cyclewire/nope-0001-x")).status == 404
    assert (await client.get("/feeds/nope.xml")).status == 404


async def test_conditional_get(client):
    first = await client.get("/feeds/electricride.xml")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = await client.get("/feeds/electricride.xml", headers={"If-None-Match": etag})
    assert again.status == 304 and await again.read() == b""
    since = await client.get("/feeds/electricride.xml", headers={"If-Modified-Since": modified})
    assert since.status == 304
    older = format_datetime(WEEK_START, usegmt=True)
    assert (await client.get("/feeds/electricride.xml", headers={"If-Modified-Since": older})).status == 200
    assert (await client.get("/feeds/electricride.xml", headers={"If-None-Match": '"x"'})).status == 200
    api = await client.get("/api/v1/trends/tags")
    assert (await client.get("/api/v1/trends/tags",
                             headers={"If-None-Match": api.headers["ETag"]})).status == 304


async def test_google_news_search(client, week):
    response = await client.get("/rss/search", params={
        "q": "battery OR cargo bike when:1d", "hl": "en-US", "gl": "US", "ceid": "US:en"})
    parsed = parse_feed(await response.read())
    assert parsed.items and len(parsed.items) <= 100
    outlets = {i.outlet for i in parsed.items}
    assert "Metro Herald" in outlets or "The Daily Spoke" in outlets or "TechBeat" in outlets
    names = {o.name for o in week.outlets}
    assert outlets <= names                           # from <source>, not the feed title
    assert all(END - timedelta(days=1) <= i.published_at <= END for i in parsed.items)
    assert all(" - " in i.title for i in parsed.items)
    redirect = await client.get(urlsplit(parsed.items[0].url).path, allow_redirects=False)
    assert redirect.status == 302 and "/news/" in redirect.headers["Location"]


async def test_gdelt_article_list(client):
    response = await client.get("/api/v2/doc/doc", params={
        "query": "battery", "mode": "ArtList", "format": "json", "maxrecords": "50",
        "timespan": "2d", "sort": "DateDesc"})
    data = await response.json()
    assert 0 < len(data["articles"]) <= 50
    first = data["articles"][0]
    assert set(first) >= {"url", "title", "seendate", "domain", "language", "sourcecountry"}
    assert datetime.strptime(first["seendate"], "%Y%m%dT%H%M%SZ")
    parse = parser("gdelt", "parse_gdelt")
    if parse:
        items, _ = parse(json.dumps(data).encode(), "battery")
        assert len(items) == len(data["articles"])
        assert all(i.outlet.endswith(".example") for i in items)
    empty = await client.get("/api/v2/doc/doc", params={"query": "zeppelin", "mode": "ArtList",
                                                         "format": "json"})
    assert await empty.json() == {}


async def test_google_trends_rss(client):
    response = await client.get("/trending/rss", params={"geo": "US"})
    root = ET.fromstring(await response.read())
    ns = {"ht": "https://trends.google.com/trending/rss"}
    items = root.findall("./channel/item")
    assert items
    traffic = [i.find("ht:approx_traffic", ns).text for i in items]
    assert all(t.endswith("+") and t[:-1].replace(",", "").isdigit() for t in traffic)
    assert any(i.find("ht:news_item/ht:news_item_url", ns) is not None for i in items)
    parse = parser("google_trends", "parse_trending_rss")
    if parse:
        found, points = parse(await response.read(), geo="US", now=END)
        assert points and any(p.term == "battery swap standard" for p in points)


async def test_mastodon_trending_tags_have_string_history(client):
    data = await (await client.get("/api/v1/trends/tags", params={"limit": "20"})).json()
    assert data and data[0]["name"] == "batteryswap"
    for tag in data:
        assert len(tag["history"]) == 7
        assert all(isinstance(v, str) and v.isdigit() for d in tag["history"] for v in d.values())
    days = [int(d["day"]) for d in data[0]["history"]]
    assert days == sorted(days, reverse=True) and days[0] % 86400 == 0
    links = await (await client.get("/api/v1/trends/links")).json()
    assert links and {"url", "title", "provider_name", "history"} <= set(links[0])
    statuses = await (await client.get("/api/v1/trends/statuses", params={"limit": "5"})).json()
    assert len(statuses) == 5


async def test_mastodon_tag_timeline_pages_with_link_headers(client, week):
    tagged = [p for p in week.posts if p.platform == "mastodon"
              and "ebike" in {t.casefold() for t in p.hashtags}]
    assert len(tagged) > 40
    seen: list[str] = []
    url, params = "/api/v1/timelines/tag/ebike", {"limit": "40"}
    newest_first = None
    while url:
        response = await client.get(url, params=params)
        page = await response.json()
        if not page:
            break
        assert len(page) <= 40
        ids = [int(s["id"]) for s in page]
        assert ids == sorted(ids, reverse=True)
        newest_first = newest_first or page[0]["id"]
        seen += [s["id"] for s in page]
        links = response.links
        assert "prev" in links
        next_url = links.get("next", {}).get("url")
        url = next_url.path if next_url else None
        params = dict(parse_qs(next_url.query_string)) if next_url else None
        params = {k: v[0] for k, v in params.items()} if params else None
    assert len(seen) == len(set(seen)) == len(tagged)
    # a poller asking with min_id gets only newer posts
    middle = sorted(seen, key=int)[len(seen) // 2]
    newer = await (await client.get(url or "/api/v1/timelines/tag/ebike",
                                    params={"min_id": middle, "limit": "40"})).json()
    assert newer and all(int(s["id"]) > int(middle) for s in newer)
    status = newer[0]
    assert {"id", "created_at", "content", "account", "tags", "language", "favourites_count",
            "reblogs_count", "replies_count", "visibility", "uri", "url"} <= set(status)
    assert 'class="mention hashtag"' in status["content"]
    parse = parser("mastodon", "parse_statuses")
    if parse:
        items = parse(newer)
        assert len(items) == len(newer) and all("ebike" in [h.casefold() for h in i.hashtags]
                                                 for i in items)


async def test_bluesky_needs_a_session_and_refreshes_it(aiohttp_client, week):
    client = await aiohttp_client(build_app(week, END, token_ttl=-1))   # tokens born expired
    anonymous = await client.get("/xrpc/app.bsky.feed.searchPosts", params={"q": "#BatterySwap"})
    assert anonymous.status == 403 and (await anonymous.json())["error"] == "Forbidden"
    session = await (await client.post("/xrpc/com.atproto.server.createSession",
                                       json={"identifier": "demo.bsky.social", "password": "x"})).json()
    assert {"did", "handle", "accessJwt", "refreshJwt"} <= set(session)
    expired = await client.get("/xrpc/app.bsky.feed.searchPosts", params={"q": "#BatterySwap"},
                               headers={"Authorization": f"Bearer {session['accessJwt']}"})
    assert expired.status == 400 and (await expired.json())["error"] == "ExpiredToken"
    refreshed = await client.post("/xrpc/com.atproto.server.refreshSession",
                                  headers={"Authorization": f"Bearer {session['refreshJwt']}"})
    assert refreshed.status == 200 and "accessJwt" in await refreshed.json()
    bad = await client.post("/xrpc/com.atproto.server.createSession", json={"identifier": "x"})
    assert bad.status == 400


async def test_bluesky_search_and_trends(client, week, eval_dir_optional):
    session = await (await client.post("/xrpc/com.atproto.server.createSession",
                                       json={"identifier": "demo.bsky.social", "password": "x"})).json()
    auth = {"Authorization": f"Bearer {session['accessJwt']}"}
    posts, cursor = [], None
    while True:
        params = {"q": "#BatterySwap", "sort": "latest", "limit": "25", **({"cursor": cursor} if cursor else {})}
        data = await (await client.get("/xrpc/app.bsky.feed.searchPosts", params=params, headers=auth)).json()
        posts += data["posts"]
        cursor = data.get("cursor")
        if not cursor:
            break
    expected = [p for p in week.posts if p.platform == "bluesky" and "BatterySwap" in p.hashtags]
    assert len(posts) == len(expected) == data["hitsTotal"]
    with_facets = [p for p in posts if p["record"].get("facets")]
    assert with_facets and len(with_facets) < len(posts)          # some posts carry no facets
    for post in with_facets:
        raw = post["record"]["text"].encode("utf-8")
        for facet in post["record"]["facets"]:
            index = facet["index"]
            tag = facet["features"][0]["tag"]
            assert raw[index["byteStart"]:index["byteEnd"]].decode() == f"#{tag}"
    assert all(p["uri"].startswith("at://did:plc:") for p in posts)
    since = (END - timedelta(hours=6)).isoformat().replace("+00:00", "Z")
    recent = await (await client.get("/xrpc/app.bsky.feed.searchPosts", headers=auth,
                                      params={"q": "#BatterySwap", "since": since, "limit": "100"})).json()
    assert 0 < len(recent["posts"]) < len(posts)
    parse = parser("bluesky", "parse_search")
    if parse:
        items, _ = parse({"posts": posts})
        assert len(items) == len(posts) and all("batteryswap" in [h.casefold() for h in i.hashtags]
                                                 for i in items)

    trends = await (await client.get("/xrpc/app.bsky.unspecced.getTrends")).json()
    required = {"topic", "displayName", "link", "startedAt", "postCount", "actors"}
    if eval_dir_optional:
        lexicon = json.loads((eval_dir_optional / "social-api-samples" / "bluesky-lexicons"
                              / "app.bsky.unspecced.defs.json").read_text())
        required = set(lexicon["defs"]["trendView"]["required"])
    assert trends["trends"] and all(required <= set(t) for t in trends["trends"])
    topics = await (await client.get("/xrpc/app.bsky.unspecced.getTrendingTopics")).json()
    assert set(topics) == {"topics", "suggested"} and topics["topics"]


async def test_reddit_listing_and_rss(client):
    first = await (await client.get("/r/ebikes/new.json", params={"limit": "10", "raw_json": "1"})).json()
    assert first["kind"] == "Listing" and len(first["data"]["children"]) == 10
    child = first["data"]["children"][0]
    assert child["kind"] == "t3" and {"title", "author", "score", "num_comments", "created_utc",
                                      "permalink", "name", "subreddit"} <= set(child["data"])
    assert "{tags}" not in child["data"]["selftext"]
    after = first["data"]["after"]
    second = await (await client.get("/r/ebikes/new.json", params={"limit": "10", "after": after})).json()
    names = {c["data"]["name"] for c in first["data"]["children"]}
    assert not names & {c["data"]["name"] for c in second["data"]["children"]}
    times = [c["data"]["created_utc"] for c in first["data"]["children"] + second["data"]["children"]]
    assert times == sorted(times, reverse=True)
    hot = await client.get("/r/CargoBike/hot.json")
    assert hot.status == 200
    rss = parse_feed(await (await client.get("/r/ebikes/new/.rss")).read())
    assert rss.items and all(i.published_at for i in rss.items)
    assert (await client.get("/r/nosuchsub/new.json")).status == 404
    parse = parser("reddit", "parse_listing")
    if parse:
        assert len(parse(first)) == 10


async def test_hackernews_algolia(client):
    since = int((END - timedelta(days=2)).timestamp())
    data = await (await client.get("/api/v1/search_by_date", params={
        "query": "battery", "tags": "story", "numericFilters": f"created_at_i>{since}",
        "hitsPerPage": "5", "page": "0"})).json()
    assert 0 < len(data["hits"]) <= 5 and data["nbHits"] >= len(data["hits"])
    assert all(h["created_at_i"] > since and "story" in h["_tags"] for h in data["hits"])
    stamps = [h["created_at_i"] for h in data["hits"]]
    assert stamps == sorted(stamps, reverse=True)
    front = await (await client.get("/api/v1/search", params={"tags": "front_page"})).json()
    assert all(h["points"] >= 20 for h in front["hits"])
    parse = parser("hackernews", "parse_hits")
    if parse:
        assert len(parse(data)) == len(data["hits"])


async def test_x_recent_search(client):
    assert (await client.get("/2/tweets/search/recent", params={"query": "#ebike"})).status == 401
    auth = {"Authorization": "Bearer demo"}
    params = {"query": "(#BatterySwap OR #ebike) -is:retweet", "max_results": "10",
              "tweet.fields": "created_at,public_metrics,lang,entities", "expansions": "author_id"}
    first = await (await client.get("/2/tweets/search/recent", params=params, headers=auth)).json()
    assert len(first["data"]) == 10 and first["meta"]["result_count"] == 10
    users = {u["id"] for u in first["includes"]["users"]}
    assert all(t["author_id"] in users for t in first["data"])
    token = first["meta"]["next_token"]
    second = await (await client.get("/2/tweets/search/recent", headers=auth,
                                      params={**params, "pagination_token": token})).json()
    assert not {t["id"] for t in first["data"]} & {t["id"] for t in second["data"]}
    newest = first["meta"]["newest_id"]
    none_newer = await (await client.get("/2/tweets/search/recent", headers=auth,
                                          params={**params, "since_id": newest})).json()
    assert none_newer == {"meta": {"result_count": 0}}
    parse = parser("x", "parse_search")
    if parse:
        assert len(parse(first)) == 10
