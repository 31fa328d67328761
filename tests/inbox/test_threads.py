from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.inbox.conftest import msg
from trendwatch.inbox.message import Triage
from trendwatch.inbox.threads import (
    OpenConversation,
    conversation_key,
    group_conversations,
    priority,
)

T0 = datetime(2026, 3, 2, 10, tzinfo=UTC)
NOW = T0 + timedelta(days=1)


def test_reply_joins_the_message_it_answers():
    first = msg("@acme my order 4471 never arrived", id="a", author="ana")
    answer = msg("@ana @acme same here!", id="b", author="bob", at=T0 + timedelta(hours=1),
                 reply_to="ext-a")
    got = group_conversations([answer, first], [], NOW)
    assert got["a"] == got["b"] == conversation_key(first)


def test_same_author_same_matter_within_window_is_one_conversation():
    a = msg("@acme my Volt Pro won't charge", id="a")
    b = msg("@acme still not charging, tried another cable", id="b", at=T0 + timedelta(hours=5))
    c = msg("@acme also my invoice is wrong", id="c", at=T0 + timedelta(hours=6))
    d = msg("@acme battery charging is still broken", id="d", at=T0 + timedelta(days=5))
    got = group_conversations([a, b, c, d], [], T0 + timedelta(days=6), products=["Volt Pro"])
    assert got["a"] == got["b"]
    assert got["c"] != got["a"]          # another matter: billing, not charging
    assert got["d"] != got["a"]          # past the 72 h window


def test_other_people_and_platforms_stay_apart():
    a = msg("@acme app crashes", id="a", author="ana")
    b = msg("@acme app crashes", id="b", author="bob", at=T0 + timedelta(minutes=5))
    c = msg("@acme app crashes", id="c", author="ana", platform="mastodon", at=T0 + timedelta(minutes=6))
    got = group_conversations([a, b, c], [], NOW)
    assert len({got["a"], got["b"], got["c"]}) == 3


def test_open_conversation_from_the_store_is_joined():
    stored = OpenConversation(key="c-old", author="ana", platform="x", last_at=T0 - timedelta(hours=2),
                              message_ids=frozenset({"old", "ext-old"}),
                              terms=frozenset({"matter:delivery", "4471"}))
    follow_up = msg("@acme any news on order 4471?", id="n")
    reply = msg("@acme hello?", id="r", author="ana", reply_to="ext-old", at=T0 + timedelta(hours=1))
    got = group_conversations([follow_up, reply], [stored], NOW)
    assert got == {"n": "c-old", "r": "c-old"}


def test_grouping_is_stable():
    messages = [msg("@acme app crashes", id=str(i), at=T0 + timedelta(hours=i)) for i in range(3)]
    assert group_conversations(messages, [], NOW) == group_conversations(list(reversed(messages)), [], NOW)


def triage(urgency="normal", category="complaint"):
    return Triage(category, urgency, "negative", -0.5, "en", ())


def test_someone_already_waiting_comes_first():
    fresh = priority(triage(), waiting_since=None, now=NOW)
    waiting = priority(triage(), waiting_since=NOW - timedelta(hours=13), now=NOW, earlier_messages=1)
    assert waiting > fresh
    assert waiting == fresh + 5 + 2 + 2
    assert priority(triage("high"), waiting_since=None, now=NOW) > waiting - 9
    assert priority(triage("low", "praise"), waiting_since=None, now=NOW) < fresh
