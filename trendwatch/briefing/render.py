"""Briefing → Markdown, self-contained HTML, JSON, Slack Block Kit.

Feed text is untrusted everywhere: HTML goes through Jinja2 with autoescape on,
Markdown and Slack mrkdwn through ``trendwatch.present.escape`` (the dashboard's rules), and
only http(s) URLs ever become links (a ``javascript:`` link in a feed stays plain text).
Statuses have the dashboard's colours (``trendwatch.present.palette``).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined

from trendwatch.briefing.content import Briefing
from trendwatch.config.schema import SUBJECT_FIELDS, format_problem
from trendwatch.present.escape import link, md, safe_url, slack, slack_link
from trendwatch.present.palette import status_color

SPARK_BLOCKS = "▁▂▃▄▅▆▇█"


def md_link(title: str, url: str | None) -> str:
    return link(title, url, max_len=None)


def growth(value: float | None) -> str:
    """Relative change as a signed percentage: 0.5 → "+50 %"."""
    if value is None:
        return "–"
    return f"{value * 100:+,.0f} %"


def spark_text(values: list[float]) -> str:
    if len(values) < 2:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    return "".join(SPARK_BLOCKS[round((v - low) / span * (len(SPARK_BLOCKS) - 1))] for v in values)


def spark_points(values: list[float], width: int = 120, height: int = 28) -> str:
    """SVG polyline points (numbers only) for a sparkline."""
    if len(values) < 2:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = width / (len(values) - 1)
    return " ".join(f"{i * step:.1f},{height - 2 - (v - low) / span * (height - 4):.1f}"
                    for i, v in enumerate(values))


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def to_json_text(data: Any, indent: int | None = 2) -> str:
    """JSON with times as ISO 8601 UTC ``Z`` (the CLI's convention)."""
    return json.dumps(data, ensure_ascii=False, indent=indent, default=_json_default)


def _local(zone: str):
    tz = ZoneInfo(zone)

    def fmt(value: datetime | None, pattern: str = "%a %d %b %H:%M") -> str:
        return value.astimezone(tz).strftime(pattern) if value else "–"

    return fmt


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("trendwatch", "templates"),
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    env.filters.update(md=md, md_link=md_link, growth=growth, spark_text=spark_text,
                       spark_points=spark_points, safe_url=safe_url)
    env.globals.update(status_color=status_color)
    return env


_ENV = _environment()


def render(briefing: Briefing, fmt: str) -> str:
    if fmt == "json":
        return to_json_text(briefing.to_json())
    template = {"md": "briefing.md.j2", "html": "briefing.html.j2"}.get(fmt)
    if template is None:
        raise ValueError(f"unknown briefing format {fmt!r}; expected md, html or json")
    return _ENV.get_template(template).render(b=briefing, local=_local(briefing.timezone))


def subject(briefing: Briefing, pattern: str) -> str:
    """The e-mail subject from ``[delivery.email] subject``; ValueError names a bad placeholder
    (the config check's own rule, for settings built without it). One line, whatever the
    company or profile name holds."""
    problem = format_problem(pattern, SUBJECT_FIELDS)
    if problem:
        raise ValueError(f"[delivery.email] subject: {problem}")
    text = pattern.format(company=briefing.company, date=briefing.local_date,
                          profile=briefing.profile)
    return " ".join(text.split())


def slack_blocks(briefing: Briefing) -> dict[str, Any]:
    """An incoming-webhook payload: a Block Kit summary plus a plain-text fallback."""
    local = _local(briefing.timezone)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "emoji": True,
                                    "text": f"Trends for {briefing.company}: {briefing.local_date}"[:150]}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": slack(
            f"Window {local(briefing.window_start)} – {local(briefing.window_end)} "
            f"({briefing.timezone})")}]},
    ]
    if not briefing.opportunities:
        blocks.append({"type": "section", "text": {"type": "mrkdwn",
                                                   "text": "Nothing stands out today."}})
    for rank, opp in enumerate(briefing.opportunities, 1):
        lines = [f"*{rank}. {slack(opp.label)}*  `{opp.status}`"
                 + (f"  for *{slack(opp.product)}*" if opp.product else ""),
                 slack(opp.explanation),
                 f"24 h {growth(opp.growth_24h)} · 7 d {growth(opp.growth_7d)} · "
                 f"{opp.distinct_sources} sources {spark_text(opp.sparkline)}"]
        if opp.links:
            lines.append(" · ".join(slack_link(ref.title, ref.url) for ref in opp.links))
        if opp.ideas:
            idea = opp.ideas[0]
            lines.append(f"_Idea ({slack(idea.angle)}):_ {slack(idea.hook)}")
        blocks.append({"type": "section", "text": {"type": "mrkdwn",
                                                   "text": "\n".join(lines)[:2900]}})
    extra = []
    if briefing.changes.new:
        extra.append("*New:* " + ", ".join(slack(t.label) for t in briefing.changes.new))
    if briefing.changes.rising:
        extra.append("*Rising:* " + ", ".join(slack(t.label) for t in briefing.changes.rising))
    if briefing.changes.gone:
        extra.append("*Gone:* " + ", ".join(slack(t.label) for t in briefing.changes.gone))
    if briefing.fading:
        extra.append("*Fading:* " + ", ".join(slack(t.label) for t in briefing.fading))
    if extra:
        blocks.append({"type": "divider"})
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(extra)[:2900]}})
    blocks.append({"type": "context", "elements": [
        {"type": "mrkdwn", "text": slack("Health: " + briefing.health.line)[:2900]}]})
    fallback = slack(f"Trends for {briefing.company}, {briefing.local_date}: " + "; ".join(
        o.label for o in briefing.opportunities[:5]))
    return {"text": fallback[:3000], "blocks": blocks[:50]}
