"""The briefing's overnight customer-care section and the inbox alerts (escaped, translated)."""

from __future__ import annotations

import json
from datetime import timedelta

from tests.conftest import make_settings
from tests.seeding import seed
from trendwatch.briefing import build_briefing, render
from trendwatch.briefing.inbox_alerts import incident_message, on_call_message
from trendwatch.store import inbox

SETTINGS = make_settings('[briefing]\ntimezone = "Europe/Berlin"\n')


def fill(store, now):
    seed(store, now)
    rows = [("item0", "complaint", "high", now - timedelta(hours=1), "<script>x</script> app down",
             {"direct": False}, "https://x.com/a/status/1"),
            ("item1", "question", "normal", now + timedelta(hours=2), "is it waterproof?",
             {"direct": False}, "javascript:alert(1)"),
            ("item2", "praise", "low", now + timedelta(hours=20), "private DM text, love it",
             {"direct": True}, None),
            ("item3", "complaint", "normal", now + timedelta(hours=3), "battery again",
             {"direct": False}, None)]
    with store.begin() as conn:
        inbox.insert_inbound(conn, [{
            "item_id": item, "source": "helpdesk" if mention["direct"] else "social",
            "platform": "x", "external_id": item, "url": url, "author": "@secret_handle",
            "text": text, "lang": "en", "received_at": now - timedelta(hours=5), "reply_to": None,
            "engagement": {}, "mention": mention} for item, _c, _u, _d, text, mention, url in rows],
            now)
    with store.connect() as conn:
        from sqlalchemy import select

        from trendwatch.store.schema import inbox_messages
        ids = dict(conn.execute(select(inbox_messages.c.item_id, inbox_messages.c.id)).tuples().all())
    inbox.record_triage(store, now, [
        inbox.TriageRecord(message_id=ids[item], category=c, urgency=u, sentiment="neutral",
                           sentiment_score=0.0, lang="en", reasons=["r"], due_at=due)
        for item, c, u, due, _t, _m, _url in rows], [], [
        inbox.IncidentRecord(key="battery", label="6 complaints about battery", terms=["battery"],
                             first_at=now - timedelta(hours=6), last_at=now, count=6,
                             baseline=1.0, ratio=6.0, topic_id=None,
                             message_ids=[ids["item0"], ids["item3"]])])
    return ids


def test_briefing_has_the_overnight_customer_care_section(store, now):
    ids = fill(store, now)
    briefing = build_briefing(store, SETTINGS, now)
    care = briefing.care
    assert care is not None and care.received_total == 4 and care.breached == 1
    assert care.received["complaint"] == 2 and care.open == 4
    assert [m.id for m in care.urgent] == [ids["item0"], ids["item1"], ids["item3"]]
    assert [i.label for i in care.incidents] == ["6 complaints about battery"]
    md, html = render(briefing, "md"), render(briefing, "html")
    for text in (md, html):
        assert "Customer care since" in text and "6 complaints about battery" in text
        assert "@secret_handle" not in text            # no handle in a briefing
        assert "private DM text" not in text           # a direct message's text stays inside
        assert "<script>x" not in text
    assert "javascript:" not in html
    assert 'href="https://x.com/a/status/1"' in html
    assert "**4** messages received" in md and "**1** past its answer time" in md
    assert render(briefing, "json")


def test_the_section_speaks_the_team_language(store, now):
    fill(store, now)
    german = make_settings('[briefing]\ntimezone = "Europe/Berlin"\n',
                           company='[company]\nname = "Acme"\nlanguage = "de"\n')
    md = render(build_briefing(store, german, now), "md")
    assert "Kundenservice seit" in md and "Beschwerde" in md


def test_no_section_without_messages(store, now):
    seed(store, now)
    assert build_briefing(store, SETTINGS, now).care is None


def test_on_call_and_incident_messages_are_escaped(store, now):
    ids = fill(store, now)
    rows = inbox.open_due_before(store, now + timedelta(hours=3))
    message = on_call_message(rows, now, SETTINGS, "en")
    assert "about to miss" in message.subject and f"#{ids['item0']}" in message.text
    assert "<script>" not in message.html and "@secret_handle" not in message.text
    assert "javascript:" not in message.html
    [card] = inbox.list_incidents(store)
    alert = incident_message(card, now, SETTINGS, "ar")
    assert "6 complaints about battery" in alert.subject and 'dir="rtl"' in alert.html


def test_slack_briefing_carries_the_section(store, now):
    from trendwatch.briefing.render import slack_blocks

    fill(store, now)
    payload = json.dumps(slack_blocks(build_briefing(store, SETTINGS, now)), ensure_ascii=False)
    assert "Customer care since" in payload and "6 complaints about battery" in payload
    assert "@secret_handle" not in payload and "javascript:" not in payload
