"""The demo sample server: `python -m trendwatch.demo.server --port 8765`.

Serves the demo week on 127.0.0.1 the way the real services answer, so the real
collectors run unchanged against it (each source's ``url``/``base_url``/``instance``
points here). Every response carries an ETag and honours If-None-Match /
If-Modified-Since, so a second collection costs a 304. The week ends at the moment
the server starts (``--end`` pins it, for tests and reproducible screenshots).
"""

from __future__ import annotations

import argparse
import html
import re
from collections.abc import Callable
from datetime import UTC, datetime

from aiohttp import web

from trendwatch.demo import render_api as api
from trendwatch.demo import render_feeds as feeds
from trendwatch.demo.common import (
    SITE,
    DemoSite,
    base_of,
    conditional,
    int_param,
    json_response,
    site,
)
from trendwatch.demo.dataset import DEFAULT_SEED, Dataset, build_dataset
from trendwatch.demo.query import parse_query

DEFAULT_PORT = 8765


# --- pages ------------------------------------------------------------------------------

async def index(request: web.Request) -> web.Response:
    s, base = site(request), base_of(request)
    rows = "".join(
        f'<li><a href="{base}/feeds/{o.slug}.xml">{html.escape(o.name)}</a> ({o.format}, {o.lang})</li>'
        for o in s.dataset.outlets if o.has_feed)
    page = (f"<!doctype html><meta charset=utf-8><title>trendwatch demo data</title>"
            f"<h1>trendwatch demo data</h1><p>A fictional week ending {s.end.isoformat()}: "
            f"{len(s.dataset.articles)} articles, {len(s.dataset.posts)} social posts.</p>"
            f"<h2>Feeds</h2><ul>{rows}</ul>")
    return web.Response(text=page, content_type="text/html")


async def article_page(request: web.Request) -> web.Response:
    s = site(request)
    article_id = request.match_info["article"].split("-", 2)
    article = s.dataset.article("-".join(article_id[:2]))
    if article is None or article.outlet != request.match_info["outlet"]:
        raise web.HTTPNotFound(text="no such article in the demo data")
    outlet = s.dataset.outlet(article.outlet)
    page = (f"<!doctype html><html lang={article.lang}><meta charset=utf-8>"
            f"<title>{html.escape(article.title)}</title><p>{html.escape(outlet.name)}</p>"
            f"<h1>{html.escape(article.title)}</h1><p>By {html.escape(article.author)}, "
            f"{s.time_of(article.age).isoformat()}</p><p>{html.escape(article.body)}</p>"
            f"<p><small>Sample article written for the trendwatch demo.</small></p></html>")
    return web.Response(text=page, content_type="text/html")


async def outlet_page(request: web.Request) -> web.Response:
    s, base = site(request), base_of(request)
    slug = request.match_info["outlet"]
    articles = [a for a in s.dataset.articles if a.outlet == slug]
    if not articles:
        raise web.HTTPNotFound(text="no such outlet in the demo data")
    rows = "".join(f'<li><a href="{feeds.article_url(base, a)}">{html.escape(a.title)}</a></li>'
                   for a in articles)
    return web.Response(text=f"<!doctype html><meta charset=utf-8><ul>{rows}</ul>",
                        content_type="text/html")


async def google_news_redirect(request: web.Request) -> web.Response:
    s = site(request)
    article = s.dataset.article(request.match_info["article"])
    if article is None:
        raise web.HTTPNotFound(text="no such article in the demo data")
    raise web.HTTPFound(feeds.article_url(base_of(request), article))


# --- news feeds -------------------------------------------------------------------------

async def outlet_feed(request: web.Request) -> web.Response:
    s, base = site(request), base_of(request)
    slug = request.match_info["outlet"]
    outlet = next((o for o in s.dataset.outlets if o.slug == slug and o.has_feed), None)
    if outlet is None:
        raise web.HTTPNotFound(text=f"no feed {slug!r} in the demo data")
    articles = [a for a in s.dataset.articles if a.outlet == slug]
    self_url = f"{base}/feeds/{slug}.xml"
    if outlet.format == "atom":
        body, kind = feeds.atom_feed(outlet, articles, s.end, base, self_url), "application/atom+xml"
    else:
        body, kind = feeds.rss_feed(outlet, articles, s.end, base, self_url), "application/rss+xml"
    return conditional(request, body, kind, s.time_of(min(a.age for a in articles)))


