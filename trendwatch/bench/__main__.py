"""`python -m trendwatch.bench` (`make bench`): every benchmark, one table, one JSON file.

Runs each benchmark module of this package (a module with a ``main``) in its own
process, in a fixed order, and collects its JSON report: the last line of its output
that is a JSON object, else ``data/bench/<name>.json`` if it wrote one during the run.
A module exiting with 77 was skipped (its last output line says why: missing data,
a stage not installed). The table shows each figure next to its baseline measured in
the same run and their ratio; ``data/bench/results.json`` keeps every report.

Contract for a benchmark module: ``main(argv) -> int`` and, optionally,
``figures(report) -> list[dict]`` with keys ``figure``, ``value``, ``unit``,
``baseline``, ``ratio``, ``target`` (any may be None). Modules without ``figures``
get an adapter below or are listed with their raw report.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

RESULTS = Path("data/bench/results.json")
ORDER = ["ingest", "inbox", "workers", "embed", "cluster", "eval", "scale", "dashboard"]
HELPERS = {"feedserver", "datasets"}
SKIP_EXIT = 77


def discover() -> list[str]:
    import trendwatch.bench as package

    names = [m.name for m in pkgutil.iter_modules(package.__path__)
             if not m.name.startswith("_") and m.name not in HELPERS]
    found = []
    for name in names:
        try:
            module = importlib.import_module(f"trendwatch.bench.{name}")
        except ImportError as exc:     # a module whose optional dependency is missing
            print(f"cannot import trendwatch.bench.{name}: {exc}", file=sys.stderr)
            continue
        if callable(getattr(module, "main", None)):
            found.append(name)
    return sorted(found, key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n))


def last_json(output: str) -> dict[str, Any] | None:
    for line in reversed(output.strip().splitlines()):
        line = line.strip()
        if line.startswith("{") and line.endswith("}"):
            try:
                return json.loads(line)
            except ValueError:
                continue
    return None


def load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:           # not on every platform
        return None


def run_one(name: str, timeout: float) -> dict[str, Any]:
    """One benchmark in its own process; its report, duration and the machine's load.

    The 1-minute load average is recorded at the start and the end: the machine may be
    shared, and a figure measured under load says so next to it.
    """
    load_start = load_average()
    result = _run_one(name, timeout)
    result["load"] = {"start": load_start, "end": load_average()}
    return result


def _run_one(name: str, timeout: float) -> dict[str, Any]:
    started = time.time()
    print(f"\n=== {name}: python -m trendwatch.bench.{name}", flush=True)
    lines: list[str] = []
    child = subprocess.Popen([sys.executable, "-m", f"trendwatch.bench.{name}"], text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, bufsize=1)
    assert child.stdout is not None
    try:
        for line in child.stdout:          # stream: long benchmarks show their progress
            lines.append(line)
            if not (line.startswith("{") and len(line) > 300):
                print("  " + line.rstrip(), flush=True)
        code = child.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        return {"status": "failed", "reason": f"timed out after {timeout:g} s",
                "seconds": round(time.time() - started, 1)}
    output = "".join(lines)
    seconds = round(time.time() - started, 1)
    last_line = output.strip().splitlines()[-1] if output.strip() else ""
    if code == SKIP_EXIT:
        return {"status": "skipped", "reason": last_line.removeprefix("skipped:").strip(),
                "seconds": seconds}
    if code != 0:
        return {"status": "failed", "reason": f"exit {code}: {last_line[:300]}", "seconds": seconds}
    report = last_json(output)
    written = Path(f"data/bench/{name}.json")
    if report is None and written.exists() and written.stat().st_mtime >= started:
        report = json.loads(written.read_text())
    return {"status": "ok", "seconds": seconds, "report": report or {}}


# --- adapters for modules that have no figures() --------------------------------------

def _ingest(r: dict[str, Any]) -> list[dict[str, Any]]:
    base, first, second = r.get("baseline_feedparser") or {}, r.get("first_run") or {}, r.get("second_run") or {}
    rows = [{"figure": "collect throughput (first run)", "value": first.get("entries_per_s"),
             "unit": "entries/s", "baseline": f"bare feedparser {base.get('entries_per_s')} entries/s",
             "ratio": r.get("ratio_vs_baseline"), "target": f"≥ {r.get('target_ratio', 2)}"}]
    if first.get("seconds") and second.get("seconds") is not None:
        rows.append({"figure": "second run (conditional GET)", "value": second["seconds"], "unit": "s",
                     "baseline": f"first run {first['seconds']} s, "
                                 f"{first.get('bytes_received', 0) / 1e6:.1f} MB → "
                                 f"{second.get('bytes_received', 0) / 1e6:.2f} MB",
                     "ratio": round(second["seconds"] / first["seconds"], 3), "target": None})
    return rows


def _dashboard(r: dict[str, Any]) -> list[dict[str, Any]]:
    value = r.get("first_paint_cold_cache_s")
    target = r.get("target_s")
    return [{"figure": f"dashboard first paint, {r.get('items', 0) // 1000}k items (cold cache)",
             "value": value, "unit": "s", "baseline": f"warm {r.get('first_paint_warm_s')} s",
             "ratio": round(value / target, 2) if value and target else None,
             "target": f"< {target} s" if target else None}]


def _eval(r: dict[str, Any]) -> list[dict[str, Any]]:
    e = r["embedding"]
    rows = [{"figure": f"embedder alone, {e['texts']:,} texts ({e['backend']})",
             "value": e["ours_items_per_s"], "unit": "items/s",
             "baseline": f"bare SentenceTransformer.encode {e['bare_items_per_s']} items/s; "
                         f"cosine to it {e['cosine_mean']}",
             "ratio": e["ratio"], "target": "≥ 0.9"}]
    for c in r.get("clustering", []):
        ours, base = c["ours"], c["bertopic_default"]
        name = c["dataset"].split()[0]
        rows.append({"figure": f"clustering NMI, {name} ({ours['items']:,} items, "
                               f"{c['true_clusters']} true clusters)",
                     "value": ours["nmi"], "unit": "",
                     "baseline": f"BERTopic default (UMAP+HDBSCAN) NMI {base['nmi']}",
                     "ratio": round(ours["nmi"] / base["nmi"], 2) if base["nmi"] else None,
                     "target": "≥ 1 (at least BERTopic's)"})
        rows.append({"figure": f"clustering time, {name}", "value": ours["seconds"], "unit": "s",
                     "baseline": f"BERTopic default {base['seconds']} s",
                     "ratio": c["time_ratio"], "target": "≤ 0.33"})
    em = r.get("emergence")
    if em:
        rows.append({"figure": f"emergence replay ({em['events']} CrisisLex events): median delay",
                     "value": em["median_delay_h"], "unit": "h", "baseline": None, "ratio": None,
                     "target": "≤ 6 h"})
        rows.append({"figure": "emergence: events flagged within 24 h", "value": em["recall_24h"],
                     "unit": "", "baseline": f"{em['flagged_24h']}/{em['events']}", "ratio": None,
                     "target": "≥ 0.9"})
        rows.append({"figure": "emergence: false alarms per replayed day",
                     "value": em["false_alarms_per_day"], "unit": "",
                     "baseline": f"{em['replayed_days']} days, {em['runs']} runs", "ratio": None,
                     "target": "≤ 1"})
    return rows


ADAPTERS = {"ingest": _ingest, "dashboard": _dashboard, "eval": _eval}


def figures_of(name: str, report: dict[str, Any]) -> list[dict[str, Any]]:
    try:
        module = importlib.import_module(f"trendwatch.bench.{name}")
    except ImportError:
        module = None
    extract = getattr(module, "figures", None) or ADAPTERS.get(name)
    if extract is None:
        return [{"figure": "(see data/bench/results.json)", "value": None}]
    try:
        return extract(report)
    except (KeyError, TypeError, ValueError, ZeroDivisionError) as exc:
        return [{"figure": f"(report not understood: {exc})", "value": None}]


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 100 else f"{value:,.0f}"
    return str(value)


def print_table(results: dict[str, dict[str, Any]], console: Console | None = None) -> None:
    table = Table(title="trendwatch benchmarks", header_style="bold")
    for column in ("benchmark", "figure", "value", "baseline (same run)", "ratio", "target", "load"):
        table.add_column(column, overflow="fold")
    for name, result in results.items():
        load = result.get("load") or {}
        load_text = f"{_fmt(load.get('start'))}→{_fmt(load.get('end'))}" if load else "–"
        if result["status"] != "ok":
            style = "yellow" if result["status"] == "skipped" else "red"
            table.add_row(name, Text(f"{result['status']}: {result.get('reason', '')}", style=style),
                          "", "", "", "", load_text)
            continue
        for row in result["figures"]:
            value = _fmt(row.get("value")) + (f" {row['unit']}" if row.get("unit") and row.get("value") is not None else "")
            table.add_row(name, Text(str(row.get("figure", ""))), value,
                          Text(str(row.get("baseline") or "–")), _fmt(row.get("ratio")),
                          Text(str(row.get("target") or "–")), load_text)
    (console or Console()).print(table)


def markdown_table(results: dict[str, dict[str, Any]]) -> str:
    """The same table as Markdown (for the README): ``--markdown results.json``."""
    def cell(value: Any) -> str:
        return str(value).replace("|", "\\|")

    lines = ["| benchmark | figure | value | baseline (same run) | ratio | target | load 1 min |",
             "|---|---|---|---|---|---|---|"]
    for name, result in results.items():
        load = result.get("load") or {}
        load_text = f"{_fmt(load.get('start'))}→{_fmt(load.get('end'))}" if load else "–"
        if result["status"] != "ok":
            lines.append(f"| {name} | {result['status']}: {cell(result.get('reason', ''))} | | | | | {load_text} |")
            continue
        for row in result.get("figures", []):
            value = _fmt(row.get("value"))
            if row.get("unit") and row.get("value") is not None:
                value += f" {row['unit']}"
            lines.append(f"| {name} | {cell(row.get('figure', ''))} | {cell(value)} | "
                         f"{cell(row.get('baseline') or '–')} | {_fmt(row.get('ratio'))} | "
                         f"{cell(row.get('target') or '–')} | {load_text} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m trendwatch.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="only these benchmarks (default: all)")
    parser.add_argument("--timeout", type=float, default=3 * 3600, help="per benchmark, seconds")
    parser.add_argument("--results", default=str(RESULTS), help=f"JSON output (default {RESULTS})")
    parser.add_argument("--markdown", metavar="RESULTS_JSON",
                        help="print the table of an earlier run as Markdown and exit")
    args = parser.parse_args(argv)
    if args.markdown:
        stored = json.loads(Path(args.markdown).read_text(encoding="utf-8"))["benchmarks"]
        for name, result in stored.items():
            if result["status"] == "ok":          # re-derive: adapters may have improved
                result["figures"] = figures_of(name, result.get("report") or {})
        print(markdown_table(stored))
        return 0
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    available = discover()
    unknown = [n for n in args.names if n not in available]
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; available: {available}")
    results: dict[str, dict[str, Any]] = {}
    for name in args.names or available:
        result = run_one(name, args.timeout)
        if result["status"] == "ok":
            result["figures"] = figures_of(name, result["report"])
        results[name] = result
    print()
    print_table(results)
    path = Path(args.results)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "benchmarks": results,
    }, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"results: {path}")
    return 1 if any(r["status"] == "failed" for r in results.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
