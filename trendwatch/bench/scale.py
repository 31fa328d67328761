"""Scale curve: analysis time and peak memory at 10k, 50k and 200k items in the window.

Each size gets a fresh SQLite store seeded with synthetic items (texts built from the
demo stories' templates, so there are real topics to find, spread over the 7-day
window across ~200 outlets and accounts), then ``trendwatch.analysis.run.analyze`` runs
in a child process of its own, so its peak RSS is the analysis' and nothing else's.
The growth column divides each size's time by the smallest size's, per item: 1.0 is
linear growth. Sizes in ``--baseline-sizes`` (10k, 50k) are also analysed with the
previous engine (PREVIOUS_ENGINE) on a copy of the same store; the 200k row compares with
the figure measured before. Run ``python -m trendwatch.bench.scale [--sizes 10000,50000]
[--embedder hashing|model] [--baseline-sizes 10000]``; the report goes to
data/bench/scale.json.

The default embedder is the deterministic hashing one at the real model's 384
dimensions, so the curve shows the analysis' own cost (embedding throughput has its
own benchmark); ``--embedder model`` uses the configured sentence-transformers model.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

DEFAULT_SIZES = (10_000, 50_000, 200_000)
DEFAULT_REPORT = Path("data/bench/scale.json")
SKIP_EXIT = 77            # "skipped" for the bench runner (the autotools convention)
CONFIG = """
[company]
name = "Northwind Mobility"
description = "Lightweight e-bikes and an e-bike subscription for city commuters."
[[products]]
name = "Northwind Flow"
description = "A 15 kg folding e-bike for mixed commutes by train and bike."
keywords = ["e-bike", "folding bike", "commute", "battery"]
[[products]]
name = "Northwind Fleet"
description = "E-bike subscription and fleet service for delivery teams."
keywords = ["fleet", "cargo bike", "delivery", "last mile"]
[analysis]
window = "7d"
model = "all-MiniLM-L6-v2"
"""


def synthetic_rows(n: int, now: datetime, seed: int = 1) -> tuple[list[dict], list[dict]]:
    """``n`` item rows and their source rows; topics = a demo story × a city × a brand."""
    from trendwatch.demo.dataset import _fill
    from trendwatch.demo.stories import CHATTER, SLOTS, STORIES

    rng = random.Random(seed)
    sources = [{"id": i + 1, "name": f"source-{i}", "kind": "rss" if i < 120 else "mastodon",
                "platform": "news" if i < 120 else "mastodon", "params": {}, "error_count": 0,
                "disabled": False, "last_new_items": 0, "last_bytes": 0, "created_at": now}
               for i in range(200)]
    # English stories only: the scale benchmark measures one model on one language
    topics = [(story, city, brand) for story in STORIES if story.en.headlines
              for city in SLOTS["city"] for brand in SLOTS["brand"]]
    weights = [rng.paretovariate(1.2) for _ in topics]       # a few big topics, a long tail
    window = timedelta(days=7).total_seconds()
    rows = []
    for i in range(n):
        source = rng.choice(sources)
        if rng.random() < 0.15:
            title, text, tags = rng.choice(CHATTER), "", []
        else:
            story, city, brand = rng.choices(topics, weights)[0]
            slots = {key: rng.choice(values) for key, values in SLOTS.items()}
            slots.update(city=city, city2=city, brand=brand)
            title = _fill(rng.choice(story.en.headlines), slots)
            text = " ".join(_fill(s, slots) for s in rng.sample(story.en.sentences, 2))
            tags = list(story.hashtags[:2])
        published = now - timedelta(seconds=rng.uniform(0, window))
        rows.append({
            "id": f"synthetic-{i:07d}", "source_id": source["id"], "platform": source["platform"],
            "external_id": str(i), "outlet": source["name"], "author": None,
            "url": f"https://example.com/{i}", "canonical_url": f"https://example.com/{i}",
            "title": title, "text": text, "lang": "en", "published_at": published,
            "fetched_at": now, "hashtags": tags, "engagement": {}, "story_id": i + 1,
            "minhash": None,
        })
    return sources, rows


def seed_store(url: str, n: int, now: datetime) -> float:
    """A fresh, migrated store holding ``n`` synthetic items. Returns the seconds it took."""
    from trendwatch.store import open_store
    from trendwatch.store.items import write_items, write_stories
    from trendwatch.store.sources import write_sources

    started = time.perf_counter()
    store = open_store(url)
    source_rows, rows = synthetic_rows(n, now)
    with store.begin() as conn:
        write_sources(conn, source_rows)
        for start in range(0, n, 20_000):
            chunk = rows[start:start + 20_000]
            write_stories(conn, [{"id": r["story_id"], "title": r["title"],
                                  "first_seen_at": r["published_at"],
                                  "last_seen_at": r["published_at"]} for r in chunk])
            write_items(conn, chunk)
    store.close()
    return time.perf_counter() - started


# the engine before issue 15, for the baseline rows: UMAP's own NN-descent only above 40k
# items (the exact graph below) and scikit-learn's HDBSCAN (Prim's MST, quadratic)
PREVIOUS_ENGINE = {"cluster_engine": "sklearn", "cluster_exact_knn_max": 40_000}
DEFAULT_BASELINE_SIZES = (10_000, 50_000)
# measured with the previous engine on 2026-11-26 (README): 200k is not re-run for the
# baseline (7 minutes of two shared cores), this figure stands in for it
PREVIOUS_200K = {"seconds": 398.0, "peak_rss_mb": 2702}


def measure(url: str, now: datetime, embedder_name: str,
            extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """In a child process: one full analysis run, its time, stage times and peak RSS.
    ``extra`` goes to ``[analysis.extra]`` (the clusterer's cluster_* settings)."""
    from trendwatch.analysis.embed.base import HashingEmbedder
    from trendwatch.analysis.run import analyze
    from trendwatch.config.load import parse_settings
    from trendwatch.store import open_store

    config = CONFIG
    if extra:
        config += "[analysis.extra]\n" + "".join(f"{k} = {json.dumps(v)}\n"
                                                 for k, v in extra.items())
    settings = parse_settings(config, source_name="bench-scale.toml")
    embedder = HashingEmbedder(dim=384) if embedder_name == "hashing" else None
    store = open_store(url)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    result = analyze(store, settings, now, embedder=embedder, full=True)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    summary = {k: v for k, v in (vars(result) if hasattr(result, "__dict__") else
                                 (result if isinstance(result, dict) else {})).items()
               if isinstance(v, (int, float, str))}
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(peak), "rss_before_mb": round(rss_before),
            "timings": dict(getattr(result, "timings", {}) or {}), "result": summary}


