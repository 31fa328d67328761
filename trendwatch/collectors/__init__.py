"""The one registry of source kinds: feeds.toml `kind = "…"` → collector class.

Unknown kinds fail at config load. Adding a kind = a module with a
``BaseCollector`` subclass + its ``Options`` model, and one line here.
"""

from __future__ import annotations

from .base import BaseCollector, Collector
from .google_news import GoogleNewsCollector
from .rss import RssCollector
from .youtube import YoutubeCollector

REGISTRY: dict[str, type[BaseCollector]] = {
    cls.kind: cls
    for cls in (
        RssCollector,
        GoogleNewsCollector,
        YoutubeCollector,
    )
}


def build_collector(options) -> Collector:
    return REGISTRY[options.kind](options)


__all__ = ["REGISTRY", "Collector", "build_collector"]
