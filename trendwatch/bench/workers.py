"""Collection on PostgreSQL with 1, 2 and 3 `trendwatch worker` processes vs SQLite.

The same feeds (``../shared/eval/feeds/kagi-200/benchmark_data`` served ``--copies`` times
from a loopback server in its own process) are collected from empty stores, first runs:

1. baseline: one process, ``collect_sources`` into a fresh SQLite file (what ``serve`` does);
2. one process, ``collect_sources`` into a fresh PostgreSQL database (same code, other store);
3. N = 1, 2, 3 ``trendwatch worker`` processes on a fresh PostgreSQL database each, timed
   from the moment every worker has registered (imports and start-up are not collection)
   to the moment every source has its first result stored.

On 2 cores a third worker cannot add a core: the rows say what several machines would get
only as an upper bound of the coordination cost. The PostgreSQL server is
``TRENDWATCH_BENCH_POSTGRES_URL`` (default postgres@127.0.0.1:5432); without one the
benchmark is skipped (exit 77). Run ``python -m trendwatch.bench.workers``; the JSON report
goes to data/bench/workers.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from trendwatch.bench.ingest import DEFAULT_FEEDS

DEFAULT_REPORT = Path("data/bench/workers.json")
POSTGRES_ENV = "TRENDWATCH_BENCH_POSTGRES_URL"
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
SKIP_EXIT = 77
WORKER_COUNTS = (1, 2, 3)


def config_text(base_url: str, files: list[Path], copies: int) -> str:
    paths = [f"{c}/{p.name}" for c in range(copies) for p in files]
    # one loopback host stands for ~200 real ones: per-host limit raised as in bench.ingest;
    # the cluster jobs are far off and the analysis fake, so only collection is measured
    return ('[company]\nname = "bench"\n[http]\nper_host = 16\nconcurrency = 16\n'
            '[analysis]\nevery = "24h"\nmodel = "hashing"\n[privacy]\npseudonymize_authors = false\n'
            + "".join(f'[[sources]]\nkind = "rss"\nname = "{path}"\nurl = "{base_url}/{path}"\n'
                      f'every = "1h"\n' for path in paths))


def fresh_database(admin_url: str):
    from trendwatch.store.db import scratch_postgres

    return scratch_postgres(admin_url, "trendwatch_bench")


def single_process(url: str, config: Path) -> dict[str, Any]:
    from trendwatch.collect.run import collect_sources
    from trendwatch.config.load import load_settings
    from trendwatch.store import open_store
    from trendwatch.store.items import count_items

    store = open_store(url)
    try:
        settings = load_settings(config)
        started = time.perf_counter()
        outcomes = asyncio.run(collect_sources(store, settings, now=datetime.now(UTC)))
        seconds = time.perf_counter() - started
        stored = count_items(store)
    finally:
        store.close()
    return {"seconds": round(seconds, 2), "sources": len(outcomes), "items": stored,
            "errors": sum(o.status in ("error", "disabled") for o in outcomes),
            "items_per_s": round(stored / seconds, 1) if seconds else None}


def cluster(url: str, config: Path, workers: int, timeout: float = 600) -> dict[str, Any]:
    from trendwatch.config.load import load_settings
    from trendwatch.store import open_store
    from trendwatch.store import workers as worker_rows
    from trendwatch.store.items import count_items

    store = open_store(url)
    far = datetime.now(UTC) + timedelta(days=1)
    for job in ("analyze", "briefing", "purge"):
        worker_rows.schedule_job(store, job, far, replace=True)
    expected = len(load_settings(config).sources)
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    procs = [subprocess.Popen([sys.executable, "-m", "trendwatch", "worker", "--config",
                               str(config), "--db", url, "--tick", "1s", "--log-level", "warning"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for _ in range(workers)]
    try:
        deadline = time.monotonic() + timeout
        while len(worker_rows.list_workers(store)) < workers:
            if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                raise RuntimeError("the workers did not start")
            time.sleep(0.05)
        started = time.perf_counter()
        while worker_rows.collected(store)[0] < expected:
            if time.monotonic() > deadline:
                raise RuntimeError("the workers did not finish in time")
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        stored = count_items(store)
        errors = worker_rows.collected(store)[1]
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(60)
            except subprocess.TimeoutExpired:
                p.kill()
        store.close()
    return {"workers": workers, "seconds": round(seconds, 2), "sources": expected,
            "items": stored, "errors": errors,
            "items_per_s": round(stored / seconds, 1) if seconds else None}


def run(report_path: str | Path | None = None, *, feeds_dir: str | Path | None = None,
        copies: int = 2, postgres_url: str | None = None) -> dict[str, Any]:
    from trendwatch.bench.feedserver import serve_folder

    folder = Path(feeds_dir or os.environ.get("TRENDWATCH_BENCH_FEEDS") or DEFAULT_FEEDS)
    if not folder.is_dir():
        print(f"benchmark data not found at {folder} (needs ../shared/eval)")
        raise SystemExit(SKIP_EXIT)
    admin = postgres_url or os.environ.get(POSTGRES_ENV) or DEFAULT_POSTGRES
    try:
        with fresh_database(admin):
            pass
    except Exception as exc:  # noqa: BLE001 - no server: nothing to compare
        print(f"no PostgreSQL at {admin.split('@')[-1]}: {str(exc).splitlines()[0]}")
        raise SystemExit(SKIP_EXIT) from exc
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    report: dict[str, Any] = {"feeds": len(files) * copies, "copies": copies, "data": str(folder),
                              "cpus": os.cpu_count(), "load_before": round(os.getloadavg()[0], 2)}
    with tempfile.TemporaryDirectory() as tmp, serve_folder(folder) as base_url:
        config = Path(tmp) / "feeds.toml"
        config.write_text(config_text(base_url, files, copies), encoding="utf-8")
        report["sqlite_single"] = single_process(f"sqlite:///{Path(tmp) / 'bench.db'}", config)
        with fresh_database(admin) as url:
            report["postgres_single"] = single_process(url, config)
        report["postgres_workers"] = []
        for count in WORKER_COUNTS:
            with fresh_database(admin) as url:
                report["postgres_workers"].append(cluster(url, config, count))
    report["load_after"] = round(os.getloadavg()[0], 2)
    base = report["sqlite_single"]["seconds"]
    for row in [report["postgres_single"], *report["postgres_workers"]]:
        row["speedup_vs_sqlite"] = round(base / row["seconds"], 2) if row["seconds"] else None
    path = Path(report_path or DEFAULT_REPORT)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2), encoding="utf-8")
    report["report_path"] = str(path)
    return report


def format_report(report: dict[str, Any]) -> str:
    s = report["sqlite_single"]
    lines = [f"{report['feeds']} loopback feeds, first collection into an empty store:",
             f"  SQLite, one process        {s['seconds']:7.1f} s  {s['items']} items  "
             f"({s['items_per_s']} items/s)"]
    p = report["postgres_single"]
    lines.append(f"  PostgreSQL, one process    {p['seconds']:7.1f} s  {p['items']} items  "
                 f"× {p['speedup_vs_sqlite']} vs SQLite")
    for w in report["postgres_workers"]:
        lines.append(f"  PostgreSQL, {w['workers']} worker(s)     {w['seconds']:7.1f} s  "
                     f"{w['items']} items  × {w['speedup_vs_sqlite']} vs SQLite")
    lines.append(f"load average {report['load_before']} before, {report['load_after']} after "
                 f"({report['cpus']} CPUs); report: {report['report_path']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m trendwatch.bench.workers", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--report", default=None, help=f"JSON report path (default {DEFAULT_REPORT})")
    parser.add_argument("--feeds", default=None, help="folder of feed files (default kagi-200)")
    parser.add_argument("--copies", type=int, default=2, help="serve the set N times (default 2)")
    parser.add_argument("--postgres", default=None, help=f"admin URL (default ${POSTGRES_ENV} "
                                                         f"or {DEFAULT_POSTGRES})")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    args = parser.parse_args(argv)
    report = run(args.report, feeds_dir=args.feeds, copies=args.copies,
                 postgres_url=args.postgres)
    print(json.dumps(report, default=str) if args.json else format_report(report))
    return 0


def figures(r: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows for `make bench`: each PostgreSQL run against SQLite single-process, same feeds."""
    base = r["sqlite_single"]
    baseline = f"SQLite one process {base['seconds']} s"
    rows = [{"figure": f"collect {r['feeds']} feeds, PostgreSQL one process",
             "value": r["postgres_single"]["seconds"], "unit": "s", "baseline": baseline,
             "ratio": r["postgres_single"]["speedup_vs_sqlite"], "target": "≥ 1"}]
    for w in r["postgres_workers"]:
        rows.append({"figure": f"collect {r['feeds']} feeds, PostgreSQL {w['workers']} worker(s)",
                     "value": w["seconds"], "unit": "s", "baseline": baseline,
                     "ratio": w["speedup_vs_sqlite"], "target": "≥ 1"})
    return rows


if __name__ == "__main__":
    sys.exit(main())
