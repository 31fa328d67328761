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
    table = format_report(report)
    assert "collect, second run" in table and "bare feedparser" in table
