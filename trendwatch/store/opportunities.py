"""Rows for company fit and ideas: what rank.py and ideas/ read and write.

Kept apart from the scoring so rank.py and the generators stay pure; the dashboard
writes the same ``feedback`` rows and ``ideas.feedback`` values (useful | not_useful).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Text, and_, cast, delete, func, or_, select, update

from trendwatch.errors import StoreError
from trendwatch.models import Mark, TopicFacts
from trendwatch.store.runs import latest_run
from trendwatch.store.schema import (
    assignments,
    feedback,
    ideas,
    items,
    opportunities,
    runs,
    topic_snapshots,
    topics,
)
from trendwatch.store.vectors import vector_from_bytes

TITLES_PER_TOPIC = 8


def latest_run_id(conn: Connection) -> int | None:
    """The id of the latest run (``store.runs.latest_run``: the engine's one definition)."""
    run = latest_run(conn)
    return run["id"] if run else None


def load_run(conn: Connection, run_id: int) -> dict[str, Any]:
    row = conn.execute(select(runs).where(runs.c.id == run_id)).mappings().first()
    if row is None:
        raise StoreError(f"there is no analysis run {run_id}; run `trendwatch analyze` first")
    return dict(row)


def load_topic_facts(conn: Connection, run_id: int, since: datetime) -> list[TopicFacts]:
    rows = conn.execute(
        select(topic_snapshots, topics.c.hashtags, topics.c.centroid, topics.c.label.label("topic_label"))
        .join(topics, topics.c.id == topic_snapshots.c.topic_id)
        .where(topic_snapshots.c.run_id == run_id)
    ).mappings().all()
    outlet = func.coalesce(items.c.outlet, cast(items.c.source_id, Text))
    recent: dict[int, int] = dict(conn.execute(
        select(assignments.c.topic_id, func.count(func.distinct(outlet)))
        .join(items, items.c.id == assignments.c.item_id)
        .where(assignments.c.run_id == run_id, items.c.published_at >= since)
        .group_by(assignments.c.topic_id)
    ).all())
    titles: dict[int, list[str]] = defaultdict(list)
    for topic_id, title in conn.execute(
        select(assignments.c.topic_id, items.c.title)
        .join(items, items.c.id == assignments.c.item_id)
        .where(assignments.c.run_id == run_id)
        .order_by(assignments.c.topic_id, items.c.published_at.desc())
    ):
        if title and len(titles[topic_id]) < TITLES_PER_TOPIC:
            titles[topic_id].append(title)
    return [
        TopicFacts(
            topic_id=row["topic_id"], label=row["label"] or row["topic_label"],
            keywords=list(row["keywords"] or []), hashtags=list(row["hashtags"] or []),
            centroid=vector_from_bytes(row["centroid"]) if row["centroid"] else None,
            status=row["status"], signal=row["signal"], emergence=float(row["emergence"] or 0.0),
            distinct_sources=row["distinct_sources"], sources_24h=int(recent.get(row["topic_id"], 0)),
            size=row["size"], titles=titles.get(row["topic_id"], []),
        )
        for row in rows
    ]


def load_marks(conn: Connection, profile: str) -> list[Mark]:
    """Feedback for this profile (rows without a profile count for every profile).

    A verdict on an idea counts as a verdict on its topic."""
    marks = []
    for topic_id, verdict, centroid in conn.execute(
        select(feedback.c.topic_id, feedback.c.verdict, topics.c.centroid)
        .join(topics, topics.c.id == feedback.c.topic_id)
        .where(or_(feedback.c.profile == profile, feedback.c.profile.is_(None)))
        .order_by(feedback.c.id)
    ):
        marks.append(Mark(topic_id, verdict, vector_from_bytes(centroid) if centroid else None))
    return marks


def replace_opportunities(conn: Connection, run_id: int, profile: str, found: Sequence) -> None:
    conn.execute(delete(opportunities).where(opportunities.c.run_id == run_id,
                                             opportunities.c.profile == profile))
    if found:
        conn.execute(opportunities.insert(), [
            {"run_id": run_id, "topic_id": o.topic_id, "profile": profile, "product": o.product,
             "relevance": o.relevance, "priority": o.priority, "explanation": o.explanation,
             "parts": o.parts}
            for o in found
        ])


def load_opportunities(conn: Connection, run_id: int, profile: str,
                       product: str | None = None) -> list[dict[str, Any]]:
    query = (
        select(opportunities, topic_snapshots.c.label, topic_snapshots.c.keywords,
               topic_snapshots.c.status, topic_snapshots.c.signal, topic_snapshots.c.as_of,
               topic_snapshots.c.distinct_sources, topics.c.hashtags)
        .join(topic_snapshots, and_(topic_snapshots.c.run_id == opportunities.c.run_id,
                                    topic_snapshots.c.topic_id == opportunities.c.topic_id))
        .join(topics, topics.c.id == opportunities.c.topic_id)
        .where(opportunities.c.run_id == run_id, opportunities.c.profile == profile)
        .order_by(opportunities.c.priority.desc(), opportunities.c.id)
    )
    if product:
        query = query.where(func.lower(opportunities.c.product) == product.lower())
    return [dict(r) for r in conn.execute(query).mappings()]


def topic_items(conn: Connection, run_id: int, topic_id: int, limit: int = 20) -> list[dict[str, Any]]:
    """The topic's items in this run, newest first, one per story (wire copies count once).

    URLs are returned as stored; ideas/briefings apply ``collect.dedup.shareable_url``."""
    rows = conn.execute(
        select(items.c.id, items.c.title, items.c.text, items.c.url, items.c.outlet,
               items.c.hashtags, items.c.published_at, items.c.lang, items.c.story_id,
               items.c.platform)
        .join(assignments, assignments.c.item_id == items.c.id)
        .where(assignments.c.run_id == run_id, assignments.c.topic_id == topic_id)
        .order_by(items.c.published_at.desc(), items.c.id)
    ).mappings().all()
    out, stories = [], set()
    for row in rows:
        if row["story_id"] is not None:
            if row["story_id"] in stories:
                continue
            stories.add(row["story_id"])
        out.append(dict(row))   # the stored link: callers that publish it clean it (shareable_url)
        if len(out) >= limit:
            break
    return out


def stored_ideas(conn: Connection, run_id: int, profile: str, topic_id: int,
                 product: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(ideas).where(ideas.c.run_id == run_id, ideas.c.profile == profile,
                            ideas.c.topic_id == topic_id, ideas.c.product == product,
                            or_(ideas.c.feedback.is_(None), ideas.c.feedback != "not_useful"))
        .order_by(ideas.c.id)
    ).mappings()
    return [{**row, "drafts": row["drafts"] or [], "dropped": []} for row in rows]


def delete_unmarked_ideas(conn: Connection, run_id: int, profile: str, topic_id: int,
                          product: str) -> None:
    """Make room for regenerated ideas; ideas someone already marked stay for the record."""
    conn.execute(delete(ideas).where(ideas.c.run_id == run_id, ideas.c.profile == profile,
                                     ideas.c.topic_id == topic_id, ideas.c.product == product,
                                     ideas.c.feedback.is_(None)))


def insert_ideas(conn: Connection, rows: Sequence[dict[str, Any]]) -> list[int]:
    ids = []
    for row in rows:
        ids.append(conn.execute(ideas.insert().values(**row).returning(ideas.c.id)).scalar_one())
    return ids


def add_feedback(conn: Connection, topic_id: int, verdict: str, *, profile: str | None,
                 idea_id: int | None, now: datetime, note: str | None = None) -> int:
    if conn.execute(select(topics.c.id).where(topics.c.id == topic_id)).scalar() is None:
        raise StoreError(f"there is no topic {topic_id} (see `trendwatch rank` for topic ids)")
    if idea_id is not None:
        idea_topic = conn.execute(select(ideas.c.topic_id).where(ideas.c.id == idea_id)).scalar()
        if idea_topic is None:
            raise StoreError(f"there is no idea {idea_id} (see `trendwatch ideas` for idea ids)")
        if idea_topic != topic_id:
            raise StoreError(f"idea {idea_id} belongs to topic {idea_topic}, not {topic_id}")
        if verdict in ("useful", "not_useful"):
            conn.execute(update(ideas).where(ideas.c.id == idea_id).values(feedback=verdict))
    return conn.execute(feedback.insert().values(
        topic_id=topic_id, profile=profile, idea_id=idea_id, verdict=verdict,
        created_at=now, note=note).returning(feedback.c.id)).scalar_one()


def clear_feedback(conn: Connection, topic_id: int, profile: str | None) -> int:
    query = delete(feedback).where(feedback.c.topic_id == topic_id)
    if profile is not None:
        query = query.where(or_(feedback.c.profile == profile, feedback.c.profile.is_(None)))
    return conn.execute(query).rowcount or 0
