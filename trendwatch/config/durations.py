"""Human durations and sizes used in feeds.toml: "30m", "1h30m", "7d", "10MB"."""

from __future__ import annotations

import re
from datetime import timedelta

_DURATION_PART = re.compile(r"(\d+)\s*(w|d|h|m|s)")
_DURATION_FULL = re.compile(r"^\s*(\d+\s*(w|d|h|m|s)\s*)+$")
_UNIT_SECONDS = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|KiB|MiB|GiB)?\s*$", re.IGNORECASE)
_SIZE_FACTOR = {
    "b": 1, "kb": 1000, "mb": 1000**2, "gb": 1000**3,
    "kib": 1024, "mib": 1024**2, "gib": 1024**3,
}

DURATION_HINT = 'a duration like "30s", "15m", "2h", "1h30m", "7d" or "2w"'
SIZE_HINT = 'a size like "512KB", "10MB" or "1GiB"'


def parse_duration(text: str) -> timedelta:
    """Parse "1h30m"-style durations. Raises ValueError with the expected form."""
    if not isinstance(text, str) or not _DURATION_FULL.match(text):
        raise ValueError(f"{text!r} is not {DURATION_HINT}")
    seconds = sum(int(n) * _UNIT_SECONDS[u] for n, u in _DURATION_PART.findall(text))
    if seconds <= 0:
        raise ValueError(f"{text!r} must be longer than zero")
    return timedelta(seconds=seconds)


def format_duration(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    parts = []
    for unit in ("d", "h", "m", "s"):
        size = _UNIT_SECONDS[unit]
        if seconds >= size:
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return "".join(parts) or "0s"


def parse_size(text: str | int) -> int:
    """Parse "10MB"-style sizes into bytes. Raises ValueError with the expected form."""
    if isinstance(text, int):
        return text
    match = _SIZE.match(text) if isinstance(text, str) else None
    if not match:
        raise ValueError(f"{text!r} is not {SIZE_HINT}")
    number, unit = match.groups()
    return int(float(number) * _SIZE_FACTOR[(unit or "b").lower()])


