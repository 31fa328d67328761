"""Dedup: canonical URLs, wire copies grouped into one story, reruns and crashes never duplicate."""

from __future__ import annotations

import re
import threading
import unicodedata
from datetime import timedelta
from xml.sax.saxutils import escape

import pytest
from aiohttp import web
from sqlalchemy import func, select

from tests.conftest import make_settings
from trendwatch.collect import ingest
from trendwatch.collect.dedup import canonical_url, matching_words
from trendwatch.collect.ingest import ItemWriter
from trendwatch.collect.run import collect_sources
from trendwatch.lang import arabic
from trendwatch.models import RawItem
from trendwatch.store.schema import items, sources, stories

WIRE = ("BERLIN (Wire) - Germany's transport ministry said on Thursday it will extend its subsidy "
        "for commercial cargo bikes until 2028, doubling the yearly budget to 60 million euros as "
        "delivery companies replace diesel vans in city centres. Logistics firms DHL and Hermes "
        "welcomed the decision, saying cargo bikes already handle one in ten parcels in Berlin and "
        "Hamburg. The programme pays a quarter of the purchase price of electric cargo bikes for "
        "companies, municipalities and non-profit groups.")
OTHER = [
    ("Battery recycling plant opens in Sweden",
     "A new plant near Skellefteå will recycle 25,000 tonnes of lithium-ion batteries a year from "
     "e-bikes and scooters, its operator said, creating 300 jobs in the region by next spring."),
    ("Paris votes to ban rental e-scooters",
     "Residents of Paris voted by a large majority to end the city's rental e-scooter contracts, "
     "which operators Lime, Dott and Tier must wind down before September, the mayor announced."),
    ("Folding bike maker raises funding",
     "The London folding bike maker raised 40 million pounds from investors to expand production "
     "of its electric models and open shops in Asia, the company told reporters on Monday."),
]
COPIES = {
    # outlet: (headline, url with tracking, body as the outlet printed it)
    "Daily Courier": ("Cargo bike subsidy extended to 2028",
                      "https://courier.example/biz/cargo-subsidy?utm_source=rss&utm_medium=feed",
                      WIRE),
    "Metro Post": ("Germany doubles cargo bike budget as vans give way",
                   "https://www.metropost.example/news/123?ref=rss&fbclid=abc",
                   WIRE + " The ministry did not comment on private buyers."),
    "Trade Journal": ("Berlin backs e-cargo bikes with 60 mln euro scheme | Trade Journal",
                      "http://tradejournal.example/a/9981#comments",
                      WIRE.replace("said on Thursday", "announced on Thursday")),
}


def rss(outlet: str, entries: list[tuple[str, str, str]]) -> bytes:
    body = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(u)}</link><description>{escape(d)}</description>"
        f"<pubDate>Thu, 19 Nov 2026 {9 + i}:00:00 GMT</pubDate></item>"
        for i, (t, u, d) in enumerate(entries)
    )
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{outlet}</title>'
            f"<link>https://{outlet.split()[0].lower()}.example/</link>{body}</channel></rss>").encode()


def outlet_feeds() -> dict[str, bytes]:
    feeds = {}
    for index, (outlet, (headline, url, text)) in enumerate(COPIES.items()):
        title, other_text = OTHER[index]
        own = (title, f"https://{outlet.split()[0].lower()}.example/own/{index}", other_text)
        feeds[outlet] = rss(outlet, [(headline, url, text), own])
    return feeds


@pytest.fixture
async def wire_server(aiohttp_server):
    feeds = outlet_feeds()
    app = web.Application()
    for index, body in enumerate(feeds.values()):
        app.router.add_get(f"/feed{index}.xml", lambda request, body=body: web.Response(body=body))
    return await aiohttp_server(app)


def wire_settings(server):
    return make_settings("".join(
        f'[[sources]]\nkind = "rss"\nname = "{outlet}"\nurl = "{server.make_url(f"/feed{i}.xml")}"\n'
        for i, outlet in enumerate(COPIES)))


def story_table(store) -> dict[int, set[str]]:
    with store.connect() as conn:
        rows = conn.execute(select(items.c.story_id, items.c.outlet)).all()
    grouped: dict[int, set[str]] = {}
    for row in rows:
        grouped.setdefault(row.story_id, set()).add(row.outlet)
    return grouped


