"""The value types of the inbox: an inbound message and its triage."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from trendwatch.config.schema import CATEGORIES, URGENCIES

SENTIMENTS = ("negative", "neutral", "positive")

__all__ = ["CATEGORIES", "SENTIMENTS", "URGENCIES", "InboundMessage", "Triage"]


@dataclass(frozen=True)
class InboundMessage:
    """A post or direct message addressed to the company.

    ``id`` is the store's item id, ``external_id`` the item's own id as collected (an imported
    record keeps its ``id``). ``received_at`` is timezone-aware UTC. ``reply_to`` is the id
    (store id or external id) of the message this one answers, when the platform says so.
    ``engagement`` holds the platform's counters (likes, reposts, replies, …). ``direct``
    says it came from a source marked ``inbox = true`` (every record is addressed to us).
    """

    id: str
    external_id: str
    source: str
    platform: str
    url: str
    author: str
    text: str
    lang: str | None
    received_at: datetime
    reply_to: str | None = None
    engagement: Mapping[str, int] = field(default_factory=dict)
    direct: bool = False     # from an ``inbox = true`` source (a DM, a review): addressed to us


@dataclass(frozen=True)
class Triage:
    """What a classifier decided about one message, and why.

    ``category``: complaint | question | praise | lead | other; ``urgency``: high | normal |
    low; ``sentiment``: negative | neutral | positive with ``sentiment_score`` in [-1, 1];
    ``lang``: ISO 639-1 code; ``reasons``: the words and signals that decided it, readable by
    a person ("complaint: 'still not here'", "urgency high: payment 'charged twice'").
    """

    category: str
    urgency: str
    sentiment: str
    sentiment_score: float
    lang: str
    reasons: tuple[str, ...]
    classifier: str = "offline"
    # machine-readable signals behind the urgency and tone: safety, legal, outage, data,
    # payment, churn, spreading, sarcasm (reply policy and alerts read these)
    signals: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES:
            raise ValueError(f"unknown category {self.category!r}")
        if self.urgency not in URGENCIES:
            raise ValueError(f"unknown urgency {self.urgency!r}")
        if self.sentiment not in SENTIMENTS:
            raise ValueError(f"unknown sentiment {self.sentiment!r}")
