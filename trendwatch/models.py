"""Value types passed between stages: RawItem → (stored) item, TrendPoint, SourceState."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import numpy as np


@dataclass
class RawItem:
    """One document or post as a parser found it. Times are aware UTC (or None: unknown)."""

    title: str
    text: str = ""
    url: str | None = None
    external_id: str | None = None          # GUID / platform id
    published_at: datetime | None = None
    author: str | None = None               # raw handle; pseudonymised before storage
    outlet: str | None = None               # publisher name or account, for "independent sources"
    hashtags: list[str] = field(default_factory=list)
    lang: str | None = None
    engagement: dict[str, float] = field(default_factory=dict)
    reply_to: str | None = None             # external id of the post/message this one answers


@dataclass
class TrendPoint:
    """A platform's own trend signal: e.g. Mastodon tag uses for one day."""

    term: str
    metric: str
    at: datetime
    value: float
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class SourceState:
    """Polling state kept on the source row between runs."""

    url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    cursor: dict[str, Any] = field(default_factory=dict)


@dataclass
class CollectResult:
    items: list[RawItem]
    state: SourceState
    trend_points: list[TrendPoint] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    bytes_received: int = 0
    not_modified: bool = False
    status: int | None = None
    retry_after: float | None = None      # seconds: a platform's rate limit asks us to wait
    parser: str | None = None             # feeds: fastfeedparser | feedparser | jsonfeed


@dataclass(frozen=True)
class TopicFacts:
    """What ranking needs to know about one topic in one run."""

    topic_id: int
    label: str
    keywords: Sequence[str] = ()
    hashtags: Sequence[str] = ()
    centroid: np.ndarray | None = None
    status: str = "watch"
    signal: str | None = None
    emergence: float = 0.0
    distinct_sources: int = 0
    sources_24h: int = 0
    size: int = 0
    titles: Sequence[str] = ()


@dataclass(frozen=True)
class Mark:
    """One feedback row: a verdict on a topic (its centroid lets look-alikes inherit it)."""

    topic_id: int
    verdict: str
    centroid: np.ndarray | None = None


@dataclass(frozen=True)
class SourceSpec:
    """A configured source as the store mirrors it: what its collector said it is."""

    name: str
    kind: str
    platform: str
    params: dict[str, Any]
    url: str | None = None


# --- analysis: what a run reads back from the store and reports -----------------------------


@dataclass
class Label:
    """A topic's name and the terms it was drawn from (analysis/label)."""

    label: str
    keywords: list[str]
    hashtags: list[str]
    languages: list[str]


@dataclass
class PriorTopic:
    """A known topic as tracking sees it (analysis/track)."""

    id: int
    centroid: np.ndarray                 # normalised running centroid
    members: frozenset[str]              # item ids assigned at the previous run
    dormant: bool = False


@dataclass
class RunSummary:
    """What one analysis run did (analysis/run)."""

    run_id: int
    as_of: datetime
    mode: str                     # full | incremental | reused
    items: int
    embedded: int
    clusters: int
    topics: int
    new_topics: int
    statuses: dict[str, int]
    model_id: str
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
