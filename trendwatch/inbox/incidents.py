"""Incidents: complaints about the same thing rising together become one card.

Complaints are grouped by the analysis topic they were assigned to when there is one (the
engine already knows "these posts are one story"), else by their matter key
(``matter.matter_key``: "charging", "volt pro/charging"). A group within the last
``[inbox] incident_window`` is an incident when it counts at least ``incident_min`` distinct
people and ``incident_ratio`` times the usual rate: the complaints with that key during the
``incident_baseline`` before the window, scaled to one window (at least 1, so a first-ever
burst is measured against one complaint per window). Pure: counts and ``now`` are passed in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from trendwatch.config.schema import InboxSettings
from trendwatch.inbox.message import InboundMessage, Triage

# (message, triage, analysis topic id or None, matter key)
Complaint = tuple[InboundMessage, Triage, "str | None", str]
MIN_USUAL = 1.0


@dataclass(frozen=True)
class Incident:
    """``key`` is the group ("topic:<id>" or "matter:<key>") and stays the same while the
    incident goes on, so the store can update one card; ``label`` what it is about;
    ``count`` distinct people complaining in the window; ``since`` the first of them;
    ``baseline`` the usual count per window; ``ratio`` count / max(baseline, 1)."""

    key: str
    label: str
    count: int
    since: datetime
    baseline: float
    ratio: float
    message_ids: tuple[str, ...]
    topic_id: str | None = None

    def describe(self) -> str:
        """English one-liner for logs and alerts ("31 complaints about charging since 06:00
        UTC, 4× the usual"); the dashboard and briefing word it in the team's language."""
        return (f"{self.count} complaints about {self.label} since {self.since:%H:%M} UTC, "
                f"{self.ratio:.0f}× the usual")


def group_key(topic_id: str | None, matter: str) -> str | None:
    if topic_id:
        return f"topic:{topic_id}"
    if matter:
        return f"matter:{matter}"
    return None


def detect_incidents(complaints: Sequence[Complaint], history_counts: Mapping[str, int],
                     now: datetime, settings: InboxSettings) -> list[Incident]:
    """Incidents among ``complaints`` (only complaints received in the window count).

    ``history_counts``: group key (see ``group_key``) → complaints with that key in the
    ``incident_baseline`` period before the window. Largest first."""
    start = now - settings.incident_window
    groups: dict[str, list[Complaint]] = {}
    for entry in complaints:
        message, triage, topic_id, matter = entry
        if triage.category != "complaint" or not (start <= message.received_at <= now):
            continue
        key = group_key(topic_id, matter)
        if key is not None:
            groups.setdefault(key, []).append(entry)
    windows_in_baseline = settings.incident_baseline / settings.incident_window
    found = []
    for key, members in groups.items():
        people = {m[0].author or m[0].id for m in members}
        count = len(people)
        usual = history_counts.get(key, 0) / windows_in_baseline
        ratio = count / max(usual, MIN_USUAL)
        if count < settings.incident_min or ratio < settings.incident_ratio:
            continue
        matters = Counter(m[3] for m in members if m[3])
        topics = Counter(m[2] for m in members if m[2])
        label = matters.most_common(1)[0][0] if matters else key.split(":", 1)[1]
        ordered = sorted(members, key=lambda m: m[0].received_at)
        found.append(Incident(
            key=key, label=label, count=count, since=ordered[0][0].received_at,
            baseline=round(usual, 2), ratio=round(ratio, 2),
            message_ids=tuple(m[0].id for m in ordered),
            topic_id=topics.most_common(1)[0][0] if topics else None))
    return sorted(found, key=lambda i: (-i.count, i.key))
