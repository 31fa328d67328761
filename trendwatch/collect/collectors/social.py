"""What the platform collectors share: options, wire-value coercion, secrets, parts.

A platform source is usually several requests ("parts": trends, one search per
hashtag, …). ``Parts`` runs them so that one failing part (a closed timeline, a
refused search) becomes a warning on the source row while the working parts'
items are kept; only when every part fails does the source fail, with the first
part's error (so a 401 stays an ``AuthRequired``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import field_validator

from trendwatch.collect.collectors.rss import _http_url
from trendwatch.collect.parse.feeds import parse_date
from trendwatch.collect.parse.values import as_int as _as_int
from trendwatch.collect.parse.values import epoch_to_utc
from trendwatch.config.schema import SourceOptions
from trendwatch.errors import AuthRequired, CollectError, HTTPStatusError
from trendwatch.models import RawItem, TrendPoint


def to_list(value: Any) -> list[str]:
    """A TOML string or list of strings → list (`hashtags = "ebike"` is accepted)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    return [str(v) for v in value]


class PlatformOptions(SourceOptions):
    """Options shared by the platform kinds, named the same everywhere."""

    hashtags: list[str] = []
    query: list[str] = []
    max_pages: int = 3              # per part and run: bounds the cost of a first run or a burst

    _lists = field_validator("hashtags", "query", mode="before")(
        classmethod(lambda cls, v: to_list(v)))

    @field_validator("hashtags")
    @classmethod
    def _tags(cls, value: list[str]) -> list[str]:
        tags = [t.strip().lstrip("#＃") for t in value]
        bad = [t for t in tags if not t or any(c.isspace() for c in t)]
        if bad:
            raise ValueError(f"hashtags must be single words without spaces, got {bad}")
        return tags


def base_url_validator(*names: str):
    return field_validator(*names)(classmethod(lambda cls, v: _http_url(v).rstrip("/")))


# --- wire values ----------------------------------------------------------------------------


def as_int(value: Any) -> int | None:
    """Counts arrive as ints, floats or strings ("12"); anything else (or absurdly large) is unknown."""
    return _as_int(value)


def utc_time(value: Any) -> datetime | None:
    """ISO 8601 / RFC 822 strings and epoch seconds (int, float or digit string) → aware UTC.

    Other types, unreadable values and times outside 1990 … now + 2 days are None.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return epoch_to_utc(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        return epoch_to_utc(int(text)) if len(text) <= 12 else None
    return parse_date(text)


def engagement(**counts: Any) -> dict[str, float]:
    """Only the counts the platform actually reported (missing ≠ zero; nonsense ≠ a count)."""
    out = {}
    for name, value in counts.items():
        number = as_int(value)
        if number is not None:
            out[name] = float(number)
    return out


def get(obj: Any, *path: str) -> Any:
    """obj[a][b]… or None when any step is missing or not a dict (wire JSON is untrusted)."""
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def secret(options: SourceOptions, field_name: str, what: str) -> str | None:
    """The secret from the env var named by ``field_name``; AuthRequired if named but unset."""
    var = getattr(options, field_name, None)
    if not var:
        return None
    value = options.env(field_name)
    if not value:
        raise AuthRequired(f"{what}: environment variable {var} (from `{field_name}`) is not set")
    return value


# --- multi-part collection ---------------------------------------------------------------------


@dataclass
class Parts:
    """Collects the results of a source's parts; failures become warnings."""

    items: list[RawItem] = field(default_factory=list)
    points: list[TrendPoint] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[CollectError] = field(default_factory=list)
    retry_after: float | None = None
    bytes_received: int = 0
    ok: int = 0
    stopped: str | None = None       # set when a rate limit stops the remaining parts

    async def run(self, name: str, part: Callable[[], Awaitable[None]]) -> bool:
        """Run one part. Returns False when it failed or was skipped."""
        if self.stopped:
            self.warnings.append(f"{name}: skipped ({self.stopped})")
            return False
        try:
            await part()
        except CollectError as exc:
            self.errors.append(exc)
            self.warnings.append(f"{name}: {exc}")
            retry_after = getattr(exc, "retry_after", None)
            if isinstance(exc, HTTPStatusError) and exc.status == 429:
                # the platform asked us to stop: do not spend the rest of the run hammering it
                self.stopped = "rate limited"
                self.wait(retry_after)
            return False
        self.ok += 1
        return True

    def wait(self, seconds: float | None) -> None:
        if seconds is not None:
            self.retry_after = max(self.retry_after or 0.0, seconds)

    def stop(self, reason: str, retry_after: float | None = None) -> None:
        self.stopped = reason
        self.wait(retry_after)

    def raise_if_all_failed(self) -> None:
        """A source whose every part failed is a failed source, not an empty success."""
        if self.errors and not self.ok:
            first = self.errors[0]
            if len(self.warnings) > 1:  # every part's story, not just the first
                first.args = ("; ".join(self.warnings),)
            raise first