def test_canonical_url_strips_tracking_and_normalises():
    assert canonical_url("HTTP://WWW.Example.com/a/b/?utm_source=x&id=3&fbclid=y#top") == \
        "https://example.com/a/b?id=3"
    assert canonical_url("https://example.com/a?b=2&a=1") == "https://example.com/a?a=1&b=2"
    assert canonical_url("https://example.com:443/") == "https://example.com/"
    assert canonical_url("mailto:x@example.com") == "mailto:x@example.com"
    assert canonical_url("  ") is None


async def test_wire_copies_become_one_story_with_three_outlets(wire_server, store, now):
    outcomes = await collect_sources(store, wire_settings(wire_server), now=now)
    assert sum(o.new_items for o in outcomes) == 6
    groups = story_table(store)
    assert len(groups) == 4                      # the wire story + three distinct ones
    assert sorted(len(outlets) for outlets in groups.values()) == [1, 1, 1, 3]
    wire = next(outlets for outlets in groups.values() if len(outlets) == 3)
    assert wire == set(COPIES)
    with store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(stories)).scalar() == 4


async def test_rerunning_collect_never_duplicates(wire_server, store, now):
    settings = wire_settings(wire_server)
    await collect_sources(store, settings, now=now)
    again = await collect_sources(store, settings, now=now + timedelta(hours=1))
    assert sum(o.new_items for o in again) == 0 and all(o.found_items == 2 for o in again)
    with store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(items)).scalar() == 6
        assert conn.execute(select(func.count()).select_from(stories)).scalar() == 4


async def test_rerun_skips_the_text_work_of_items_already_stored(wire_server, store, now,
                                                                   monkeypatch):
    settings = wire_settings(wire_server)
    await collect_sources(store, settings, now=now)
    hashed, detected = [], []
    real_minhash, real_detect = ingest.minhash_signature, ingest.detect_languages
    monkeypatch.setattr(ingest, "minhash_signature",
                        lambda *a: hashed.append(a) or real_minhash(*a))
    monkeypatch.setattr(ingest, "detect_languages",
                        lambda texts: detected.extend(texts) or real_detect(texts))
    again = await collect_sources(store, settings, now=now + timedelta(hours=1))
    assert all(o.found_items == 2 for o in again) and sum(o.new_items for o in again) == 0
    assert hashed == [] and detected == []


def test_known_ids_leave_the_other_rows_as_they_were(now):
    entries = [RawItem(title=t, text=d, url=f"https://a.example/{i}", published_at=now)
               for i, (t, d) in enumerate(OTHER)]
    kwargs = {"platform": "news", "source_name": "a", "fetched_at": now}
    everything = ingest.prepare_rows(entries, **kwargs)
    known = {everything[1]["id"], "not-in-this-feed"}
    rows, known_count = ingest.prepare_new_rows(entries, known_ids=known, **kwargs)
    assert known_count == 1
    assert rows == [everything[0], everything[2]]
    assert ingest.candidate_ids(entries, platform="news", source_name="a") == [
        r["id"] for r in everything]


async def test_same_article_under_tracking_variants_is_stored_once(aiohttp_server, store, now):
    text = "Shared e-bike operators report record November usage across northern Europe."
    a = rss("Alpha News", [("Record month", "https://news.example/record?utm_source=a", text)])
    b = rss("Beta Wire", [("Record month", "https://www.news.example/record/?utm_campaign=b&ref=x", text)])
    app = web.Application()
    app.router.add_get("/a", lambda r: web.Response(body=a))
    app.router.add_get("/b", lambda r: web.Response(body=b))
    server = await aiohttp_server(app)
    settings = make_settings(f'[[sources]]\nkind = "rss"\nname = "a"\nurl = "{server.make_url("/a")}"\n'
                             f'[[sources]]\nkind = "rss"\nname = "b"\nurl = "{server.make_url("/b")}"\n')
    outcomes = await collect_sources(store, settings, now=now)
    assert sorted(o.new_items for o in outcomes) == [0, 1]
    with store.connect() as conn:
        assert conn.execute(select(items.c.canonical_url)).scalars().all() == ["https://news.example/record"]


