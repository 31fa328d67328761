"""When a source is polled again: pure backoff arithmetic, time passed in (no store, no I/O)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

MAX_RETRY_AFTER = timedelta(days=32)  # a monthly quota (X) resets within a month


def next_check_at(now: datetime, every: timedelta, *, error_count: int = 0,
                  retry_after: float | None = None, max_backoff: timedelta = timedelta(hours=24),
                  rng: random.Random | None = None) -> datetime:
    """When to poll again: `every` when healthy; exponential backoff with ±20 % jitter after
    failures (capped at `max_backoff`); never sooner than the server's Retry-After."""
    delay = every
    # the server's word is honoured within reason: a garbage, negative or astronomically
    # large Retry-After must never overflow a datetime or park a source for years
    if retry_after is not None:
        retry_after = (min(float(retry_after), MAX_RETRY_AFTER.total_seconds())
                       if retry_after >= 0 else None)  # NaN and negatives compare False: ignored
    if error_count > 0:
        factor = 2 ** min(error_count - 1, 16)
        delay = min(every * factor, max(max_backoff, every))
        delay = delay * (rng or random).uniform(0.8, 1.2)
    if retry_after is not None:
        delay = max(delay, timedelta(seconds=retry_after))
    return now + delay
