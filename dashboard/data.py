"""The dashboard's only door to the store and the config: cached loaders and two writes.

Every loader takes the database URL first, so caches are per store. Rows of a
finished run never change, so loaders keyed by ``run_id`` keep results for long;
what moves (latest run, source health, jobs, feedback) has short TTLs, and the two
writes (feedback, refresh request) clear what they affect. The dashboard never runs
pipeline stages and never loads a model.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import and_, distinct, func, inspect, or_, select
from sqlalchemy.orm import aliased

from trendwatch.config.schema import Settings
from trendwatch.config.load import load_settings
from trendwatch.config.env import resolve_paths
from trendwatch.errors import ConfigError, StoreError
from trendwatch.store import Store, open_store
from trendwatch.store.db import upsert
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
from trendwatch.store.sources import source_health as _source_health

TTL_LIVE = 15          # latest run, jobs: a finished run shows up within seconds
TTL_HEALTH = 60        # source health moves with each collection pass
TTL_RUN = 3600         # keyed by run_id: a finished run's rows never change
TTL_CONFIG = 5
REFRESH_JOB = "refresh"  # the service polls jobs.next_run_at of this row


# --- config and store ------------------------------------------------------------------


def config_path() -> Path:
    return resolve_paths(None, None).config


@st.cache_resource(ttl=TTL_CONFIG, show_spinner=False)
def _settings_at(path: str, mtime_ns: int) -> tuple[Settings | None, str | None]:
    try:
        return load_settings(path), None
    except ConfigError as exc:
        return None, str(exc)


def settings() -> tuple[Settings | None, str | None]:
    """The validated feeds.toml (or None and the error), re-read when the file changes."""
    path = config_path()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        mtime = -1
    return _settings_at(str(path), mtime)


def database_url() -> str:
    """Same precedence as the CLI: TRENDWATCH_DATABASE_URL > [storage] url > default."""
    return resolve_paths(None, None, settings()[0]).database_url


@st.cache_resource(show_spinner=False)
def _store(url: str) -> Store:
    # read-only use: migrating is the job of `trendwatch init/collect/serve`
    return open_store(url, migrate=False)


def store(url: str) -> Store:
    return _store(url)


@st.cache_data(ttl=TTL_LIVE, show_spinner=False)
def store_ready(url: str) -> bool:
    """True when the schema exists (an empty or missing database is not an error)."""
    try:
        return inspect(store(url).engine).has_table("runs")
    except StoreError:
        raise
    except Exception as exc:  # driver errors → one clear message
        raise StoreError(f"cannot open the database {url}: {exc}") from exc


def _frame(url: str, query, columns: list[str] | None = None) -> pd.DataFrame:
    with store(url).connect() as conn:
        result = conn.execute(query)
        rows = result.fetchall()
        return pd.DataFrame(rows, columns=columns or list(result.keys()))


# --- overview --------------------------------------------------------------------------


@st.cache_data(ttl=TTL_LIVE, show_spinner=False)
def latest_run(url: str) -> dict[str, Any] | None:
    """The newest successful analysis run (max id with status ok)."""
    if not store_ready(url):
        return None
    with store(url).connect() as conn:
        row = conn.execute(select(runs).where(runs.c.status == "ok")
                           .order_by(runs.c.id.desc()).limit(1)).first()
    return dict(row._mapping) if row else None


@st.cache_data(ttl=TTL_HEALTH, show_spinner=False)
def store_counts(url: str) -> dict[str, int]:
    if not store_ready(url):
        return {"sources": 0, "items": 0, "runs": 0}
    with store(url).connect() as conn:
        return {
            "sources": conn.execute(select(func.count()).select_from(sources)).scalar_one(),
            "items": conn.execute(select(func.count()).select_from(items)).scalar_one(),
            "runs": conn.execute(select(func.count()).select_from(runs)).scalar_one(),
        }


@st.cache_data(ttl=TTL_RUN, show_spinner=False)
def run_profiles(url: str, run_id: int) -> list[str]:
    query = select(opportunities.c.profile).distinct().where(opportunities.c.run_id == run_id)
    with store(url).connect() as conn:
        return sorted(conn.execute(query).scalars())


@st.cache_data(ttl=TTL_RUN, show_spinner=False)
def run_platforms(url: str, run_id: int) -> list[str]:
    query = select(topic_snapshots.c.platforms).where(topic_snapshots.c.run_id == run_id)
    found: set[str] = set()
    with store(url).connect() as conn:
        for platforms in conn.execute(query).scalars():
            found.update((platforms or {}).keys())
    return sorted(found)


@st.cache_data(ttl=TTL_RUN, show_spinner=False)
def opportunities_for(url: str, run_id: int, profile: str | None) -> pd.DataFrame:
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
        .where(o.c.run_id == run_id)
        .order_by(o.c.priority.desc())
    )
    if profile is not None:
        query = query.where(o.c.profile == profile)
    return _frame(url, query)


@st.cache_data(ttl=TTL_RUN, show_spinner=False)
def snapshot_history(url: str, topic_ids: tuple[int, ...], run_id: int) -> pd.DataFrame:
    """Snapshots of these topics up to ``run_id`` (sparklines, score parts over time)."""
    s = topic_snapshots
    query = (select(s.c.topic_id, s.c.run_id, s.c.as_of, s.c.size, s.c.distinct_sources,
                    s.c.emergence, s.c.status, s.c.signal, s.c.score_parts, s.c.platforms)
             .where(s.c.topic_id.in_(topic_ids), s.c.run_id <= run_id)
             .order_by(s.c.topic_id, s.c.as_of))
    return _frame(url, query)


def _story_outlets(conn, story_ids: list[int]) -> dict[int, int]:
    if not story_ids:
        return {}
    query = (select(items.c.story_id, func.count(distinct(items.c.outlet)))
             .where(items.c.story_id.in_(story_ids)).group_by(items.c.story_id))
    return dict(conn.execute(query).all())


@st.cache_data(ttl=TTL_RUN, show_spinner=False)
def top_links(url: str, run_id: int, topic_ids: tuple[int, ...], per_topic: int = 3) -> pd.DataFrame:
    """The best links per topic: stories carried by most outlets first, one link per story."""
    query = (select(assignments.c.topic_id, items.c.title, items.c.url, items.c.outlet,
                    items.c.published_at, items.c.story_id, items.c.id.label("item_id"))
             .join(items, items.c.id == assignments.c.item_id)
             .where(assignments.c.run_id == run_id, assignments.c.topic_id.in_(topic_ids)))
    with store(url).connect() as conn:
        frame = pd.DataFrame(conn.execute(query).fetchall(),
                             columns=["topic_id", "title", "url", "outlet", "published_at",
                                      "story_id", "item_id"])
        outlets = _story_outlets(conn, [int(x) for x in frame["story_id"].dropna().unique()])
    if frame.empty:
        frame["story_outlets"] = []
        return frame
    frame["story_outlets"] = frame["story_id"].map(outlets).fillna(1).astype(int)
    frame["story_key"] = frame["story_id"].fillna(frame["item_id"]).astype(str)
    frame = frame.sort_values(["topic_id", "story_outlets", "published_at"],
                              ascending=[True, False, False])
    frame = frame.drop_duplicates(["topic_id", "story_key"])
    return frame.groupby("topic_id").head(per_topic).drop(columns=["story_key"])


# --- topics ----------------------------------------------------------------------------


@st.cache_data(ttl=TTL_LIVE * 4, show_spinner=False)
def topics_table(url: str) -> pd.DataFrame:
    """Every topic with its latest snapshot (the run it was last seen in)."""
    t, s = topics, topic_snapshots
    query = (select(t.c.id, t.c.label, t.c.status, s.c.signal, s.c.emergence, t.c.size,
                    s.c.distinct_sources, s.c.growth_24h, s.c.growth_7d, t.c.first_seen_at,
                    t.c.last_seen_at, t.c.dormant, t.c.keywords, t.c.hashtags, t.c.languages,
                    t.c.last_run_id)
             .outerjoin(s, and_(s.c.run_id == t.c.last_run_id, s.c.topic_id == t.c.id))
             .order_by(s.c.emergence.desc().nulls_last(), t.c.id))
    return _frame(url, query)


@st.cache_data(ttl=TTL_LIVE * 4, show_spinner=False)
def topic(url: str, topic_id: int) -> dict[str, Any] | None:
    columns = [c for c in topics.c if c.name not in ("anchor_centroid", "centroid")]
    with store(url).connect() as conn:
        row = conn.execute(select(*columns).where(topics.c.id == topic_id)).first()
    return dict(row._mapping) if row else None


@st.cache_data(ttl=TTL_LIVE * 4, show_spinner=False)
def topic_lineage_rows(url: str, topic_id: int) -> pd.DataFrame:
    """Lineage rows touching the topic, with both labels and when it happened."""
    l, other, me = topic_lineage, aliased(topics), aliased(topics)
    query = (select(l.c.topic_id, me.c.label.label("topic_label"), l.c.relation,
                    l.c.related_topic_id, other.c.label.label("related_label"), runs.c.as_of)
             .join(me, me.c.id == l.c.topic_id)
             .join(other, other.c.id == l.c.related_topic_id)
             .join(runs, runs.c.id == l.c.run_id)
             .where(or_(l.c.topic_id == topic_id, l.c.related_topic_id == topic_id))
             .order_by(runs.c.as_of))
    return _frame(url, query)


@st.cache_data(ttl=TTL_RUN, show_spinner=False)
def topic_items(url: str, topic_id: int, run_id: int) -> pd.DataFrame:
    """The topic's items at ``run_id`` with their source, newest first."""
    query = (select(items.c.id, items.c.title, items.c.text, items.c.url, items.c.outlet,
                    items.c.platform, items.c.lang, items.c.published_at, items.c.hashtags,
                    items.c.story_id, sources.c.name.label("source"))
             .join(assignments, assignments.c.item_id == items.c.id)
             .join(sources, sources.c.id == items.c.source_id)
             .where(assignments.c.run_id == run_id, assignments.c.topic_id == topic_id)
             .order_by(items.c.published_at.desc()))
    return _frame(url, query)


