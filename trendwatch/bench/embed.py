"""Embedding stage and incremental cost, with the real model on a store of items.

    python -m trendwatch.bench.embed [--items 10000] [--new 0.01] [--report data/bench/embed.json]

1. A fresh SQLite store gets ``--items`` synthetic items (the scale benchmark's texts:
   demo-story headlines with two sentences each, chatter, ~200 outlets over 7 days).
2. **Full run**: ``trendwatch.analysis.run.analyze`` with the configured model (int8 ONNX
   by default). Its ``embed`` timing covers embedding *and* storing every vector.
3. **Baseline, same run, same texts**: bare ``SentenceTransformer.encode`` (default
   batch size, normalised), what a user would write instead. Stage ratio = bare
   seconds / our embed-stage seconds (target ≥ 0.9: the stage, with its database
   writes, must not be slower than the bare model call).
4. **Incremental**: ``--new`` (1 %) more items published in the next hour, then
   ``analyze`` one hour later, as the service does between full re-clusterings. Its
   time as a fraction of the full run (target ≤ 0.1); a forced full re-clustering of
   the same state is reported beside it (vectors are reused; clustering is redone).

The model loads once, in this process, before anything is timed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from trendwatch.bench.scale import CONFIG, SKIP_EXIT, seed_store, synthetic_rows

DEFAULT_REPORT = Path("data/bench/embed.json")
TARGETS = {"stage_ratio": 0.9, "incremental_fraction": 0.1}


def _add_items(url: str, n_old: int, n_new: int, now: datetime, later: datetime) -> None:
    """``n_new`` items after ``now`` (ids continue after the seeded ones)."""
    from trendwatch.store import open_store
    from trendwatch.store.items import write_items, write_stories

    _, rows = synthetic_rows(n_old + n_new, now, seed=2)
    rows = rows[n_old:]
    span = (later - now).total_seconds()
    for k, row in enumerate(rows):
        row["published_at"] = row["fetched_at"] = now + timedelta(seconds=span * (k + 1) / (n_new + 1))
    store = open_store(url)
    with store.begin() as conn:
        write_stories(conn, [{"id": r["story_id"], "title": r["title"],
                              "first_seen_at": r["published_at"],
                              "last_seen_at": r["published_at"]} for r in rows])
        write_items(conn, rows)
    store.close()


def _texts(url: str, now: datetime, window: timedelta) -> list[str]:
    from trendwatch.analysis.run import item_text
    from trendwatch.store import open_store
    from trendwatch.store.runs import load_window

    store = open_store(url)
    try:
        return [item_text(w) for w in load_window(store, now - window, now)]
    finally:
        store.close()


def run(n_items: int = 10_000, new_fraction: float = 0.01,
        report_path: str | Path | None = None) -> dict[str, Any]:
    from sentence_transformers import SentenceTransformer

    from trendwatch.analysis.embed.base import configure_threads, resolve_model_path
    from trendwatch.analysis.embed.sentence import make_embedder
    from trendwatch.analysis.run import analyze
    from trendwatch.config.load import parse_settings
    from trendwatch.store import open_store

    settings = parse_settings(CONFIG, source_name="bench-embed.toml")
    now = datetime.now(UTC).replace(microsecond=0)
    later = now + timedelta(hours=1)
    n_new = max(1, round(n_items * new_fraction))
    report: dict[str, Any] = {"items": n_items, "new_items": n_new, "cpus": os.cpu_count(),
                              "model": settings.analysis.model, "targets": TARGETS}
    configure_threads()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'embed.db'}"
        seed_store(url, n_items, now)
        # the int8 export is cached in data/models, where the service and `make eval` keep it
        embedder = make_embedder(settings.analysis.model, cache_dir=Path("data/models"),
                                 backend=settings.analysis.backend)
        embedder.embed(["warm up the session", "and the tokenizer"])
        texts = _texts(url, now, settings.analysis.window)

        store = open_store(url)
        started = time.perf_counter()
        full = analyze(store, settings, now, embedder=embedder)
        full_s = time.perf_counter() - started
        store.close()

        bare = SentenceTransformer(resolve_model_path(settings.analysis.model), device="cpu")
        bare.encode(texts[:64])
        started = time.perf_counter()
        bare.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
        bare_s = time.perf_counter() - started

        _add_items(url, n_items, n_new, now, later)
        store = open_store(url)
        started = time.perf_counter()
        incremental = analyze(store, settings, later, embedder=embedder)
        incremental_s = time.perf_counter() - started
        started = time.perf_counter()
        reclustered = analyze(store, settings, later + timedelta(seconds=1), embedder=embedder,
                              full=True)
        recluster_s = time.perf_counter() - started
        store.close()

    embed_s = full.timings.get("embed", 0.0)
    report.update({
        "backend": type(embedder).__name__,
        "full_run": {"seconds": round(full_s, 2), "mode": full.mode, "embedded": full.embedded,
                     "timings": full.timings},
        "embed_stage": {"texts": len(texts), "seconds": round(embed_s, 2),
                        "items_per_s": round(len(texts) / embed_s, 1) if embed_s else None},
        "baseline_encode": {"seconds": round(bare_s, 2),
                            "items_per_s": round(len(texts) / bare_s, 1)},
        "stage_ratio": round(bare_s / embed_s, 2) if embed_s else None,
        "incremental_run": {"seconds": round(incremental_s, 2), "mode": incremental.mode,
                            "embedded": incremental.embedded, "timings": incremental.timings},
        "incremental_fraction": round(incremental_s / full_s, 3),
        "full_recluster_after_new": {"seconds": round(recluster_s, 2), "mode": reclustered.mode,
                                     "embedded": reclustered.embedded,
                                     "fraction": round(recluster_s / full_s, 3)},
    })
    path = Path(report_path) if report_path else DEFAULT_REPORT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return report


def figures(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows for the bench table (see trendwatch.bench.__main__)."""
    stage, base = report["embed_stage"], report["baseline_encode"]
    inc, full = report["incremental_run"], report["full_run"]
    again = report["full_recluster_after_new"]
    return [
        {"figure": f"embedding stage, {stage['texts']:,} items ({report['backend']}, vectors stored)",
         "value": stage["items_per_s"], "unit": "items/s",
         "baseline": f"bare SentenceTransformer.encode {base['items_per_s']} items/s",
         "ratio": report["stage_ratio"], "target": f"≥ {TARGETS['stage_ratio']}"},
        {"figure": f"re-analysis after {report['new_items']} new items (1 %, {inc['mode']})",
         "value": inc["seconds"], "unit": "s",
         "baseline": f"full run {full['seconds']} s (embed {full['timings'].get('embed')} s)",
         "ratio": report["incremental_fraction"], "target": f"≤ {TARGETS['incremental_fraction']}"},
        {"figure": "same, forced full re-clustering (vectors reused)", "value": again["seconds"],
         "unit": "s", "baseline": f"full run {full['seconds']} s", "ratio": again["fraction"],
         "target": None},
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m trendwatch.bench.embed", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--new", type=float, default=0.01, help="fraction of new items (0.01 = 1 %%)")
    parser.add_argument("--report", default=None, help=f"JSON report (default {DEFAULT_REPORT})")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        import sentence_transformers  # noqa: F401
    except ImportError:
        print("skipped: sentence-transformers is not installed")
        return SKIP_EXIT
    report = run(args.items, args.new, args.report)
    for row in figures(report):
        print(f"  {row['figure']}: {row['value']} {row['unit']} ({row['baseline']}; ratio {row['ratio']})",
              file=sys.stderr)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
