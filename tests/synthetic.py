"""Synthetic items for analysis tests: topics with their own vocabulary, seeded."""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime, timedelta

from trendwatch.store.db import insert_ignore
from trendwatch.store.schema import items, sources, stories

VOCAB = {
    "solar": "solar panel rooftop energy inverter battery grid photovoltaic installer tariff",
    "football": "football match goal striker league coach stadium penalty transfer season",
    "vaccine": "vaccine trial dose immunity clinic booster variant health regulator approval",
    "chips": "semiconductor chip foundry wafer nanometer fab export supply node lithography",
    "coffee": "coffee roast barista espresso bean harvest arabica cafe brew grinder",
    "election": "election ballot candidate poll campaign vote debate turnout district party",
}


def ensure_source(conn, name: str = "synthetic") -> int:
    row = conn.execute(sources.select().where(sources.c.name == name)).first()
    if row:
        return row.id
    return conn.execute(sources.insert().values(
        name=name, kind="rss", platform="news", params={}, error_count=0, disabled=False,
        last_new_items=0, last_bytes=0,
        created_at=datetime(2020, 1, 1, tzinfo=UTC))).inserted_primary_key[0]


def make_text(topic: str, rng: random.Random, n: int = 7) -> str:
    words = VOCAB[topic].split()
    return " ".join(rng.choice(words) for _ in range(n))


def add_items(store, specs, *, platform: str = "news") -> list[str]:
    """specs: iterable of dicts with topic, at, outlet; optional text, story, hashtags, lang, id."""
    rows, ids = [], []
    with store.begin() as conn:
        source_id = ensure_source(conn)
        for n, spec in enumerate(specs):
            text = spec.get("text") or make_text(spec["topic"], spec["rng"])
            item_id = spec.get("id") or hashlib.sha1(
                f"{spec['outlet']}|{spec['at'].isoformat()}|{text}|{n}".encode()).hexdigest()
            story_id = None
            if spec.get("story") is not None:
                story_id = spec["story"]
                if not conn.execute(stories.select().where(stories.c.id == story_id)).first():
                    conn.execute(stories.insert().values(id=story_id, title=text[:50],
                                                         first_seen_at=spec["at"], last_seen_at=spec["at"]))
            rows.append({"id": item_id, "source_id": source_id, "platform": spec.get("platform", platform),
                         "external_id": item_id[:12], "outlet": spec["outlet"], "author": None,
                         "url": f"https://example.org/{item_id[:10]}", "canonical_url": None,
                         "title": text, "text": "", "lang": spec.get("lang", "en"),
                         "published_at": spec["at"], "fetched_at": spec["at"],
                         "hashtags": spec.get("hashtags", []), "engagement": {}, "story_id": story_id})
            ids.append(item_id)
        insert_ignore(conn, items, rows, index_elements=["id"])
    return ids


def steady(topic: str, start: datetime, end: datetime, *, per_day: int, outlets: int, seed: int,
           prefix: str = "") -> list[dict]:
    """An evenly spread topic from ``outlets`` sources."""
    rng = random.Random(seed)
    total = int((end - start) / timedelta(days=1) * per_day)
    span = (end - start).total_seconds()
    return [{"topic": topic, "rng": rng, "at": start + timedelta(seconds=span * (k + rng.random()) / total),
             "outlet": f"{prefix}{topic}-outlet-{rng.randrange(outlets)}"} for k in range(total)]


def burst(topic: str, start: datetime, end: datetime, *, count: int, outlets: list[str], seed: int) -> list[dict]:
    rng = random.Random(seed)
    span = (end - start).total_seconds()
    return [{"topic": topic, "rng": rng, "at": start + timedelta(seconds=span * rng.random()),
             "outlet": outlets[k % len(outlets)]} for k in range(count)]
