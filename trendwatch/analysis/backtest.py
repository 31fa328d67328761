"""Backtesting: replay stored items in time order, analysing as of each step.

The replay runs in a scratch SQLite copy (items, stories, sources and existing
vectors of the replayed period), so it never touches the live topics. For every
topic it reports when it was first flagged emerging and its status history —
how early the system would have seen each trend.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from trendwatch.analysis.run import RunSummary, analyze
from trendwatch.config.schema import Settings
from trendwatch.analysis.embed.base import Embedder
from trendwatch.analysis.embed.sentence import load_embedder
from trendwatch.errors import AnalysisError
from trendwatch.store import Store, open_store
from trendwatch.store.schema import (
    embeddings,
    items,
    runs,
    sources,
    stories,
    topic_snapshots,
    topics,
)


@dataclass
class Backtest:
    steps: list[RunSummary]
    topics: list[dict[str, Any]] = field(default_factory=list)
    store: Store | None = None

    def as_json(self) -> dict[str, Any]:
        return {"steps": [{"run_id": s.run_id, "as_of": s.as_of, "mode": s.mode, "items": s.items,
                           "topics": s.topics, "statuses": s.statuses} for s in self.steps],
                "topics": self.topics}

    def as_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["topic_id", "label", "first_seen", "first_emerging", "as_of", "status",
                         "signal", "emergence", "size", "distinct_sources"])
        for t in self.topics:
            for h in t["history"]:
                writer.writerow([t["id"], t["label"], _iso(t["first_seen"]), _iso(t["first_emerging"]),
                                 _iso(h["as_of"]), h["status"], h["signal"], h["emergence"],
                                 h["size"], h["distinct_sources"]])
        return out.getvalue()


def _iso(value: datetime | None) -> str:
    return value.isoformat().replace("+00:00", "Z") if value else ""


def steps_between(start: datetime, end: datetime, step: timedelta) -> list[datetime]:
    if step <= timedelta(0):
        raise AnalysisError("--step must be positive")
    if end < start:
        raise AnalysisError("--to is before --from")
    out, t = [], start
    while t <= end:
        out.append(t)
        t += step
    return out


def copy_period(source: Store, target: Store, start: datetime, end: datetime) -> int:
    """Copy sources, stories, items published in (start, end] and their vectors."""
    with source.connect() as src, target.begin() as dst:
        for row in src.execute(select(sources)):
            dst.execute(sources.insert().values(**row._mapping))
        for row in src.execute(select(stories).where(stories.c.last_seen_at > start,
                                                     stories.c.first_seen_at <= end)):
            dst.execute(stories.insert().values(**row._mapping))
        period = (items.c.published_at > start) & (items.c.published_at <= end)
        rows = [dict(r._mapping) for r in src.execute(select(items).where(period))]
        story_ids = {r["story_id"] for r in rows if r["story_id"] is not None}
        known = set(dst.execute(select(stories.c.id)).scalars())
        for sid in story_ids - known:
            story = src.execute(select(stories).where(stories.c.id == sid)).first()
            if story:
                dst.execute(stories.insert().values(**story._mapping))
        for start_at in range(0, len(rows), 1000):
            dst.execute(items.insert(), rows[start_at:start_at + 1000])
        vectors = src.execute(select(embeddings).join(items, items.c.id == embeddings.c.item_id)
                              .where(period))
        batch = []
        for row in vectors:
            batch.append(dict(row._mapping))
            if len(batch) >= 2000:
                dst.execute(embeddings.insert(), batch)
                batch = []
        if batch:
            dst.execute(embeddings.insert(), batch)
    return len(rows)


def backtest(store: Store, settings: Settings, start: datetime, end: datetime, step: timedelta, *,
             embedder: Embedder | None = None, in_place: bool = False, scratch: Path | None = None,
             on_step: Callable[[RunSummary], None] | None = None,
             log: Callable[[str], None] | None = None) -> Backtest:
    """Analyse as of every step from ``start`` to ``end``. ``in_place`` replays in ``store``
    itself (for throwaway stores, e.g. the evaluation); otherwise in a scratch copy."""
    when = steps_between(start, end, step)
    if embedder is None:
        embedder = load_embedder(settings, str(store.engine.url), log=log)
    target = store
    if not in_place:
        folder = scratch or Path(tempfile.mkdtemp(prefix="trendwatch-backtest-"))
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "backtest.db"
        if path.exists():
            path.unlink()
        target = open_store(f"sqlite:///{path}")
        copied = copy_period(store, target, start - settings.analysis.window, end)
        if log:
            log(f"replaying {copied} items in {path}")
    summaries = []
    for t in when:
        summary = analyze(target, settings, t, embedder, log=log)
        summaries.append(summary)
        if on_step:
            on_step(summary)
    return Backtest(steps=summaries, topics=topic_histories(target), store=target)


def topic_histories(store: Store) -> list[dict[str, Any]]:
    with store.connect() as conn:
        topic_rows = {r.id: r for r in conn.execute(select(topics))}
        history: dict[int, list[dict[str, Any]]] = {}
        query = (select(topic_snapshots).join(runs, runs.c.id == topic_snapshots.c.run_id)
                 .where(runs.c.status == "ok").order_by(topic_snapshots.c.as_of))
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
