"""`google_trends`: the daily trending searches RSS per country.

Wire facts this follows: `GET https://trends.google.com/trending/rss?geo=US` is RSS 2.0
with a `ht:` namespace (its URI has changed over the years, so elements are matched by
local name): per `<item>` the search term as `<title>`, `<ht:approx_traffic>` like
"20,000+", `<pubDate>`, and several `<ht:news_item>` with `_title`, `_url`, `_source`
(and, in older feeds, `_snippet`). The traffic becomes a trend point; the attached
news articles become items (outlet = the news source).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, ClassVar
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError as XMLParseError
from defusedxml.ElementTree import fromstring
from pydantic import Field, field_validator

from trendwatch.collect.collectors.base import (
    BaseCollector,
    CollectContext,
    CollectResult,
    SourceState,
)
from trendwatch.collect.collectors.social import (
    Parts,
    as_int,
    base_url_validator,
    to_list,
    utc_time,
)
from trendwatch.collect.parse.text import html_to_text, plain_text
from trendwatch.config.schema import SourceOptions
from trendwatch.errors import ParseError
from trendwatch.models import RawItem, TrendPoint


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child_text(element: Element, name: str) -> str | None:
    for child in element:
        if _local(child.tag) == name:
            return (child.text or "").strip() or None
    return None


def parse_traffic(value: str | None) -> int | None:
    """"20,000+" / "2M+" / "500K+" → a number (the lower bound Google shows)."""
    if not value:
        return None
    text = value.strip().rstrip("+").replace(",", "").replace(" ", "").upper()
    scale = {"K": 1_000, "M": 1_000_000, "B": 1_000_000_000}.get(text[-1:], 1)
    number = as_int(text[:-1] if scale > 1 else text)
    return number * scale if number is not None else None


def parse_trending_rss(body: bytes, *, geo: str, now: datetime) -> tuple[list[RawItem], list[TrendPoint]]:
    """Trending-searches RSS → (news items, traffic points for the current hour). Pure."""
    try:
        root = fromstring(body)
    except (XMLParseError, DefusedXmlException, ValueError, LookupError, RecursionError) as exc:
        raise ParseError(f"Google Trends RSS for geo={geo} is not usable XML: "
                         f"{exc.__class__.__name__}: {str(exc)[:200]}") from None
    hour = now.replace(minute=0, second=0, microsecond=0)
    items: list[RawItem] = []
    points: list[TrendPoint] = []
    for rank, entry in enumerate((e for e in root.iter() if _local(e.tag) == "item"), start=1):
        term = plain_text(_child_text(entry, "title"))
        if not term:
            continue
        started = utc_time(_child_text(entry, "pubDate"))
        approx = _child_text(entry, "approx_traffic")
        news = []
        for node in entry:
            if _local(node.tag) != "news_item":
                continue
            title, url = _child_text(node, "news_item_title"), _child_text(node, "news_item_url")
            if not title or not url:
                continue
            source = _child_text(node, "news_item_source")
            news.append({"title": html_to_text(title), "url": url, "source": source})
            items.append(RawItem(title=html_to_text(title),
                                 text=html_to_text(_child_text(node, "news_item_snippet") or ""),
                                 url=url, published_at=started, outlet=source))
        traffic = parse_traffic(approx)
        if traffic is not None:
            points.append(TrendPoint(term=term, metric="traffic", at=hour, value=traffic, extra={
                "geo": geo, "approx": approx, "rank": rank,
                "started_at": started.isoformat() if started else None, "news": news[:5]}))
    return items, points


class GoogleTrendsOptions(SourceOptions):
    geo: list[str] = Field(default=["US"], min_length=1)
    base_url: str = "https://trends.google.com"
    every: timedelta = timedelta(hours=1)

    _url = base_url_validator("base_url")

    @field_validator("geo", mode="before")
    @classmethod
    def _geo(cls, value: Any) -> list[str]:
        geos = [g.strip().upper() for g in to_list(value)]
        bad = [g for g in geos if not g.replace("-", "").isalpha() or not 2 <= len(g) <= 6]
        if bad:
            raise ValueError(f"geo must be country codes like 'US' or 'DE', got {bad}")
        return geos

    def default_name(self) -> str:
        return "google-trends:" + ",".join(self.geo)


class GoogleTrendsCollector(BaseCollector):
    kind: ClassVar[str] = "google_trends"
    platform: ClassVar[str] = "google_trends"
    Options = GoogleTrendsOptions

    def target(self) -> str:
        return f"{self.options.base_url}/trending/rss?geo={self.options.geo[0]}"

    async def collect(self, ctx: CollectContext, state: SourceState) -> CollectResult:
        parts = Parts()
        for geo in self.options.geo:
            async def one(geo: str = geo) -> None:
                result = await ctx.http.fetch(
                    f"{self.options.base_url}/trending/rss", params={"geo": geo},
                    accept="application/rss+xml, application/xml;q=0.9, */*;q=0.5")
                parts.bytes_received += len(result.body)
                found, points = await ctx.cpu(_parse, result.body, geo, ctx.now)
                parts.items += found
                parts.points += points
            await parts.run(f"geo={geo}", one)
        parts.raise_if_all_failed()
        return CollectResult(items=parts.items, trend_points=parts.points,
                             state=SourceState(url=state.url, cursor={}), warnings=parts.warnings,
                             bytes_received=parts.bytes_received, status=200,
                             retry_after=parts.retry_after)


def _parse(body: bytes, geo: str, now: datetime) -> tuple[list[RawItem], list[TrendPoint]]:
    return parse_trending_rss(body, geo=geo, now=now)
