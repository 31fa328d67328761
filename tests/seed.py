"""A small, realistic store for dashboard/briefing/CLI tests: `seed_store(store, now)`.

Two products of one company, six sources (one failing), ~80 items over two weeks in
English and Arabic (with one hostile title), five analysis runs (the newest failed),
nine topics with snapshots, a split and a merge, opportunities, ideas with drafts
(one over its limit), feedback (one topic muted) and platform trend series.
Everything is relative to ``now`` so tests can pin the clock.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from trendwatch.store import Store, open_store
from trendwatch.store.schema import (
    assignments,
    feedback,
    ideas,
    items,
    jobs,
    opportunities,
    runs,
    sources,
    stories,
    topic_lineage,
    topic_snapshots,
    topics,
    trend_points,
)

PROFILE = "Northwind Mobility"
PRODUCTS = ("Northwind Flow", "Northwind Fleet")
HOSTILE_TITLE = ('<img src=x onerror="alert(1)"> ![pwn](http://evil.example/pwn.png) '
                 '[click me](javascript:alert(1)) **bold** <script>alert(2)</script>')

# (key, label, status, signal, keywords, hashtags, platforms, relevance per product)
TOPICS: list[tuple[str, str, str, str, list[str], list[str], dict[str, float]]] = [
    ("swap", "E-bike battery swap stations", "emerging", "strong",
     ["battery swap", "charging", "berlin"], ["ebike"], {"Northwind Flow": 0.82, "Northwind Fleet": 0.55}),
    ("cargo", "Cargo bikes for last-mile delivery", "watch", "weak",
     ["cargo bike", "last mile", "delivery"], ["cargobike"], {"Northwind Fleet": 0.88}),
    ("dubai", "الدراجات الكهربائية في دبي", "emerging", "strong",
     ["دراجات", "دبي", "كهربائية"], ["دبي"], {"Northwind Flow": 0.61}),
    ("tariff", "EU e-bike import tariff", "established", "weak",
     ["tariff", "import", "eu"], [], {"Northwind Flow": 0.45, "Northwind Fleet": 0.40}),
    ("folding", "Folding bikes on commuter trains", "fading", "noise",
     ["folding bike", "train", "commute"], ["commute"], {"Northwind Flow": 0.70}),
    ("recycling", "Battery recycling for e-bikes", "watch", "weak",
     ["recycling", "battery"], [], {"Northwind Fleet": 0.35}),
    ("lanes", "Paris bike lanes", "established", "noise", ["bike lanes", "paris"], [], {}),
    ("nft", "Bike NFTs", "emerging", "weak", ["nft", "crypto"], [], {"Northwind Flow": 0.30}),
    ("fleets", "Subscription fleets for companies", "watch", "weak",
     ["subscription", "fleet"], [], {"Northwind Fleet": 0.66}),
]


CONFIG = f"""
[company]
name = "{PROFILE}"
description = "Makes lightweight e-bikes and a monthly e-bike subscription for city commuters."
platforms = ["linkedin", "x", "instagram", "bluesky"]

[[products]]
name = "{PRODUCTS[0]}"
description = "A 15 kg folding e-bike for mixed commutes by train and bike."
keywords = ["e-bike", "folding bike", "commute", "battery"]

[[products]]
name = "{PRODUCTS[1]}"
description = "E-bike subscription and fleet service for companies and delivery teams."
keywords = ["fleet", "cargo bike", "delivery", "subscription"]

[[sources]]
kind = "rss"
name = "Electrek"
url = "https://electrek.example/feed"

