"""Emergence backtest on CrisisLexT26 over a steady News-T background.

Every labelled tweet of the 13 events (related or not: keyword streams carry
noise) is replayed at its real time, one account per tweet (the data set has no
authors; retweets collapse into stories through the normal dedup). Around each
event, News-T headlines are shuffled and spread evenly from 7 days before the
replay to its end, from 300 synthetic outlets, so the background has no bursts:
any emerging flag on it is a false alarm. An event's *onset* is the start of the
first 6-hour bin with ≥ 10 of its related tweets (some events have stray early
tweets days before); it counts as flagged when a topic that is ≥ 50 % its tweets
is emerging. The replay runs analyze() with the product's default settings every
6 hours from 12 h before onset to 48 h after, in a throwaway SQLite store.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from trendwatch.analysis.run import analyze, item_text
from trendwatch.bench import datasets as ds
from trendwatch.collect.ingest import ItemWriter, prepare_rows
from trendwatch.config.load import parse_settings
from trendwatch.models import RawItem, SourceSpec
from trendwatch.store import open_store
from trendwatch.store.items import item_texts
from trendwatch.store.runs import load_assignments, save_embeddings, topic_rows
from trendwatch.store.sources import sync_sources

STEP = timedelta(hours=6)
BEFORE, AFTER = timedelta(hours=12), timedelta(hours=48)
BACKGROUND_PER_EVENT = 3000
OUTLETS = 300
ONSET_MIN = 10


def onsets(tweets: list[ds.Doc]) -> dict[str, datetime]:
    bins: dict[str, Counter] = defaultdict(Counter)
    for d in tweets:
        if d.label != "noise":
            slot = int(d.published_at.timestamp() // STEP.total_seconds())
            bins[d.label][slot] += 1
    out = {}
    for event, counts in bins.items():
        first = min((s for s, n in counts.items() if n >= ONSET_MIN), default=min(counts))
        out[event] = datetime.fromtimestamp(first * STEP.total_seconds(), tz=UTC)
    return out


def replay(eval_dir: Path, embedder, *, quick: bool = False, vectors: dict | None = None) -> dict:
    related = ds.crisislex(eval_dir)
    everything = ds.crisislex(eval_dir, related_only=False)
    related_ids = {d.id for d in related}
    tweets = [ds.Doc(d.id, d.text, d.label if d.id in related_ids else "noise", d.published_at,
                     d.hashtags) for d in everything]
    onset = onsets(tweets)
    events = sorted(onset, key=onset.get)
    if quick:
        events = events[:3]
    news = ds.news_t(eval_dir)
    rng = random.Random(7)
    folder = Path(tempfile.mkdtemp(prefix="trendwatch-eval-"))
    store = open_store(f"sqlite:///{folder / 'replay.db'}")
    settings = parse_settings('[company]\nname = "eval"\n')
    settings.analysis.model = embedder.model_id
    label_of: dict[str, str] = {}
    src = sync_sources(store, [SourceSpec(name, "file", platform, {})
                               for name, platform in (("crisislex", "x"), ("news-t", "news"))],
                       datetime(2012, 1, 1, tzinfo=UTC))
    raws_tw = [RawItem(title=d.text, external_id=d.id, published_at=d.published_at,
                       outlet=f"tw:{d.id}", hashtags=list(d.hashtags)) for d in tweets]
    raws_bg, bg_labels = [], []
    for event in events:
        start, end = onset[event] - BEFORE - timedelta(days=7), onset[event] + AFTER
        sample = rng.sample(news, min(BACKGROUND_PER_EVENT // (5 if quick else 1), len(news)))
        span = (end - start).total_seconds()
        for k, doc in enumerate(sample):
            raws_bg.append(RawItem(title=doc.text, external_id=f"{event}:{doc.id}",
                                   published_at=start + timedelta(seconds=span * (k + rng.random()) / len(sample)),
                                   outlet=f"outlet-{rng.randrange(OUTLETS)}"))
            bg_labels.append("background")
    latest = max(r.published_at for r in raws_tw + raws_bg)
    rows_tw = prepare_rows(raws_tw, platform="x", source_name="crisislex", fetched_at=latest)
    rows_bg = prepare_rows(raws_bg, platform="news", source_name="news-t", fetched_at=latest)
    for row, doc in zip(rows_tw, tweets):
        label_of[row["id"]] = doc.label
    for row in rows_bg:
        label_of[row["id"]] = "background"
    for rows, source in ((rows_tw, "crisislex"), (rows_bg, "news-t")):
        rows.sort(key=lambda r: r["published_at"])
    # one writer over the merged timeline, so the story index sees items in time order
    writer = ItemWriter(store, latest)
    merged = sorted([(r, src["crisislex"]) for r in rows_tw] + [(r, src["news-t"]) for r in rows_bg],
                    key=lambda p: p[0]["published_at"])
    for start_at in range(0, len(merged), 2000):
        chunk = merged[start_at:start_at + 2000]
        for source_id in set(s for _, s in chunk):
            writer.write(source_id, [r for r, s in chunk if s == source_id])
    # vectors: computed once per distinct text (the same headline appears around several events)
    vectors = dict(vectors or {})
    stored = item_texts(store)
    texts = sorted({item_text(r) for r in stored} - set(vectors))
    if texts:
        vectors.update(zip(texts, embedder.embed(texts)))
    if stored:
        save_embeddings(store, [r["id"] for r in stored], embedder.model_id,
                        np.stack([vectors[item_text(r)] for r in stored]))

    steps = sorted({onset[e] - BEFORE + k * STEP for e in events
                    for k in range(int((BEFORE + AFTER) / STEP) + 1)})
    runs, stage = [], Counter()
    t0 = time.perf_counter()
    for now in steps:
        summary = analyze(store, settings, now, embedder)
        runs.append(summary)
        stage.update(summary.timings)
    elapsed = time.perf_counter() - t0

    flags: list[tuple[datetime, int, str, str]] = []  # (as_of, topic, majority label, topic label)
    for summary in runs:
        emerging = [(t["topic_id"], t["label"]) for t in topic_rows(store, summary.run_id)
                    if t["status"] == "emerging"]
        if not emerging:
            continue
        members_of: dict[int, list[str]] = defaultdict(list)
        for item_id, topic_id in load_assignments(store, summary.run_id).items():
            members_of[topic_id].append(item_id)
        for topic_id, label in emerging:
            members = members_of[topic_id]
            counts = Counter(label_of.get(m, "background") for m in members)
            top, n = counts.most_common(1)[0]
            majority = top if n / len(members) >= 0.5 and top not in ("noise",) else "background"
            flags.append((summary.as_of, topic_id, majority, label))
    per_event, delays = [], []
    for event in events:
        lo, hi = onset[event] - BEFORE, onset[event] + AFTER
        hits = sorted((t, lab) for t, _, m, lab in flags if m == event and lo <= t <= hi)
        first = hits[0] if hits else None
        delay = round((first[0] - onset[event]) / timedelta(hours=1), 1) if first else None
        if delay is not None:
            delays.append(max(delay, 0.0))
        per_event.append({"event": event, "onset": onset[event].isoformat(),
                          "first_flag": first[0].isoformat() if first else None,
                          "delay_h": delay, "label": first[1] if first else None})
    replayed_hours = len(steps) * STEP / timedelta(hours=1)
    false_topics = {(tid) for t, tid, m, _ in flags if m == "background"}
    false_flags = sum(1 for f in flags if f[2] == "background")
    flagged_24h = sum(1 for e in per_event if e["delay_h"] is not None and e["delay_h"] <= 24)
    total_items = sum(r.items for r in runs)
    return {
        "events": len(events), "runs": len(runs), "replayed_days": round(replayed_hours / 24, 1),
        "median_delay_h": round(statistics.median(delays), 1) if delays else None,
        "recall_24h": round(flagged_24h / len(events), 3), "flagged_24h": flagged_24h,
        "false_alarm_topics": len(false_topics), "false_alarm_flags": false_flags,
        "false_alarms_per_day": round(len(false_topics) / (replayed_hours / 24), 2),
        "false_alarm_flags_per_run": round(false_flags / max(len(runs), 1), 3),
        "seconds_per_run": round(elapsed / max(len(runs), 1), 2),
        "items_per_s": round(total_items / elapsed, 1) if elapsed else None,
        "stage_seconds": {k: round(v / max(len(runs), 1), 2) for k, v in stage.items()},
        "per_event": per_event, "store": str(folder / "replay.db"),
    }
