"""The one registry of source kinds: feeds.toml `kind = "…"` → collector class.

Unknown kinds fail at config load. Adding a kind = a module with a
``BaseCollector`` subclass + its ``Options`` model, and one line here.
"""

from __future__ import annotations

from .base import BaseCollector, Collector
from .bluesky import BlueskyCollector
from .file import FileCollector
from .gdelt import GdeltCollector
from .google_news import GoogleNewsCollector
from .google_trends import GoogleTrendsCollector
from .hackernews import HackernewsCollector
from .mastodon import MastodonCollector
from .reddit import RedditCollector
from .rss import RssCollector
from .x import XCollector
from .youtube import YoutubeCollector

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
