"""Retention: raw items older than `[privacy] retention` are deleted with every copy of
them the store holds, and trend points older than the same horizon go too.

What a purged item takes with it:
- its embeddings and topic assignments;
- every post idea citing it (``ideas.sources`` holds the item's title, link and outlet,
  and the idea's hook and drafts quote them: dropping the source entry alone would leave
  copies in the text). Feedback given on such an idea stays, as a verdict on its topic,
  with its ``idea_id`` cleared;
- its story, once no item is left in it (a story's title is an item's title): deleted
  when it was last seen before the cutoff, else its title is blanked (a collector may be
  about to add a newer copy to it).

- every topic label that quotes it: a story's label is a headline taken from one of its
  items' titles, so a topic or snapshot whose headline comes from a purged title is
  relabelled with its keyphrases.

Topics, snapshots and opportunities are otherwise aggregates (keyphrases, explanations
naming product terms and counts) and stay, as do runs, feedback and delivery records (which
hold ids, profiles and errors, not item text). See README, "Retention".

Age is counted from when an item was *collected* (``fetched_at``): an old article a
feed still carries would otherwise be re-inserted at every poll and purged again.
Deletes run in batches, each its own transaction holding an item's copies and the item
itself, so a long purge never holds the write lock for long and an interruption leaves a
consistent store with no copy of a deleted item.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, delete, exists, func, select, update

from trendwatch.store import Store
from trendwatch.store import inbox as inbox_rows
from trendwatch.store.schema import (
    assignments,
    embeddings,
    feedback,
    ideas,
    inbox_messages,
    items,
    stories,
    topic_snapshots,
    topics,
    trend_points,
)

BATCH = 2000


@dataclass
class PurgeReport:
    cutoff: datetime
    items: int = 0
    embeddings: int = 0
    assignments: int = 0
    ideas: int = 0
    labels: int = 0
    stories: int = 0
    stories_blanked: int = 0
    trend_points: int = 0
    dry_run: bool = False
    inbox: Any = None            # store.inbox.InboxPurgeReport, when run_purge did the inbox too

    def as_dict(self) -> dict:
        return {**({"inbox": self.inbox.as_dict()} if self.inbox is not None else {}),"cutoff": self.cutoff, "dry_run": self.dry_run, "items": self.items,
                "embeddings": self.embeddings, "assignments": self.assignments,
                "ideas": self.ideas, "labels": self.labels, "stories": self.stories,
                "stories_blanked": self.stories_blanked, "trend_points": self.trend_points}


class _Purged:
    """What identifies the batch's items inside a copy: ids, links, (title, outlet)."""

    def __init__(self, rows: Iterable[Any]):
        self.ids: set[str] = set()
        self.urls: set[str] = set()
        self.titles: set[tuple[str, str]] = set()
        for row in rows:
            self.ids.add(row.id)
            self.urls.update(u for u in (row.url, row.canonical_url) if u)
            if row.title:
                self.titles.add((row.title, row.outlet or ""))

    def cited_in(self, sources: list[dict] | None) -> bool:
        for source in sources or []:
            if not isinstance(source, dict):
                continue
            if source.get("item_id") in self.ids or source.get("url") in self.urls:
                return True
            # entries written without an item id (older rows): match title and outlet
            if (source.get("title"), source.get("outlet") or "") in self.titles:
                return True
        return False


def _citing_ideas(conn: Connection, purged: _Purged) -> list[int]:
    return [row.id for row in conn.execute(select(ideas.c.id, ideas.c.sources))
            if purged.cited_in(row.sources)]


def _quotes(label: str, titles: set[str]) -> bool:
    """True when a headline label is taken from one of ``titles`` (headlines are a title
    cleaned of boilerplate and trimmed, so a contiguous part of it)."""
    core = label.split(": ", 1)[1] if label.startswith("#") and ": " in label else label
    core = core.rstrip("…. ").strip()
    return len(core) >= 12 and any(core in title for title in titles)


def _relabel_quoting(conn: Connection, purged: _Purged) -> int:
    """Topics and snapshots whose headline quotes a purged item get their keyphrase label.

    Run in every batch's transaction, not once at the end: a purge interrupted between
    batches must not leave a label quoting an item already deleted.
    """
    titles = {title for title, _ in purged.titles if len(title) >= 12}
    if not titles:
        return 0
    done = 0
    for table, key in ((topics, (topics.c.id,)),
                       (topic_snapshots, (topic_snapshots.c.run_id, topic_snapshots.c.topic_id))):
        for row in conn.execute(select(*key, table.c.label, table.c.keywords)).all():
            if row.label and _quotes(row.label, titles):
                words = [str(w) for w in (row.keywords or [])[:3]]
                where = [col == value for col, value in zip(key, row[:len(key)])]
                conn.execute(update(table).where(*where).values(
                    label=", ".join(words) or "(label removed with its items)"))
                done += 1
    return done


