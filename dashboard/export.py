"""Dashboard exports: the selected ideas as Markdown (to paste) or CSV (one row per draft), the
Shifts table as CSV. Every CSV cell goes through ``present.escape.csv_cell``: feed text that
looks like a formula (``=HYPERLINK(…)``) arrives in the spreadsheet as text."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd

from trendwatch.ideas.limits import check_draft
from trendwatch.present.escape import csv_cell

CSV_COLUMNS = ["idea_id", "product", "topic", "status", "angle", "hook", "platform", "text",
               "length", "limit", "fits", "hashtags", "best_before", "sources", "note"]


def ideas_csv(ideas: list[dict[str, Any]], *, mastodon_limit: int | None = None) -> str:
    """``mastodon_limit``: the instance's limit from the settings (else each draft's own)."""
    rows = []
    for idea in ideas:
        for draft in idea.get("drafts") or []:
            check = check_draft(draft, mastodon_limit=mastodon_limit)
            rows.append({
                "idea_id": idea["id"], "product": idea["product"], "topic": idea.get("label", ""),
                "status": idea.get("status", ""), "angle": idea["angle"], "hook": idea["hook"],
                "platform": draft.get("platform", ""), "text": draft.get("text", ""),
                "length": check.length, "limit": check.limit, "fits": check.fits,
                "hashtags": " ".join("#" + str(h).lstrip("#") for h in idea.get("hashtags") or []),
                "best_before": _iso(idea.get("best_before")),
                "sources": " ".join(s.get("url", "") for s in idea.get("sources") or []),
                "note": draft.get("note") or "",   # e.g. links removed that no source backs
            })
    return frame_csv(pd.DataFrame(rows, columns=CSV_COLUMNS))


def frame_csv(frame: pd.DataFrame) -> str:
    """A table as CSV, every cell neutralised against formula injection. Lines end in CRLF
    (RFC 4180), so a cell holding a CR or LF is quoted instead of splitting its row."""
    return frame.map(csv_cell).to_csv(index=False, lineterminator="\r\n")


def shifts_csv(table: pd.DataFrame) -> str:
    """The Shifts page's comparison table (topic labels are feed text)."""
    return frame_csv(table)


def ideas_markdown(ideas: list[dict[str, Any]], *, title: str,
                   mastodon_limit: int | None = None) -> str:
    out = [f"# {title}", ""]
    for idea in ideas:
        out += [f"## {idea['hook']}", "",
                f"- topic: {idea.get('label', '')} ({idea.get('status', '')})",
                f"- product: {idea['product']} · angle: {idea['angle']}"]
        if idea.get("best_before") is not None:
            out.append(f"- best before: {_iso(idea['best_before'])}")
        for source in idea.get("sources") or []:
            out.append(f"- source: {source.get('title', '')} — {source.get('url', '')}")
        out.append("")
        for draft in idea.get("drafts") or []:
            check = check_draft(draft, mastodon_limit=mastodon_limit)
            out += [f"### {draft.get('platform', '')} ({check.summary()})", "",
                    "```text", str(draft.get("text", "")), "```", ""]
            if draft.get("note"):
                out += [f"_Note: {draft['note']}_", ""]
    return "\n".join(out)


def _iso(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value) or str(value) == "NaT":
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)
