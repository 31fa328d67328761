"""Read models for the presentation side: the briefing, the CLI tables and the dashboard.

Every function takes a ``Store`` (or, where a caller reads several things in one
connection, a ``Connection``) and returns plain dicts/lists. Every read of run results
(snapshots, assignments, opportunities, ideas, lineage) sees published runs only (status
ok: analysis, ranking and ideas all committed; see store/runs.py), so a run being written,
or one that failed half-way, never shows — even when a caller passes its id. Where the briefing and the
dashboard ask the same question they call the same function here. Functions that back
a table return ``(columns, rows)`` so an empty result still knows its columns.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from contextlib import nullcontext
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, desc, distinct, func, inspect, or_, select
from sqlalchemy.orm import aliased

from trendwatch.store.db import Store
from trendwatch.store.runs import OK
from trendwatch.store.schema import (
    assignments,
    feedback,
    ideas,
    items,
    jobs,
    opportunities,
    runs,
    sources,
    topic_lineage,
    topic_snapshots,
    topics,
    trend_points,
)

Table = tuple[list[str], list[tuple]]


def _conn(db: Store | Connection):
    return db.connect() if isinstance(db, Store) else nullcontext(db)


def _visible_runs():
    """Ids of published runs: the only runs whose rows any reader sees."""
    return select(runs.c.id).where(runs.c.status == OK)


def _table(db: Store | Connection, query) -> Table:
    with _conn(db) as conn:
        result = conn.execute(query)
        return list(result.keys()), [tuple(r) for r in result.fetchall()]


# --------------------------------------------------------------------------- store state


def display_url(url: str) -> str:
    """A database URL with its password masked (an invalid URL is shown as typed)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        # unparsable (``…@h:port/x``) yet it may hold a password; the store may not import
        # trendwatch.present.redact (sibling layers), so the userinfo rule is repeated here
        head, at, host = url.rpartition("@")
        if not at:
            return url
        scheme = re.match(r"(?i)[a-z][a-z0-9+.\-]*://", head)
        return f"{scheme.group(0) if scheme else ''}***@{host}"


def has_schema(store: Store) -> bool:
    return inspect(store.engine).has_table("runs")


def store_counts(store: Store) -> dict[str, int]:
    with store.connect() as conn:
        return {
            "sources": conn.execute(select(func.count()).select_from(sources)).scalar_one(),
            "items": conn.execute(select(func.count()).select_from(items)).scalar_one(),
            "runs": conn.execute(select(func.count()).select_from(runs)).scalar_one(),
        }


def newest_run_started(db: Store | Connection) -> dict[str, Any] | None:
    """The most recently started run, whatever its status (the service's last attempt)."""
    with _conn(db) as conn:
        row = conn.execute(select(runs).order_by(runs.c.started_at.desc()).limit(1)).first()
    return dict(row._mapping) if row else None


def previous_run(db: Store | Connection, run: dict, before: datetime | None = None) -> dict | None:
    """The newest ok run other than ``run`` with as_of before ``before`` (default: strictly
    before ``run``'s as_of)."""
    with _conn(db) as conn:
        query = select(runs.c.id, runs.c.as_of).where(runs.c.status == OK, runs.c.id != run["id"])
        query = query.where(runs.c.as_of <= before if before is not None
                            else runs.c.as_of < run["as_of"])
        row = conn.execute(query.order_by(runs.c.as_of.desc()).limit(1)).first()
    return dict(row._mapping) if row else None


# --------------------------------------------------------------------------- topics of a run


def run_snapshots(db: Store | Connection, run_id: int) -> dict[int, dict]:
    """topic_id → the topic's snapshot at ``run_id`` (plus its first_seen_at)."""
    query = (select(topic_snapshots, topics.c.first_seen_at)
             .join(topics, topics.c.id == topic_snapshots.c.topic_id)
             .where(topic_snapshots.c.run_id == run_id,
                    topic_snapshots.c.run_id.in_(_visible_runs())))
    with _conn(db) as conn:
        return {r.topic_id: dict(r._mapping) for r in conn.execute(query)}


