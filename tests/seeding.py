"""A small analysed store, written row by row the way the analysis and ranking stages do.

Two runs a day apart (``now - 25h`` and ``now - 1h``):

    topic  label                              run 1            run 2
    T1     Battery swap stations              watch, 3 src     emerging, 9 src (Flow 0.8, Fleet 0.5)
    T2     <script>…</script> e-bike tax      watch, 5 src     watch, 6 src    (Fleet 0.6)
    T3     الدراجات الكهربائية في دبي            –                emerging, 4 src (Flow 0.7)  ← new
    T4     Scooter bans                       emerging, 7 src  fading, 2 src   (Flow 0.2)  ← gone
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from trendwatch.store import Store
from trendwatch.store.schema import (
    assignments,
    ideas,
    items,
    opportunities,
    runs,
    sources,
    topic_snapshots,
    topics,
)

SCRIPT_LABEL = "<script>alert(1)</script> e-bike tax"
ARABIC_LABEL = "الدراجات الكهربائية في دبي"


@dataclass
class Seeded:
    run1: int
    run2: int
    t1: int
    t2: int
    t3: int
    t4: int


def add_run(conn, now: datetime, as_of: datetime) -> int:
    return conn.execute(runs.insert().values(
        started_at=as_of, finished_at=as_of, as_of=as_of, window_start=as_of - timedelta(days=7),
        window_end=as_of, status="ok", model_id="hash", params={}, counts={})).inserted_primary_key[0]


def add_topic(conn, now: datetime, label: str, status: str) -> int:
    return conn.execute(topics.insert().values(
        first_seen_at=now - timedelta(hours=30), last_seen_at=now, label=label, keywords=[],
        hashtags=[], languages=[], status=status, size=10, dormant=False)).inserted_primary_key[0]


def add_snapshot(conn, run_id: int, topic_id: int, as_of: datetime, label: str, status: str,
                 distinct: int, g24: float | None = None, g7: float | None = None,
                 emergence: float = 1.0, size: int | None = None) -> None:
    conn.execute(topic_snapshots.insert().values(
        run_id=run_id, topic_id=topic_id, as_of=as_of, size=size or distinct * 2,
        distinct_sources=distinct, distinct_stories=distinct, platforms={"news": distinct * 2},
        label=label, keywords=["battery", "swap"] if "Battery" in label else [], status=status,
        signal="strong", emergence=emergence, score_parts={"surprise": emergence},
        growth_24h=g24, growth_7d=g7))


def add_opportunity(conn, run_id: int, topic_id: int, product: str, priority: float,
                    profile: str = "Acme") -> None:
    conn.execute(opportunities.insert().values(
        run_id=run_id, topic_id=topic_id, profile=profile, product=product, relevance=priority,
        priority=priority, explanation=f"matches {product} on: battery, commute", parts={}))


def seed(store: Store, now: datetime, profile: str = "Acme") -> Seeded:
    r1_at, r2_at = now - timedelta(hours=25), now - timedelta(hours=1)
    with store.begin() as conn:
        src = {}
        for name, error in (("Electrek", None), ("Bike Europe", None), ("Broken Feed", "HTTP 503 from server")):
            src[name] = conn.execute(sources.insert().values(
                name=name, kind="rss", platform="news", params={}, url=f"http://127.0.0.1/{name}",
                created_at=now, error_count=1 if error else 0, last_error=error,
                last_ok_at=None if error else now, last_attempt_at=now, disabled=False,
                last_new_items=0, last_bytes=0)).inserted_primary_key[0]
        run1, run2 = add_run(conn, now, r1_at), add_run(conn, now, r2_at)
        t1 = add_topic(conn, now, "Battery swap stations", "emerging")
        t2 = add_topic(conn, now, SCRIPT_LABEL, "watch")
        t3 = add_topic(conn, now, ARABIC_LABEL, "emerging")
        t4 = add_topic(conn, now, "Scooter bans", "fading")
        add_snapshot(conn, run1, t1, r1_at, "Battery swap stations", "watch", 3, 0.2, 0.5, 1.0)
        add_snapshot(conn, run1, t2, r1_at, SCRIPT_LABEL, "watch", 5, 0.1, 0.2, 1.5)
        add_snapshot(conn, run1, t4, r1_at, "Scooter bans", "emerging", 7, 1.0, 2.0, 4.0)
        add_snapshot(conn, run2, t1, r2_at, "Battery swap stations", "emerging", 9, 1.5, 4.0, 6.0)
        add_snapshot(conn, run2, t2, r2_at, SCRIPT_LABEL, "watch", 6, 0.2, 0.35, 2.0)
        add_snapshot(conn, run2, t3, r2_at, ARABIC_LABEL, "emerging", 4, None, None, 3.0)
        add_snapshot(conn, run2, t4, r2_at, "Scooter bans", "fading", 2, -0.6, -0.7, 0.1, size=30)
        add_opportunity(conn, run2, t1, "Northwind Flow", 0.8, profile)
        add_opportunity(conn, run2, t1, "Northwind Fleet", 0.5, profile)
        add_opportunity(conn, run2, t3, "Northwind Flow", 0.7, profile)
        add_opportunity(conn, run2, t2, "Northwind Fleet", 0.6, profile)
        add_opportunity(conn, run2, t4, "Northwind Flow", 0.2, profile)
        for i, (title, url, outlet) in enumerate([
            ("Swap stations open in Berlin", "https://electrek.co/swap", "Electrek"),
            ("Evil link", "javascript:alert(1)", "Bike Europe"),
            ("Second Electrek story", "https://electrek.co/two", "Electrek"),
            ("<b>Bold</b> claim", "https://bike-eu.com/claim", "Bike Europe"),
        ]):
            item_id = f"item{i}"
            conn.execute(items.insert().values(
                id=item_id, source_id=src[outlet], platform="news", outlet=outlet, url=url,
                canonical_url=url, title=title, text="", published_at=r2_at - timedelta(minutes=i),
                fetched_at=r2_at, hashtags=[], engagement={}))
            conn.execute(assignments.insert().values(run_id=run2, item_id=item_id, topic_id=t1))
        conn.execute(ideas.insert().values(
            run_id=run2, topic_id=t1, profile=profile, product="Northwind Flow", angle="news-jacking",
            hook="Swap, don't charge: what Berlin's stations mean for your commute",
            hashtags=["#ebike", "#micromobility"],
            sources=[{"title": "Swap stations open in Berlin", "url": "https://electrek.co/swap",
                      "outlet": "Electrek"}],
            drafts=[{"platform": "linkedin", "text": "Battery swapping just got real in Berlin.",
                     "length": 41, "limit": 3000},
                    {"platform": "x", "text": "Swap > charge? Berlin thinks so. #ebike",
                     "length": 39, "limit": 280}],
            best_before=now + timedelta(days=2), generator="template", created_at=r2_at))
    return Seeded(run1, run2, t1, t2, t3, t4)
