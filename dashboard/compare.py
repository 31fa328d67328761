"""Compare two periods for the Shifts page: which topics grew, appeared or faded.

Pure pandas over (topic_id, published_at) rows: `now` is passed in, nothing is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd

PERIODS = {"week": timedelta(days=7), "month": timedelta(days=30)}
SHIFTS = ("appeared", "grew", "steady", "shrank", "faded")


@dataclass(frozen=True)
class Periods:
    previous_start: datetime
    current_start: datetime
    end: datetime

    def describe(self) -> str:
        fmt = "%d %b"
        return (f"{self.current_start:{fmt}}–{self.end:{fmt}} vs "
                f"{self.previous_start:{fmt}}–{self.current_start:{fmt}}")


def period_bounds(now: datetime, period: str) -> Periods:
    """Rolling periods ending at ``now``: the last 7 (30) days against the 7 (30) before."""
    try:
        length = PERIODS[period]
    except KeyError as exc:
        raise ValueError(f"unknown period {period!r}; expected one of {sorted(PERIODS)}") from exc
    return Periods(now - 2 * length, now - length, now)


def compare_periods(volumes: pd.DataFrame, topics: pd.DataFrame, periods: Periods,
                    *, min_items: int = 3, grow_ratio: float = 1.5) -> pd.DataFrame:
    """One row per topic active in either period, with its shift.

    ``volumes``: columns topic_id, published_at (one row per item).
    ``topics``: columns id, label, status, first_seen_at.
    appeared = nothing before, at least ``min_items`` now; grew = ``grow_ratio``× and
    ``min_items`` more; faded = had ``min_items`` and kept under a third; shrank = halved.
    Small counts stay "steady" so three posts against one are not called a surge.
    """
    columns = ["topic_id", "label", "status", "previous", "current", "change", "change_pct",
               "shift", "first_seen_at"]
    if volumes.empty:
        return pd.DataFrame(columns=columns)
    at = pd.to_datetime(volumes["published_at"], utc=True)
    previous = volumes[(at >= periods.previous_start) & (at < periods.current_start)]
    current = volumes[(at >= periods.current_start) & (at <= periods.end)]
    counts = pd.DataFrame({
        "previous": previous.groupby("topic_id").size(),
        "current": current.groupby("topic_id").size(),
    }).fillna(0).astype(int)
    counts = counts[(counts["previous"] + counts["current"]) > 0]
    counts["change"] = counts["current"] - counts["previous"]
    counts["change_pct"] = [
        (c - p) / p if p else float("nan") for p, c in zip(counts["previous"], counts["current"])
    ]
    counts["shift"] = [_shift(p, c, min_items, grow_ratio)
                       for p, c in zip(counts["previous"], counts["current"])]
    meta = topics.set_index("id")[["label", "status", "first_seen_at"]]
    out = counts.join(meta, how="left").reset_index(names="topic_id")
    out["label"] = out["label"].fillna("(unknown topic)")
    order = {name: i for i, name in enumerate(SHIFTS)}
    out = out.sort_values(by=["shift", "change"], key=lambda s: s.map(order) if s.name == "shift"
                          else -s.abs())
    return out[columns].reset_index(drop=True)


def _shift(previous: int, current: int, min_items: int, grow_ratio: float) -> str:
    if previous == 0:
        return "appeared" if current >= min_items else "steady"
    if current >= previous * grow_ratio and current - previous >= min_items:
        return "grew"
    if previous >= min_items and current * 3 <= previous:
        return "faded"
    if previous >= min_items and current * 2 <= previous:
        return "shrank"
    return "steady"