def muted_topics(db: Store | Connection, profile: str | None) -> set[int]:
    """Topics muted for this profile (or for every profile). ``None``: muted anywhere."""
    query = select(feedback.c.topic_id).where(feedback.c.verdict == "mute")
    if profile is not None:
        query = query.where(or_(feedback.c.profile == profile, feedback.c.profile.is_(None)))
    with _conn(db) as conn:
        return set(conn.execute(query).scalars())


def feedback_rows(store: Store, profile: str | None) -> Table:
    query = select(feedback).order_by(feedback.c.id)
    if profile is not None:
        query = query.where(or_(feedback.c.profile == profile, feedback.c.profile.is_(None)))
    return _table(store, query)


def run_opportunities(db: Store | Connection, run_id: int, profile: str) -> list[dict]:
    """The stored opportunities of a run for one profile, highest priority first."""
    query = (select(opportunities).where(opportunities.c.run_id == run_id,
                                         opportunities.c.run_id.in_(_visible_runs()),
                                         opportunities.c.profile == profile)
             .order_by(desc(opportunities.c.priority), opportunities.c.id))
    with _conn(db) as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def opportunities_with_snapshots(store: Store, run_id: int, profile: str | None) -> Table:
    """One row per topic × product of the run, with the topic's snapshot at that run."""
    s, t, o = topic_snapshots, topics, opportunities
    query = (
        select(o.c.topic_id, o.c.profile, o.c.product, o.c.relevance, o.c.priority,
               o.c.explanation, s.c.label, s.c.status, s.c.signal, s.c.emergence,
               s.c.growth_24h, s.c.growth_7d, s.c.distinct_sources, s.c.distinct_stories,
               s.c.size, s.c.platforms, s.c.keywords, t.c.hashtags, t.c.first_seen_at,
               t.c.last_seen_at)
        .join(s, and_(s.c.run_id == o.c.run_id, s.c.topic_id == o.c.topic_id))
        .join(t, t.c.id == o.c.topic_id)
        .where(o.c.run_id == run_id, o.c.run_id.in_(_visible_runs()))
        .order_by(o.c.priority.desc())
    )
    if profile is not None:
        query = query.where(o.c.profile == profile)
    return _table(store, query)


def run_profiles(store: Store, run_id: int) -> list[str]:
    query = select(opportunities.c.profile).distinct().where(
        opportunities.c.run_id == run_id, opportunities.c.run_id.in_(_visible_runs()))
    with store.connect() as conn:
        return sorted(conn.execute(query).scalars())


def run_platforms(store: Store, run_id: int) -> list[str]:
    query = select(topic_snapshots.c.platforms).where(
        topic_snapshots.c.run_id == run_id, topic_snapshots.c.run_id.in_(_visible_runs()))
    found: set[str] = set()
    with store.connect() as conn:
        for platforms in conn.execute(query).scalars():
            found.update((platforms or {}).keys())
    return sorted(found)


# --------------------------------------------------------------------------- snapshot series


def snapshot_series(db: Store | Connection, topic_ids: Sequence[int], *,
                    run_id: int | None = None, since: datetime | None = None,
                    until: datetime | None = None) -> Table:
    """Snapshots of these topics over time (oldest first): up to ``run_id`` and/or
    with as_of in [since, until]."""
    s = topic_snapshots
    query = (select(s.c.topic_id, s.c.run_id, s.c.as_of, s.c.size, s.c.distinct_sources,
                    s.c.emergence, s.c.status, s.c.signal, s.c.score_parts, s.c.platforms)
             .where(s.c.topic_id.in_(list(topic_ids)), s.c.run_id.in_(_visible_runs())))
    if run_id is not None:
        query = query.where(s.c.run_id <= run_id)
    if since is not None:
        query = query.where(s.c.as_of >= since)
    if until is not None:
        query = query.where(s.c.as_of <= until)
    return _table(db, query.order_by(s.c.topic_id, s.c.as_of))


