"""Which collected posts are inbound messages: the one rule, for the pipeline hook.

A post is inbound when its source is marked ``inbox = true`` (everything it yields is
addressed to us), or when the matcher finds a mention in it; never when the company's own
account wrote it. Call this on the raw item, before the author is pseudonymised: the own
account check compares handles.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from trendwatch.inbox.match import Mention, MentionMatcher
from trendwatch.inbox.message import InboundMessage
from trendwatch.models import RawItem


@dataclass(frozen=True)
class Selected:
    message: InboundMessage
    mention: Mention | None     # None for a direct (``inbox = true``) source


def post_text(raw: RawItem) -> str:
    """Title and text as one message (social posts repeat the text as their title)."""
    title, text = (raw.title or "").strip(), (raw.text or "").strip()
    if not title or text.startswith(title.rstrip("…. ")):
        return text or title
    if not text or title.startswith(text):
        return title
    return f"{title}\n{text}"


def select_inbound(raw: RawItem, *, item_id: str, source: str, platform: str,
                   fetched_at: datetime, matcher: MentionMatcher, direct: bool = False,
                   reply_to: str | None = None) -> Selected | None:
    """The inbound message for ``raw``, or None (not a mention, or the company's own post)."""
    author = (raw.author or "").strip()
    if author and matcher.is_own(author, platform):
        return None
    text = post_text(raw)
    mention = None
    if not direct:
        mention = matcher.match(text, author=author, platform=platform)
        if mention is None:
            return None
    received = raw.published_at or fetched_at
    received = received.replace(tzinfo=UTC) if received.tzinfo is None else received.astimezone(UTC)
    engagement = {}
    for key, value in (raw.engagement or {}).items():
        try:
            engagement[key] = int(value)
        except (TypeError, ValueError):
            continue
    message = InboundMessage(id=item_id, external_id=raw.external_id or item_id, source=source,
                             platform=platform, url=raw.url or "", author=author, text=text,
                             lang=raw.lang, received_at=received, reply_to=reply_to,
                             engagement=engagement, direct=direct)
    return Selected(message, mention)
