"""Dashboard first paint on a big store: `python -m trendwatch.bench.dashboard`.

Seeds a synthetic store (default 100k items, 2k topics, daily runs over a week with
snapshots, assignments, opportunities and ideas), then times the first run of the
Today page with streamlit's AppTest in a fresh process: the very first session
(imports included), again with empty caches, and warm. Prints one JSON object;
target: first paint with empty caches < 2 s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dashboard" / "app.py"
TARGET_SECONDS = 2.0
WORDS = ("battery swap charging cargo bike delivery fleet tariff folding commute lane city "
         "subscription motor hub recycling safety helmet rental sharing scooter rail").split()


def seed(url: str, n_items: int, n_topics: int, now: datetime, seed_value: int = 7) -> dict:
    """Write the synthetic store; returns the counts written."""
    from trendwatch.store import open_store
    from trendwatch.store.schema import (
        assignments,
        ideas,
        items,
        opportunities,
        runs,
        sources,
        stories,
        topic_snapshots,
        topics,
    )

    rng = random.Random(seed_value)
    store = open_store(url)
    n_sources, n_runs, window = 200, 7, timedelta(days=7)
    with store.begin() as conn:
        conn.execute(sources.insert(), [dict(
            name=f"source {i}", kind="rss", platform="news" if i % 4 else "mastodon", params={},
            created_at=now - timedelta(days=60), error_count=i % 17 == 0, disabled=False,
            last_ok_at=now - timedelta(minutes=i % 90), next_check_at=now + timedelta(minutes=30),
        ) for i in range(1, n_sources + 1)])
        run_times = [now - timedelta(days=n_runs - 1 - r) for r in range(n_runs)]
        conn.execute(runs.insert(), [dict(
            id=r + 1, started_at=t, finished_at=t, as_of=t, window_start=t - window, window_end=t,
            status="ok", params={}, counts={}) for r, t in enumerate(run_times)])
        conn.execute(topics.insert(), [dict(
            id=t, first_seen_at=now - timedelta(days=30), last_seen_at=now - timedelta(hours=t % 200),
            label=" ".join(rng.sample(WORDS, 3)), keywords=rng.sample(WORDS, 5), hashtags=[],
            languages=["en"], status=("emerging", "watch", "established", "fading")[t % 4],
            size=n_items // n_topics, last_run_id=n_runs, dormant=False,
        ) for t in range(1, n_topics + 1)])
        n_stories = n_items // 3
        conn.execute(stories.insert(), [dict(id=s, title=f"story {s}", first_seen_at=now,
                                             last_seen_at=now) for s in range(1, n_stories + 1)])
        published, topic_of = [], []
        batch = []
        for i in range(n_items):
            at = now - timedelta(seconds=rng.random() * 30 * 86400)
            topic = 1 + int(rng.paretovariate(1.2)) % n_topics
            published.append(at)
            topic_of.append(topic)
            batch.append(dict(
                id=f"i{i:07d}", source_id=1 + i % n_sources, platform="news" if i % 4 else "mastodon",
                outlet=f"outlet{i % 700}.example", url=f"https://outlet{i % 700}.example/{i}",
                title=" ".join(rng.sample(WORDS, 6)), text="synthetic " * 20, lang="en",
                published_at=at, fetched_at=at, hashtags=[], engagement={},
                story_id=1 + i % n_stories))
            if len(batch) == 20000:
                conn.execute(items.insert(), batch)
                batch = []
        if batch:
            conn.execute(items.insert(), batch)
        n_assign = 0
        for r, t in enumerate(run_times, start=1):
            rows = [dict(run_id=r, item_id=f"i{i:07d}", topic_id=topic_of[i], probability=1.0)
                    for i in range(n_items) if t - window <= published[i] <= t]
            conn.execute(assignments.insert(), rows)
            n_assign += len(rows)
            conn.execute(topic_snapshots.insert(), [dict(
                run_id=r, topic_id=tid, as_of=t, size=10 + tid % 50, distinct_sources=3 + tid % 20,
                distinct_stories=3 + tid % 15, platforms={"news": 8, "mastodon": 2},
                label=f"topic {tid}", keywords=[], status=("emerging", "watch", "established",
                                                           "fading")[tid % 4],
                signal="strong", emergence=rng.random() * 10,
                score_parts={"surprise": rng.random(), "diversity": rng.random()},
                growth_24h=rng.random(), growth_7d=rng.random() * 3,
            ) for tid in range(1, n_topics + 1)])
        conn.execute(opportunities.insert(), [dict(
            run_id=n_runs, topic_id=tid, profile="Bench Co", product=product,
            relevance=rng.random(), priority=rng.random(), explanation="bench explanation",
            parts={}) for tid in range(1, n_topics + 1) for product in ("Alpha", "Beta")])
        conn.execute(ideas.insert(), [dict(
            run_id=n_runs, topic_id=tid, profile="Bench Co", product="Alpha", angle=angle,
            hook=f"hook {tid}", hashtags=[], sources=[], generator="template", created_at=now,
            drafts=[{"platform": "x", "text": "draft text", "length": 10, "limit": 280}],
        ) for tid in range(1, 31) for angle in ("news-hook", "how-to", "opinion")])
    store.close()
    return {"items": n_items, "topics": n_topics, "runs": n_runs, "assignments": n_assign,
            "snapshots": n_runs * n_topics, "opportunities": 2 * n_topics}


def measure(url: str, config: str) -> dict:
    """Run in a fresh process: time the Today page three ways with streamlit's AppTest.

    cold_process: the first session of a new server (module imports, empty caches);
    cold_cache: modules loaded but every cache empty (a new run, expired TTLs) — the
    figure that grows with the store and the one held to the target; warm: cached.
    """
    os.environ["TRENDWATCH_DATABASE_URL"] = url
    os.environ["TRENDWATCH_CONFIG"] = config
    # same as every dashboard start: no usage stats (they contact an IP-lookup host)
    os.environ["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] = "false"
    os.environ["STREAMLIT_SERVER_HEADLESS"] = "true"
    started = time.perf_counter()
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    import_s = time.perf_counter() - started
    timings = []
    for attempt in range(3):
        if attempt == 1:
            st.cache_data.clear()
            st.cache_resource.clear()
        at = AppTest.from_file(str(APP), default_timeout=120)
        t0 = time.perf_counter()
        at.run()
        timings.append(time.perf_counter() - t0)
        if at.exception:
            raise SystemExit(f"dashboard raised: {at.exception[0].value}")
        cards = sum(1 for m in at.metric if m.label == "Priority")
    return {"streamlit_import_s": round(import_s, 3),
            "first_paint_cold_process_s": round(timings[0], 3),
            "first_paint_cold_cache_s": round(timings[1], 3), "first_paint_warm_s": round(timings[2], 3),
            "cards": cards}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--topics", type=int, default=2_000)
    parser.add_argument("--db", default="data/bench/dashboard.db",
                        help="SQLite file to (re)create for the benchmark")
    parser.add_argument("--measure-only", nargs=2, metavar=("URL", "CONFIG"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure_only:
        print(json.dumps(measure(*args.measure_only)))
        return 0
    path = Path(args.db)
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{path.resolve()}"
    config = path.parent / "feeds.toml"
    config.write_text('[company]\nname = "Bench Co"\n[[products]]\nname = "Alpha"\n'
                      '[[products]]\nname = "Beta"\n', encoding="utf-8")
    t0 = time.perf_counter()
    counts = seed(url, args.items, args.topics, datetime.now(UTC).replace(microsecond=0))
    seed_s = time.perf_counter() - t0
    out = subprocess.run([sys.executable, "-m", "trendwatch.bench.dashboard", "--measure-only",
                          url, str(config.resolve())], capture_output=True, text=True,
                         cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if out.returncode:
        sys.stderr.write(out.stderr)
        return out.returncode
    result = {"bench": "dashboard_first_paint", **counts, "seed_s": round(seed_s, 1),
              **json.loads(out.stdout.strip().splitlines()[-1]), "target_s": TARGET_SECONDS}
    result["ok"] = result["first_paint_cold_cache_s"] < TARGET_SECONDS
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