@st.cache_data(ttl=TTL_RUN, show_spinner=False)
def story_outlets(url: str, story_ids: tuple[int, ...]) -> pd.DataFrame:
    """Every outlet that carried one of these stories (wire copies included)."""
    query = (select(items.c.story_id, items.c.outlet, items.c.platform, items.c.title,
                    items.c.url, items.c.published_at, sources.c.name.label("source"))
             .join(sources, sources.c.id == items.c.source_id)
             .where(items.c.story_id.in_(story_ids))
             .order_by(items.c.story_id, items.c.published_at))
    return _frame(url, query)


# --- ideas and feedback ----------------------------------------------------------------


@st.cache_data(ttl=TTL_LIVE * 4, show_spinner=False)
def ideas_for(url: str, profile: str | None, run_id: int) -> pd.DataFrame:
    """Ideas of the newest run (≤ run_id) that has ideas for the profile, best topics first."""
    newest = select(func.max(ideas.c.run_id)).where(ideas.c.run_id <= run_id)
    if profile is not None:
        newest = newest.where(ideas.c.profile == profile)
    with store(url).connect() as conn:
        idea_run = conn.execute(newest).scalar()
    if idea_run is None:
        return pd.DataFrame(columns=["id", "topic_id", "product", "angle", "hook", "drafts"])
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
    return _frame(url, query)


