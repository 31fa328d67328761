"""The bench runner and the scale-curve benchmark (small sizes; the real run is `make bench`)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from rich.console import Console
from sqlalchemy import func, select

from trendwatch.bench import __main__ as runner
from trendwatch.bench import scale
from trendwatch.store import open_store
from trendwatch.store.schema import items


def test_last_json_line_wins_over_progress_output():
    output = 'progress 1/3\n{"a": 1}\nnot json {\n{"b": 2}\n'
    assert runner.last_json(output) == {"b": 2}
    assert runner.last_json("no report here\n") is None


def test_discovery_orders_benchmarks_and_skips_helpers():
    found = runner.discover()
    assert "scale" in found and "feedserver" not in found and "__main__" not in found
    known = [n for n in runner.ORDER if n in found]
    assert [n for n in found if n in runner.ORDER] == known


def test_ingest_adapter_shows_ratio_and_conditional_get():
    report = {"baseline_feedparser": {"entries_per_s": 90.0}, "target_ratio": 2.0,
              "first_run": {"entries_per_s": 250.0, "seconds": 26.0, "bytes_received": 45e6},
              "second_run": {"seconds": 1.3, "bytes_received": 2e5}, "ratio_vs_baseline": 2.78}
    rows = runner.figures_of("ingest", report)
    assert rows[0]["ratio"] == 2.78 and "90.0" in rows[0]["baseline"]
    assert rows[1]["ratio"] == pytest.approx(0.05, abs=0.001)


def test_table_renders_skips_failures_and_figures():
    console = Console(width=250, record=True)
    runner.print_table({
        "scale": {"status": "skipped", "reason": "analysis not installed"},
        "ingest": {"status": "failed", "reason": "exit 1: data not found"},
        "dashboard": {"status": "ok", "figures": runner._dashboard(
            {"items": 100_000, "first_paint_cold_cache_s": 1.5, "first_paint_warm_s": 0.3,
             "target_s": 3.0})},
    }, console)
    out = console.export_text()
    assert "analysis not installed" in out and "data not found" in out and "0.5" in out


def test_synthetic_rows_cover_the_window_with_topics():
    now = datetime(2026, 11, 20, tzinfo=timezone.utc)
    sources, rows = scale.synthetic_rows(2000, now)
    assert len(rows) == 2000 and len({r["id"] for r in rows}) == 2000
    assert all((now - r["published_at"]).days < 7 for r in rows)
    assert len({r["source_id"] for r in rows}) > 150
    titles = [r["title"] for r in rows if r["hashtags"]]
    assert len(set(titles)) < len(titles)          # topics repeat: something to cluster
    assert scale.synthetic_rows(50, now) == scale.synthetic_rows(50, now)


def test_seed_store(tmp_path):
    url = f"sqlite:///{tmp_path / 's.db'}"
    scale.seed_store(url, 1500, datetime.now(timezone.utc))
    store = open_store(url)
    with store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(items)).scalar() == 1500
    store.close()


def test_scale_figures_show_growth_against_linear():
    report = {"sizes": [
        {"items": 10_000, "seconds": 10.0, "peak_rss_mb": 700, "rss_before_mb": 300, "growth_vs_linear": 1.0},
        {"items": 50_000, "seconds": 60.0, "peak_rss_mb": 1500, "rss_before_mb": 300, "growth_vs_linear": 1.2}]}
    rows = scale.figures(report)
    assert [r["value"] for r in rows] == [10.0, 700, 60.0, 1500]
    assert rows[2]["ratio"] == 1.2


def test_scale_measures_a_real_analysis_when_installed(tmp_path):
    pytest.importorskip("trendwatch.analyze", reason="the analysis stage is not installed yet")
    now = datetime.now(timezone.utc).replace(microsecond=0)
    url = f"sqlite:///{tmp_path / 's.db'}"
    scale.seed_store(url, 600, now)
    result = scale.measure(url, now, "hashing")
    assert result["seconds"] > 0 and result["peak_rss_mb"] >= result["rss_before_mb"] > 0
    json.dumps(result)
