"""`youtube`: a channel's uploads via its public Atom feed (no API key needed)."""

from __future__ import annotations

import re
from typing import ClassVar

from pydantic import field_validator

from trendwatch.collect.collectors.base import (
    BaseCollector,
    CollectContext,
    CollectResult,
    SourceState,
)
from trendwatch.collect.collectors.rss import _http_url, fetch_and_parse_feed
from trendwatch.config.schema import SourceOptions


class YoutubeOptions(SourceOptions):
    channel_id: str
    base_url: str = "https://www.youtube.com"

    _base = field_validator("base_url")(classmethod(lambda cls, v: _http_url(v).rstrip("/")))

    @field_validator("channel_id")
    @classmethod
    def _channel(cls, value: str) -> str:
        if not re.fullmatch(r"UC[A-Za-z0-9_-]{22}", value):
            raise ValueError(f"{value!r} is not a YouTube channel id (starts with 'UC', 24 characters)")
        return value

    def default_name(self) -> str:
        return f"youtube:{self.channel_id}"


class YoutubeCollector(BaseCollector):
    kind: ClassVar[str] = "youtube"
    platform: ClassVar[str] = "youtube"
    Options = YoutubeOptions

    def target(self) -> str:
        return f"{self.options.base_url}/feeds/videos.xml?channel_id={self.options.channel_id}"

    async def collect(self, ctx: CollectContext, state: SourceState) -> CollectResult:
        return await fetch_and_parse_feed(ctx, state.url or self.target(), state)
