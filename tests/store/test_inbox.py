"""store.inbox (and the inbox parts of retention): on both backends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.seeding import seed
from trendwatch.errors import InboxError
from trendwatch.store import inbox
from trendwatch.store.retention import forget_author, purge
from trendwatch.store.schema import (
    assignments,
    ideas,
    inbox_conversations,
    inbox_events,
    inbox_incidents,
    inbox_messages,
    items,
)


def count(store, table):
    with store.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def inbound(item_id, author="@ana", received=None, text="my order never arrived", **extra):
    return {"item_id": item_id, "source": "Electrek", "platform": "x", "external_id": f"ext-{item_id}",
            "url": f"https://x.com/{author.lstrip('@')}/status/{item_id}", "author": author,
            "text": text, "lang": "en", "received_at": received, "reply_to": None,
            "engagement": {"likes": 1}, "mention": {"terms": ["acme"]}, **extra}


def triage(mid, due, category="complaint", urgency="normal", key=None, **extra):
    return inbox.TriageRecord(message_id=mid, category=category, urgency=urgency,
                              sentiment="negative", sentiment_score=-0.6, lang="en",
                              reasons=["never arrived"], due_at=due, conversation_key=key, **extra)


@pytest.fixture
def seeded(store, now):
    seed(store, now)
    return store


def _ids(store):
    with store.connect() as conn:
        return dict(conn.execute(select(inbox_messages.c.item_id, inbox_messages.c.id)).tuples().all())


def test_inbound_is_written_once_untriaged_then_triaged(seeded, now):
    store = seeded
    with store.begin() as conn:
        assert inbox.insert_inbound(conn, [inbound("item0", received=now - timedelta(hours=2)),
                                           inbound("item1", received=now - timedelta(hours=1))],
                                    now) == 2
    with store.begin() as conn:  # the same items collected again: nothing new, no second event
        assert inbox.insert_inbound(conn, [inbound("item0", received=now)], now) == 0
    assert count(store, inbox_events) == 2
    pending = inbox.untriaged(store)
    assert [p["item_id"] for p in pending] == ["item0", "item1"]
    assert pending[0]["author"] == "@ana" and pending[0]["url"].startswith("https://x.com/ana/")
    assert inbox.list_messages(store, now) == []  # untriaged messages are not in the queue yet

    ids = _ids(store)
    conv = inbox.ConversationRecord(key="x:@ana:order", platform="x", author="@ana",
                                    subject="order", opened_at=now - timedelta(hours=2),
                                    last_message_at=now - timedelta(hours=1))
    incident = inbox.IncidentRecord(key="delivery", label="2 complaints about delivery",
                                    terms=["delivery"], first_at=now - timedelta(hours=2),
                                    last_at=now - timedelta(hours=1), count=2, baseline=0.5,
                                    ratio=4.0, topic_id=None, message_ids=list(ids.values()))
    saved = inbox.record_triage(store, now, [
        triage(ids["item0"], now - timedelta(minutes=5), key="x:@ana:order",
               reply_draft="Sorry to hear that", reply={"limit": 280, "length": 18}),
        triage(ids["item1"], now + timedelta(hours=3), category="question", key="x:@ana:order"),
    ], [conv], [incident])
    assert saved.messages == 2 and len(saved.incidents_new) == 1 and saved.conversations == 1
    assert inbox.untriaged(store) == []

    queue = inbox.list_messages(store, now)
    assert [m["item_id"] for m in queue] == ["item0", "item1"]  # soonest due first
    assert [m["breached"] for m in queue] == [True, False]
    assert queue[0]["conversation_id"] == queue[1]["conversation_id"] is not None
    assert queue[0]["incident_label"] == "2 complaints about delivery"
    assert [m["item_id"] for m in inbox.list_messages(store, now, category="question")] == ["item1"]

    # the same incident key again grows the card instead of making a new one
    again = inbox.record_triage(store, now, [], [], [
        inbox.IncidentRecord(key="delivery", label="3 complaints about delivery",
                             terms=["delivery"], first_at=now - timedelta(hours=3), last_at=now,
                             count=3, baseline=0.5, ratio=6.0, topic_id=None, message_ids=[])])
    assert again.incidents_updated == saved.incidents_new
    [card] = inbox.list_incidents(store)
    assert card["count"] == 3 and card["first_at"] == now - timedelta(hours=3)
    assert card["open_messages"] == 2

    counts = inbox.summary(store, now, now - timedelta(hours=12))
    assert counts["received"]["complaint"] == 1 and counts["received"]["question"] == 1
    assert (counts["open"], counts["breached"], counts["open_incidents"]) == (2, 1, 1)


def test_working_a_message_writes_its_history(seeded, now):
    store = seeded
    with store.begin() as conn:
        inbox.insert_inbound(conn, [inbound("item0", received=now)], now)
    [mid] = _ids(store).values()
    inbox.record_triage(store, now, [triage(mid, now + timedelta(hours=1))])
    assert inbox.assign(store, mid, "sam", actor="lea", now=now)["status"] == "assigned"
    inbox.add_note(store, mid, "called back, waiting for the order number", actor="sam", now=now)
    inbox.transition(store, mid, "waiting", actor="sam", now=now)
    inbox.transition(store, mid, "answered", actor="sam", now=now + timedelta(minutes=1))
    assert inbox.list_messages(store, now) == []          # answered: not owed any more
    assert len(inbox.list_messages(store, now, include_done=True)) == 1
    assert inbox.transition(store, mid, "closed", actor="sam",
                            now=now + timedelta(minutes=2))["changed"]
    assert not inbox.transition(store, mid, "closed", actor="sam", now=now)["changed"]
    with pytest.raises(InboxError, match="closed"):
        inbox.transition(store, mid, "answered", actor="sam", now=now)
    with pytest.raises(InboxError, match="closed"):
        inbox.assign(store, mid, "kim", actor="sam", now=now)
    with pytest.raises(InboxError, match="unknown status"):
        inbox.transition(store, mid, "done", actor="sam", now=now)
    with pytest.raises(InboxError, match="no inbox message"):
        inbox.get_message(store, 999_999, now)

    shown = inbox.get_message(store, mid, now)
    kinds = [(e["kind"], e["actor"], e["to_status"]) for e in shown["events"]]
    assert kinds == [("received", "trendwatch", "new"), ("triaged", "trendwatch", None),
                     ("assign", "lea", "assigned"), ("note", "sam", None),
                     ("status", "sam", "waiting"), ("status", "sam", "answered"),
                     ("status", "sam", "closed")]
    assert shown["events"][3]["note"].startswith("called back")
    assert shown["assignee"] == "sam" and shown["breached"] is False


def test_on_call_alerts_once_per_conversation(seeded, now):
    store = seeded
    with store.begin() as conn:
        inbox.insert_inbound(conn, [inbound("item0", received=now), inbound("item1", received=now),
                                    inbound("item2", author="@bo", received=now)], now)
    ids = _ids(store)
    conv = inbox.ConversationRecord(key="k", platform="x", author="@ana", subject="",
                                    opened_at=now, last_message_at=now)
    inbox.record_triage(store, now, [triage(ids["item0"], now + timedelta(minutes=10), key="k"),
                                     triage(ids["item1"], now + timedelta(minutes=20), key="k"),
                                     triage(ids["item2"], now + timedelta(hours=5))], [conv])
    due = inbox.open_due_before(store, now + timedelta(minutes=30))
    assert [d["item_id"] for d in due] == ["item0", "item1"]
    inbox.mark_on_call_alerted(store, [ids["item0"]], now, ["slack"])
    assert inbox.open_due_before(store, now + timedelta(hours=6)) == [
        d for d in inbox.open_due_before(store, now + timedelta(hours=6))
        if d["item_id"] == "item2"]
    assert [d["item_id"] for d in inbox.open_due_before(store, now + timedelta(hours=6))] == ["item2"]


def test_inbox_retention_is_its_own(seeded, now):
    store = seeded
    with store.begin() as conn:
        inbox.insert_inbound(conn, [inbound("item0", received=now - timedelta(days=100)),
                                    inbound("item1", received=now - timedelta(days=1))], now)
    ids = _ids(store)
    inbox.record_triage(store, now, [triage(ids["item0"], None, key="old")], [
        inbox.ConversationRecord(key="old", platform="x", author="@ana", subject="",
                                 opened_at=now - timedelta(days=100),
                                 last_message_at=now - timedelta(days=100))])
    assert inbox.purge_inbox(store, now, timedelta(days=90), dry_run=True).messages == 1
    report = inbox.purge_inbox(store, now, timedelta(days=90))
    assert (report.messages, report.conversations) == (1, 1) and report.events == 2
    assert list(_ids(store)) == ["item1"]
    # the items' own retention leaves the inbound copy and clears its link
    with store.begin() as conn:
        conn.execute(items.update().values(fetched_at=now - timedelta(days=60)))
    purge(store, now, timedelta(days=30))
    with store.connect() as conn:
        row = conn.execute(select(inbox_messages)).mappings().one()
    assert row["item_id"] is None and row["author"] == "@ana"


def test_forget_deletes_a_person_everywhere(seeded, now):
    store = seeded
    with store.begin() as conn:
        # item0 was stored under the pseudonym (privacy mode), item3 under a clear handle
        conn.execute(items.update().where(items.c.id == "item0").values(author="anon:abc"))
        conn.execute(items.update().where(items.c.id == "item3").values(author="@Ana"))
        inbox.insert_inbound(conn, [inbound("item0", received=now),
                                    inbound("item2", author="@bo", received=now)], now)
    ids = _ids(store)
    inbox.record_triage(store, now, [triage(ids["item0"], None, key="k")], [
        inbox.ConversationRecord(key="k", platform="x", author="@ana", subject="",
                                 opened_at=now, last_message_at=now)])
    ideas_before = count(store, ideas)
    report = forget_author(store, now, ["@ana"], ["anon:abc"])
    done = report.as_dict()
    assert done["inbox_messages"] == 1 and done["items"] == 2 and done["conversations"] == 1
    assert done["ideas"] == ideas_before == 1   # the idea cited item0 ("Swap stations…")
    with store.connect() as conn:
        assert sorted(conn.execute(select(items.c.id)).scalars()) == ["item1", "item2"]
        assert conn.execute(select(func.count()).select_from(assignments).where(
            assignments.c.item_id.in_(["item0", "item3"]))).scalar() == 0
        assert conn.execute(select(inbox_messages.c.author)).scalars().all() == ["@bo"]
    assert count(store, inbox_conversations) == 0 and count(store, inbox_incidents) == 0
    assert forget_author(store, now, ["@nobody"]).as_dict()["items"] == 0


def test_items_topics_in_the_latest_run(store, now):
    seeded = seed(store, now)
    assert inbox.latest_topics_of_items(store, ["item0", "item3", "nope", None]) == {
        "item0": seeded.t1, "item3": seeded.t1}
    assert inbox.latest_topics_of_items(store, []) == {}
