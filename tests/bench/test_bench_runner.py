"""The bench runner and the scale-curve benchmark (small sizes; the real run is `make bench`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

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
    now = datetime(2026, 11, 20, tzinfo=UTC)
    sources, rows = scale.synthetic_rows(2000, now)
    assert len(rows) == 2000 and len({r["id"] for r in rows}) == 2000
    assert all((now - r["published_at"]).days < 7 for r in rows)
    assert len({r["source_id"] for r in rows}) > 150
    titles = [r["title"] for r in rows if r["hashtags"]]
    assert len(set(titles)) < len(titles)          # topics repeat: something to cluster
    assert scale.synthetic_rows(50, now) == scale.synthetic_rows(50, now)


def test_seed_store(tmp_path):
    url = f"sqlite:///{tmp_path / 's.db'}"
    scale.seed_store(url, 1500, datetime.now(UTC))
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


def test_scale_figures_compare_with_the_previous_engine():
    report = {"sizes": [
        {"items": 50_000, "seconds": 40.0, "peak_rss_mb": 900, "rss_before_mb": 200,
         "growth_vs_linear": 1.0, "baseline": {"seconds": 80.0, "peak_rss_mb": 1000}},
        {"items": 200_000, "seconds": 150.0, "peak_rss_mb": 1800, "rss_before_mb": 300,
         "growth_vs_linear": 0.94,
         "baseline": {"seconds": 398.0, "peak_rss_mb": 2702, "measured": "2026-11-26, README"}}]}
    rows = scale.figures(report)
    assert rows[0]["ratio"] == 0.5 and "previous engine 80.0 s" in rows[0]["baseline"]
    assert rows[2]["ratio"] == round(150 / 398, 2) and rows[2]["target"] == "< 180 s"
    assert "2026-11-26" in rows[2]["baseline"] and rows[3]["target"] == "< 2048 MB"


def test_scale_measures_a_real_analysis_when_installed(tmp_path):
    pytest.importorskip("trendwatch.analysis.run", reason="the analysis stage is not installed yet")
    now = datetime.now(UTC).replace(microsecond=0)
    url = f"sqlite:///{tmp_path / 's.db'}"
    scale.seed_store(url, 600, now)
    result = scale.measure(url, now, "hashing", scale.PREVIOUS_ENGINE)
    assert result["seconds"] > 0 and result["peak_rss_mb"] >= result["rss_before_mb"] > 0
    assert result["result"]["mode"] == "full" and result["timings"]["cluster"] > 0
    json.dumps(result)


def test_eval_adapter_compares_with_bertopic_and_the_bare_encoder():
    cluster = {"dataset": "News-T", "true_clusters": 152, "time_ratio": 0.09,
               "ours": {"nmi": 0.907, "seconds": 3.6, "items": 11109},
               "bertopic_default": {"nmi": 0.841, "seconds": 39.0}}
    report = {"embedding": {"texts": 4000, "backend": "OnnxEmbedder", "ours_items_per_s": 367.0,
                            "bare_items_per_s": 113.0, "ratio": 3.2, "cosine_mean": 0.996},
              "clustering": [cluster],
              "emergence": {"events": 13, "median_delay_h": 6.0, "recall_24h": 1.0, "flagged_24h": 13,
                            "false_alarms_per_day": 0.67, "replayed_days": 36, "runs": 143}}
    rows = runner.figures_of("eval", report)
    by_figure = {r["figure"].split(",")[0]: r for r in rows}
    assert by_figure["embedder alone"]["ratio"] == 3.2
    assert by_figure["clustering NMI"]["ratio"] == round(0.907 / 0.841, 2)
    assert "39.0" in by_figure["clustering time"]["baseline"] and by_figure["clustering time"]["ratio"] == 0.09
    assert any("false alarms" in r["figure"] and r["value"] == 0.67 for r in rows)


def test_embed_figures_show_stage_ratio_and_incremental_fraction():
    from trendwatch.bench import embed

    report = {"backend": "OnnxEmbedder", "new_items": 100, "stage_ratio": 2.1,
              "embed_stage": {"texts": 10000, "items_per_s": 300.0},
              "baseline_encode": {"items_per_s": 140.0},
              "full_run": {"seconds": 60.0, "timings": {"embed": 33.0}},
              "incremental_run": {"seconds": 3.0, "mode": "incremental"},
              "incremental_fraction": 0.05,
              "full_recluster_after_new": {"seconds": 20.0, "fraction": 0.33}}
    rows = embed.figures(report)
    assert rows[0]["ratio"] == 2.1 and "140.0" in rows[0]["baseline"]
    assert rows[1]["ratio"] == 0.05 and "incremental" in rows[1]["figure"]
    assert rows[2]["ratio"] == 0.33


def test_new_items_land_after_now(tmp_path):
    from trendwatch.bench import embed

    now = datetime(2026, 11, 20, tzinfo=UTC)
    url = f"sqlite:///{tmp_path / 'e.db'}"
    scale.seed_store(url, 300, now)
    embed._add_items(url, 300, 3, now, now.replace(hour=1))
    store = open_store(url)
    with store.connect() as conn:
        times = conn.execute(select(items.c.published_at).where(items.c.published_at > now)).scalars().all()
    store.close()
    assert len(times) == 3


def test_table_shows_the_load_average_of_each_benchmark():
    console = Console(width=250, record=True)
    runner.print_table({"scale": {"status": "ok", "load": {"start": 1.5, "end": 2.25},
                                  "figures": [{"figure": "analysis time, 10k items", "value": 13.1,
                                               "unit": "s"}]}}, console)
    assert "1.5→2.25" in console.export_text()


def test_markdown_table_for_the_readme(tmp_path, capsys):
    results = {"benchmarks": {
        "scale": {"status": "ok", "load": {"start": 1.0, "end": 2.0},
                  "report": {"sizes": [{"items": 10_000, "seconds": 13.1, "peak_rss_mb": 611,
                                        "rss_before_mb": 160, "growth_vs_linear": 1.0}]}},
        "ingest": {"status": "skipped", "reason": "kagi-200 not found"}}}
    path = tmp_path / "results.json"
    path.write_text(json.dumps(results))
    assert runner.main(["--markdown", str(path)]) == 0
    out = capsys.readouterr().out
    assert "| scale | analysis time, 10k items | 13.1 s |" in out and "1→2" in out
    assert "| ingest | skipped: kagi-200 not found |" in out
