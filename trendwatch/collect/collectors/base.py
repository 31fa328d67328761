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
    "BaseCollector", "CollectContext", "CollectResult", "Collector", "RawItem",
    "SourceState", "TrendPoint",
]

T = TypeVar("T")


@dataclass
class CollectContext:
    """What a collector may use: the shared HTTP client and a pool for CPU-bound parsing."""

    http: HttpClient
    now: datetime
    run_cpu: Callable[..., Any] = field(default=None)  # type: ignore[assignment]

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
