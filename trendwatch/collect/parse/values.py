"""Wire values checked at the parser boundary: strings, ids, counts and times.

Feeds and platform APIs are untrusted: a field may be missing, of another JSON type,
hold lone surrogates, astronomically large numbers or dates in year 1 or 9999. Every
parser reads its fields through these helpers, so a bad field becomes "unknown"
(None / "") instead of an exception or a nonsense value further down the pipeline.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any

# Items older than this are not news (and older dates in feeds are typos or epoch 0);
# more than FUTURE_SLACK ahead of the clock is a wrong time zone or a wrong year.
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=2)
# counts beyond this are not real (the largest platform counts are ~1e10)
MAX_COUNT = 10**15

_SURROGATES = re.compile(r"[\ud800-\udfff]")


def clean_str(value: Any) -> str | None:
    """``value`` if it is a string (lone surrogates replaced by U+FFFD), else None."""
    if not isinstance(value, str):
        return None
    if _SURROGATES.search(value):
        value = _SURROGATES.sub("\ufffd", value)
    return value


def as_text(value: Any) -> str:
    """A text field: strings as they are, finite numbers written out, anything else ""."""
    if isinstance(value, str):
        return clean_str(value) or ""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int):
        return str(value) if abs(value) < MAX_COUNT else ""
    if isinstance(value, float) and math.isfinite(value):
        return str(value)
    return ""


def as_id(value: Any) -> str | None:
    """An identifier or URL: a non-blank string or an integer, as a stripped string; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value) if abs(value) < 10**30 else None
    text = clean_str(value)
    if text is None:
        return None
    return text.strip() or None


def as_url(value: Any) -> str | None:
    """A URL (or URI) field: a non-blank string, stripped; numbers and containers are None."""
    text = clean_str(value)
    if text is None:
        return None
    return text.strip() or None


def as_int(value: Any) -> int | None:
    """Counts arrive as ints, floats or strings ("12", "1,024"); anything else is unknown.

    Values beyond ±MAX_COUNT and non-finite ones are unknown too.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not math.isfinite(value):
            return None
        number = int(value)
    elif isinstance(value, str):
        text = value.replace(",", "").strip()
        if not text or len(text) > 40:
            return None
        try:
            number = int(text)
        except ValueError:
            try:
                as_float = float(text)
            except ValueError:
                return None
            if not math.isfinite(as_float):
                return None
            number = int(as_float)
    else:
        return None
    return number if -MAX_COUNT <= number <= MAX_COUNT else None


def sane_time(value: datetime | None, now: datetime | None = None) -> datetime | None:
    """An aware UTC datetime between EARLIEST and now + FUTURE_SLACK, else None (unknown).

    Naive datetimes are taken as UTC.
    """
    if not isinstance(value, datetime):
        return None
    try:
        if value.tzinfo is None or value.utcoffset() is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    limit = (now or datetime.now(UTC)) + FUTURE_SLACK
    if value < EARLIEST or value > limit:
        return None
    return value


def epoch_to_utc(seconds: Any) -> datetime | None:
    """Epoch seconds (int or float) → aware UTC in the sane range, else None."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        return None
    try:
        if not math.isfinite(seconds):
            return None
        return sane_time(datetime.fromtimestamp(seconds, tz=UTC))
    except (OverflowError, OSError, ValueError):
        return None
