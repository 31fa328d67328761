"""The collector contract.

A collector is built from its validated options (a ``SourceOptions`` subclass) and
fetches through the shared ``HttpClient``. It returns raw items and its new polling
state; it never writes to the store. Parsing is a separate pure function
(bytes or JSON in, ``RawItem``s out) so it can be golden-file tested.

Expected failures raise ``CollectError`` subclasses; the runner records them on the
source row and moves on. Any other exception is a bug and propagates.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Protocol, TypeVar

from trendwatch.collect.http import HttpClient
from trendwatch.config.schema import SourceOptions
from trendwatch.models import CollectResult, RawItem, SourceState, TrendPoint

__all__ = [
    "BaseCollector", "Budget", "CollectContext", "CollectResult", "Collector", "RawItem",
    "SourceState", "TrendPoint",
]

T = TypeVar("T")


class Budget(Protocol):
    """A read budget shared by every process on the store (``store.quotas.StoreBudget``).

    Blocking calls (they wait for a row lock): collectors call them off the event loop.
    """

    def reserve(self, key: str, cap: int, want: int, now: datetime, *, minimum: int = 1,
                carried: int = 0) -> int:
        """Take up to ``want`` of what is left under ``cap`` (0 if less than ``minimum``)."""
        ...

    def settle(self, key: str, reserved: int, used: int, now: datetime) -> None:
        """Give back a reservation and count what the platform actually counted."""
        ...

    def used(self, key: str) -> int:
        """Used plus reserved under ``key`` (for messages)."""
        ...


@dataclass
class CollectContext:
    """What a collector may use: the shared HTTP client, a pool for CPU-bound parsing and
    the store's read budgets (None outside a store: paid sources then refuse to run)."""

    http: HttpClient
    now: datetime
    run_cpu: Callable[..., Any] = field(default=None)  # type: ignore[assignment]
    budget: Budget | None = None

    async def cpu(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a pure function off the event loop (in the parse process pool when there is one)."""
        if self.run_cpu is not None:
            return await self.run_cpu(fn, *args)
        return await asyncio.to_thread(fn, *args)


class Collector(Protocol):
    """A source kind. ``kind`` is its key in feeds.toml; ``platform`` what items are tagged with."""

    kind: ClassVar[str]
    platform: ClassVar[str]
    Options: ClassVar[type[SourceOptions]]

    def __init__(self, options: Any) -> None: ...

    def target(self) -> str:
        """The URL (or path) this source reads, for display and the initial state."""
        ...

    async def collect(self, ctx: CollectContext, state: SourceState) -> CollectResult:
        """Fetch and parse new items. Raises CollectError subclasses for expected failures."""
        ...


class BaseCollector:
    kind: ClassVar[str]
    platform: ClassVar[str]
    Options: ClassVar[type[SourceOptions]]

    def __init__(self, options: Any):
        self.options = options

    def target(self) -> str:
        return getattr(self.options, "url", None) or getattr(self.options, "base_url", "") or ""
