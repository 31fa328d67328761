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

from trendwatch.analysis.embed.base import Embedder
from trendwatch.analysis.embed.sentence import load_embedder
from trendwatch.analysis.run import analyze
from trendwatch.config.schema import Settings
from trendwatch.errors import AnalysisError
from trendwatch.models import RunSummary
from trendwatch.present.escape import csv_cell
from trendwatch.store import Store, open_store
from trendwatch.store.items import copy_period
from trendwatch.store.runs import topic_histories


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
                writer.writerow([csv_cell(v) for v in (   # labels are feed text: no formulas
                    t["id"], t["label"], _iso(t["first_seen"]), _iso(t["first_emerging"]),
                    _iso(h["as_of"]), h["status"], h["signal"], h["emergence"],
                    h["size"], h["distinct_sources"])])
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