@st.cache_data(ttl=TTL_LIVE, show_spinner=False)
def feedback_rows(url: str, profile: str | None) -> pd.DataFrame:
    query = select(feedback).order_by(feedback.c.id)
    if profile is not None:
        query = query.where(or_(feedback.c.profile == profile, feedback.c.profile.is_(None)))
    return _frame(url, query)


def muted_topics(url: str, profile: str | None) -> set[int]:
    rows = feedback_rows(url, profile)
    return set(rows.loc[rows["verdict"] == "mute", "topic_id"].astype(int)) if len(rows) else set()


VERDICTS = ("useful", "not_useful", "mute")


def write_feedback(url: str, *, topic_id: int, profile: str | None, verdict: str,
                   idea_id: int | None = None, now: datetime | None = None,
                   note: str | None = None) -> None:
    """Record a verdict (ranking reads it next run); an idea's own verdict goes on its row too."""
    if verdict not in VERDICTS:
        raise ValueError(f"unknown verdict {verdict!r}; expected one of {VERDICTS}")
    now = now or datetime.now(timezone.utc)
    with store(url).begin() as conn:
        conn.execute(feedback.insert().values(topic_id=topic_id, profile=profile, idea_id=idea_id,
                                              verdict=verdict, created_at=now, note=note))
        if idea_id is not None and verdict in ("useful", "not_useful"):
            conn.execute(ideas.update().where(ideas.c.id == idea_id).values(feedback=verdict))
    feedback_rows.clear()
    ideas_for.clear()


