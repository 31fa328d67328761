"""Store reads and writes of the analysis run (the only analysis module that speaks SQL)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import Connection, Select, and_, func, select

from trendwatch.errors import AnalysisError
from trendwatch.models import Label, PriorTopic, RunSummary
from trendwatch.store.db import Store, insert_ignore
from trendwatch.store.schema import (
    assignments,
    embeddings,
    items,
    runs,
    sources,
    topic_lineage,
    topic_snapshots,
    topics,
)
from trendwatch.store.vectors import vector_from_bytes, vector_to_bytes

CHUNK = 500


def _chunks(seq: Sequence, size: int = CHUNK):
    for start in range(0, len(seq), size):
        yield seq[start:start + size]


def _public():
    """Items not from an ``inbox = true`` source: a helpdesk or DM export is private
    correspondence for the customer-care inbox, never trend material (topics, ideas that cite
    items, briefing links)."""
    private = select(sources.c.id).where(sources.c.params["inbox"].as_boolean().is_(True))
    return items.c.source_id.not_in(private)


def load_window(store: Store, start: datetime, end: datetime) -> list[dict[str, Any]]:
    query = (select(items.c.id, items.c.platform, items.c.outlet, items.c.author, items.c.title,
                    items.c.text, items.c.lang, items.c.published_at, items.c.hashtags,
                    items.c.story_id, items.c.url, items.c.external_id)
             .where(items.c.published_at > start, items.c.published_at <= end, _public())
             .order_by(items.c.published_at, items.c.id))
    with store.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def missing_embeddings(store: Store, ids: Sequence[str], model_id: str) -> list[str]:
    have: set[str] = set()
    with store.connect() as conn:
        for chunk in _chunks(ids):
            have.update(conn.execute(select(embeddings.c.item_id).where(
                embeddings.c.model_id == model_id, embeddings.c.item_id.in_(chunk))).scalars())
    return [i for i in ids if i not in have]


def other_models(store: Store, model_id: str) -> list[str]:
    with store.connect() as conn:
        return sorted(conn.execute(select(embeddings.c.model_id).distinct()
                                   .where(embeddings.c.model_id != model_id)).scalars())


def save_embeddings(store: Store, ids: Sequence[str], model_id: str, vectors: np.ndarray) -> None:
    rows = [{"item_id": i, "model_id": model_id, "vector": vector_to_bytes(v)}
            for i, v in zip(ids, vectors)]
    with store.begin() as conn:
        insert_ignore(conn, embeddings, rows, index_elements=["item_id", "model_id"])


def load_vectors(store: Store, ids: Sequence[str], model_id: str) -> np.ndarray:
    found: dict[str, np.ndarray] = {}
    with store.connect() as conn:
        for chunk in _chunks(ids):
            for row in conn.execute(select(embeddings.c.item_id, embeddings.c.vector).where(
                    embeddings.c.model_id == model_id, embeddings.c.item_id.in_(chunk))):
                found[row.item_id] = vector_from_bytes(row.vector)
    if not ids:
        return np.zeros((0, 1), dtype=np.float32)
    return np.stack([found[i] for i in ids]).astype(np.float32)


@contextlib.contextmanager
def _reading(db: Store | Connection) -> Iterator[Connection]:
    """Read through the caller's connection (its transaction) or a fresh one of the store."""
    if isinstance(db, Connection):
        yield db
    else:
        with db.connect() as conn:
            yield conn


# A run's life: running → analysed (topics written, not yet ranked) → ok (published: ranking
# and ideas committed too). running/analysed end as failed on an error, or as interrupted
# when the process died (mark_interrupted). Only ok runs are visible to any reader.
RUNNING, ANALYSED, OK, FAILED, INTERRUPTED = "running", "analysed", "ok", "failed", "interrupted"
UNFINISHED = (RUNNING, ANALYSED)
INTERRUPTED_ERROR = "interrupted: the process stopped before the run finished"


def _ok_runs(before: datetime | None = None) -> Select[Any]:
    """Published (ok) runs, newest first: as_of descending, then id descending (THE order)."""
    query = select(runs).where(runs.c.status == OK)
    if before is not None:
        query = query.where(runs.c.as_of <= before)
    return query.order_by(runs.c.as_of.desc(), runs.c.id.desc())


