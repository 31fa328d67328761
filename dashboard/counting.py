"""How long a draft is in the unit its platform counts, against the platform's limit.

X counts weighted characters (URLs 23, CJK and emoji 2) as twitter-text defines
them; Bluesky and the rest count graphemes, so "👨‍👩‍👧" is one, not five.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import grapheme

# defaults when a draft carries no limit of its own (design.md §5)
LIMITS = {"x": 280, "bluesky": 300, "mastodon": 500, "threads": 500, "linkedin": 3000,
          "instagram": 2200, "tiktok": 4000, "facebook": 63206, "youtube": 5000, "reddit": 40000}
MAX_HASHTAGS = {"instagram": 5}
_HASHTAG = re.compile(r"(?<!\w)#\w+")


@dataclass(frozen=True)
class DraftCheck:
    length: int
    limit: int | None
    unit: str
    hashtags: int
    max_hashtags: int | None

    @property
    def fits(self) -> bool:
        within = self.limit is None or self.length <= self.limit
        tags_ok = self.max_hashtags is None or self.hashtags <= self.max_hashtags
        return within and tags_ok

    def summary(self) -> str:
        limit = f"/{self.limit}" if self.limit else ""
        text = f"{self.length}{limit} {self.unit}"
        if self.max_hashtags is not None:
            text += f" · {self.hashtags}/{self.max_hashtags} hashtags"
        return text


def draft_length(platform: str, text: str) -> int:
    if platform.lower() == "x":
        from twitter_text import parse_tweet  # imports pkg_resources: slow, so only when needed

        return parse_tweet(text).weightedLength
    return grapheme.length(text)


def check_draft(draft: dict[str, Any]) -> DraftCheck:
    platform = str(draft.get("platform") or "").lower()
    text = str(draft.get("text") or "")
    limit = draft.get("limit") or LIMITS.get(platform)
    return DraftCheck(
        length=draft_length(platform, text),
        limit=int(limit) if limit else None,
        unit="weighted characters" if platform == "x" else "graphemes",
        hashtags=len(_HASHTAG.findall(text)),
        max_hashtags=MAX_HASHTAGS.get(platform),
    )
