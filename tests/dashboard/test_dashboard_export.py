"""Idea exports: Markdown to paste, CSV with one row per draft."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from dashboard.export import CSV_COLUMNS, ideas_csv, ideas_markdown

IDEA = {
    "id": 7, "product": "Northwind Flow", "label": "Battery swaps", "status": "emerging",
    "angle": "news-hook", "hook": "Swaps in 40 s", "hashtags": ["ebike"],
    "best_before": datetime(2026, 11, 22, tzinfo=UTC),
    "sources": [{"title": "Berlin launch", "url": "https://e.example/1", "outlet": "e"}],
    "drafts": [{"platform": "x", "text": "Swaps in 40 s https://e.com/1", "limit": 280},
               {"platform": "bluesky", "text": "Swaps, 40 s, 🚲", "limit": 300}],
}


def test_csv_has_one_row_per_draft_with_counts():
    rows = list(csv.DictReader(io.StringIO(ideas_csv([IDEA]))))
    assert list(rows[0]) == CSV_COLUMNS and len(rows) == 2
    assert rows[0]["platform"] == "x" and rows[0]["length"] == str(14 + 23)
    assert rows[1]["length"] == "14" and rows[1]["fits"] == "True"
    assert rows[0]["sources"] == "https://e.example/1" and rows[0]["hashtags"] == "#ebike"


def test_markdown_lists_hook_topic_sources_and_fenced_drafts():
    text = ideas_markdown([IDEA], title="Post ideas")
    assert text.startswith("# Post ideas\n")
    assert "## Swaps in 40 s" in text and "- topic: Battery swaps (emerging)" in text
    assert "- source: Berlin launch — https://e.example/1" in text
    assert "### x (37/280 weighted characters)" in text
    assert "```text\nSwaps, 40 s, 🚲\n```" in text


def test_empty_selection_exports_headers_only():
    assert ideas_csv([]).strip() == ",".join(CSV_COLUMNS)


FORMULAS = ["=HYPERLINK(\"https://evil.example\",\"click\")", "+1+cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def test_idea_csv_cells_never_start_a_formula():
    hostile = {**IDEA, "label": FORMULAS[0], "hook": FORMULAS[1], "hashtags": [],
               "drafts": [{"platform": "x", "text": text, "limit": 280} for text in FORMULAS],
               "sources": [{"title": "t", "url": "=cmd|' /C calc'!A0", "outlet": "e"}]}
    rows = list(csv.DictReader(io.StringIO(ideas_csv([hostile]), newline="")))
    assert [row["text"] for row in rows] == ["'" + text for text in FORMULAS]
    assert rows[0]["topic"] == "'" + FORMULAS[0] and rows[0]["hook"] == "'" + FORMULAS[1]
    assert rows[0]["sources"] == "'=cmd|' /C calc'!A0"
    for cell in _cells(ideas_csv([hostile])):
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_shifts_csv_neutralises_labels_and_keeps_numbers():
    import pandas as pd

    from dashboard.export import shifts_csv

    table = pd.DataFrame({"topic_id": [1, 2], "label": [FORMULAS[0], "-12"],
                          "status": ["emerging", "@watch"], "previous": [5, 9], "current": [2, 9],
                          "change": [-3, 0], "change_pct": [-0.6, 0.0], "shift": ["shrank", "steady"]})
    rows = list(csv.DictReader(io.StringIO(shifts_csv(table))))
    assert rows[0]["label"] == "'" + FORMULAS[0] and rows[1]["status"] == "'@watch"
    assert rows[0]["change"] == "-3" and rows[0]["change_pct"] == "-0.6"   # numbers stay numbers
    assert rows[1]["label"] == "-12"                                      # so does text that is one


def test_shifts_page_downloads_the_neutralised_csv():
    import inspect

    from dashboard.views import shifts

    source = inspect.getsource(shifts)
    assert "export.shifts_csv(table)" in source and ".to_csv(" not in source


def test_backtest_csv_neutralises_topic_labels():
    from trendwatch.analysis.backtest import Backtest

    result = Backtest(steps=[], topics=[{"id": 1, "label": FORMULAS[0], "first_seen": None,
                                         "first_emerging": None, "history": [
                                             {"as_of": None, "status": "emerging", "signal": -1.5,
                                              "emergence": 0.2, "size": 3, "distinct_sources": 2}]}])
    rows = list(csv.DictReader(io.StringIO(result.as_csv())))
    assert rows[0]["label"] == "'" + FORMULAS[0] and rows[0]["signal"] == "-1.5"


def test_a_line_break_inside_a_cell_does_not_split_the_row():
    idea = {**IDEA, "drafts": [{"platform": "x", "text": "one\rtwo\nthree", "limit": 280}]}
    rows = list(csv.DictReader(io.StringIO(ideas_csv([idea]), newline="")))
    assert len(rows) == 1 and rows[0]["text"] == "one\rtwo\nthree"


def test_exports_show_a_drafts_note():
    idea = {**IDEA, "drafts": [{"platform": "x", "text": "Swaps in 40 s", "limit": 280,
                                "note": "removed 1 link not among the cited sources"}]}
    rows = list(csv.DictReader(io.StringIO(ideas_csv([idea]), newline="")))
    assert rows[0]["note"] == "removed 1 link not among the cited sources"
    assert "_Note: removed 1 link not among the cited sources_" in ideas_markdown([idea], title="t")
