"""`rss`: any RSS 0.9x/2.0, Atom, RDF or JSON Feed URL, fetched with conditional GET."""

from __future__ import annotations

from typing import ClassVar

from pydantic import AnyHttpUrl, field_validator

from trendwatch.collect.collectors.base import (
    BaseCollector,
    CollectContext,
    CollectResult,
    SourceState,
)
from trendwatch.collect.parse.feeds import parse_feed
from trendwatch.config.schema import SourceOptions

FEED_ACCEPT = ("application/rss+xml, application/atom+xml, application/feed+json, "
               "application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5")


def _http_url(value: str) -> str:
    return str(AnyHttpUrl(value))


class RssOptions(SourceOptions):
    url: str

    _url = field_validator("url")(classmethod(lambda cls, v: _http_url(v)))

    def default_name(self) -> str:
        from urllib.parse import urlsplit

        return urlsplit(self.url).hostname or self.url


async def fetch_and_parse_feed(ctx: CollectContext, url: str, state: SourceState) -> CollectResult:
    """Conditional GET of a feed URL, parsed off the event loop. Shared by feed-based kinds."""
    # conditional headers only apply to the URL they were stored for
    same_url = state.url in (None, url)
    result = await ctx.http.fetch(
        url, etag=state.etag if same_url else None,
        last_modified=state.last_modified if same_url else None, accept=FEED_ACCEPT,
    )
    new_state = SourceState(
        url=result.permanent_url or url,
        etag=result.headers.get("ETag") or (state.etag if result.not_modified else None),
        last_modified=result.headers.get("Last-Modified")
        or (state.last_modified if result.not_modified else None),
        cursor=dict(state.cursor),
    )
    if result.not_modified:
        return CollectResult(items=[], state=new_state, not_modified=True, status=304)
    parsed = await ctx.cpu(parse_feed, result.body, dict(result.headers), result.url)
    return CollectResult(items=parsed.items, state=new_state, warnings=parsed.warnings,
                         bytes_received=len(result.body), status=result.status,
                         parser=parsed.parser)


class RssCollector(BaseCollector):
    kind: ClassVar[str] = "rss"
    platform: ClassVar[str] = "news"
    Options = RssOptions

    async def collect(self, ctx: CollectContext, state: SourceState) -> CollectResult:
        # a 301/308 seen earlier moved the feed: keep using the stored URL
        url = state.url or self.options.url
        return await fetch_and_parse_feed(ctx, url, state)
