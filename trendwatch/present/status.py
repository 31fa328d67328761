"""Source status: the one rule from a source's stored state to the word every view shows.

The store returns the state (a ``sources`` row as a dict, or a pandas row); the CLI's
`trendwatch sources`, the briefing's health section and the dashboard's Sources page
all call ``source_status`` so they agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

OK, WARNING, ERROR, DISABLED, NEVER = "ok", "warning", "error", "disabled", "never"
BUG = "internal error"  # our code failed on this source (collect/run.py records it so)
SOURCE_STATUSES = (OK, WARNING, ERROR, BUG, DISABLED, NEVER)
FAILING = (ERROR, BUG, DISABLED)


def _missing(value: Any) -> bool:
    # pandas turns NULL timestamps into NaT and NULL text into None/NaN: all "missing"
    return value is None or value != value  # noqa: PLR0124 (NaN/NaT are not equal to themselves)


def source_status(row: Mapping[str, Any]) -> str:
    """disabled > never polled > failing now (error) > last pass partly failed (warning) > ok."""
    if not _missing(row["disabled"]) and row["disabled"]:
        return DISABLED
    if _missing(row["last_attempt_at"]):
        return NEVER
    if not _missing(row["error_count"]) and row["error_count"]:
        last_error = row["last_error"]
        if not _missing(last_error) and str(last_error).startswith(BUG + ":"):
            return BUG
        return ERROR
    if not _missing(row["last_error"]) and row["last_error"]:  # the last run worked, a part failed
        return WARNING
    return OK


def is_failing(row: Mapping[str, Any]) -> bool:
    return source_status(row) in FAILING


def failing_reason(row: Mapping[str, Any]) -> str:
    return row.get("disabled_reason") or row.get("last_error") or "failing"
