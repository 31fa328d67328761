"""Idea exports: Markdown to paste, CSV with one row per draft."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

from dashboard.export import CSV_COLUMNS, ideas_csv, ideas_markdown

IDEA = {
    "id": 7, "product": "Northwind Flow", "label": "Battery swaps", "status": "emerging",
    "angle": "news-hook", "hook": "Swaps in 40 s", "hashtags": ["ebike"],
    "best_before": datetime(2026, 11, 22, tzinfo=timezone.utc),
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