def _child(url: str, now: datetime, embedder: str, extra: dict[str, Any] | None,
           timeout: float) -> dict[str, Any]:
    command = [sys.executable, "-m", "trendwatch.bench.scale", "--measure", url,
               "--now", now.isoformat(), "--embedder", embedder]
    if extra:
        command += ["--extra", json.dumps(extra)]
    child = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if child.returncode != 0:
        raise RuntimeError(f"analysis of {url} failed:\n{child.stderr[-2000:]}")
    return json.loads(child.stdout.strip().splitlines()[-1])


def run(sizes: tuple[int, ...] = DEFAULT_SIZES, embedder: str = "hashing",
        report_path: str | Path | None = None, timeout: float = 3600,
        baseline_sizes: tuple[int, ...] = DEFAULT_BASELINE_SIZES) -> dict[str, Any]:
    """Each size with today's engine; the sizes in ``baseline_sizes`` also with the previous
    engine (PREVIOUS_ENGINE) on a copy of the same seeded store."""
    now = datetime.now(UTC).replace(microsecond=0)
    report: dict[str, Any] = {"embedder": embedder, "cpus": os.cpu_count(), "sizes": [],
                              "previous_engine": PREVIOUS_ENGINE}
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "scale.db"
            url = f"sqlite:///{path}"
            seeded = seed_store(url, n, now)
            if n in baseline_sizes:
                shutil.copyfile(path, Path(tmp) / "baseline.db")
            result = _child(url, now, embedder, None, timeout)
            row = {"items": n, "seed_seconds": round(seeded, 1), **result}
            print(f"  {n:>7,} items: {result['seconds']:.1f} s, peak {result['peak_rss_mb']} MB "
                  f"{result['timings']}", flush=True)
            if n in baseline_sizes:
                path.unlink()                    # one store on disk at a time
                before = _child(f"sqlite:///{Path(tmp) / 'baseline.db'}", now, embedder,
                                PREVIOUS_ENGINE, timeout)
                row["baseline"] = {k: before[k] for k in ("seconds", "peak_rss_mb", "timings")}
                print(f"  {n:>7,} items, previous engine: {before['seconds']:.1f} s, peak "
                      f"{before['peak_rss_mb']} MB", flush=True)
            elif n == 200_000:
                row["baseline"] = {**PREVIOUS_200K, "measured": "2026-11-26, README"}
            report["sizes"].append(row)
    first = report["sizes"][0]
    previous = None
    for row in report["sizes"]:
        # seconds per item relative to the smallest size: 1.0 = linear growth
        per_item = row["seconds"] / row["items"]
        row["growth_vs_linear"] = round(per_item / (first["seconds"] / first["items"]), 2) \
            if first["seconds"] else None
        # … and relative to the next smaller size (≤ 1.0: no dearer per item as the window grows)
        row["per_item_vs_previous_size"] = round(
            per_item / (previous["seconds"] / previous["items"]), 2) if previous else None
        previous = row
    path = Path(report_path) if report_path else DEFAULT_REPORT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    report["report_path"] = str(path)
    return report


