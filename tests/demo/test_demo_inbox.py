"""The demo week's customer-care traffic reaches the inbox through the real collectors."""

from __future__ import annotations

from collections import Counter

import pytest

from trendwatch.collect.run import collect_sources
from trendwatch.config.load import parse_settings
from trendwatch.demo import build_dataset
from trendwatch.demo.config import demo_config
from trendwatch.demo.inbound import MENTIONS, OWN, TICKETS, helpdesk_records, write_helpdesk
from trendwatch.demo.server import build_app
from trendwatch.service import pipeline
from trendwatch.service.inbox import InboundSelection
from trendwatch.store import inbox as inbox_rows

KEY = b"demo-privacy-key-0123456789"


@pytest.fixture
async def demo(aiohttp_server, store, now, monkeypatch, tmp_path):
    monkeypatch.setenv("TRENDWATCH_DEMO_BSKY_IDENTIFIER", "demo.bsky.social")
    monkeypatch.setenv("TRENDWATCH_DEMO_BSKY_PASSWORD", "demo-app-password")
    monkeypatch.setenv("TRENDWATCH_DEMO_X_TOKEN", "demo-token")
    server = await aiohttp_server(build_app(build_dataset(), now))
    write_helpdesk(tmp_path, now)
    settings = parse_settings(demo_config(server.port), source_name=str(tmp_path / "feeds.toml"))
    return store, settings


def test_the_week_carries_care_traffic_in_several_languages(now):
    week = build_dataset()
    care = [p for p in week.posts if p.topic == "care"]
    assert len(care) == len(MENTIONS) + len(OWN)
    assert {p.lang for p in care} >= {"en", "ar", "de"}
    assert {r["lang"] for r in helpdesk_records(now)} >= {"en", "ar", "de", "es"}
    # one overnight burst: most charging complaints in the last six hours
    late = [p for p in care if "charg" in p.text.lower() or "تشحن" in p.text or "lädt" in p.text]
    assert sum(p.age < 6 * 3600 for p in late) >= 8
    assert len({r["id"] for r in helpdesk_records(now)}) == len(TICKETS)


async def test_mentions_and_the_helpdesk_become_inbound(demo, now):
    store, settings = demo
    outcomes = await collect_sources(store, settings, now=now, privacy_key=KEY,
                                     inbound=InboundSelection(settings))
    assert all(o.status == "ok" for o in outcomes), [(o.name, o.message) for o in outcomes]
    inbound = {o.name: o.inbound for o in outcomes if o.inbound}
    assert inbound["Helpdesk"] == len(TICKETS)
    assert inbound.get("X", 0) + inbound.get("Mastodon", 0) >= len(MENTIONS) - 2
    pending = inbox_rows.untriaged(store)
    texts = " ".join(p["text"] for p in pending)
    assert "A fix is rolling out" not in texts             # the company's own post
    assert {p["external_id"] for p in pending if p["source"] == "Helpdesk"} == {t[0] for t in TICKETS}


async def test_the_collection_step_triages_the_demo_inbox(demo, now):
    store, settings = demo
    seen = []
    await pipeline.run_collect(store, settings, now, due_only=False, privacy_key=KEY,
                               on_triage=seen.append)
    assert seen[0].triaged >= len(TICKETS) + len(MENTIONS) - 2
    categories = Counter(m["category"] for m in inbox_rows.list_messages(store, now,
                                                                          include_done=True))
    assert categories["complaint"] >= 10 and categories["lead"] >= 2 and categories["praise"] >= 2
    assert categories["question"] >= 2
    incidents = inbox_rows.list_incidents(store)
    assert incidents and any(i["count"] >= settings.inbox.incident_min for i in incidents)