def latest_run(db: Store | Connection, before: datetime | None = None) -> dict[str, Any] | None:
    """The latest run: the newest published (ok) run by as_of, then id (as of ``before`` when
    given). A run being analysed, ranked or given ideas is not visible until all three committed.

    The one definition of "the latest run" (analysis, ranking, briefings, CLI and dashboard).
    ``db`` is a Store (read on a fresh connection) or an open Connection (read inside the
    caller's transaction). Returns the ``runs`` row as a dict, or None when there is none.
    """
    with _reading(db) as conn:
        row = conn.execute(_ok_runs(before).limit(1)).first()
    return dict(row._mapping) if row else None


def last_full_run(store: Store, before: datetime) -> dict[str, Any] | None:
    """The newest ok run (as of ``before``) that clustered from scratch."""
    with store.connect() as conn:
        for row in conn.execute(_ok_runs(before).limit(200)):
            if (row.counts or {}).get("mode") == "full":
                return dict(row._mapping)
    return None


def start_run(store: Store, as_of: datetime, start: datetime, model_id: str,
              params: dict[str, Any]) -> int:
    with store.begin() as conn:
        return conn.execute(runs.insert().values(
            started_at=datetime.now(UTC), as_of=as_of, window_start=start, window_end=as_of,
            status=RUNNING, model_id=model_id, params=params, counts={},
        ).returning(runs.c.id)).scalar_one()


def fail_run(store: Store, run_id: int, error: str) -> None:
    """Mark an unpublished run failed (a published run stays ok: its rows are whole)."""
    with store.begin() as conn:
        conn.execute(runs.update().where(runs.c.id == run_id, runs.c.status != OK).values(
            status=FAILED, error=error[:2000], finished_at=datetime.now(UTC)))


def publish_run(store: Store, run_id: int) -> None:
    """Make an analysed run the visible one, once its ranking and ideas are committed.

    Raises AnalysisError when the run is no longer analysed (another process marked it
    interrupted because it ran past ``[analysis] run_timeout``): it stays unpublished."""
    with store.begin() as conn:
        done = conn.execute(runs.update().where(runs.c.id == run_id, runs.c.status == ANALYSED)
                            .values(status=OK, finished_at=datetime.now(UTC))).rowcount
        if not done:
            status = conn.execute(select(runs.c.status).where(runs.c.id == run_id)).scalar()
            if status != OK:
                raise AnalysisError(f"run {run_id} cannot be published: it is {status or 'gone'}, "
                                    f"not analysed (raise [analysis] run_timeout if runs take "
                                    f"longer than it)")


def mark_interrupted(store: Store, now: datetime, older_than: timedelta) -> list[int]:
    """Mark runs left running/analysed by a dead process as interrupted; returns their ids.

    ``now`` is wall-clock time (``started_at`` is). Only runs started more than
    ``older_than`` ago count: a younger one may belong to a process working on it now."""
    with store.begin() as conn:
        stale = (runs.c.status.in_(UNFINISHED), runs.c.started_at < now - older_than)
        ids = sorted(conn.execute(select(runs.c.id).where(*stale)).scalars())
        if ids:
            conn.execute(runs.update().where(runs.c.id.in_(ids), *stale).values(
                status=INTERRUPTED, error=INTERRUPTED_ERROR, finished_at=now))
    return ids


def summary_of(store: Store, run: dict[str, Any], notes: list[str]) -> RunSummary:
    counts = run["counts"] or {}
    return RunSummary(run_id=run["id"], as_of=run["as_of"], mode="reused",
                      items=counts.get("items", 0), embedded=0, clusters=counts.get("clusters", 0),
                      topics=counts.get("topics", 0), new_topics=0,
                      statuses=counts.get("statuses", {}), model_id=run["model_id"] or "",
                      timings={}, notes=notes)


def load_priors(store: Store, run_id: int | None) -> list[PriorTopic]:
    """Every known topic; members are its items at ``run_id``; topics absent then are dormant."""
    members: dict[int, set[str]] = {}
    if run_id is not None:
        with store.connect() as conn:
            for row in conn.execute(select(assignments.c.item_id, assignments.c.topic_id)
                                    .where(assignments.c.run_id == run_id)):
                members.setdefault(row.topic_id, set()).add(row.item_id)
    out = []
    with store.connect() as conn:
        for topic in conn.execute(select(topics.c.id, topics.c.centroid, topics.c.dormant)
                                  .order_by(topics.c.id)):
            if topic.centroid is None:
                continue
            out.append(PriorTopic(id=topic.id, centroid=vector_from_bytes(topic.centroid).copy(),
                                  members=frozenset(members.get(topic.id, ())),
                                  dormant=bool(topic.dormant) or topic.id not in members))
    return out


