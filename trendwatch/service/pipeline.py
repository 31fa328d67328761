"""The imperative shell: one function per service step, each given the store, the
settings and ``now``. The scheduler and the CLI call these; this is the only module
that knows every stage.
"""

from __future__ import annotations

import importlib
import logging
from datetime import datetime
from typing import Any

from trendwatch.collect.run import SourceOutcome, collect_sources
from trendwatch.config.schema import Settings
from trendwatch.errors import AnalysisError
from trendwatch.store.retention import PurgeReport, purge
from trendwatch.store import Store

log = logging.getLogger("trendwatch.pipeline")

ANALYSIS_MODULE = "trendwatch.analysis.run"
ANALYSIS_ENTRY = "run_analysis"   # run_analysis(store, settings, now=now) -> anything with a run id


async def run_collect(store: Store, settings: Settings, now: datetime, *, due_only: bool = True,
                      privacy_key: bytes | None = None) -> list[SourceOutcome]:
    """Poll the sources that are due (all enabled ones with ``due_only=False``)."""
    return await collect_sources(store, settings, now=now, due_only=due_only,
                                 privacy_key=privacy_key)


def analysis_entry() -> Any:
    """The analysis engine's entry point, imported lazily (it pulls in torch)."""
    try:
        module = importlib.import_module(ANALYSIS_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name != ANALYSIS_MODULE:
            raise
        raise AnalysisError(
            f"the analysis engine ({ANALYSIS_MODULE}) is not part of this build; "
            "collection and briefings still run"
        ) from exc
    entry = getattr(module, ANALYSIS_ENTRY, None)
    if entry is None:
        raise AnalysisError(f"{ANALYSIS_MODULE} has no {ANALYSIS_ENTRY}()")
    return entry


def run_analysis(store: Store, settings: Settings, now: datetime) -> Any:
    """One analysis run (embed, cluster, track, score, rank, ideas). Blocking and CPU-bound:
    the service calls it in a worker thread. Atomic: a crash keeps the previous run."""
    return analysis_entry()(store, settings, now=now)


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
    """Delete raw items older than ``[privacy] retention``."""
    return purge(store, now, settings.privacy.retention, dry_run=dry_run)
