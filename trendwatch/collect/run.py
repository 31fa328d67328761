"""The collection stage: run every due source concurrently, store what they found.

One shared HTTP session; parsing and row preparation in threads (a process pool on
request: it no longer pays with the fast parser); one writer. A failing source is recorded on its row with a
backoff and never stops the others; anything that is not a CollectError is a bug
and propagates.
"""

from __future__ import annotations

import asyncio
import atexit
import functools
import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from trendwatch.collect.collectors import build_collector
from trendwatch.collect.collectors.base import CollectContext
from trendwatch.collect.http import HttpClient
from trendwatch.collect.ingest import (
    InboundPicker,
    ItemWriter,
    candidate_ids,
    inbound_rows,
    prepare_new_rows,
)
from trendwatch.collect.schedule import next_check_at
from trendwatch.config.schema import Settings, SourceOptions
from trendwatch.errors import CollectError, SourceGone
from trendwatch.models import SourceSpec
from trendwatch.present.redact import redact_text
from trendwatch.store import Store
from trendwatch.store import inbox as inbox_rows
from trendwatch.store import sources as source_rows
from trendwatch.store.quotas import StoreBudget

POOL_MIN_SOURCES = 8  # with process_pool=True: fewer sources never pay for the workers


@dataclass
class SourceOutcome:
    name: str
    kind: str
    status: str                # ok | not_modified | error | disabled
    new_items: int = 0
    found_items: int = 0
    bytes_received: int = 0
    seconds: float = 0.0
    message: str | None = None
    inbound: int = 0           # new inbound messages for the customer-care inbox


# which of a source's items are inbound messages: (source, its platform) → a picker, or None
InboundSelector = Callable[[SourceOptions, str], InboundPicker | None]


log = logging.getLogger("trendwatch.collect")

INTERNAL_ERROR = "internal error"  # prefix of last_error when our code, not the source, failed




def select_sources(settings: Settings, names: Sequence[str] | None) -> list[SourceOptions]:
    if names:
        return [settings.source(name) for name in names]
    return [s for s in settings.sources if s.enabled]


def source_specs(configured: Sequence[SourceOptions]) -> list[SourceSpec]:
    """How each configured source is mirrored into the store: its collector's platform and target."""
    specs = []
    for options in configured:
        collector = build_collector(options)
        specs.append(SourceSpec(name=options.name, kind=options.kind, platform=collector.platform,
                                params=options.model_dump(mode="json"), url=collector.target()))
    return specs


async def collect_sources(
    store: Store,
    settings: Settings,
    *,
    names: Sequence[str] | None = None,
    now: datetime | None = None,
    due_only: bool = False,
    privacy_key: bytes | None = None,
    on_start: Callable[[int], None] | None = None,
    on_done: Callable[[SourceOutcome], None] | None = None,
    process_pool: bool = False,
    inbound: InboundSelector | None = None,
    writer: ItemWriter | None = None,
    source_ids: dict[str, int] | None = None,
) -> list[SourceOutcome]:
    """Collect from the configured sources (or just ``names``).

    Parsing and row preparation run in threads by default: with the fast parser and batched
    language detection the process pool no longer pays (kagi-200 first runs, 3 each way,
    interleaved, load ≈ 10: 86/62/43 s with it, 54/37/40 s without: pickling every feed's
    items across processes now costs more than the second core gives back).
    ``process_pool=True`` still uses it, from ``POOL_MIN_SOURCES`` sources up.

    ``inbound`` says which items are inbound messages: they are stored, untriaged, with
    the real handle and link, in the transaction that stores their items.

    ``due_only`` polls only sources whose ``next_check_at`` has passed (the service);
    otherwise healthy sources are polled now and failing ones wait out their backoff
    unless named explicitly.

    A worker collecting claimed batches passes the ``writer`` (its story index, loaded once)
    and the ``source_ids`` it synced at the start of its pass, for every batch.
    """
    now = now or datetime.now(UTC)
    chosen = select_sources(settings, names)
    ids = source_ids if source_ids is not None else source_rows.sync_sources(
        store, source_specs(settings.sources), now)
    due = source_rows.due_source_names(store, now, [s.name for s in chosen])
    if not due_only and not names:
        health = {h["name"]: h for h in source_rows.source_health(store, now, [s.name for s in chosen])}
        due |= {n for n, h in health.items() if not h["disabled"] and not h["error_count"]}
    if names:
        due = {s.name for s in chosen}
    chosen = [s for s in chosen if s.name in due]
    if on_start:
        on_start(len(chosen))
    if not chosen:
        return []

    writer = writer or await asyncio.to_thread(ItemWriter, store, now)
    pool = _parse_pool() if process_pool and len(chosen) >= POOL_MIN_SOURCES else None
    loop = asyncio.get_running_loop()

    async def run_cpu(fn: Callable[..., Any], *args: Any) -> Any:
        return await loop.run_in_executor(pool, functools.partial(fn, *args))

    async with HttpClient(settings.http) as http:
        ctx = CollectContext(http=http, now=now, run_cpu=run_cpu if pool else None,
                             budget=StoreBudget(store))

        async def one(options: SourceOptions) -> SourceOutcome:
            outcome = await _collect_one(store, settings, writer, ctx, options,
                                         ids[options.name], privacy_key, inbound)
            if on_done:
                on_done(outcome)
            return outcome

        tasks = [asyncio.create_task(one(s)) for s in chosen]
        try:
            return list(await asyncio.gather(*tasks))
        except BaseException:
            # a bug (or Ctrl-C) in one source: stop the others before the session
            # closes under them, so none records a bogus failure; commits stay
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise


