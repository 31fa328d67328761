"""A synthetic analysed store for ranking and ideas tests: rows exactly as the analysis
engine writes them (runs, topics, topic_snapshots, assignments, items)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from trendwatch.analysis.embed.base import HashingEmbedder
from trendwatch.store.schema import (
    assignments,
    items,
    runs,
    sources,
    stories,
    topic_snapshots,
    topics,
)
from trendwatch.store.vectors import vector_to_bytes

EMBEDDER = HashingEmbedder(256)

PROFILE_TOML = '''
[company]
name = "Northwind Mobility"
description = "Lightweight e-bikes and an e-bike subscription for city commuters."
audiences = ["urban commuters", "fleet managers"]
tone = "friendly, expert, a little playful"
platforms = ["linkedin", "instagram", "x", "bluesky", "mastodon", "tiktok", "snapchat", "facebook", "threads"]
avoid = ["politics", "accidents"]
hashtags = ["NorthwindRide"]

[[products]]
name = "Northwind Flow"
description = "A folding e-bike for commuters who mix train and bike."
keywords = ["e-bike", "folding bike", "commute", "battery"]
hashtags = ["ebike"]
audience = "urban commuters"
url = "https://example.com/flow"

[[products]]
name = "Northwind Fleet"
description = "Cargo bike fleet subscription for delivery teams."
keywords = ["cargo bike", "fleet", "delivery", "last mile"]
hashtags = ["cargobike"]
audience = "fleet managers"
url = "https://example.com/fleet"
'''


@dataclass
class T:
    label: str
    keywords: list[str]
    titles: list[str]
    emergence: float = 5.0
    status: str = "emerging"
    hashtags: list[str] = field(default_factory=list)
    outlets: list[str] | None = None


CATALOGUE = [
    T("e-bike battery swap", ["e-bike", "battery swap", "commute"],
      ["E-bike battery swap stations open for commuters in Berlin",
       "Commuters try battery swap lockers for their e-bike",
       "Why folding e-bike sales rise with train commuters",
       "Battery swap network for e-bike riders expands to Paris",
       "City commute by e-bike gets cheaper with swap stations"], hashtags=["ebike"]),
    T("cheese festival", ["cheese", "festival", "alps"],
      ["Alpine cheese festival draws record crowds",
       "Cheese makers compete for the golden wheel at the festival",
       "Festival of mountain cheese returns to the alps",
       "Tasting notes from the cheese festival",
       "Cheese prices at the festival surprise visitors"]),
    T("cargo bike delivery", ["cargo bike", "delivery", "last mile"],
      ["Parcel firms move last mile delivery to cargo bike fleets",
       "Cargo bike delivery grows 40% in city centres",
       "Fleet managers test electric cargo bike for delivery",
       "Last mile delivery with cargo bikes cuts van trips",
       "Cargo bike fleet subscription wins logistics award"], status="watch", emergence=2.0,
      hashtags=["cargobike"]),
    T("election e-bike subsidy politics", ["politics", "election", "e-bike subsidy"],
      ["Election fight over e-bike subsidy politics heats up",
       "Parties clash in politics row over e-bike subsidy",
       "Politics: e-bike subsidy becomes election issue",
       "Voters weigh e-bike subsidy in election politics",
       "E-bike subsidy politics splits the coalition"]),
]


def seed(store, now: datetime, catalogue=CATALOGUE, *, run_id_hint: int = 1, extra_text: str = ""):
    """Write one finished run with the catalogue's topics; returns (run_id, [topic ids])."""
    with store.begin() as conn:
        source_ids = {}
        for name in ("Electrek", "Bike Europe", "Reuters", "Wired", "Local Post", "Trade Weekly"):
            source_ids[name] = conn.execute(sources.insert().values(
                name=name, kind="rss", platform="rss", params={}, created_at=now)).inserted_primary_key[0]
        run_id = conn.execute(runs.insert().values(
            started_at=now, finished_at=now, as_of=now, window_start=now - timedelta(days=7),
            window_end=now, status="ok", model_id=EMBEDDER.model_id, params={}, counts={},
        )).inserted_primary_key[0]
        topic_ids = []
        for t_index, topic in enumerate(catalogue):
            texts = [title + extra_text for title in topic.titles]
            vectors = EMBEDDER.embed(texts)
            centroid = vectors.mean(axis=0)
            centroid /= np.linalg.norm(centroid)
            topic_id = conn.execute(topics.insert().values(
                first_seen_at=now - timedelta(days=1), last_seen_at=now, label=topic.label,
                keywords=topic.keywords, hashtags=topic.hashtags, languages=["en"],
                anchor_centroid=vector_to_bytes(centroid), centroid=vector_to_bytes(centroid),
                status=topic.status, size=len(texts), last_run_id=run_id,
            )).inserted_primary_key[0]
            topic_ids.append(topic_id)
            outlets = topic.outlets or list(source_ids)
            for i, text in enumerate(texts):
                outlet = outlets[i % len(outlets)]
                story_id = conn.execute(stories.insert().values(
                    title=text, first_seen_at=now, last_seen_at=now)).inserted_primary_key[0]
                item_id = f"t{topic_id}-i{i}"
                conn.execute(items.insert().values(
                    id=item_id, source_id=source_ids[outlet], platform="rss", outlet=outlet,
                    url=f"https://news.example/{topic_id}/{i}", title=text,
                    text=f"{text}. More detail about {topic.label} from {outlet}.", lang="en",
                    published_at=now - timedelta(hours=2 + 3 * i), fetched_at=now,
                    hashtags=topic.hashtags, engagement={}, story_id=story_id,
                ))
                conn.execute(assignments.insert().values(run_id=run_id, item_id=item_id,
                                                         topic_id=topic_id, probability=1.0))
            conn.execute(topic_snapshots.insert().values(
                run_id=run_id, topic_id=topic_id, as_of=now, size=len(texts),
                distinct_sources=len(set(outlets[i % len(outlets)] for i in range(len(texts)))),
                distinct_stories=len(texts), platforms={"rss": len(texts)}, label=topic.label,
                keywords=topic.keywords, status=topic.status, signal="strong",
                emergence=topic.emergence, score_parts={"surprise": topic.emergence},
                growth_24h=1.5, growth_7d=3.0,
            ))
    return run_id, topic_ids
