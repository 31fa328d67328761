"""Incidents: complaints about the same thing rising together become one card."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from trendwatch.config.schema import InboxSettings
from trendwatch.inbox.message import InboundMessage, Triage

# (message, triage, analysis topic id or None, matter key)
Complaint = tuple[InboundMessage, Triage, "str | None", str]


@dataclass(frozen=True)
class Incident:
    key: str
    label: str
    count: int
    since: datetime
    baseline: float
    ratio: float
    message_ids: tuple[str, ...]
    topic_id: str | None = None


def detect_incidents(complaints: Sequence[Complaint], history_counts: Mapping[str, int],
                     now: datetime, settings: InboxSettings) -> list[Incident]:
    raise NotImplementedError
