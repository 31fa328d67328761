"""Shifts between two periods: appeared, grew, faded, shrank, steady."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from dashboard.compare import compare_periods, period_bounds

NOW = datetime(2026, 11, 20, 8, tzinfo=UTC)


def volumes(counts: dict[int, tuple[int, int]]) -> pd.DataFrame:
    rows = []
    for topic, (previous, current) in counts.items():
        rows += [{"topic_id": topic, "published_at": NOW - timedelta(days=10)}] * previous
        rows += [{"topic_id": topic, "published_at": NOW - timedelta(days=2)}] * current
    return pd.DataFrame(rows)


TOPICS = pd.DataFrame({"id": [1, 2, 3, 4, 5, 6], "label": list("abcdef"),
                       "status": ["emerging", "watch", "fading", "watch", "established", "watch"],
                       "first_seen_at": [NOW] * 6})


def test_each_shift_is_recognised():
    table = compare_periods(volumes({1: (0, 5), 2: (4, 9), 3: (9, 2), 4: (8, 4), 5: (5, 6),
                                     6: (0, 2)}), TOPICS, period_bounds(NOW, "week"))
    shifts = dict(zip(table["topic_id"], table["shift"]))
    assert shifts == {1: "appeared", 2: "grew", 3: "faded", 4: "shrank", 5: "steady", 6: "steady"}
    grew = table[table["topic_id"] == 2].iloc[0]
    assert (grew["previous"], grew["current"], grew["change"]) == (4, 9, 5)
    assert grew["change_pct"] == pytest.approx(1.25)
    order = list(table["shift"])
    assert order.index("appeared") < order.index("grew") < order.index("steady") < order.index("faded")


def test_items_outside_both_periods_are_ignored():
    frame = pd.DataFrame({"topic_id": [1, 1], "published_at": [NOW - timedelta(days=20),
                                                                NOW + timedelta(days=1)]})
    assert compare_periods(frame, TOPICS, period_bounds(NOW, "week")).empty


def test_month_bounds_and_unknown_period():
    bounds = period_bounds(NOW, "month")
    assert bounds.current_start == NOW - timedelta(days=30)
    assert bounds.previous_start == NOW - timedelta(days=60)
    with pytest.raises(ValueError, match="unknown period"):
        period_bounds(NOW, "year")


def test_empty_input_gives_empty_table_with_columns():
    table = compare_periods(pd.DataFrame(columns=["topic_id", "published_at"]), TOPICS,
                            period_bounds(NOW, "week"))
    assert table.empty and "shift" in table.columns
