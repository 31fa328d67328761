"""store.deliveries: recording deliveries and the questions asked about them."""

from __future__ import annotations

from datetime import timedelta

from tests.seeding import add_topic
from trendwatch.store import deliveries


def _row(now, **values):
    row = dict(kind="briefing", target="file", topic_id=None, created_at=now, status="sent",
               attempts=1, error=None, detail={})
    row.update(values)
    return row


def test_last_briefing_per_profile_and_run(store, now):
    deliveries.record_deliveries(store, [
        _row(now - timedelta(hours=3), detail={"profile": "Acme", "run_id": 1}),
        _row(now - timedelta(hours=2), detail={"profile": "Other", "run_id": 2}),
        _row(now - timedelta(hours=1), detail={"profile": "Acme", "run_id": 3}),
        _row(now, status="failed", detail={"profile": "Acme", "run_id": 4}),
    ])
    assert deliveries.last_briefing(store, "Acme")["detail"]["run_id"] == 3
    assert deliveries.last_briefing(store, "Acme", exclude_run=3)["detail"]["run_id"] == 1
    assert deliveries.last_briefing(store, "Nobody") is None
    with store.connect() as conn:  # also inside a caller's connection
        assert deliveries.last_briefing(conn, "Other")["detail"]["run_id"] == 2


def test_recent_alerts_and_failures(store, now):
    with store.begin() as conn:
        t7, t8, t9 = (add_topic(conn, now, label, "emerging") for label in ("a", "b", "c"))
    deliveries.record_deliveries(store, [
        _row(now - timedelta(hours=2), kind="alert", topic_id=t7),
        _row(now - timedelta(hours=30), kind="alert", topic_id=t8),
        _row(now - timedelta(hours=1), kind="alert", topic_id=t9, status="failed", error="boom"),
        _row(now - timedelta(hours=3), status="failed", error="smtp down"),
    ])
    assert deliveries.recent_alert_topics(store, now) == {t7}
    assert deliveries.count_failed_since(store, now - timedelta(hours=24)) == 2
    assert deliveries.count_failed_since(store, now - timedelta(minutes=90)) == 1
    failed = deliveries.failed_since(store, now - timedelta(hours=24))
    assert [d["error"] for d in failed] == ["boom", "smtp down"]
    deliveries.record_deliveries(store, [])
    assert deliveries.count_failed_since(store, now - timedelta(days=9)) == 2
