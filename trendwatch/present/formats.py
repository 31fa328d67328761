"""Formatters shared by the CLI, the briefing and the dashboard."""

from __future__ import annotations

from datetime import UTC, datetime


def ago(when: datetime | None, now: datetime | None = None) -> str:
    """'5m ago' / 'in 2h' / 'never', for tables people skim."""
    if when is None:
        return "never"
    now = now or datetime.now(UTC)
    seconds = (now - when).total_seconds()
    future, seconds = seconds < 0, abs(seconds)
    for size, unit in ((86400, "d"), (3600, "h"), (60, "m")):
        if seconds >= size:
            text = f"{int(seconds // size)}{unit}"
            break
    else:
        text = f"{int(seconds)}s"
    return f"in {text}" if future else f"{text} ago"
