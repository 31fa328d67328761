"""service.inbox: which collected items become inbound messages (real handle kept only
there), the triage step inside the collection step, on-call alerts, data-subject requests."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from tests.conftest import make_settings
from trendwatch.collect.run import collect_sources
from trendwatch.models import RawItem
from trendwatch.service.inbox import InboundSelection, handle_variants
from trendwatch.store import inbox as inbox_rows
from trendwatch.store.schema import inbox_events, inbox_messages, items

KEY = b"k" * 32
COMPANY = '[company]\nname = "Acme Bikes"\n[[products]]\nname = "Flow"\n'


def write_posts(path, posts):
    path.write_text("".join(json.dumps(p) + "\n" for p in posts), encoding="utf-8")


def config(tmp_path, body=""):
    settings = make_settings(
        f'[storage]\nimport_dirs = ["{tmp_path}"]\n'
        '[inbox]\nhandles = { mastodon = "@acme@bikes.social" }\n'
        f'[[sources]]\nkind = "file"\nname = "social"\npath = "{tmp_path}/posts.jsonl"\n'
        'platform = "mastodon"\n'
        f'[[sources]]\nkind = "file"\nname = "dms"\npath = "{tmp_path}/dms.jsonl"\n'
        'platform = "mastodon"\ninbox = true\n' + body, company=COMPANY)
    return settings


POSTS = [
    {"id": "https://bikes.social/users/rita/statuses/1", "author": "rita@bikes.social",
     "url": "https://bikes.social/@rita/1", "published": "2026-11-20T05:00:00Z",
     "text": "My Flow from Acme Bikes will not unlock since the update"},
    {"id": "https://bikes.social/users/acme/statuses/2", "author": "acme@bikes.social",
     "url": "https://bikes.social/@acme/2", "published": "2026-11-20T05:10:00Z",
     "text": "Acme Bikes here: a fix for Flow unlocking is rolling out"},
    {"id": "https://bikes.social/users/tom/statuses/3", "author": "tom@bikes.social",
     "url": "https://bikes.social/@tom/3", "published": "2026-11-20T05:20:00Z",
     "text": "Rain again. Riding anyway."},
]
DMS = [{"id": "dm-1", "author": "nadia@bikes.social", "published": "2026-11-20T05:30:00Z",
        "text": "hello, where is my order?"}]


def test_selection_mentions_own_posts_and_direct_sources(tmp_path):
    settings = config(tmp_path)
    selection = InboundSelection(settings)
    social, dms = settings.sources
    pick = selection(social, "mastodon")
    assert pick(RawItem(title="", text="Acme Bikes broke my heart", author="@x@y.z"))["kind"] == "company"
    assert pick(RawItem(title="", text="my Flow is slow", author="@x@y.z"))["product"] == "Flow"
    assert pick(RawItem(title="", text="Acme Bikes news", author="acme@bikes.social")) is None
    assert pick(RawItem(title="", text="nothing to see", author="@x@y.z")) is None
    direct = selection(dms, "mastodon")
    assert direct(RawItem(title="", text="nothing to see", author="@x@y.z"))["kind"] == "source"
    settings.inbox.enabled = False
    assert InboundSelection(settings)(social, "mastodon") is None


async def test_inbound_rows_keep_the_real_handle_items_the_pseudonym(store, tmp_path):
    settings = config(tmp_path)
    write_posts(tmp_path / "posts.jsonl", POSTS)
    write_posts(tmp_path / "dms.jsonl", DMS)
    now = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    outcomes = await collect_sources(store, settings, now=now, privacy_key=KEY,
                                     inbound=InboundSelection(settings))
    assert {o.name: o.inbound for o in outcomes} == {"social": 1, "dms": 1}
    pending = {r["external_id"]: r for r in inbox_rows.untriaged(store)}
    assert set(pending) == {POSTS[0]["id"], "dm-1"}
    rita = pending[POSTS[0]["id"]]
    assert rita["author"] == "rita@bikes.social" and rita["url"] == "https://bikes.social/@rita/1"
    assert rita["mention"]["term"] in ("Acme Bikes", "Flow") and rita["received_at"] < now
    with store.connect() as conn:
        stored = conn.execute(select(items.c.id, items.c.author, items.c.url,
                                     items.c.external_id)).all()
        linked = set(conn.execute(select(inbox_messages.c.item_id)).scalars())
    assert linked <= {row.id for row in stored}
    # nothing outside the inbox names the people: pseudonyms, handle-free links and ids
    flat = json.dumps([list(r) for r in stored])
    for handle in ("rita", "nadia", "tom"):
        assert handle not in flat
    # collecting again stores nothing twice
    again = await collect_sources(store, settings, now=now + timedelta(hours=1),
                                  privacy_key=KEY, inbound=InboundSelection(settings),
                                  names=["social", "dms"])
    assert sum(o.inbound for o in again) == 0 and len(inbox_rows.untriaged(store)) == 2


def test_handle_variants():
    assert handle_variants("@ana") == ["@ana", "ana"]
    assert handle_variants(" ana ") == ["ana", "@ana"]


async def test_direct_inbox_items_stay_out_of_the_analysis_window(store, tmp_path):
    from trendwatch.store.runs import load_window, window_languages

    settings = config(tmp_path)
    write_posts(tmp_path / "posts.jsonl", POSTS)
    write_posts(tmp_path / "dms.jsonl", DMS)
    now = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    await collect_sources(store, settings, now=now, privacy_key=KEY,
                          inbound=InboundSelection(settings))
    window = load_window(store, now - timedelta(days=7), now)
    assert len(window) == len(POSTS)            # the public posts, not the private message
    assert "where is my order" not in json.dumps([w["text"] for w in window])
    assert sum(window_languages(store, now - timedelta(days=7), now).values()) == len(POSTS)


# --- the collection step triages; on call ------------------------------------------------------

# Monday 08:40 in Berlin, before the office opens at 09:00: the night's complaints, with a
# 15-minute SLA counted in office hours, are all due at 09:15 — within warn_before (45m)
NIGHT = datetime(2026, 11, 23, 7, 40, tzinfo=UTC)
BURST = [{"id": f"t-{i}", "author": f"person{i}@example.com",
          "published": (NIGHT - timedelta(minutes=5 * i + 5)).isoformat(),
          "text": f"My Flow stopped charging after the update, battery dead ({i})"}
         for i in range(8)]



def night_settings(tmp_path):
    settings = make_settings(
        f'[storage]\nimport_dirs = ["{tmp_path}"]\n'
        f'[briefing]\nfolder = "{tmp_path / "out"}"\n'
        '[inbox]\nhours = "mon-fri 09:00-17:00"\ntimezone = "Europe/Berlin"\n'
        'on_call = ["file"]\nwarn_before = "45m"\nincident_min = 5\n'
        '[inbox.sla]\ncomplaint = "15m"\ncomplaint-high = "15m"\nquestion = "15m"\n'
        f'[[sources]]\nkind = "file"\nname = "dms"\npath = "{tmp_path}/dms.jsonl"\n'
        'platform = "x"\ninbox = true\n', company=COMPANY)
    return settings


async def test_the_collection_step_triages_and_on_call_alerts_once(store, tmp_path):
    from trendwatch.service import pipeline
    from trendwatch.service.inbox import check_on_call

    settings = night_settings(tmp_path)
    write_posts(tmp_path / "dms.jsonl", BURST)
    seen = []
    await pipeline.run_collect(store, settings, NIGHT, due_only=False, privacy_key=KEY,
                               on_triage=seen.append)
    assert seen and seen[0].triaged == len(BURST) and seen[0].by_category.get("complaint")
    queue = inbox_rows.list_messages(store, NIGHT)
    assert len(queue) == len(BURST) and all(m["due_at"] for m in queue)
    assert all(m["category"] == "complaint" for m in queue)
    # nothing left to triage: a second step does nothing twice
    await pipeline.run_collect(store, settings, NIGHT, due_only=False, privacy_key=KEY,
                               on_triage=seen.append)
    assert seen[-1].triaged == 0
    # the burst is one incident card
    assert seen[0].incidents_new and len(inbox_rows.list_incidents(store)) == 1

    done = await check_on_call(store, settings, NIGHT)
    assert done["on_call"] >= 1 and done["incidents"] == 1
    files = sorted((tmp_path / "out").glob("inbox-*.md"))
    assert files and any("incident" in f.name for f in files)
    text = "".join(f.read_text("utf-8") for f in files)
    assert "person0@example.com" not in text           # alerts name no handle
    again = await check_on_call(store, settings, NIGHT)
    assert again["on_call"] == 0 and again["incidents"] == 0   # once per conversation/incident
    # later checks alert nobody twice (and the office is open from 09:00)
    await check_on_call(store, settings, NIGHT + timedelta(minutes=10))
    await check_on_call(store, settings, NIGHT + timedelta(minutes=50))
    with store.connect() as conn:
        alerts = conn.execute(select(inbox_events.c.message_id).where(
            inbox_events.c.kind == "alert")).scalars().all()
    assert sorted(alerts) == sorted(set(alerts)) and len(alerts) == len(BURST)



async def test_nobody_is_paged_in_office_hours(store, tmp_path):
    from trendwatch.service import pipeline
    from trendwatch.service.inbox import check_on_call

    settings = night_settings(tmp_path)
    monday = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)       # 11:00 in Berlin, a Monday
    write_posts(tmp_path / "dms.jsonl", [{"id": "q1", "author": "ana@example.com",
                                          "published": (monday - timedelta(minutes=40)).isoformat(),
                                          "text": "Where is my order? It is late."}])
    await pipeline.run_collect(store, settings, monday, due_only=False, privacy_key=KEY)
    assert len(inbox_rows.list_messages(store, monday)) == 1
    assert (await check_on_call(store, settings, monday))["on_call"] == 0


def test_the_service_checks_on_call_every_few_minutes(store, tmp_path):
    from trendwatch.service.scheduler import JOBS, ON_CALL_EVERY, build_triggers, default_steps

    settings = night_settings(tmp_path)
    assert "oncall" in JOBS and ON_CALL_EVERY <= timedelta(minutes=5)
    trigger = build_triggers(settings, timedelta(minutes=1))["oncall"]
    assert trigger.interval == ON_CALL_EVERY
    assert default_steps(store, settings, KEY).oncall is not None