async def google_news_search(request: web.Request) -> web.Response:
    s, base = site(request), base_of(request)
    q = request.query.get("q", "")
    query = parse_query(q)
    window = _duration_seconds(query.operators.get("when", "")) or 7 * 86400
    lang = request.query.get("hl", "en").split("-")[0]
    found = [a for a in s.dataset.articles if a.age <= window and a.lang == lang
             and query.matches(f"{a.title} {a.body}")]
    found = sorted(found, key=lambda a: a.age)[:100]       # Google News returns at most 100
    body = feeds.google_news_feed(s.dataset, found, q, s.end, base,
                                  language=request.query.get("hl", "en-US"))
    return conditional(request, body, "application/rss+xml")


async def gdelt_doc(request: web.Request) -> web.Response:
    s, base = site(request), base_of(request)
    if request.query.get("mode", "ArtList").lower() != "artlist":
        return web.Response(text="The demo server only answers mode=ArtList.", content_type="text/html")
    query = parse_query(request.query.get("query", ""))
    if not query.alternatives:
        return web.Response(text="Your query was too short or too long.", content_type="text/html")
    window = _duration_seconds(request.query.get("timespan", "")) or 86400
    language = query.operators.get("sourcelang", "").casefold()
    found = [a for a in s.dataset.articles if a.age <= window
             and (not language or api.GDELT_LANGUAGE.get(a.lang, "").casefold() == language)
             and query.matches(f"{a.title} {a.body}")]
    found = sorted(found, key=lambda a: a.age)[: int_param(request, "maxrecords", 75, 1, 250)]
    if not found:
        return json_response(request, {})
    return json_response(request, {"articles": [api.gdelt_article(s.dataset, a, s.end, base)
                                                for a in found]})


async def google_trends(request: web.Request) -> web.Response:
    s, base = site(request), base_of(request)
    geo = request.query.get("geo", "US").upper()
    body = feeds.google_trends_feed(s.dataset, s.dataset.searches, geo, s.end, base)
    return conditional(request, body, "application/rss+xml")


def _duration_seconds(value: str) -> float:
    """"1d", "12h", "30min", "2w" → seconds; 0 when absent or not understood."""
    match = re.fullmatch(r"(\d+)\s*(min|m|h|d|w)", value.strip().casefold())
    if not match:
        return 0
    unit = {"min": 60, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}[match.group(2)]
    return int(match.group(1)) * unit


def build_app(dataset: Dataset | None = None, end: datetime | None = None,
              token_ttl: float = 7200.0) -> web.Application:
    """The aiohttp application serving ``dataset`` (the default demo week) ending at ``end``."""
    from trendwatch.demo import platforms

    app = web.Application()
    app[SITE] = DemoSite(dataset or build_dataset(DEFAULT_SEED),
                         end or datetime.now(UTC), token_ttl)
    routes: list[tuple[str, str, Callable]] = [
        ("GET", "/", index),
        ("GET", "/feeds/{outlet}.xml", outlet_feed),
        ("GET", "/news/{outlet}/", outlet_page),
        ("GET", "/news/{outlet}/{article}", article_page),
        ("GET", "/rss/search", google_news_search),
        ("GET", "/rss/articles/{article}", google_news_redirect),
        ("GET", "/api/v2/doc/doc", gdelt_doc),
        ("GET", "/trending/rss", google_trends),
        ("GET", "/trends/trendingsearches/daily/rss", google_trends),
        *platforms.ROUTES,
    ]
    for method, path, handler in routes:
        app.router.add_route(method, path, handler)
    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m trendwatch.demo.server",
        description="Serve the trendwatch demo week as RSS/Atom feeds and platform APIs.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="data set seed")
    parser.add_argument("--end", default=None, metavar="ISO8601",
                        help="when the week ends (default: now)")
    args = parser.parse_args(argv)
    end = datetime.now(UTC)
    if args.end:
        end = datetime.fromisoformat(args.end)
        if end.tzinfo is None:
            end = end.replace(tzinfo=UTC)
    dataset = build_dataset(args.seed)
    print(f"trendwatch demo data: {len(dataset.articles)} articles, {len(dataset.posts)} posts, "
          f"week ending {end.isoformat(timespec='seconds')}; serving on http://{args.host}:{args.port}/",
          flush=True)
    web.run_app(build_app(dataset, end), host=args.host, port=args.port, print=None,
                access_log=None)


if __name__ == "__main__":
    main()