def _delete_ideas(conn: Connection, idea_ids: list[int]) -> int:
    done = 0
    for start in range(0, len(idea_ids), 500):
        chunk = idea_ids[start:start + 500]
        # explicit: do not depend on the backend enforcing ON DELETE SET NULL
        conn.execute(update(feedback).where(feedback.c.idea_id.in_(chunk)).values(idea_id=None))
        done += conn.execute(delete(ideas).where(ideas.c.id.in_(chunk))).rowcount or 0
    return done


def purge(store: Store, now: datetime, retention: timedelta, *, dry_run: bool = False,
          batch: int = BATCH) -> PurgeReport:
    """Delete raw items collected before ``now - retention`` and every copy of them, and
    trend points older than the same cutoff. Returns what went (or would go)."""
    report = PurgeReport(cutoff=now - retention, dry_run=dry_run)
    old = items.c.fetched_at < report.cutoff
    keys = (items.c.id, items.c.url, items.c.canonical_url, items.c.title, items.c.outlet)
    old_points = trend_points.c.at < report.cutoff
    if dry_run:
        with store.connect() as conn:
            old_ids = select(items.c.id).where(old)
            report.items = conn.execute(select(func.count()).where(old)).scalar() or 0
            report.embeddings = conn.execute(select(func.count()).select_from(embeddings).where(
                embeddings.c.item_id.in_(old_ids))).scalar() or 0
            report.assignments = conn.execute(select(func.count()).select_from(assignments).where(
                assignments.c.item_id.in_(old_ids))).scalar() or 0
            report.ideas = len(_citing_ideas(conn, _Purged(conn.execute(select(*keys).where(old)))))
            report.trend_points = conn.execute(select(func.count()).select_from(trend_points)
                                               .where(old_points)).scalar() or 0
        return report

    while True:
        with store.begin() as conn:
            rows = conn.execute(select(*keys).where(old).limit(batch)).all()
            if not rows:
                break
            _delete_items(conn, rows, report)
    with store.begin() as conn:
        _orphan_stories(conn, report, report.cutoff)
        report.trend_points = conn.execute(delete(trend_points).where(old_points)).rowcount or 0
    return report


def _delete_items(conn: Connection, rows: Sequence[Any], report: PurgeReport) -> None:
    """Delete these items (id, url, canonical_url, title, outlet) and every copy of them."""
    ids = [r.id for r in rows]
    purged = _Purged(rows)
    report.ideas += _delete_ideas(conn, _citing_ideas(conn, purged))
    report.labels += _relabel_quoting(conn, purged)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        # explicit child deletes: do not depend on the backend enforcing ON DELETE CASCADE
        report.embeddings += conn.execute(
            delete(embeddings).where(embeddings.c.item_id.in_(chunk))).rowcount or 0
        report.assignments += conn.execute(
            delete(assignments).where(assignments.c.item_id.in_(chunk))).rowcount or 0
        # an inbound message keeps its own copy (own retention): only the link goes
        conn.execute(update(inbox_messages).where(inbox_messages.c.item_id.in_(chunk))
                     .values(item_id=None))
        report.items += conn.execute(delete(items).where(items.c.id.in_(chunk))).rowcount or 0


def _orphan_stories(conn: Connection, report: PurgeReport, cutoff: datetime) -> None:
    orphan = ~exists().where(items.c.story_id == stories.c.id)
    report.stories = conn.execute(
        delete(stories).where(orphan, stories.c.last_seen_at < cutoff)).rowcount or 0
    report.stories_blanked = conn.execute(
        update(stories).where(orphan, stories.c.title != "").values(title="")).rowcount or 0


@dataclass
class ForgetReport:
    """What a data-subject request deleted."""

    authors: list[str]
    items: PurgeReport
    inbox: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        parts = self.items.as_dict()
        return {"authors": self.authors, "items": parts["items"],
                "embeddings": parts["embeddings"], "assignments": parts["assignments"],
                "ideas": parts["ideas"], "labels": parts["labels"],
                "stories": parts["stories"] + parts["stories_blanked"], **self.inbox}


def forget_author(store: Store, now: datetime, handles: Iterable[str],
                  pseudonyms: Iterable[str] = ()) -> ForgetReport:
    """A data-subject request: delete everything the store holds by this person, in one
    transaction: their inbound messages (by real handle), the items they wrote (stored under
    the handle, or under its pseudonym in privacy mode, and every item an inbound message of
    theirs was found as), each with its copies (embeddings, assignments, ideas citing it,
    labels quoting it), and stories left empty. Matching ignores case."""
    handles = [h for h in dict.fromkeys(handles) if h]
    names = sorted({a.casefold() for a in [*handles, *pseudonyms] if a})
    report = ForgetReport(authors=handles, items=PurgeReport(cutoff=now))
    if not names:
        return report
    keys = (items.c.id, items.c.url, items.c.canonical_url, items.c.title, items.c.outlet)
    with store.begin() as conn:
        found = inbox_rows.items_of_author(conn, handles)
        where: ColumnElement[bool] = func.lower(items.c.author).in_(names)
        if found:
            where = where | items.c.id.in_(found)
        rows = conn.execute(select(*keys).where(where)).all()
        report.inbox = inbox_rows.forget_inbound(conn, handles)
        if rows:
            _delete_items(conn, rows, report.items)
        _orphan_stories(conn, report.items, now)
    return report