# --------------------------------------------------------------------------- links and items


def topic_links(db: Store | Connection, run_id: int, topic_ids: Sequence[int]) -> list[dict]:
    """Items of these topics in this run that have a URL, newest first, with the size of
    their story (how many outlets carried it)."""
    query = (select(assignments.c.topic_id, items.c.title, items.c.text, items.c.url, items.c.outlet,
                    items.c.platform, items.c.published_at, items.c.story_id,
                    items.c.id.label("item_id"))
             .join(items, items.c.id == assignments.c.item_id)
             .where(assignments.c.run_id == run_id, assignments.c.topic_id.in_(list(topic_ids)),
                    assignments.c.run_id.in_(_visible_runs()), items.c.url.is_not(None))
             .order_by(items.c.published_at.desc(), items.c.id))
    with _conn(db) as conn:
        rows = [dict(r._mapping) for r in conn.execute(query)]
        outlets = story_outlet_counts(conn, {r["story_id"] for r in rows if r["story_id"] is not None})
    for row in rows:
        row["story_outlets"] = outlets.get(row["story_id"], 1)
    return rows


def topic_activity(db: Store | Connection, run_id: int, topic_ids: Sequence[int], start: datetime,
                   end: datetime, bin_size: timedelta = timedelta(hours=6)) -> list[dict]:
    """Per topic and time bin of ``bin_size`` from ``start`` to ``end``: items published and
    distinct sources (outlet, else source) among them, every bin present (zeros included).

    From the run's items, not from its snapshots: a topic seen in two runs still has a week
    of shape."""
    query = (select(assignments.c.topic_id, items.c.published_at, items.c.outlet, items.c.source_id)
             .join(items, items.c.id == assignments.c.item_id)
             .where(assignments.c.run_id == run_id, assignments.c.topic_id.in_(list(topic_ids)),
                    items.c.published_at >= start, items.c.published_at < end))
    bins = max(1, math.ceil((end - start) / bin_size))
    counts: dict[tuple[int, int], list] = {}
    with _conn(db) as conn:
        for row in conn.execute(query):
            index = min(int((row.published_at - start) / bin_size), bins - 1)
            slot = counts.setdefault((row.topic_id, index), [0, set()])
            slot[0] += 1
            slot[1].add(row.outlet or f"source {row.source_id}")
    return [{"topic_id": topic_id, "bin_start": start + i * bin_size,
             "items": counts.get((topic_id, i), [0, ()])[0],
             "sources": len(counts.get((topic_id, i), [0, ()])[1])}
            for topic_id in topic_ids for i in range(bins)]


def story_outlet_counts(db: Store | Connection, story_ids: Sequence[int] | set[int]) -> dict[int, int]:
    if not story_ids:
        return {}
    query = (select(items.c.story_id, func.count(distinct(items.c.outlet)))
             .where(items.c.story_id.in_(list(story_ids))).group_by(items.c.story_id))
    with _conn(db) as conn:
        return dict(conn.execute(query).all())


def topic_items(store: Store, topic_id: int, run_id: int) -> Table:
    """The topic's items at ``run_id`` with their source, newest first."""
    query = (select(items.c.id, items.c.title, items.c.text, items.c.url, items.c.outlet,
                    items.c.platform, items.c.lang, items.c.published_at, items.c.hashtags,
                    items.c.story_id, sources.c.name.label("source"))
             .join(assignments, assignments.c.item_id == items.c.id)
             .join(sources, sources.c.id == items.c.source_id)
             .where(assignments.c.run_id == run_id, assignments.c.topic_id == topic_id,
                    assignments.c.run_id.in_(_visible_runs()))
             .order_by(items.c.published_at.desc()))
    return _table(store, query)


