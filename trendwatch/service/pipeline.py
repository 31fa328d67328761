"""The imperative shell: one function per service step, each given the store, the
settings and ``now``. The scheduler and the CLI call these; this is the only module
that knows every stage.

Every step is a coroutine run on the caller's event loop (the service's, or the one
``asyncio.run`` starts for a CLI command). CPU-bound work (embedding, clustering,
ranking) runs in worker threads; the ideas generator (templates, or an LLM over HTTP)
is awaited on that same loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from trendwatch.collect.ingest import ItemWriter
from trendwatch.collect.run import SourceOutcome, collect_sources, source_specs
from trendwatch.config.schema import Settings
from trendwatch.store import Store
from trendwatch.store.retention import PurgeReport, purge
from trendwatch.store.sources import sync_sources

if TYPE_CHECKING:  # the analysis engine pulls in numpy (and torch, via the embedder): lazy
    from trendwatch.analysis.embed.base import Embedder
    from trendwatch.analysis.run import Progress, RunSummary
    from trendwatch.ideas.base import IdeaGenerator
    from trendwatch.rank.relevance import Opportunity
    from trendwatch.service.inbox import TriageOutcome

log = logging.getLogger("trendwatch.pipeline")

# on a cluster, one worker triages the inbox at a time: two would classify, draft and count
# the same new messages twice
TRIAGE_LEASE = "inbox-triage"


async def run_collect(store: Store, settings: Settings, now: datetime, *, due_only: bool = True,
                      privacy_key: bytes | None = None, names: list[str] | None = None,
                      on_start: Callable[[int], None] | None = None,
                      on_done: Callable[[SourceOutcome], None] | None = None,
                      on_triage: Callable[[TriageOutcome], None] | None = None,
                      classifier: Any = None) -> list[SourceOutcome]:
    """Poll the sources that are due (all enabled ones with ``due_only=False``, or just
    ``names``), then triage the inbound messages they brought (the customer-care inbox:
    category, urgency, conversation, due time, reply draft, incidents) in the same step."""
    from trendwatch.service.inbox import InboundSelection, triage_new

    selection = InboundSelection(settings) if settings.inbox.enabled else None
    outcomes = await collect_sources(store, settings, now=now, due_only=due_only, names=names,
                                     privacy_key=privacy_key, on_start=on_start, on_done=on_done,
                                     inbound=selection)
    if selection is not None:
        # also picks up messages a crashed step stored but never triaged
        triaged = await asyncio.to_thread(triage_new, store, settings, now, classifier=classifier)
        if on_triage is not None:
            on_triage(triaged)
    return outcomes


async def run_claimed_collect(store: Store, settings: Settings, now: datetime, *,
                              worker_id: str, ttl: timedelta, batch: int,
                              stopping: Callable[[], bool] = lambda: False,
                              clock: Callable[[], datetime] | None = None,
                              privacy_key: bytes | None = None,
                              on_triage: Callable[[TriageOutcome], None] | None = None,
                              classifier: Any = None) -> list[SourceOutcome]:
    """A worker's collection on a shared store: claim a batch of the due sources no other
    worker holds, collect it (each source's result releases its claim in the transaction
    that stores it), and again until none is left or the worker is stopping. Claims a stop
    left unfetched are given back at once. Each batch runs at ``clock()`` (``now`` without
    one): its sources' next checks count from when they were fetched, not from the tick.
    The inbound messages stored are then triaged by one worker at a time (the others' turn
    comes at their next pass: triage picks up whatever is untriaged)."""
    from trendwatch.service.inbox import InboundSelection, triage_new
    from trendwatch.store import leases as lease_rows
    from trendwatch.store import workers as worker_rows

    selection = InboundSelection(settings) if settings.inbox.enabled else None

    names = [s.name for s in settings.sources if s.enabled]
    # a new source is claimable once it has its row (the first collect of any worker)
    ids = await asyncio.to_thread(sync_sources, store, source_specs(settings.sources), now)
    writer = None  # made at the first claimed batch, then shared by the pass's batches
    outcomes: list[SourceOutcome] = []
    try:
        while not stopping():
            at = max(now, clock()) if clock else now
            claimed = await asyncio.to_thread(worker_rows.claim_due_sources, store, worker_id,
                                              names, at, ttl, batch)
            if not claimed:
                break
            if writer is None:
                writer = await asyncio.to_thread(ItemWriter, store, at)
            outcomes += await collect_sources(store, settings, names=claimed, now=at,
                                              privacy_key=privacy_key, writer=writer,
                                              source_ids=ids, inbound=selection)
    finally:
        await asyncio.to_thread(worker_rows.release_sources, store, worker_id)
        await asyncio.to_thread(worker_rows.set_holding, store, worker_id, None)
    if selection is not None and not stopping():
        at = max(now, clock()) if clock else now
        lease = await asyncio.to_thread(lease_rows.acquire, store, TRIAGE_LEASE, worker_id,
                                        *lease_rows.new_holder()[1:], at, ttl)
        if lease.ours:
            try:
                triaged = await asyncio.to_thread(triage_new, store, settings, at,
                                                  classifier=classifier)
            finally:
                await asyncio.to_thread(lease_rows.release, store, lease)
            if on_triage is not None:
                on_triage(triaged)
    return outcomes


@dataclass
class AnalysisOutcome:
    """What one analysis step left in the store: the run, each profile's ranked
    opportunities and how many post ideas each profile has for this run."""

    summary: RunSummary
    opportunities: dict[str, list[Opportunity]] = field(default_factory=dict)
    ideas: dict[str, int] = field(default_factory=dict)

    @property
    def run_id(self) -> int:
        return self.summary.run_id

    def as_dict(self) -> dict[str, Any]:
        """The run summary's fields plus per-profile counts of opportunities and ideas."""
        return {**self.summary.as_dict(),
                "opportunities": {name: len(found) for name, found in self.opportunities.items()},
                "ideas": dict(self.ideas)}


