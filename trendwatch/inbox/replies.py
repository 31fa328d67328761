"""Reply drafts: the customer's language, the company's tone, the reply policy, the limit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from trendwatch.config.schema import InboxReplies, Profile
from trendwatch.inbox.message import InboundMessage, Triage


@dataclass(frozen=True)
class ReplyDraft:
    """``text`` None when a human must answer (``escalate``) or nothing fits; ``reasons``
    says why; ``length``/``limit`` in the platform's unit."""

    text: str | None
    escalate: bool
    reasons: tuple[str, ...]
    limit: int
    length: int
    lang: str = "en"


def draft_reply(message: InboundMessage, triage: Triage, *, profile: Profile,
                policy: InboxReplies, platform: str, now: datetime,
                mastodon_limit: int = 500) -> ReplyDraft:
    raise NotImplementedError