def load_assignments(store: Store, run_id: int) -> dict[str, int]:
    with store.connect() as conn:
        return {r.item_id: r.topic_id for r in conn.execute(
            select(assignments.c.item_id, assignments.c.topic_id).where(assignments.c.run_id == run_id))}


def load_labels(store: Store, topic_ids: Sequence[int]) -> dict[int, Label]:
    out = {}
    with store.connect() as conn:
        for chunk in _chunks(list(topic_ids)):
            for r in conn.execute(select(topics).where(topics.c.id.in_(chunk))):
                out[r.id] = Label(label=r.label, keywords=list(r.keywords or []),
                                  hashtags=list(r.hashtags or []), languages=list(r.languages or []))
    return out


def write_run(store: Store, *, run_id: int, now: datetime, mode: str, clusters, tracked, labels,
              scores, sims, by_row, timings, n_items: int, publish: bool = True) -> int:
    """Everything a run produced, in one transaction that also marks the run ok (published)
    or, with ``publish=False``, analysed (to be published by ``publish_run`` after ranking)."""
    new_topics = 0
    with store.begin() as conn:
        topic_of: dict[int, int] = {}
        for cluster in clusters:
            label, score = labels[cluster.label], scores[cluster.label]
            times = [by_row[i]["published_at"] for i in cluster.members]
            values = dict(label=label.label, keywords=label.keywords, hashtags=label.hashtags,
                          languages=label.languages, centroid=vector_to_bytes(cluster.centroid),
                          status=score.status, size=len(cluster.members), last_run_id=run_id,
                          dormant=False)
            tid = tracked.topic_of[cluster.label]
            if tid is None:
                tid = conn.execute(topics.insert().values(
                    first_seen_at=min(times), last_seen_at=max(times),
                    anchor_centroid=vector_to_bytes(cluster.centroid), **values,
                ).returning(topics.c.id)).scalar_one()
                new_topics += 1
                parent = tracked.new_splits.get(cluster.label)
                if parent is not None:
                    conn.execute(topic_lineage.insert().values(
                        run_id=run_id, topic_id=tid, related_topic_id=parent, relation="split_from"))
            else:
                old = conn.execute(select(topics.c.first_seen_at, topics.c.last_seen_at)
                                   .where(topics.c.id == tid)).one()
                conn.execute(topics.update().where(topics.c.id == tid).values(
                    first_seen_at=min(old.first_seen_at, min(times)),
                    last_seen_at=max(old.last_seen_at, max(times)), **values))
            topic_of[cluster.label] = tid
        for tid, related, relation in tracked.lineage:
            conn.execute(topic_lineage.insert().values(run_id=run_id, topic_id=tid,
                                                       related_topic_id=related, relation=relation))
        for old_tid, cluster_label in tracked.merged.items():
            conn.execute(topic_lineage.insert().values(
                run_id=run_id, topic_id=old_tid, related_topic_id=topic_of[cluster_label],
                relation="merged_into"))
        gone = list(tracked.merged) + list(tracked.gone)
        for chunk in _chunks(gone):
            conn.execute(topics.update().where(topics.c.id.in_(chunk)).values(dormant=True))
        snapshots: list[dict[str, Any]] = []
        rows: list[dict[str, Any]] = []
        for cluster in clusters:
            label, score, tid = labels[cluster.label], scores[cluster.label], topic_of[cluster.label]
            snapshots.append(dict(
                run_id=run_id, topic_id=tid, as_of=now, size=len(cluster.members),
                distinct_sources=score.distinct_sources, distinct_stories=score.distinct_stories,
                platforms=score.platforms, label=label.label, keywords=label.keywords,
                status=score.status, signal=score.signal, emergence=score.emergence,
                score_parts=score.parts, growth_24h=score.growth_24h, growth_7d=score.growth_7d))
            rows.extend(dict(run_id=run_id, item_id=i, topic_id=tid, probability=round(sims[i], 4))
                        for i in sorted(cluster.members))
        if snapshots:
            conn.execute(topic_snapshots.insert(), snapshots)
        for chunk in _chunks(rows, 2000):
            conn.execute(assignments.insert(), list(chunk))
        statuses: dict[str, int] = {}
        for s in scores.values():
            statuses[s.status] = statuses.get(s.status, 0) + 1
        conn.execute(runs.update().where(runs.c.id == run_id).values(
            status=OK if publish else ANALYSED, finished_at=datetime.now(UTC) if publish else None,
            counts={"items": n_items, "clusters": len(clusters), "topics": len(clusters),
                    "new_topics": new_topics, "mode": mode, "statuses": statuses,
                    "assigned": len(rows), "timings": {k: round(v, 3) for k, v in timings.items()}}))
    return new_topics