def mark_dead_runs(store: Store, settings: Settings, wall_now: datetime) -> list[int]:
    """Mark runs a dead process left running/analysed as interrupted (call at service start;
    ``run_analysis`` calls it too). Only runs started more than ``[analysis] run_timeout``
    before ``wall_now`` (wall-clock time, not an as-of) count: a younger one may be another
    live process's."""
    from trendwatch.store import runs as run_rows

    stale = run_rows.mark_interrupted(store, wall_now, settings.analysis.run_timeout)
    if stale:
        log.warning("marked %d analysis run(s) interrupted (started over %s ago and never "
                    "finished): %s", len(stale), settings.analysis.run_timeout,
                    ", ".join(map(str, stale)))
    return stale


async def run_analysis(store: Store, settings: Settings, now: datetime, *, ideas: bool = True,
                       full: bool | None = None, embedder: Embedder | None = None,
                       generator: IdeaGenerator | None = None, progress: Progress | None = None,
                       say: Callable[[str], None] | None = None) -> AnalysisOutcome:
    """One analysis step: analyse (embed, cluster, track, score), rank the run for every
    profile with products using the same embedder (ranking compares vectors of one
    model), then write post ideas for each profile's top opportunities (unless
    ``ideas=False``).

    The run is published (becomes the latest run every reader sees) only once analysis,
    ranking and ideas have all committed; with ``ideas=False`` it is published after
    ranking. If ranking or ideas fail, the run is marked failed and the previous run stays
    the visible one. Running it again at the same ``now`` over the same items reuses the
    (already published) run, replaces its opportunities and keeps its stored ideas.
    Errors propagate to the caller."""
    from trendwatch.analysis.run import analyze, embedder_for_window
    from trendwatch.store import runs as run_rows

    notes: list[str] = []

    def note(message: str) -> None:
        notes.append(message)
        if say:
            say(message)

    stale = mark_dead_runs(store, settings, datetime.now(UTC))
    if stale:
        note(f"marked run(s) {', '.join(map(str, stale))} interrupted: the process stopped "
             f"before they finished")
    if embedder is None:
        embedder = await asyncio.to_thread(embedder_for_window, store, settings, now, log=note)
    summary = await asyncio.to_thread(analyze, store, settings, now, embedder, full=full,
                                      progress=progress, log=say, publish=False)
    summary.notes = notes + summary.notes
    outcome = AnalysisOutcome(summary)
    fresh = summary.mode != "reused"   # a reused run was published by the step that made it
    try:
        await _rank_and_write_ideas(store, settings, now, outcome, embedder, generator,
                                    ideas=ideas)
    except BaseException as exc:
        if fresh:
            await asyncio.to_thread(run_rows.fail_run, store, summary.run_id,
                                    f"{type(exc).__name__}: {exc}")
        raise
    if fresh:
        await asyncio.to_thread(run_rows.publish_run, store, summary.run_id)
    return outcome


async def _rank_and_write_ideas(store: Store, settings: Settings, now: datetime,
                                outcome: AnalysisOutcome, embedder: Embedder,
                                generator: IdeaGenerator | None, *, ideas: bool) -> None:
    summary = outcome.summary
    profiles = [p for p in settings.all_profiles() if p.products]
    if not summary.topics or not profiles:
        return
    from trendwatch.rank.run import rank_run

    ranked = await asyncio.to_thread(rank_run, store, settings, summary.run_id, embedder)
    outcome.opportunities = {p.name: ranked.get(p.name, []) for p in profiles}
    if not ideas:
        return
    from trendwatch.ideas import make_generator
    from trendwatch.ideas.briefing import abuild_ideas

    generator = generator or make_generator(settings, None)
    for profile in profiles:
        built = await abuild_ideas(store, settings, summary.run_id, generator, now=now,
                                   profile=profile.name)
        outcome.ideas[profile.name] = sum(len(entry["ideas"]) for entry in built)


async def run_briefing(store: Store, settings: Settings, now: datetime, *,
                       profile: str | None = None) -> list[Any]:
    """Build the briefing for one profile (every profile when ``None``) and deliver it to
    the configured targets. Returns the delivery results; failures are recorded, not raised."""
    from trendwatch.briefing import build_briefing, deliver_briefing

    names = [profile] if profile else [p.name for p in settings.all_profiles()]
    results: list[Any] = []
    for name in names:
        briefing = build_briefing(store, settings, now, profile=name)
        results.extend(await deliver_briefing(store, settings, briefing, now))
    return results


async def run_alerts(store: Store, settings: Settings, now: datetime) -> list[Any]:
    """After an analysis run: alert on high-priority topics that just turned emerging."""
    if not settings.alerts.to:
        return []
    from trendwatch.briefing.alerts import send_alerts

    results: list[Any] = []
    for profile in settings.all_profiles():
        results.extend(await send_alerts(store, settings, now, profile=profile.name))
    return results


def run_purge(store: Store, settings: Settings, now: datetime, *,
              dry_run: bool = False) -> PurgeReport:
    """Delete raw items older than ``[privacy] retention`` and inbound messages older than
    ``[inbox] retention`` (their own clock: the team may need them longer, or shorter)."""
    from trendwatch.store.inbox import purge_inbox

    report = purge(store, now, settings.privacy.retention, dry_run=dry_run)
    report.inbox = purge_inbox(store, now, settings.inbox.retention, dry_run=dry_run)
    return report