def figures(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows for the bench table (see trendwatch.bench.__main__)."""
    out = []
    for row in report.get("sizes", []):
        label = f"{row['items'] // 1000}k items"
        before = row.get("baseline")
        growth = (f"; per item {row['growth_vs_linear']}× the smallest size's"
                  if row.get("growth_vs_linear") is not None else "")
        target = "< 180 s" if row["items"] == 200_000 else None
        if before:
            where = f" ({before['measured']})" if before.get("measured") else ""
            out.append({"figure": f"analysis time, {label}", "value": row["seconds"], "unit": "s",
                        "baseline": f"previous engine {before['seconds']} s{where}{growth}",
                        "ratio": round(row["seconds"] / before["seconds"], 2), "target": target})
            out.append({"figure": f"peak memory, {label}", "value": row["peak_rss_mb"], "unit": "MB",
                        "baseline": f"previous engine {before['peak_rss_mb']} MB; "
                                    f"{row['rss_before_mb']} MB before analysis",
                        "ratio": round(row["peak_rss_mb"] / before["peak_rss_mb"], 2),
                        "target": "< 2048 MB" if target else None})
        else:
            out.append({"figure": f"analysis time, {label}", "value": row["seconds"], "unit": "s",
                        "baseline": "linear from the smallest size",
                        "ratio": row.get("growth_vs_linear"), "target": target})
            out.append({"figure": f"peak memory, {label}", "value": row["peak_rss_mb"], "unit": "MB",
                        "baseline": f"{row['rss_before_mb']} MB before analysis", "ratio": None})
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m trendwatch.bench.scale", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="comma-separated item counts (default 10000,50000,200000)")
    parser.add_argument("--embedder", choices=["hashing", "model"], default="hashing")
    parser.add_argument("--report", default=None, help=f"JSON report (default {DEFAULT_REPORT})")
    parser.add_argument("--measure", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--now", help=argparse.SUPPRESS)
    parser.add_argument("--extra", help=argparse.SUPPRESS)
    parser.add_argument("--baseline-sizes", default=",".join(map(str, DEFAULT_BASELINE_SIZES)),
                        help="sizes also measured with the previous engine (default 10000,50000; "
                             "'' for none)")
    args = parser.parse_args(argv)
    try:
        import trendwatch.analysis.run  # noqa: F401
    except ImportError:
        print("skipped: trendwatch.analysis.run is not installed yet (the analysis stage)")
        return SKIP_EXIT
    if args.measure:
        extra = json.loads(args.extra) if args.extra else None
        print(json.dumps(measure(args.measure, datetime.fromisoformat(args.now), args.embedder,
                                 extra)))
        return 0
    sizes = tuple(int(s) for s in args.sizes.split(",") if s.strip())
    baseline = tuple(int(s) for s in args.baseline_sizes.split(",") if s.strip())
    report = run(sizes, args.embedder, args.report, baseline_sizes=baseline)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