# --- service ---------------------------------------------------------------------------


@st.cache_data(ttl=TTL_LIVE, show_spinner=False)
def job_rows(url: str) -> pd.DataFrame:
    if not store_ready(url):
        return pd.DataFrame(columns=[c.name for c in jobs.c])
    return _frame(url, select(jobs).order_by(jobs.c.name))


def request_refresh(url: str, now: datetime | None = None) -> None:
    """Ask the service for a cycle now: jobs[refresh].next_run_at = now (the service polls it)."""
    now = now or datetime.now(timezone.utc)
    with store(url).begin() as conn:
        upsert(conn, jobs, [{"name": REFRESH_JOB, "next_run_at": now}],
               index_elements=["name"], update=["next_run_at"])
    job_rows.clear()


# --- shifts ----------------------------------------------------------------------------


@st.cache_data(ttl=600, show_spinner=False)
def topic_volumes(url: str, since: datetime) -> pd.DataFrame:
    """(topic_id, published_at) per item published since ``since``, by its newest assignment."""
    newest = (select(assignments.c.item_id, func.max(assignments.c.run_id).label("run_id"))
              .group_by(assignments.c.item_id).subquery())
    query = (select(assignments.c.topic_id, items.c.published_at, items.c.platform)
             .join(newest, and_(newest.c.item_id == assignments.c.item_id,
                                newest.c.run_id == assignments.c.run_id))
             .join(items, items.c.id == assignments.c.item_id)
             .where(items.c.published_at >= since))
    return _frame(url, query, ["topic_id", "published_at", "platform"])


# --- sources ---------------------------------------------------------------------------


@st.cache_data(ttl=TTL_HEALTH, show_spinner=False)
def source_health(url: str, now: datetime) -> pd.DataFrame:
    if not store_ready(url):
        return pd.DataFrame()
    return pd.DataFrame(_source_health(store(url), now))


@st.cache_data(ttl=TTL_HEALTH, show_spinner=False)
def trend_series(url: str, since: datetime) -> pd.DataFrame:
    query = (select(trend_points.c.platform, trend_points.c.term, trend_points.c.metric,
                    trend_points.c.at, trend_points.c.value, sources.c.name.label("source"))
             .join(sources, sources.c.id == trend_points.c.source_id)
             .where(trend_points.c.at >= since)
             .order_by(trend_points.c.at))
    return _frame(url, query)


def minute_now() -> datetime:
    """Now, rounded down to the minute, so loaders keyed by time still hit the cache."""
    return datetime.now(timezone.utc).replace(second=0, microsecond=0)


def day_floor(when: datetime, days: int) -> datetime:
    return (when - timedelta(days=days)).replace(hour=0, minute=0, second=0, microsecond=0)


def environment() -> dict[str, str | None]:
    from trendwatch.config.env import CONFIG_ENV, DATABASE_ENV

    return {CONFIG_ENV: os.environ.get(CONFIG_ENV), DATABASE_ENV: os.environ.get(DATABASE_ENV)}


# --- config file -------------------------------------------------------------------------


def read_config_text(path: Path) -> tuple[str, int | None]:
    """The config file's text and its mtime (None when it does not exist yet)."""
    try:
        return path.read_text(encoding="utf-8"), path.stat().st_mtime_ns
    except FileNotFoundError:
        return "", None


def save_config(path: Path, text: str, expected_mtime: int | None) -> None:
    """Replace the config atomically, only if valid and unchanged on disk since it was read.

    Written to a temporary file in the same folder, fsynced, then ``os.replace``d: a
    crash leaves either the old or the new file, never half of one.
    """
    import tempfile

    from trendwatch.config.check import check_text

    check = check_text(text, path)
    if not check.ok:
        raise ConfigError("refusing to save an invalid config:\n" + "\n".join(check.lines))
    current = path.stat().st_mtime_ns if path.exists() else None
    if current != expected_mtime:
        raise ConfigError(f"{path} changed on disk since it was loaded; reload it and "
                          "apply your edits again")
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    _settings_at.clear()
