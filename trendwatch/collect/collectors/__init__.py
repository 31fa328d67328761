"""The one registry of source kinds: feeds.toml `kind = "…"` → collector class.

Unknown kinds fail at config load. Adding a kind = a module with a
``BaseCollector`` subclass + its ``Options`` model, and one line here.
"""

from __future__ import annotations

from trendwatch.collect.collectors.base import BaseCollector, Collector
from trendwatch.collect.collectors.bluesky import BlueskyCollector
from trendwatch.collect.collectors.file import FileCollector
from trendwatch.collect.collectors.gdelt import GdeltCollector
from trendwatch.collect.collectors.google_news import GoogleNewsCollector
from trendwatch.collect.collectors.google_trends import GoogleTrendsCollector
from trendwatch.collect.collectors.hackernews import HackernewsCollector
from trendwatch.collect.collectors.mastodon import MastodonCollector
from trendwatch.collect.collectors.reddit import RedditCollector
from trendwatch.collect.collectors.rss import RssCollector
from trendwatch.collect.collectors.x import XCollector
from trendwatch.collect.collectors.youtube import YoutubeCollector

REGISTRY: dict[str, type[BaseCollector]] = {
    cls.kind: cls
    for cls in (
        RssCollector,
        GoogleNewsCollector,
        YoutubeCollector,
        MastodonCollector,
        BlueskyCollector,
        RedditCollector,
        HackernewsCollector,
        GoogleTrendsCollector,
        XCollector,
        GdeltCollector,
        FileCollector,
    )
}


def build_collector(options) -> Collector:
    return REGISTRY[options.kind](options)


__all__ = ["REGISTRY", "Collector", "build_collector"]