[briefing]
top = 8
"""


@dataclass
class SeedInfo:
    now: datetime
    profile: str = PROFILE
    products: tuple[str, ...] = PRODUCTS
    sources: dict[str, int] = field(default_factory=dict)
    runs: dict[str, int] = field(default_factory=dict)      # r1..r4 ok, failed
    topics: dict[str, int] = field(default_factory=dict)    # key → id (see TOPICS)
    ideas: list[int] = field(default_factory=list)
    items: dict[str, list[str]] = field(default_factory=dict)  # topic key → item ids
    hostile_item: str = ""

    @property
    def latest_run(self) -> int:
        return self.runs["r4"]


def _id(*parts: Any) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32]


def seeded_files(folder: Path, now: datetime) -> tuple[str, Path, SeedInfo]:
    """A seeded SQLite store and a matching feeds.toml in ``folder``: (url, config, info)."""
    url = f"sqlite:///{folder / 'seed.db'}"
    config = folder / "feeds.toml"
    config.write_text(CONFIG, encoding="utf-8")
    store = open_store(url)
    try:
        info = seed_store(store, now)
    finally:
        store.close()
    return url, config, info


def seed_store(store: Store, now: datetime) -> SeedInfo:
    info = SeedInfo(now=now)
    with store.begin() as conn:
        _sources(conn, info, now)
        _runs(conn, info, now)
        _topics(conn, info, now)
        _items(conn, info, now)
        _snapshots(conn, info, now)
        _opportunities_and_ideas(conn, info, now)
        _feedback_jobs_trends(conn, info, now)
    return info


def _sources(conn, info: SeedInfo, now: datetime) -> None:
    rows = [
        ("Electrek", "rss", "news", None, 0),
        ("Bike Europe", "rss", "news", None, 0),
        ("Al Arabiya Tech", "rss", "news", None, 0),
        ("mastodon.social", "mastodon", "mastodon", None, 0),
        ("Google Trends DE", "google_trends", "google_trends",
         "HTTP 429 Too Many Requests (retry after 3600 s)", 2),
        ("Broken Blog", "rss", "news", "cannot fetch https://broken.example/feed: connection refused", 5),
    ]
    for name, kind, platform, error, errors in rows:
        info.sources[name] = conn.execute(sources.insert().values(
            name=name, kind=kind, platform=platform, params={"kind": kind, "name": name},
            url=f"https://{name.lower().replace(' ', '-')}.example/feed", created_at=now - timedelta(days=20),
            next_check_at=now + timedelta(minutes=30 if not errors else 240),
            last_attempt_at=now - timedelta(minutes=10),
            last_ok_at=None if errors > 3 else now - timedelta(minutes=10 if not errors else 300),
            last_status=200 if not errors else (429 if errors < 3 else None),
            error_count=errors, last_error=error, disabled=False, last_new_items=3, last_bytes=2048,
        )).inserted_primary_key[0]


def _runs(conn, info: SeedInfo, now: datetime) -> None:
    for key, age in (("r1", timedelta(days=8)), ("r2", timedelta(days=2)),
                     ("r3", timedelta(days=1)), ("r4", timedelta(0))):
        as_of = now - age
        info.runs[key] = conn.execute(runs.insert().values(
            started_at=as_of, finished_at=as_of + timedelta(minutes=2), as_of=as_of,
            window_start=as_of - timedelta(days=7), window_end=as_of, status="ok",
            model_id="hashing-384", params={}, counts={"items": 60},
        )).inserted_primary_key[0]
    info.runs["failed"] = conn.execute(runs.insert().values(
        started_at=now + timedelta(minutes=1), as_of=now + timedelta(minutes=1),
        window_start=now - timedelta(days=7), window_end=now + timedelta(minutes=1),
        status="failed", params={}, counts={}, error="model not found",
    )).inserted_primary_key[0]


def _topics(conn, info: SeedInfo, now: datetime) -> None:
    for key, label, status, _signal, keywords, hashtags, _rel in TOPICS:
        first_seen = now - timedelta(days=max(s[0] for s in _item_specs(now)[key]) + 0.1)
        last_seen = now - timedelta(days=min(s[0] for s in _item_specs(now)[key]))
        info.topics[key] = conn.execute(topics.insert().values(
            first_seen_at=first_seen, last_seen_at=last_seen, label=label, keywords=keywords,
            hashtags=hashtags, languages=["ar"] if key == "dubai" else ["en"], status=status,
            size=0, last_run_id=info.runs["r2" if key == "lanes" else "r4"], dormant=key == "lanes",
        )).inserted_primary_key[0]
    t = info.topics
    conn.execute(topic_lineage.insert(), [
        {"run_id": info.runs["r3"], "topic_id": t["recycling"], "related_topic_id": t["swap"],
         "relation": "split_from"},
        {"run_id": info.runs["r2"], "topic_id": t["lanes"], "related_topic_id": t["tariff"],
         "relation": "merged_into"},
    ])


# (topic key, [(days ago, outlet, source, platform, title)]) — current week and the one before
def _item_specs(now: datetime) -> dict[str, list[tuple[float, str, str, str, str]]]:
    news = "news"
    return {
        "swap": [(0.1 + i * 0.3, outlet, src, plat, title) for i, (outlet, src, plat, title) in enumerate([
            ("electrek.co", "Electrek", news, "Battery swap network for e-bikes launches in Berlin"),
            ("bike-eu.com", "Bike Europe", news, "Battery swap network for e-bikes launches in Berlin"),
            ("reuters.com", "Electrek", news, "Battery swap network for e-bikes launches in Berlin"),
            ("dpa.de", "Bike Europe", news, "Battery swap network for e-bikes launches in Berlin"),
            ("@rider@mastodon.social", "mastodon.social", "mastodon", "Swapped my #ebike battery in 40 seconds today"),
            ("@cycle@mastodon.social", "mastodon.social", "mastodon", "Battery swap stations everywhere in Berlin #ebike"),
            ("electrek.co", "Electrek", news, "Why swappable batteries could beat fast charging"),
            ("bike-eu.com", "Bike Europe", news, "Swap stations: the economics for operators"),
            ("techblog.example", "Electrek", news, HOSTILE_TITLE),
        ])],
        "cargo": [(d, o, s, p, t) for d, o, s, p, t in [
            (9, "bike-eu.com", "Bike Europe", news, "Cargo bike sales up in logistics"),
            (10, "electrek.co", "Electrek", news, "Parcel firms test cargo bikes"),
            (11, "bike-eu.com", "Bike Europe", news, "Cargo bike fleets in Amsterdam"),
            (0.5, "electrek.co", "Electrek", news, "Last-mile delivery moves to cargo bikes"),
            (1, "bike-eu.com", "Bike Europe", news, "DHL doubles its cargo bike fleet"),
            (1.5, "@courier@mastodon.social", "mastodon.social", "mastodon", "Our #cargobike did 80 drops today"),
            (2, "electrek.co", "Electrek", news, "Cargo bikes beat vans in city centres"),
            (2.5, "bike-eu.com", "Bike Europe", news, "Cargo bike subsidies extended"),
            (3, "@fleet@mastodon.social", "mastodon.social", "mastodon", "Cargo bikes for last mile #cargobike"),
            (3.5, "electrek.co", "Electrek", news, "New cargo bike trailer for couriers"),
        ]],
        "dubai": [(0.2 + i * 0.4, "alarabiya.net", "Al Arabiya Tech", news, title) for i, title in enumerate([
            "دبي تطلق خدمة الدراجات الكهربائية المشتركة",
            "إقبال كبير على الدراجات الكهربائية في دبي",
            "محطات شحن جديدة للدراجات الكهربائية في دبي",
            "هيئة الطرق في دبي توسع مسارات الدراجات",
        ])],
        "tariff": [(d, o, "Electrek" if i % 2 else "Bike Europe", news, t) for i, (d, o, t) in enumerate([
            (8.5, "bike-eu.com", "EU extends anti-dumping tariff on e-bikes"),
            (9.5, "electrek.co", "What the EU tariff means for e-bike prices"),
            (1.2, "bike-eu.com", "E-bike importers react to tariff review"),
            (2.2, "electrek.co", "EU tariff on Chinese e-bikes stays"),
        ])],
        "folding": [(d, o, "Electrek" if i % 2 else "Bike Europe", news, t) for i, (d, o, t) in enumerate([
            (8, "bike-eu.com", "Folding bikes allowed on all commuter trains"),
            (8.2, "electrek.co", "Best folding e-bikes for train commuters"),
            (9, "bike-eu.com", "Rail operators and folding bikes"),
            (10, "electrek.co", "Folding bike sales peak"),
            (12, "bike-eu.com", "Commuters switch to folding bikes"),
            (6.5, "electrek.co", "A folding bike review"),
        ])],
        "recycling": [(0.8, "bike-eu.com", "Bike Europe", news, "Who recycles e-bike batteries?"),
                      (1.8, "electrek.co", "Electrek", news, "Battery recycling plant opens")],
        "lanes": [(5.5, "electrek.co", "Electrek", news, "Paris adds 100 km of bike lanes")],
        "nft": [(0.3, "electrek.co", "Electrek", news, "Bike NFTs are back, apparently"),
                (0.6, "bike-eu.com", "Bike Europe", news, "Crypto startup sells bike NFTs")],
        "fleets": [(0.4, "bike-eu.com", "Bike Europe", news, "Companies lease e-bike fleets for staff"),
                   (1.4, "electrek.co", "Electrek", news, "E-bike subscriptions for employers grow")],
    }


def _items(conn, info: SeedInfo, now: datetime) -> None:
    story_ids: dict[str, int] = {}
    rows, assigned = [], []
    for key, specs in _item_specs(now).items():
        info.items[key] = []
        for n, (days, outlet, source, platform, title) in enumerate(specs):
            published = now - timedelta(days=days)
            if title not in story_ids:
                story_ids[title] = conn.execute(stories.insert().values(
                    title=title, first_seen_at=published, last_seen_at=published)).inserted_primary_key[0]
            item_id = _id(key, n, title)
            lang = "ar" if key == "dubai" else "en"
            tags = [w.strip("#").lower() for w in title.split() if w.startswith("#")]
            rows.append(dict(
                id=item_id, source_id=info.sources[source], platform=platform, external_id=item_id,
                outlet=outlet, author=None, url=f"https://{outlet.strip('@').replace('@', '/')}/{key}/{n}",
                canonical_url=f"https://{outlet.strip('@').replace('@', '/')}/{key}/{n}", title=title,
                text=f"{title}. More details in the article.", lang=lang, published_at=published,
                fetched_at=min(now, published + timedelta(minutes=5)), hashtags=tags,
                engagement={}, story_id=story_ids[title],
            ))
            info.items[key].append(item_id)
            if title == HOSTILE_TITLE:
                info.hostile_item = item_id
            for run_key, run_age in (("r1", 8), ("r2", 2), ("r3", 1), ("r4", 0)):
                if run_age <= days <= run_age + 7 and not (key == "lanes" and run_key in ("r3", "r4")):
                    assigned.append({"run_id": info.runs[run_key], "item_id": item_id,
                                     "topic_id": info.topics[key], "probability": 0.9})
    conn.execute(items.insert(), rows)
    conn.execute(assignments.insert(), assigned)


def _snapshots(conn, info: SeedInfo, now: datetime) -> None:
    specs = _item_specs(now)
    rows = []
    for key, label, status, signal, keywords, _tags, _rel in TOPICS:
        for run_key, run_age in (("r1", 8), ("r2", 2), ("r3", 1), ("r4", 0)):
            if key == "lanes" and run_key in ("r3", "r4"):
                continue
            window = [s for s in specs[key] if run_age <= s[0] <= run_age + 7]
            if not window:
                continue
            outlets = {s[1] for s in window}
            platforms: dict[str, int] = {}
            for s in window:
                platforms[s[3]] = platforms.get(s[3], 0) + 1
            emergence = round(len(outlets) * (1.6 if status == "emerging" else 0.8)
                              / (1 + run_age), 3)
            rows.append(dict(
                run_id=info.runs[run_key], topic_id=info.topics[key], as_of=now - timedelta(days=run_age),
                size=len(window), distinct_sources=len(outlets), distinct_stories=len({s[4] for s in window}),
                platforms=platforms, label=label, keywords=keywords,
                status=status if run_key == "r4" else "watch", signal=signal, emergence=emergence,
                score_parts={"surprise": emergence * 0.7, "source_diversity": len(outlets) / 10,
                             "top_source_share": round(1 / max(1, len(outlets)), 3),
                             "popularity": len(window) / 10},
                growth_24h=1.5 if status == "emerging" else (-0.4 if status == "fading" else 0.1),
                growth_7d=3.0 if status == "emerging" else (-0.7 if status == "fading" else 0.25),
            ))
    conn.execute(topic_snapshots.insert(), rows)
    for key, *_ in TOPICS:
        size = sum(1 for r in rows if r["topic_id"] == info.topics[key])
        conn.execute(topics.update().where(topics.c.id == info.topics[key]).values(size=size))


def _drafts(label: str, hook: str, long_x: bool = False) -> list[dict[str, Any]]:
    x_text = f"{hook} What would you do? #ebike https://example.com/flow"
    if long_x:
        x_text = hook + " " + "More on this soon. " * 16
    drafts = [
        {"platform": "x", "text": x_text},
        {"platform": "linkedin", "text": f"{hook}\n\nHere is what we see at Northwind: {label} "
                                         "is picking up fast. Three takeaways for commuters…"},
        {"platform": "bluesky", "text": f"{hook} 🚲⚡ #ebike"},
        {"platform": "instagram", "text": f"{hook} #ebike #commute #citybike"},
    ]
    limits = {"x": 280, "linkedin": 3000, "bluesky": 300, "instagram": 2200}
    for draft in drafts:
        draft["limit"] = limits[draft["platform"]]
        draft["length"] = len(draft["text"])
    return drafts


def _opportunities_and_ideas(conn, info: SeedInfo, now: datetime) -> None:
    run_id = info.latest_run
    rows = []
    for key, label, status, _signal, keywords, _tags, relevance in TOPICS:
        if key == "lanes":
            continue
        snap = 1.0 if status == "emerging" else 0.5
        for product, rel in relevance.items():
            rows.append(dict(
                run_id=run_id, topic_id=info.topics[key], profile=PROFILE, product=product,
                relevance=rel, priority=round(rel ** 0.6 * snap ** 0.4, 4),
                explanation=f"matches {product} keywords {', '.join(keywords[:2])}; "
                            f"{status} across several outlets",
                parts={"relevance": rel, "emergence": snap},
            ))
    conn.execute(opportunities.insert(), rows)
    angles = [("swap", "Northwind Flow", "news-hook", "Battery swaps in 40 seconds: is charging over?", True),
              ("swap", "Northwind Flow", "how-to", "How to plan a commute around swap stations", False),
              ("cargo", "Northwind Fleet", "data-point", "Cargo bikes now beat vans in city centres", False),
              ("dubai", "Northwind Flow", "news-hook", "دبي تتحول إلى الدراجات الكهربائية", False)]
    for key, product, angle, hook, long_x in angles:
        label = next(t[1] for t in TOPICS if t[0] == key)
        info.ideas.append(conn.execute(ideas.insert().values(
            run_id=run_id, topic_id=info.topics[key], profile=PROFILE, product=product, angle=angle,
            hook=hook, hashtags=["ebike", "commute"],
            sources=[{"title": "Battery swap network for e-bikes launches in Berlin",
                      "url": "https://electrek.co/swap/0", "outlet": "electrek.co"}],
            drafts=_drafts(label, hook, long_x), best_before=now + timedelta(days=2),
            generator="template", created_at=now, feedback=None,
        )).inserted_primary_key[0])


def _feedback_jobs_trends(conn, info: SeedInfo, now: datetime) -> None:
    conn.execute(feedback.insert(), [
        {"topic_id": info.topics["nft"], "profile": PROFILE, "idea_id": None, "verdict": "mute",
         "created_at": now - timedelta(hours=3)},
        {"topic_id": info.topics["folding"], "profile": PROFILE, "idea_id": None,
         "verdict": "not_useful", "created_at": now - timedelta(hours=2)},
    ])
    conn.execute(jobs.insert(), [
        {"name": "collect", "last_started_at": now - timedelta(minutes=12),
         "last_finished_at": now - timedelta(minutes=10), "last_status": "ok",
         "next_run_at": now + timedelta(minutes=20)},
        {"name": "analyze", "last_started_at": now - timedelta(minutes=5),
         "last_finished_at": now - timedelta(minutes=3), "last_status": "ok",
         "next_run_at": now + timedelta(minutes=55)},
    ])
    points = []
    for day in range(7):
        at = (now - timedelta(days=6 - day)).replace(hour=0, minute=0, second=0, microsecond=0)
        for term, base in (("ebike", 120), ("cargobike", 40)):
            points.append({"source_id": info.sources["mastodon.social"], "platform": "mastodon",
                           "term": term, "metric": "uses", "at": at, "value": float(base + day * 15),
                           "extra": {}})
        points.append({"source_id": info.sources["Google Trends DE"], "platform": "google_trends",
                       "term": "e-bike", "metric": "traffic", "at": at, "value": float(2000 + 500 * day),
                       "extra": {}})
    conn.execute(trend_points.insert(), points)
