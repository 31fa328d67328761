"""Formatters shared by the CLI, the briefing and the dashboard."""

from __future__ import annotations

from datetime import UTC, datetime

# where people post (as opposed to outlets that publish): a post is named by its platform,
# never by its account, when it is quoted in something the team will publish
SOCIAL_PLATFORMS = {"mastodon": "Mastodon", "bluesky": "Bluesky", "reddit": "Reddit",
                    "hackernews": "Hacker News", "x": "X"}


def platform_name(platform: str | None) -> str | None:
    """The social platform's name as people write it; None for news and unknown kinds."""
    return SOCIAL_PLATFORMS.get((platform or "").lower())


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
