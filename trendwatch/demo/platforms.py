"""Demo endpoints for the social platforms: Mastodon, Bluesky, Reddit, Hacker News, X.

Paths, parameters, pagination, auth and error bodies follow the real APIs closely
enough that the real collectors run unchanged: Mastodon ``min_id``/``max_id`` with a
``Link`` header and rate-limit headers, Bluesky sessions with expiring tokens and a 403
for anonymous search, Reddit ``after``/``before`` fullnames, Algolia ``numericFilters``,
X bearer auth and ``next_token``.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

from trendwatch.demo import render_api as api
from trendwatch.demo import render_feeds as feeds
from trendwatch.demo.common import base_of, conditional, int_param, json_error, json_response, site
from trendwatch.demo.dataset import Post
from trendwatch.demo.query import parse_query

DAY = 86400.0


def _rate_headers(limit: int = 300) -> dict[str, str]:
    reset = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=5)
    return {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": str(limit - 1),
            "X-RateLimit-Reset": reset.isoformat().replace("+00:00", ".000Z")}


# --- Mastodon ---------------------------------------------------------------------------

def _tagged(posts: list[Post], tag: str) -> list[Post]:
    tag = tag.casefold()
    return [p for p in posts if tag in {t.casefold() for t in p.hashtags}]


def _trending_tags(posts: list[Post]) -> list[str]:
    """Tags ranked by recent use (last two days), each used by at least three accounts."""
    recent = [p for p in posts if p.age <= 2 * DAY]
    uses = Counter(t.casefold() for p in recent for t in p.hashtags)
    accounts: dict[str, set[str]] = {}
    for post in recent:
        for tag in post.hashtags:
            accounts.setdefault(tag.casefold(), set()).add(post.account)
    return [t for t, _ in uses.most_common() if len(accounts[t]) >= 3]


async def mastodon_trends_tags(request: web.Request) -> web.Response:
    s, base = site(request), base_of(request)
    posts = s.posts("mastodon")
    limit = int_param(request, "limit", 10, 1, 20)
    offset = int_param(request, "offset", 0, 0, 1000)
    names = _trending_tags(posts)[offset: offset + limit]
    return json_response(request, [api.mastodon_tag(n, _tagged(posts, n), s.end, base) for n in names],
                         headers=_rate_headers())


async def mastodon_trends_links(request: web.Request) -> web.Response:
    s, base = site(request), base_of(request)
    limit = int_param(request, "limit", 10, 1, 20)
    offset = int_param(request, "offset", 0, 0, 1000)
    sharing: dict[str, list[Post]] = {}
    for post in s.posts("mastodon"):
        if post.article:
            sharing.setdefault(post.article, []).append(post)
    ranked = sorted(sharing, key=lambda a: (-sum(p.age <= 2 * DAY for p in sharing[a]), a))
    links = [api.mastodon_link(s.dataset, s.dataset.article(a), sharing[a], s.end, base)
             for a in ranked[offset: offset + limit]]
    return json_response(request, links, headers=_rate_headers())


async def mastodon_trends_statuses(request: web.Request) -> web.Response:
    s, base = site(request), base_of(request)
    limit = int_param(request, "limit", 20, 1, 40)
    offset = int_param(request, "offset", 0, 0, 1000)
    recent = sorted((p for p in s.posts("mastodon") if p.age <= 2 * DAY),
                    key=lambda p: (-(p.likes + 2 * p.reposts), p.id))
    return json_response(request, [api.mastodon_status(s.dataset, p, s.end, base)
                                   for p in recent[offset: offset + limit]], headers=_rate_headers())


def _id_param(request: web.Request, name: str) -> int | None:
    raw = request.query.get(name)
    if not raw:
        return None
    if not raw.isdigit():
        raise web.HTTPUnprocessableEntity(text=f'{{"error":"{name} must be a status id"}}',
                                          content_type="application/json")
    return int(raw)


async def mastodon_tag_timeline(request: web.Request) -> web.Response:
    """Newest first; ``max_id``/``since_id`` bound the page, ``min_id`` asks for the page just
    after it (what a poller wants); ``Link`` carries next (older) and prev (newer) pages."""
    s, base = site(request), base_of(request)
    tag = request.match_info["hashtag"]
    limit = int_param(request, "limit", 20, 1, 40)
    max_id, since_id, min_id = (_id_param(request, n) for n in ("max_id", "since_id", "min_id"))
    posts = sorted(_tagged(s.posts("mastodon"), tag), key=api.mastodon_id, reverse=True)
    if max_id is not None:
        posts = [p for p in posts if api.mastodon_id(p) < max_id]
    if since_id is not None:
        posts = [p for p in posts if api.mastodon_id(p) > since_id]
    if min_id is not None:
        posts = [p for p in posts if api.mastodon_id(p) > min_id][-limit:]
    page = posts[:limit]
    headers = _rate_headers()
    if page:
        url = f"{base}/api/v1/timelines/tag/{tag}"
        headers["Link"] = (f'<{url}?max_id={api.mastodon_id(page[-1])}&limit={limit}>; rel="next", '
                           f'<{url}?min_id={api.mastodon_id(page[0])}&limit={limit}>; rel="prev"')
    return json_response(request, [api.mastodon_status(s.dataset, p, s.end, base) for p in page],
                         headers=headers)


async def mastodon_tag(request: web.Request) -> web.Response:
    s, base = site(request), base_of(request)
    name = request.match_info["hashtag"]
    return json_response(request, api.mastodon_tag(name, _tagged(s.posts("mastodon"), name), s.end, base))


async def mastodon_instance(request: web.Request) -> web.Response:
    base = base_of(request)
    domain = request.url.host or "127.0.0.1"
    return json_response(request, {
        "domain": domain, "uri": domain, "title": "trendwatch demo instance", "version": "4.3.0",
        "source_url": "https://github.com/mastodon/mastodon",
        "description": "A local stand-in for a Mastodon server, serving the demo week.",
        "usage": {"users": {"active_month": len({p.account for p in site(request).posts("mastodon")})}},
        "languages": ["en", "de", "ar"],
        "configuration": {"urls": {"streaming": base.replace("http", "ws")},
                          "statuses": {"max_characters": 500, "max_media_attachments": 4,
                                       "characters_reserved_per_url": 23}},
        "registrations": {"enabled": False, "approval_required": False, "message": None},
    })


# --- Bluesky ----------------------------------------------------------------------------

async def bsky_create_session(request: web.Request) -> web.Response:
    s = site(request)
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or not body.get("identifier") or not body.get("password"):
        return json_error(400, {"error": "InvalidRequest",
                                "message": 'Input must have the properties "identifier" and "password"'})
    handle = str(body["identifier"]).lstrip("@")
    subject = api.did(handle)
    return web.json_response({
        "did": subject, "handle": handle, "email": None, "active": True,
        "accessJwt": s.token(subject, "com.atproto.access", s.token_ttl),
        "refreshJwt": s.token(subject, "com.atproto.refresh", 90 * DAY),
    })


async def bsky_refresh_session(request: web.Request) -> web.Response:
    s = site(request)
    token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    problem = s.check_token(token, "com.atproto.refresh") if token else "AuthenticationRequired"
    if problem:
        return json_error(400 if problem == "ExpiredToken" else 401,
                          {"error": problem, "message": "Refresh token is not valid"})
    subject = _claims_subject(token)
    return web.json_response({
        "did": subject, "handle": "demo.bsky.social", "active": True,
        "accessJwt": s.token(subject, "com.atproto.access", s.token_ttl),
        "refreshJwt": s.token(subject, "com.atproto.refresh", 90 * DAY),
    })


def _claims_subject(token: str) -> str:
    import base64
    import json

    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"]


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise web.HTTPBadRequest(text=f"not a datetime: {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


async def bsky_search_posts(request: web.Request) -> web.Response:
    s, base = site(request), base_of(request)
    token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not token:
        # what the public AppView answers today for anonymous search
        return json_error(403, {"error": "Forbidden",
                                "message": "searchPosts requires an authenticated session"})
    problem = s.check_token(token, "com.atproto.access")
    if problem:
        message = "Token has expired" if problem == "ExpiredToken" else "Token could not be verified"
        return json_error(400 if problem == "ExpiredToken" else 401, {"error": problem, "message": message})
    q = request.query.get("q", "")
    if not q:
        return json_error(400, {"error": "InvalidRequest", "message": 'Error: Params must have the property "q"'})
    query = parse_query(q)
    tags = {t.casefold() for t in request.query.getall("tag", [])}
    lang = request.query.get("lang")
    since, until = _parse_time(request.query.get("since")), _parse_time(request.query.get("until"))
    found = [p for p in s.posts("bluesky")
             if query.matches(p.text, p.hashtags)
             and tags <= {t.casefold() for t in p.hashtags}
             and (not lang or p.lang == lang)
             and (since is None or s.time_of(p.age) >= since)
             and (until is None or s.time_of(p.age) < until)]
    if request.query.get("sort") == "top":
        found.sort(key=lambda p: (-p.likes, p.age))
    else:
        found.sort(key=lambda p: p.age)
    limit = int_param(request, "limit", 25, 1, 100)
    offset = int_param(request, "cursor", 0, 0, 10**6)
    page = found[offset: offset + limit]
    data: dict[str, Any] = {"posts": [api.bluesky_post(s.dataset, p, s.end, base) for p in page],
                            "hitsTotal": len(found)}
    if offset + limit < len(found):
        data["cursor"] = str(offset + limit)
    return json_response(request, data)


def _bsky_trending(request: web.Request) -> list[tuple[str, list[Post]]]:
    posts = site(request).posts("bluesky")
    names = _trending_tags(posts)
    return [(n, [p for p in _tagged(posts, n) if p.age <= 2 * DAY]) for n in names]


async def bsky_get_trends(request: web.Request) -> web.Response:
    s, base = site(request), base_of(request)
    limit = int_param(request, "limit", 10, 1, 25)
    trends = []
    for name, posts in _bsky_trending(request)[:limit]:
        last_day = sum(p.age <= DAY for p in posts)
        started = s.time_of(max(p.age for p in posts))
        actors = list(dict.fromkeys(p.account for p in sorted(posts, key=lambda p: -p.likes)))[:3]
        trends.append({
            "topic": name, "displayName": f"#{name}", "link": f"/hashtag/{name}",
            "startedAt": feeds.iso(started, ms=True), "postCount": len(posts),
            "status": "hot" if last_day >= 2 * max(len(posts) - last_day, 1) else None,
            "category": "other",
            "actors": [api.bluesky_profile(s.dataset, a, base) for a in actors],
        })
    for trend in trends:
        if trend["status"] is None:
            del trend["status"]
    return json_response(request, {"trends": trends, "recIdStr": str(s.dataset.seed)})


async def bsky_trending_topics(request: web.Request) -> web.Response:
    limit = int_param(request, "limit", 10, 1, 25)
    topics = [{"topic": n, "displayName": f"#{n}", "link": f"/hashtag/{n}"}
              for n, _ in _bsky_trending(request)]
    return json_response(request, {"topics": topics[:limit], "suggested": topics[limit: limit + 5]})


# --- Reddit -----------------------------------------------------------------------------

def _reddit_posts(request: web.Request) -> list[Post]:
    s = site(request)
    sub = request.match_info["sub"].casefold()
    posts = [p for p in s.posts("reddit") if (p.community or "").casefold() == sub]
    if not posts:
        raise web.HTTPNotFound(text='{"message": "Not Found", "error": 404}',
                               content_type="application/json")
    if request.match_info.get("sort", "new") == "hot":
        # Reddit's hot: score against age
        return sorted(posts, key=lambda p: -(p.likes + 1) / (1 + p.age / 43200) ** 1.5)
    return sorted(posts, key=lambda p: p.age)


async def reddit_listing(request: web.Request) -> web.Response:
    s, base = site(request), base_of(request)
    posts = _reddit_posts(request)
    names = [f"t3_{feeds.reddit_id(p)}" for p in posts]
    limit = int_param(request, "limit", 25, 1, 100)
    after, before = request.query.get("after"), request.query.get("before")
    start, stop = 0, len(posts)
    if after in names:
        start = names.index(after) + 1
    if before in names:
        stop = names.index(before)
        start = max(stop - limit, 0) if not after else start
    page = posts[start: min(start + limit, stop)]
    next_after = f"t3_{feeds.reddit_id(page[-1])}" if page and start + limit < stop else None
    prev_before = f"t3_{feeds.reddit_id(page[0])}" if page and start > 0 else None
    headers = {"x-ratelimit-used": "1", "x-ratelimit-remaining": "99.0", "x-ratelimit-reset": "300"}
    return json_response(request, api.reddit_listing(page, s.end, base, next_after, prev_before),
                         headers=headers)


async def reddit_rss(request: web.Request) -> web.Response:
    s, base = site(request), base_of(request)
    posts = _reddit_posts(request)[:25]
    body = feeds.reddit_atom(request.match_info["sub"], posts, s.end, base)
    return conditional(request, body, "application/atom+xml")


async def reddit_token(request: web.Request) -> web.Response:
    if not request.headers.get("Authorization", "").startswith("Basic "):
        return json_error(401, {"message": "Unauthorized", "error": 401})
    return web.json_response({"access_token": "demo-reddit-token", "token_type": "bearer",
                              "expires_in": 86400, "scope": "read"})


# --- Hacker News (Algolia) --------------------------------------------------------------

def _numeric_ok(post_values: dict[str, float], filters: str) -> bool:
    import re

    for clause in filter(None, (c.strip() for c in filters.split(","))):
        match = re.fullmatch(r"(\w+)\s*(<=|>=|<|>|=)\s*(-?\d+(?:\.\d+)?)", clause)
        if not match or match.group(1) not in post_values:
            raise web.HTTPBadRequest(text=f'{{"message":"invalid numericFilters {clause}","status":400}}',
                                     content_type="application/json")
        left, op, right = post_values[match.group(1)], match.group(2), float(match.group(3))
        if not {"<": left < right, ">": left > right, "<=": left <= right,
                ">=": left >= right, "=": left == right}[op]:
            return False
    return True


async def hn_search(request: web.Request) -> web.Response:
    s, base = site(request), base_of(request)
    by_date = request.path.endswith("search_by_date")
    query_text = request.query.get("query", "")
    query = parse_query(query_text)
    tags = {t.strip() for t in request.query.get("tags", "").replace("(", "").replace(")", "").split(",") if t.strip()}
    if tags - {"story", "front_page"} - {t for t in tags if t.startswith("author_")}:
        return json_response(request, api.hn_page([], 0, 0, 20, query_text, request.query_string))
    found = []
    for post in s.posts("hackernews"):
        when = s.time_of(post.age)
        values = {"created_at_i": when.timestamp(), "points": post.likes, "num_comments": post.replies}
        if not _numeric_ok(values, request.query.get("numericFilters", "")):
            continue
        if not query.matches(post.title or ""):
            continue
        if any(t.startswith("author_") and t != f"author_{post.account}" for t in tags):
            continue
        if "front_page" in tags and not (post.age <= DAY and post.likes >= 20):
            continue
        found.append(post)
    found.sort(key=(lambda p: p.age) if by_date else (lambda p: (-p.likes, p.age)))
    per_page = int_param(request, "hitsPerPage", 20, 0, 1000)
    page = int_param(request, "page", 0, 0, 10**4)
    hits = [api.hn_hit(s.dataset, p, s.end, base) for p in found[page * per_page: (page + 1) * per_page]]
    return json_response(request, api.hn_page(hits, len(found), page, per_page, query_text,
                                              request.query_string))


# --- X API v2 ---------------------------------------------------------------------------

async def x_search_recent(request: web.Request) -> web.Response:
    s = site(request)
    reset = str(int(time.time()) + 900)
    headers = {"x-rate-limit-limit": "450", "x-rate-limit-remaining": "449", "x-rate-limit-reset": reset}
    if not request.headers.get("Authorization", "").startswith("Bearer "):
        return json_error(401, {"title": "Unauthorized", "type": "about:blank", "status": 401,
                                "detail": "Unauthorized"}, headers)
    q = request.query.get("query", "")
    if not q:
        return json_error(400, {"errors": [{"parameters": {"query": []},
                                            "message": "The `query` query parameter can not be empty"}],
                                "title": "Invalid Request", "detail": "One or more parameters to your request was invalid.",
                                "type": "https://api.twitter.com/2/problems/invalid-request"}, headers)
    query = parse_query(q)
    lang = query.operators.get("lang")
    since_id = request.query.get("since_id")
    start = _parse_time(request.query.get("start_time"))
    found = [p for p in s.posts("x") if p.age <= 7 * DAY and query.matches(p.text, p.hashtags)
             and (not lang or p.lang == lang)
             and (not since_id or api.x_id(p) > int(since_id))
             and (start is None or s.time_of(p.age) >= start)]
    found.sort(key=lambda p: p.age)
    limit = int_param(request, "max_results", 10, 10, 100)
    # recent search pages with `next_token`; newer clients send it as `pagination_token`
    token = request.query.get("pagination_token") or request.query.get("next_token") or "0"
    offset = int(token) if token.isdigit() else 0
    page = found[offset: offset + limit]
    if not page:
        return json_response(request, {"meta": {"result_count": 0}}, headers=headers)
    meta: dict[str, Any] = {"newest_id": str(api.x_id(page[0])), "oldest_id": str(api.x_id(page[-1])),
                            "result_count": len(page)}
    if offset + limit < len(found):
        meta["next_token"] = str(offset + limit)
    users = list(dict.fromkeys(p.account for p in page))
    return json_response(request, {
        "data": [api.x_tweet(s.dataset, p, s.end) for p in page],
        "includes": {"users": [api.x_user(s.dataset, u) for u in users]}, "meta": meta,
    }, headers=headers)


ROUTES = [
    ("GET", "/api/v1/trends/tags", mastodon_trends_tags),
    ("GET", "/api/v1/trends/links", mastodon_trends_links),
    ("GET", "/api/v1/trends/statuses", mastodon_trends_statuses),
    ("GET", "/api/v1/timelines/tag/{hashtag}", mastodon_tag_timeline),
    ("GET", "/api/v1/tags/{hashtag}", mastodon_tag),
    ("GET", "/api/v1/instance", mastodon_instance),
    ("GET", "/api/v2/instance", mastodon_instance),
    ("POST", "/xrpc/com.atproto.server.createSession", bsky_create_session),
    ("POST", "/xrpc/com.atproto.server.refreshSession", bsky_refresh_session),
    ("GET", "/xrpc/app.bsky.feed.searchPosts", bsky_search_posts),
    ("GET", "/xrpc/app.bsky.unspecced.getTrends", bsky_get_trends),
    ("GET", "/xrpc/app.bsky.unspecced.getTrendingTopics", bsky_trending_topics),
    ("GET", "/r/{sub}/{sort:new|hot}.json", reddit_listing),
    ("GET", "/r/{sub}/{sort:new|hot}", reddit_listing),
    ("GET", "/r/{sub}/{sort:new|hot}/.rss", reddit_rss),
    ("GET", "/r/{sub}/{sort:new|hot}.rss", reddit_rss),
    ("POST", "/api/v1/access_token", reddit_token),
    ("GET", "/api/v1/search_by_date", hn_search),
    ("GET", "/api/v1/search", hn_search),
    ("GET", "/2/tweets/search/recent", x_search_recent),
]