def story_outlets(store: Store, story_ids: Sequence[int]) -> Table:
    """Every outlet that carried one of these stories (wire copies included)."""
    query = (select(items.c.story_id, items.c.outlet, items.c.platform, items.c.title,
                    items.c.url, items.c.published_at, sources.c.name.label("source"))
             .join(sources, sources.c.id == items.c.source_id)
             .where(items.c.story_id.in_(list(story_ids)))
             .order_by(items.c.story_id, items.c.published_at))
    return _table(store, query)


def recent_items(store: Store, *, limit: int, since: datetime | None = None,
                 source: str | None = None, platform: str | None = None) -> list[dict]:
    """Newest items with their source name and story size (`trendwatch items`)."""
    outlets = (select(items.c.story_id, func.count(func.distinct(items.c.outlet)).label("n"))
               .where(items.c.story_id.is_not(None)).group_by(items.c.story_id).subquery())
    query = (select(items, sources.c.name.label("source"), outlets.c.n.label("story_outlets"))
             .join(sources, sources.c.id == items.c.source_id)
             .outerjoin(outlets, outlets.c.story_id == items.c.story_id)
             .order_by(items.c.published_at.desc()).limit(limit))
    if since is not None:
        query = query.where(items.c.published_at >= since)
    if source:
        query = query.where(sources.c.name == source)
    if platform:
        query = query.where(items.c.platform == platform)
    with store.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def topic_volumes(store: Store, since: datetime) -> Table:
    """(topic_id, published_at, platform) per item published since ``since``, by its
    newest assignment."""
    newest = (select(assignments.c.item_id, func.max(assignments.c.run_id).label("run_id"))
              .where(assignments.c.run_id.in_(_visible_runs()))
              .group_by(assignments.c.item_id).subquery())
    query = (select(assignments.c.topic_id, items.c.published_at, items.c.platform)
             .join(newest, and_(newest.c.item_id == assignments.c.item_id,
                                newest.c.run_id == assignments.c.run_id))
             .join(items, items.c.id == assignments.c.item_id)
             .where(items.c.published_at >= since))
    return _table(store, query)


# --------------------------------------------------------------------------- topics


def _last_visible_snapshot():
    """topic_id → the newest published run with a snapshot of the topic."""
    s = topic_snapshots
    return (select(s.c.topic_id, func.max(s.c.run_id).label("run_id"))
            .where(s.c.run_id.in_(_visible_runs())).group_by(s.c.topic_id).subquery())


def topics_table(store: Store) -> Table:
    """Every topic seen in a published run, with its snapshot at the newest such run
    (``last_run_id``). A topic born in a run not yet published is not listed."""
    t, s, last = topics, topic_snapshots, _last_visible_snapshot()
    query = (select(t.c.id, t.c.label, t.c.status, s.c.signal, s.c.emergence, t.c.size,
                    s.c.distinct_sources, s.c.growth_24h, s.c.growth_7d, t.c.first_seen_at,
                    t.c.last_seen_at, t.c.dormant, t.c.keywords, t.c.hashtags, t.c.languages,
                    last.c.run_id.label("last_run_id"))
             .join(last, last.c.topic_id == t.c.id)
             .join(s, and_(s.c.run_id == last.c.run_id, s.c.topic_id == t.c.id))
             .order_by(s.c.emergence.desc().nulls_last(), t.c.id))
    return _table(store, query)


def topic(store: Store, topic_id: int) -> dict[str, Any] | None:
    """The topic, with ``last_run_id`` the newest published run it has a snapshot in;
    None when there is no such topic or no published run has seen it."""
    last = _last_visible_snapshot()
    columns = [c for c in topics.c if c.name not in ("anchor_centroid", "centroid", "last_run_id")]
    with store.connect() as conn:
        row = conn.execute(select(*columns, last.c.run_id.label("last_run_id"))
                           .join(last, last.c.topic_id == topics.c.id)
                           .where(topics.c.id == topic_id)).first()
    return dict(row._mapping) if row else None


