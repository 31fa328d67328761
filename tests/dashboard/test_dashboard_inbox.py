"""The Inbox page and the inbox strip on Today under Streamlit's AppTest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from dashboard import data
from dashboard.access import LOCAL_USER, SessionUser
from tests.dashboard.test_dashboard_views import run_app
from tests.seed import seeded_files
from trendwatch.config.env import CONFIG_ENV, DATABASE_ENV
from trendwatch.errors import AccessDenied
from trendwatch.store import inbox, open_store
from trendwatch.store.schema import inbox_events, inbox_messages

HOSTILE = "<img src=x onerror=alert(1)> my Flow battery died"
ARABIC = "البطارية لا تشحن منذ أمس، ساعدوني"


@pytest.fixture
def seeded(tmp_path, monkeypatch):
    now = datetime.now(UTC).replace(microsecond=0)
    url, config, _info = seeded_files(tmp_path, now)
    store = open_store(url)
    with store.begin() as conn:
        inbox.insert_inbound(conn, [
            {"item_id": None, "source": "helpdesk", "platform": "x", "external_id": f"t-{i}",
             "url": f"https://x.com/cust{i}/status/{i}", "author": f"@cust{i}", "text": text,
             "lang": lang, "received_at": now - timedelta(hours=3 - i), "reply_to": None,
             "engagement": {}, "mention": {"direct": True}}
            for i, (text, lang) in enumerate([(HOSTILE, "en"), (ARABIC, "ar"),
                                              ("how much for 40 bikes?", "en")])], now)
        ids = list(conn.execute(select(inbox_messages.c.id).order_by(inbox_messages.c.id)).scalars())
    inbox.record_triage(store, now, [
        inbox.TriageRecord(message_id=ids[0], category="complaint", urgency="high",
                           sentiment="negative", sentiment_score=-0.8, lang="en",
                           reasons=["'battery died'"], due_at=now - timedelta(minutes=30),
                           reply_draft="Sorry about your battery, we are on it. DM us?",
                           reply={"limit": 280, "length": 46, "escalate": False}),
        inbox.TriageRecord(message_id=ids[1], category="complaint", urgency="normal",
                           sentiment="negative", sentiment_score=-0.5, lang="ar",
                           reasons=["لا تشحن"], due_at=now + timedelta(hours=2)),
        inbox.TriageRecord(message_id=ids[2], category="lead", urgency="normal",
                           sentiment="neutral", sentiment_score=0.0, lang="en",
                           reasons=["'how much'"], due_at=now + timedelta(hours=6)),
    ], [], [inbox.IncidentRecord(key="battery", label="2 complaints about battery",
                                 terms=["battery"], first_at=now - timedelta(hours=3),
                                 last_at=now, count=2, baseline=0.2, ratio=10.0, topic_id=None,
                                 message_ids=ids[:2])])
    store.close()
    monkeypatch.setenv(DATABASE_ENV, url)
    monkeypatch.setenv(CONFIG_ENV, str(config))
    return url, ids


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_inbox_page_shows_the_queue_incidents_and_a_draft(seeded):
    url, ids = seeded
    at = run_app("views/inbox.py")
    assert at.title[0].value == "Inbox"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Open"] == "3" and metrics["Late"] == "1"
    assert "2 complaints about battery" in markdown(at)
    table = at.dataframe[0].value
    assert list(table["id"]) == ids                       # soonest due first
    assert "@cust0" in set(table["from"])                 # the local user on loopback sees handles
    # the hostile text is never HTML: escaped inside the custom block, no live tag
    assert "<img src=x" not in markdown(at)
    assert at.code[0].value.startswith("Sorry about your battery")
    assert any("46 of 280 characters" in c.value for c in at.caption)
    # the Arabic message keeps its own direction
    at.selectbox(key="inbox_message").set_value(ids[1]).run()
    assert 'dir="auto"' in markdown(at) or 'dir="rtl"' in markdown(at)
    assert ARABIC in markdown(at)


def test_buttons_write_events_and_move_the_message(seeded):
    url, ids = seeded
    at = run_app("views/inbox.py")
    at.text_input(key=f"assign_name_{ids[0]}").input("lea")
    at.button(key=f"assign_{ids[0]}").click().run()
    at.text_area(key=f"note_{ids[0]}").input("called the customer")
    at.button(key=f"add_note_{ids[0]}").click().run()
    at.button(key=f"answered_{ids[0]}").click().run()
    assert not at.exception
    store = open_store(url)
    with store.connect() as conn:
        events = conn.execute(select(inbox_events.c.kind, inbox_events.c.actor, inbox_events.c.note)
                              .where(inbox_events.c.message_id == ids[0])
                              .order_by(inbox_events.c.id)).all()
        status, assignee = conn.execute(select(inbox_messages.c.status, inbox_messages.c.assignee)
                                        .where(inbox_messages.c.id == ids[0])).one()
    store.close()
    assert [e.kind for e in events][-3:] == ["assign", "note", "status"]
    assert {e.actor for e in events[-3:]} == {LOCAL_USER.name}
    assert (status, assignee) == ("answered", "lea")
    assert ids[0] not in list(at.dataframe[0].value["id"])   # answered: off the open queue


def test_today_shows_the_inbox_counts(seeded):
    at = run_app()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics.get("Inbox open") == "3" and metrics.get("Incidents") == "1"


def test_people_and_writes_need_a_session(seeded, monkeypatch):
    url, ids = seeded
    assert data.may_see_people(LOCAL_USER)
    assert not data.may_see_people(None)
    monkeypatch.setattr(data, "auth_mode", lambda: "password")
    assert not data.may_see_people(LOCAL_USER)          # no local user once sign-in is on
    assert data.may_see_people(SessionUser("vic", "viewer", "password"))
    with pytest.raises(AccessDenied):
        data.inbox_act(url, ids[0], "closed", user=None)