_POOL: ProcessPoolExecutor | None = None


def _parse_pool() -> ProcessPoolExecutor:
    """One pool per process, reused by every collection run (the service runs many)."""
    global _POOL
    if _POOL is None:
        # forkserver: the event loop already runs threads, and forking a threaded process is
        # unsafe; the server preloads the parsers so each worker starts warm
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["trendwatch.collect.parse_pool"])
        _POOL = ProcessPoolExecutor(max_workers=max(os.cpu_count() or 1, 1), mp_context=context)
        atexit.register(_POOL.shutdown, wait=False, cancel_futures=True)
    return _POOL


def _load_state(store: Store, source_id: int):
    with store.connect() as conn:
        return source_rows.get_state_and_errors(conn, source_id)


async def _collect_one(store: Store, settings: Settings, writer: ItemWriter, ctx: CollectContext,
                       options: SourceOptions, source_id: int,
                       privacy_key: bytes | None,
                       inbound: InboundSelector | None = None) -> SourceOutcome:
    collector = build_collector(options)
    started = time.perf_counter()
    now = ctx.now
    state, error_count = await asyncio.to_thread(_load_state, store, source_id)
    try:
        result = await collector.collect(ctx, state)
        # an inbox source's records (helpdesk comments) are told apart by their own ids
        own_ids = bool(getattr(options, "inbox", False))
        # items stored by an earlier run are not prepared again (their rows would be skipped)
        known = await asyncio.to_thread(
            lambda: writer.known_ids(candidate_ids(result.items, platform=collector.platform,
                                                   source_name=options.name,
                                                   privacy_key=privacy_key, own_ids=own_ids))
        ) if result.items else set()
        rows, known_count = await ctx.cpu(
            functools.partial(prepare_new_rows, platform=collector.platform,
                              source_name=options.name, fetched_at=now, privacy_key=privacy_key,
                              known_ids=frozenset(known), own_ids=own_ids),
            result.items,
        )
        picker = inbound(options, collector.platform) if inbound is not None else None
        # matched on the raw items: the real author, before pseudonymising (privacy mode)
        found_inbound = await asyncio.to_thread(
            inbound_rows, result.items, rows, platform=collector.platform,
            source_name=options.name, pick=picker, privacy_key=privacy_key, own_ids=own_ids,
        ) if picker is not None and rows else []
        inbound_new = 0

        def record(conn, new: int) -> None:
            nonlocal inbound_new
            inbound_new = inbox_rows.insert_inbound(conn, found_inbound, now)
            if result.trend_points:
                source_rows.write_trend_points(conn, source_id, collector.platform,
                                               result.trend_points)
            source_rows.record_success(
                conn, source_id, state=result.state, now=now, status=result.status,
                new_items=new, bytes_received=result.bytes_received,
                warning=redact_text("; ".join(result.warnings)) or None,
                next_check_at=next_check_at(now, options.every, retry_after=result.retry_after),
                parser=result.parser,
            )

        # items and the fetch state that produced them commit in one transaction
        new = await asyncio.to_thread(writer.write, source_id, rows, record)
    except CollectError as exc:
        status = getattr(exc, "status", None)
        retry_after = getattr(exc, "retry_after", None)
        disable = isinstance(exc, SourceGone)
        error = redact_text(str(exc))  # shown on the Sources page, briefing and webhook

        def record_failure() -> None:
            with store.begin() as conn:
                source_rows.record_failure(
                    conn, source_id, now=now, error=error, status=status, disable=disable,
                    next_check_at=next_check_at(now, options.every, error_count=error_count + 1,
                                                retry_after=retry_after,
                                                max_backoff=settings.http.max_backoff),
                )

        await asyncio.to_thread(record_failure)
        return SourceOutcome(options.name, options.kind, "disabled" if disable else "error",
                             seconds=time.perf_counter() - started, message=error)
    except Exception as exc:  # noqa: BLE001 - a bug inside one source is that source's failure
        # the others finish; the bug still shows: ERROR log with its traceback, and the
        # source row says "internal error" (the Sources page and `trendwatch sources` mark it)
        log.error("source %s: internal error", options.name, exc_info=True)
        error = f"{INTERNAL_ERROR}: {type(exc).__name__}: {redact_text(str(exc))[:200]}"

        def record_bug() -> None:
            with store.begin() as conn:
                source_rows.record_failure(
                    conn, source_id, now=now, error=error, status=None, disable=False,
                    next_check_at=next_check_at(now, options.every, error_count=error_count + 1,
                                                max_backoff=settings.http.max_backoff),
                )

        await asyncio.to_thread(record_bug)
        return SourceOutcome(options.name, options.kind, "error",
                             seconds=time.perf_counter() - started, message=error)

    warning = redact_text("; ".join(result.warnings)) or None
    return SourceOutcome(
        options.name, options.kind, "not_modified" if result.not_modified else "ok",
        new_items=new, found_items=len(rows) + known_count, bytes_received=result.bytes_received,
        seconds=time.perf_counter() - started, message=warning, inbound=inbound_new,
    )