async def test_interrupted_run_keeps_what_was_committed(wire_server, store, now, monkeypatch):
    """A bug in one source's write after another source committed: the bug is that source's
    recorded failure, what was committed stays, and a later run completes the rest once."""
    original = ItemWriter.write
    calls = {"n": 0}
    first_committed = threading.Event()

    def crash_on_second(self, source_id, rows, on_commit=None):
        calls["n"] += 1
        if calls["n"] == 1:
            try:
                return original(self, source_id, rows, on_commit)
            finally:
                first_committed.set()
        first_committed.wait(10)
        raise RuntimeError("simulated crash mid-run")

    monkeypatch.setattr(ItemWriter, "write", crash_on_second)
    settings = wire_settings(wire_server)
    first = await collect_sources(store, settings, now=now)
    crashed = [o for o in first if o.message and "simulated crash" in o.message]
    assert crashed and all(o.message.startswith("internal error: RuntimeError") for o in crashed)
    with store.connect() as conn:
        committed = set(conn.execute(select(items.c.id)).scalars())
    assert len(committed) == 2
    with store.connect() as conn:  # only the sources whose write crashed are marked failing
        assert conn.execute(select(func.count()).select_from(sources)
                            .where(sources.c.error_count > 0)).scalar() == len(crashed)

    monkeypatch.setattr(ItemWriter, "write", original)
    outcomes = await collect_sources(store, settings, now=now + timedelta(minutes=5),
                                     names=list(COPIES), due_only=False)
    with store.connect() as conn:
        after = set(conn.execute(select(items.c.id)).scalars())
    assert committed <= after and len(after) == 6
    assert sum(o.new_items for o in outcomes) == 6 - len(committed)
    assert sorted(len(o) for o in story_table(store).values()) == [1, 1, 1, 3]


async def test_lookalike_items_of_one_outlet_stay_distinct_but_google_news_copies_group(
        aiohttp_server, store, now):
    template = ("Join us for a full day of talks on design systems, tokens and accessibility, "
                "with coffee, lunch and networking included for every ticket holder this spring.")
    one_outlet = rss("Design Events", [
        ("Design Systems London - Sue Andor", "https://events.example/1", template),
        ("Design Systems London - Jon Reidy", "https://events.example/2", template)])
    # Google News: several outlets' copies of one wire story inside one feed
    google = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Google News</title>'
              + b"".join(f'<item><title>{escape(t)}</title><link>https://news.example/{i}</link>'
                         f"<description>{escape(WIRE)}</description><source url=\"https://{o}\">{o}</source>"
                         f"<pubDate>Thu, 19 Nov 2026 09:00:00 GMT</pubDate></item>".encode()
                         for i, (o, (t, _, _)) in enumerate(COPIES.items()))
              + b"</channel></rss>")
    app = web.Application()
    app.router.add_get("/events", lambda r: web.Response(body=one_outlet))
    app.router.add_get("/gn", lambda r: web.Response(body=google))
    server = await aiohttp_server(app)
    settings = make_settings(
        f'[[sources]]\nkind = "rss"\nname = "events"\nurl = "{server.make_url("/events")}"\n'
        f'[[sources]]\nkind = "rss"\nname = "gn"\nurl = "{server.make_url("/gn")}"\n')
    await collect_sources(store, settings, now=now)
    assert sorted(len(o) for o in story_table(store).values()) == [1, 1, 3]


def test_shareable_url_drops_tracking_but_keeps_the_published_link():
    from trendwatch.collect.dedup import shareable_url

    assert shareable_url("http://www.Example.com/a?utm_source=rss&id=5&fbclid=x#top") == \
        "http://www.Example.com/a?id=5"
    assert shareable_url(None) is None


@pytest.mark.parametrize("text", [
    "Germany doubles cargo bike budget", "ǰava ǰ: casefold leaves j + caron, NFKC joins them",
    "Ｆｕｌｌ ｗｉｄｔｈ ﬁne ﬂow", "İstanbul straße", "والسعودية السعوديه ٢٠٢٦",
    "ﻻ presentation forms", "𞸀𞸁 Arabic mathematical letters", ""])
def test_matching_words_fast_path_is_the_per_word_fold(text):
    words = re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold())
    assert matching_words(text) == [arabic.match_key(w) for w in words]


async def test_collect_of_many_sources_parses_in_threads_by_default(wire_server, store, now,
                                                                   monkeypatch):
    from trendwatch.collect import run as run_module

    started = []
    monkeypatch.setattr(run_module, "_parse_pool", lambda: started.append(1))
    settings = make_settings("".join(
        f'[[sources]]\nkind = "rss"\nname = "copy {i}"\nurl = "{wire_server.make_url("/feed0.xml")}"\n'
        for i in range(run_module.POOL_MIN_SOURCES + 1)))
    outcomes = await collect_sources(store, settings, now=now)
    assert started == [] and all(o.status == "ok" for o in outcomes)