def topic_rows(store: Store, run_id: int) -> list[dict[str, Any]]:
    """Snapshots of a published run joined with their topics, best emergence first (none
    for a run not published)."""
    query = (select(topic_snapshots, topics.c.first_seen_at, topics.c.last_seen_at,
                    topics.c.hashtags, topics.c.languages)
             .join(topics, topics.c.id == topic_snapshots.c.topic_id)
             .join(runs, and_(runs.c.id == topic_snapshots.c.run_id, runs.c.status == OK))
             .where(topic_snapshots.c.run_id == run_id)
             .order_by(topic_snapshots.c.emergence.desc(), topic_snapshots.c.size.desc()))
    with store.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def topic_detail(store: Store, topic_id: int) -> dict[str, Any] | None:
    with store.connect() as conn:
        topic = conn.execute(select(topics).where(topics.c.id == topic_id)).first()
        if topic is None:
            return None
        history = [dict(r._mapping) for r in conn.execute(
            select(topic_snapshots).join(runs, runs.c.id == topic_snapshots.c.run_id)
            .where(topic_snapshots.c.topic_id == topic_id, runs.c.status == OK)
            .order_by(topic_snapshots.c.as_of, topic_snapshots.c.run_id))]
        if not history:  # born in a run not (yet) published: not visible
            return None
        lineage = [dict(r._mapping) for r in conn.execute(
            select(topic_lineage).where((topic_lineage.c.topic_id == topic_id)
                                        | (topic_lineage.c.related_topic_id == topic_id))
            .order_by(topic_lineage.c.id))]
        last_run = history[-1]["run_id"] if history else None
        members = []
        if last_run is not None:
            members = [dict(r._mapping) for r in conn.execute(
                select(items.c.id, items.c.external_id, items.c.platform, items.c.outlet,
                       items.c.title, items.c.url, items.c.published_at, items.c.story_id,
                       items.c.lang, assignments.c.probability)
                .join(assignments, and_(assignments.c.item_id == items.c.id,
                                        assignments.c.run_id == last_run,
                                        assignments.c.topic_id == topic_id))
                .order_by(items.c.published_at.desc()))]
    out = dict(topic._mapping)
    out.pop("centroid", None)
    out.pop("anchor_centroid", None)
    return {"topic": out, "history": history, "lineage": lineage, "items": members,
            "items_run_id": last_run}


def count_runs(store: Store) -> int:
    with store.connect() as conn:
        return conn.execute(select(func.count()).select_from(runs)).scalar_one()


def topic_histories(store: Store) -> list[dict[str, Any]]:
    """Every topic with its snapshot history over the ok runs (oldest first)."""
    with store.connect() as conn:
        topic_rows = {r.id: r for r in conn.execute(select(topics))}
        history: dict[int, list[dict[str, Any]]] = {}
        query = (select(topic_snapshots).join(runs, runs.c.id == topic_snapshots.c.run_id)
                 .where(runs.c.status == OK).order_by(topic_snapshots.c.as_of))
        for row in conn.execute(query):
            history.setdefault(row.topic_id, []).append(
                {"as_of": row.as_of, "status": row.status, "signal": row.signal,
                 "emergence": row.emergence, "size": row.size,
                 "distinct_sources": row.distinct_sources})
    out = []
    for tid, hist in sorted(history.items()):
        t = topic_rows[tid]
        flagged = [h["as_of"] for h in hist if h["status"] == "emerging"]
        out.append({"id": tid, "label": t.label, "keywords": t.keywords, "first_seen": t.first_seen_at,
                    "first_emerging": flagged[0] if flagged else None, "history": hist})
    return out


def window_languages(store: Store, start: datetime, end: datetime) -> dict[str | None, int]:
    """Items per detected language in (start, end]: what the automatic model choice weighs."""
    query = (select(items.c.lang, func.count()).where(items.c.published_at > start,
                                                      items.c.published_at <= end, _public())
             .group_by(items.c.lang))
    with store.connect() as conn:
        return {lang: n for lang, n in conn.execute(query)}
