"""Conversations: replies join the message they answer; one author's messages about one
matter within a window are one conversation; someone already waiting comes first.

Pure: the open conversations come from the store, ``now`` is passed in, and the answer is a
mapping the store writes back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from trendwatch.inbox.matter import matter_terms
from trendwatch.inbox.message import InboundMessage, Triage

# shared terms that make two messages of one person "the same matter"
MIN_SHARED = 1


@dataclass(frozen=True)
class OpenConversation:
    """A conversation not closed yet, as the store knows it: its key, the author and platform
    it is with, the ids (store and external) of its messages, the matter terms of its
    messages (``matter.matter_terms``), when its last message came, and since when the
    author is waiting for an answer (None: answered)."""

    key: str
    author: str
    platform: str
    last_at: datetime
    message_ids: frozenset[str] = frozenset()
    terms: frozenset[str] = frozenset()
    waiting_since: datetime | None = None


@dataclass
class _Open:
    key: str
    author: str
    platform: str
    last_at: datetime
    terms: set[str] = field(default_factory=set)


def conversation_key(message: InboundMessage) -> str:
    """The key of the conversation a message starts: stable, so re-running the grouping on
    the same messages gives the same keys."""
    return f"c-{message.id}"


def _same_matter(a: set[str] | frozenset[str], b: frozenset[str]) -> bool:
    matters_a = {t for t in a if t.startswith(("matter:", "product:"))}
    matters_b = {t for t in b if t.startswith(("matter:", "product:"))}
    if matters_a and matters_b and not (matters_a & matters_b):
        return False      # both say what they are about, and it differs
    return len(set(a) & b) >= MIN_SHARED or not a or not b


def group_conversations(messages: Sequence[InboundMessage],
                        open_conversations: Sequence[OpenConversation], now: datetime, *,
                        window: timedelta = timedelta(hours=72),
                        products: Sequence[str] = ()) -> dict[str, str]:
    """message id → conversation key (an open conversation's or a new one).

    In order of arrival: a reply (``reply_to`` naming a known message, by store or external
    id) joins that message's conversation; else the author's latest conversation on the same
    platform whose last message is within ``window`` and which is about the same matter
    (shared matter/product terms or content words; a message with no terms joins the
    latest); else it starts one. Messages received after ``now`` are grouped all the same
    (clocks differ), but conversations are only joined going forward in time."""
    by_id: dict[str, str] = {}
    conversations: dict[str, _Open] = {}
    for stored in open_conversations:
        conversations[stored.key] = _Open(stored.key, stored.author, stored.platform,
                                          stored.last_at, set(stored.terms))
        for message_id in stored.message_ids:
            by_id[message_id] = stored.key
    out: dict[str, str] = {}
    for message in sorted(messages, key=lambda m: (m.received_at, m.id)):
        terms = matter_terms(message.text, products=products)
        key = by_id.get(message.reply_to) if message.reply_to else None
        if key is None:
            candidates = [c for c in conversations.values()
                          if c.author == message.author and c.platform == message.platform
                          and timedelta(0) <= message.received_at - c.last_at <= window
                          and _same_matter(c.terms, terms)]
            if candidates:
                key = max(candidates, key=lambda c: c.last_at).key
        if key is None:
            key = conversation_key(message)
            conversations[key] = _Open(key, message.author, message.platform,
                                       message.received_at)
        conv = conversations.get(key)
        if conv is not None:
            conv.terms |= terms
            conv.last_at = max(conv.last_at, message.received_at)
        out[message.id] = key
        by_id[message.id] = key
        if message.external_id:
            by_id[message.external_id] = key
    return out


URGENCY_POINTS = {"high": 30, "normal": 20, "low": 10}
CATEGORY_POINTS = {"complaint": 5, "question": 3, "lead": 3, "praise": 0, "other": 0}


def priority(triage: Triage, *, waiting_since: datetime | None, now: datetime,
             earlier_messages: int = 0) -> int:
    """A sort key for the queue, higher first: urgency, then category; a person already
    waiting for an answer (``waiting_since``: their first unanswered message) gains 5, plus
    1 per 6 hours waited (at most 5 more), and 2 per earlier unanswered message (at most 6)."""
    points = URGENCY_POINTS.get(triage.urgency, 10) + CATEGORY_POINTS.get(triage.category, 0)
    if waiting_since is not None and waiting_since <= now:
        waited = now - waiting_since
        points += 5 + min(int(waited / timedelta(hours=6)), 5)
    points += min(2 * max(earlier_messages, 0), 6)
    return points


def with_terms(conversation: OpenConversation, message: InboundMessage, *,
               products: Sequence[str] = ()) -> OpenConversation:
    """``conversation`` after ``message`` joined it (for callers keeping state in memory)."""
    return replace(conversation, last_at=max(conversation.last_at, message.received_at),
                   message_ids=conversation.message_ids | {message.id, message.external_id},
                   terms=conversation.terms | matter_terms(message.text, products=products))
