"""`google_news`: a Google News search as RSS, with `when:`, language and country.

Each entry's outlet comes from its <source> element (Google News aggregates many
publishers into one feed), which is what makes outlet counting work later.
"""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import urlencode

from pydantic import Field, field_validator

from trendwatch.collect.collectors.base import (
    BaseCollector,
    CollectContext,
    CollectResult,
    SourceState,
)
from trendwatch.collect.collectors.rss import _http_url, fetch_and_parse_feed
from trendwatch.config.durations import parse_duration
from trendwatch.config.schema import SourceOptions


class GoogleNewsOptions(SourceOptions):
    query: str = Field(min_length=1)
    when: str = "1d"                 # Google's own `when:` operator, e.g. 1h, 1d, 7d
    language: str = "en"
    country: str = "US"
    base_url: str = "https://news.google.com"

    _base = field_validator("base_url")(classmethod(lambda cls, v: _http_url(v).rstrip("/")))

    @field_validator("when")
    @classmethod
    def _when(cls, value: str) -> str:
        parse_duration(value)
        return value

    def default_name(self) -> str:
        return f"google-news:{self.query}"


class GoogleNewsCollector(BaseCollector):
    kind: ClassVar[str] = "google_news"
    platform: ClassVar[str] = "news"
    Options = GoogleNewsOptions

    def target(self) -> str:
        o = self.options
        query = f"{o.query} when:{o.when}" if o.when else o.query
        params = {"q": query, "hl": o.language, "gl": o.country,
                  "ceid": f"{o.country}:{o.language.split('-')[0]}"}
        return f"{o.base_url.rstrip('/')}/rss/search?{urlencode(params)}"

    async def collect(self, ctx: CollectContext, state: SourceState) -> CollectResult:
        return await fetch_and_parse_feed(ctx, state.url or self.target(), state)
