"""Conversations: replies join the message they answer; one author's messages about one
matter within a window are one conversation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from trendwatch.inbox.message import InboundMessage, Triage


@dataclass(frozen=True)
class OpenConversation:
    """A conversation not closed yet, as the store knows it: its key, the author and platform
    it is with, its messages' ids and external ids, the matter terms of its messages, when
    its last message came, and since when the author is waiting (None: answered)."""

    key: str
    author: str
    platform: str
    last_at: datetime
    message_ids: frozenset[str] = frozenset()
    terms: frozenset[str] = frozenset()
    waiting_since: datetime | None = None


def conversation_key(message: InboundMessage) -> str:
    """The key of a conversation this message starts."""
    return f"c-{message.id}"


def group_conversations(messages: Sequence[InboundMessage],
                        open_conversations: Sequence[OpenConversation], now: datetime, *,
                        window: timedelta = timedelta(hours=72),
                        products: Sequence[str] = ()) -> dict[str, str]:
    """message id → conversation key (an open conversation's or a new one)."""
    raise NotImplementedError


def priority(triage: Triage, *, waiting_since: datetime | None, now: datetime,
             earlier_messages: int = 0) -> int:
    """A sort key for the queue, higher first."""
    raise NotImplementedError
