from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.inbox.conftest import msg
from trendwatch.config.schema import InboxSettings
from trendwatch.inbox.incidents import detect_incidents
from trendwatch.inbox.matter import matter_key
from trendwatch.inbox.message import Triage

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
SETTINGS = InboxSettings(incident_min=5, incident_ratio=3, incident_window="6h", incident_baseline="7d")
COMPLAINT = Triage("complaint", "normal", "negative", -0.6, "en", ())


def complaints(n, text, *, topic=None, start=NOW - timedelta(hours=5), author=None):
    out = []
    for i in range(n):
        m = msg(text, id=f"{text}-{i}", author=author or f"{text}-p{i}",
                at=start + timedelta(minutes=10 * i))
        out.append((m, COMPLAINT, topic, matter_key(text)))
    return out


def test_a_burst_of_one_matter_is_an_incident():
    rows = complaints(8, "@acme my bike won't charge") + complaints(2, "@acme invoice is wrong")
    found = detect_incidents(rows, {"matter:charging": 14}, NOW, SETTINGS)
    assert len(found) == 1
    incident = found[0]
    assert (incident.key, incident.label, incident.count) == ("matter:charging", "charging", 8)
    assert incident.baseline == 0.5 and incident.ratio == 8.0      # 14 a week = 0.5 per 6 h, floor 1
    assert incident.since == NOW - timedelta(hours=5)
    assert "8 complaints about charging" in incident.describe()


def test_usual_rate_is_no_incident():
    rows = complaints(8, "@acme my bike won't charge")
    assert detect_incidents(rows, {"matter:charging": 28 * 4}, NOW, SETTINGS) == []   # 4 per window


def test_one_angry_person_is_no_incident():
    rows = complaints(8, "@acme my bike won't charge", author="ana")
    assert detect_incidents(rows, {}, NOW, SETTINGS) == []


def test_topic_groups_across_languages_and_links():
    rows = (complaints(3, "@acme la batería no carga", topic="t42")
            + complaints(3, "@acme Akku lädt nicht", topic="t42"))
    found = detect_incidents(rows, {}, NOW, SETTINGS)
    assert [(i.key, i.topic_id, i.count) for i in found] == [("topic:t42", "t42", 6)]


def test_old_complaints_and_non_complaints_do_not_count():
    old = complaints(6, "@acme my bike won't charge", start=NOW - timedelta(hours=20))
    praise = [(m, Triage("praise", "low", "positive", 0.8, "en", ()), None, k)
              for m, _, _, k in complaints(6, "@acme charging is so fast now")]
    assert detect_incidents(old + praise, {}, NOW, SETTINGS) == []
