"""Retention: raw items older than `[privacy] retention` are deleted with what hangs on
them (embeddings, assignments, stories left without items). Topics, snapshots,
opportunities, ideas and trend points are aggregates and stay.

Age is counted from when an item was *collected* (``fetched_at``): an old article a
feed still carries would otherwise be re-inserted at every poll and purged again.
Deletes run in batches, each its own transaction, so a long purge never holds the
write lock for long and an interruption leaves a consistent store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, func, select

from trendwatch.store import Store
from trendwatch.store.schema import assignments, embeddings, items, stories

BATCH = 2000


@dataclass
class PurgeReport:
    cutoff: datetime
    items: int = 0
    embeddings: int = 0
    assignments: int = 0
    stories: int = 0
    dry_run: bool = False

    def as_dict(self) -> dict:
        return {"cutoff": self.cutoff, "dry_run": self.dry_run, "items": self.items,
                "embeddings": self.embeddings, "assignments": self.assignments,
                "stories": self.stories}


def purge(store: Store, now: datetime, retention: timedelta, *, dry_run: bool = False,
          batch: int = BATCH) -> PurgeReport:
    """Delete raw items collected before ``now - retention``. Returns what went (or would go)."""
    report = PurgeReport(cutoff=now - retention, dry_run=dry_run)
    old = items.c.fetched_at < report.cutoff
    if dry_run:
        with store.connect() as conn:
            old_ids = select(items.c.id).where(old)
            report.items = conn.execute(select(func.count()).where(old)).scalar() or 0
            report.embeddings = conn.execute(select(func.count()).select_from(embeddings).where(
                embeddings.c.item_id.in_(old_ids))).scalar() or 0
            report.assignments = conn.execute(select(func.count()).select_from(assignments).where(
                assignments.c.item_id.in_(old_ids))).scalar() or 0
        return report

    while True:
        with store.begin() as conn:
            ids = list(conn.execute(select(items.c.id).where(old).limit(batch)).scalars())
            if not ids:
                break
            # explicit child deletes: do not depend on the backend enforcing ON DELETE CASCADE
            report.embeddings += conn.execute(
                delete(embeddings).where(embeddings.c.item_id.in_(ids))).rowcount or 0
            report.assignments += conn.execute(
                delete(assignments).where(assignments.c.item_id.in_(ids))).rowcount or 0
            report.items += conn.execute(delete(items).where(items.c.id.in_(ids))).rowcount or 0
    with store.begin() as conn:
        orphan = ~exists().where(items.c.story_id == stories.c.id)
        report.stories = conn.execute(
            delete(stories).where(orphan, stories.c.last_seen_at < report.cutoff)).rowcount or 0
    return report
