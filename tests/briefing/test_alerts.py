"""Alerts: high-priority topics that turn emerging, once per topic per day, rate-limited."""

from __future__ import annotations

from datetime import timedelta

from tenacity import wait_none

from tests.conftest import make_settings
from tests.seeding import ARABIC_LABEL, seed
from trendwatch.briefing.alerts import Candidate, find_alerts, select_alerts, send_alerts
from trendwatch.store.schema import deliveries


def settings_for(folder, min_priority=0.65, max_per_day=5):
    return make_settings(
        f'[briefing]\nfolder = "{folder}"\n'
        f'[alerts]\nto = ["file"]\nmin_priority = {min_priority}\nmax_per_day = {max_per_day}\n')


def cand(tid, priority, status="emerging"):
    return Candidate(topic_id=tid, label=f"t{tid}", status=status, product="P", priority=priority,
                     explanation="", distinct_sources=5, growth_24h=1.0)


def test_select_alerts_rules():
    candidates = [cand(1, 0.9), cand(2, 0.8), cand(3, 0.3), cand(4, 0.95, "watch"), cand(5, 0.7),
                  cand(6, 0.85)]
    chosen = select_alerts(candidates, {2: "emerging", 5: "watch"}, alerted_recently={6},
                           sent_last_day=1, min_priority=0.5, max_per_day=3)
    # 2 was already emerging, 3 too low, 4 not emerging, 6 alerted today; two slots left
    assert [c.topic_id for c in chosen] == [1, 5]


async def test_alerts_from_a_seeded_store_once_per_day(store, now, tmp_path):
    seeded = seed(store, now)
    folder = tmp_path / "alerts"
    settings = settings_for(folder)
    chosen, run_id = find_alerts(store, settings, now, "Acme")
    # T1 turned emerging (0.8), T3 is new and emerging (0.7); T2 is only "watch"
    assert [c.topic_id for c in chosen] == [seeded.t1, seeded.t3] and run_id == seeded.run2
    assert chosen[0].link.url == "https://electrek.co/swap"

    results = await send_alerts(store, settings, now, profile="Acme", wait=wait_none())
    assert [r.status for r in results] == ["sent", "sent"]
    files = sorted(p.name for p in folder.iterdir())
    assert files == [f"alert-acme-2026-11-20T0800-{seeded.t1}.md",
                     f"alert-acme-2026-11-20T0800-{seeded.t3}.md"]
    assert ARABIC_LABEL in (folder / files[1]).read_text()

    later = now + timedelta(hours=3)
    assert await send_alerts(store, settings, later, profile="Acme", wait=wait_none()) == []
    with store.connect() as conn:
        assert conn.execute(deliveries.select()).all().__len__() == 2


async def test_rate_limit_and_briefing_already_shown(store, now, tmp_path):
    seeded = seed(store, now)
    chosen, _ = find_alerts(store, settings_for(tmp_path, max_per_day=1), now, "Acme")
    assert [c.topic_id for c in chosen] == [seeded.t1]
    with store.begin() as conn:
        conn.execute(deliveries.insert().values(
            kind="briefing", target="file", created_at=now, status="sent", attempts=1,
            detail={"profile": "Acme", "run_id": seeded.run2, "topic_ids": []}))
    assert find_alerts(store, settings_for(tmp_path), now, "Acme")[0] == []
