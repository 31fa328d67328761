"""The ingest benchmark runs end to end on a small folder and reports what it promises."""

from __future__ import annotations

import json
import shutil

from tests.conftest import FIXTURES
from trendwatch.bench.ingest import format_report, run


def test_bench_reports_both_runs_and_the_baseline(tmp_path):
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    for name in ("rss2.xml", "atom.xml", "rdf.xml", "jsonfeed.json", "arabic.xml"):
        shutil.copy(FIXTURES / "feeds" / name, feeds / name.split(".")[0])  # no extensions, as in kagi-200
    (feeds / "junk").write_bytes(b"\x00 not a feed")
    report = run(tmp_path / "out" / "ingest.json", feeds_dir=feeds)

    assert json.loads((tmp_path / "out" / "ingest.json").read_text())["feeds"] == 6
    first, second = report["first_run"], report["second_run"]
    assert report["accounted_for"] and first["ok"] == 5 and first["errors"] == 1
    assert first["entries"] == 7 and first["new_items"] == 7
    assert report["baseline_feedparser"]["entries"] == 5   # feedparser reads no JSON Feed
    # second run: every healthy feed answers 304, nothing new, no body bytes
    assert second["not_modified"] == 5 and second["bytes_received"] == 0 and second["new_items"] == 0
    assert "ratio_vs_baseline" in report
    # the peers on the same bytes / URLs: fastfeedparser reads JSON Feed too, reader stores its own
    assert report["bare_fastfeedparser"]["entries"] == 7
    assert report["reader"]["entries"] >= 5 and "ratio_vs_reader" in report
    assert 0 <= report["second_run_share"] < 1
    table = format_report(report)
    assert "collect, second run" in table and "bare feedparser" in table
    assert "reader update_feeds()" in table and "fastfeedparser" in table


def test_bench_scale_run_serves_the_set_under_several_paths(tmp_path):
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    for name in ("rss2.xml", "atom.xml"):
        shutil.copy(FIXTURES / "feeds" / name, feeds / name.split(".")[0])
    report = run(tmp_path / "ingest.json", feeds_dir=feeds, with_peers=False, copies=3)
    scale = report["scale"]
    assert scale["feeds"] == 6 and scale["ok"] == 6 and scale["errors"] == 0
    assert scale["peak"]["self_mb"] > 0 and "6 feeds" in format_report(report)