def topic_lineage_rows(store: Store, topic_id: int) -> Table:
    """Lineage rows touching the topic, with both labels and when it happened."""
    lin, other, me = topic_lineage, aliased(topics), aliased(topics)
    query = (select(lin.c.topic_id, me.c.label.label("topic_label"), lin.c.relation,
                    lin.c.related_topic_id, other.c.label.label("related_label"), runs.c.as_of)
             .join(me, me.c.id == lin.c.topic_id)
             .join(other, other.c.id == lin.c.related_topic_id)
             .join(runs, runs.c.id == lin.c.run_id)
             .where(or_(lin.c.topic_id == topic_id, lin.c.related_topic_id == topic_id),
                    runs.c.status == OK)
             .order_by(runs.c.as_of))
    return _table(store, query)


# --------------------------------------------------------------------------- ideas


def topic_ideas(db: Store | Connection, topic_ids: Sequence[int], profile: str) -> list[dict]:
    """Stored ideas of these topics for the profile, newest run first."""
    query = (select(ideas).where(ideas.c.topic_id.in_(list(topic_ids)), ideas.c.profile == profile,
                                 ideas.c.run_id.in_(_visible_runs()))
             .order_by(ideas.c.run_id.desc(), ideas.c.id))
    with _conn(db) as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


IDEA_COLUMNS = ["id", "topic_id", "product", "angle", "hook", "drafts"]


def ideas_of_run(store: Store, profile: str | None, run_id: int) -> Table:
    """Ideas of the newest run (≤ run_id) that has ideas for the profile, best topics first."""
    newest = select(func.max(ideas.c.run_id)).where(ideas.c.run_id <= run_id,
                                                    ideas.c.run_id.in_(_visible_runs()))
    if profile is not None:
        newest = newest.where(ideas.c.profile == profile)
    with store.connect() as conn:
        idea_run = conn.execute(newest).scalar()
    if idea_run is None:
        return list(IDEA_COLUMNS), []
    o = opportunities
    priority = (select(o.c.topic_id, o.c.product, o.c.profile, o.c.priority)
                .where(o.c.run_id == idea_run).subquery())
    query = (select(ideas.c.id, ideas.c.run_id, ideas.c.topic_id, ideas.c.profile,
                    ideas.c.product, ideas.c.angle, ideas.c.hook, ideas.c.hashtags,
                    ideas.c.sources, ideas.c.drafts, ideas.c.best_before, ideas.c.generator,
                    ideas.c.created_at, ideas.c.feedback, topics.c.label, topics.c.status,
                    priority.c.priority)
             .join(topics, topics.c.id == ideas.c.topic_id)
             .outerjoin(priority, and_(priority.c.topic_id == ideas.c.topic_id,
                                       priority.c.product == ideas.c.product,
                                       priority.c.profile == ideas.c.profile))
             .where(ideas.c.run_id == idea_run)
             .order_by(priority.c.priority.desc().nulls_last(), ideas.c.id))
    if profile is not None:
        query = query.where(ideas.c.profile == profile)
    return _table(store, query)


# --------------------------------------------------------------------------- sources, jobs, trends


def source_states(db: Store | Connection, names: Sequence[str]) -> list[dict]:
    """The stored rows of these sources (sources never polled have none)."""
    if not names:
        return []
    with _conn(db) as conn:
        return [dict(r._mapping) for r in
                conn.execute(select(sources).where(sources.c.name.in_(list(names))))]


JOB_COLUMNS = [c.name for c in jobs.c]


def job_table(store: Store) -> Table:
    return _table(store, select(jobs).order_by(jobs.c.name))


def trend_series(store: Store, since: datetime) -> Table:
    query = (select(trend_points.c.platform, trend_points.c.term, trend_points.c.metric,
                    trend_points.c.at, trend_points.c.value, sources.c.name.label("source"))
             .join(sources, sources.c.id == trend_points.c.source_id)
             .where(trend_points.c.at >= since)
             .order_by(trend_points.c.at))
    return _table(store, query)

