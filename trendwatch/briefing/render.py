"""Briefing → Markdown, self-contained HTML, JSON, Slack Block Kit.

Feed text is untrusted everywhere: HTML goes through Jinja2 with autoescape on,
Markdown and Slack mrkdwn through ``trendwatch.present.escape`` (the dashboard's rules), and
only http(s) URLs ever become links (a ``javascript:`` link in a feed stays plain text).
Statuses have the dashboard's colours (``trendwatch.present.palette``).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

from trendwatch.briefing.content import Briefing
from trendwatch.briefing.words import angle_name, category_name, status_name, urgency_name
from trendwatch.config.schema import SUBJECT_FIELDS, format_problem
from trendwatch.present import i18n
from trendwatch.present.escape import link, md, safe_url, slack, slack_link
from trendwatch.present.palette import status_color

SPARK_BLOCKS = "▁▂▃▄▅▆▇█"


def md_link(title: str, url: str | None) -> str:
    return link(title, url, max_len=None)


def growth(value: float | None, language: str = "en") -> str:
    """Relative change as a signed percentage in the locale's style: 0.5 → "+50%" ("+50 %" in
    German and French)."""
    return i18n.signed_percent(value, language)


def spark_text(values: list[float]) -> str:
    if len(values) < 2:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    return "".join(SPARK_BLOCKS[round((v - low) / span * (len(SPARK_BLOCKS) - 1))] for v in values)


def spark_points(values: list[float], width: int = 120, height: int = 28, *,
                 rtl: bool = False) -> str:
    """SVG polyline points (numbers only) for a sparkline; right-to-left pages read time from
    right to left, so the oldest point is on the right there."""
    if len(values) < 2:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = width / (len(values) - 1)
    return " ".join(f"{(width - i * step) if rtl else i * step:.1f},"
                    f"{height - 2 - (v - low) / span * (height - 4):.1f}"
                    for i, v in enumerate(values))


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def to_json_text(data: Any, indent: int | None = 2) -> str:
    """JSON with times as ISO 8601 UTC ``Z`` (the CLI's convention)."""
    return json.dumps(data, ensure_ascii=False, indent=indent, default=_json_default)


def _local(zone: str, language: str = "en"):
    tz = ZoneInfo(zone)

    def fmt(value: datetime | None) -> str:
        return i18n.short_datetime(value, language, tz)

    return fmt


def _join(ctx: EvalContext, separator: str, items) -> str:
    """Join with the locale's separator; in HTML, escaped parts stay escaped exactly once."""
    return Markup(separator).join(items) if ctx.autoescape else separator.join(items)


@cache
def _environment(language: str) -> Environment:
    """One environment per language: gettext is installed on the environment, so sharing one
    between languages would race when two briefings render at once."""
    env = Environment(
        loader=PackageLoader("trendwatch", "templates"),
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(i18n.translations(language), newstyle=True)  # type: ignore[attr-defined]
    rtl = i18n.is_rtl_language(language)
    env.filters.update(
        md=md, md_link=md_link, spark_text=spark_text, safe_url=safe_url,
        growth=lambda value: growth(value, language),
        spark_points=lambda values: spark_points(values, rtl=rtl),
        number=lambda value: i18n.number(value, language),
        status_name=lambda status: status_name(status, language),
        angle_name=lambda angle: angle_name(angle, language),
        category_name=lambda category: category_name(category, language),
        urgency_name=lambda urgency: urgency_name(urgency, language),
        isolate=lambda text: i18n.isolate(str(text), language),
        commas=pass_eval_context(lambda ctx, items: _join(ctx, i18n.comma(language), items)),
    )
    env.globals.update(status_color=status_color, language=language, comma=i18n.comma(language),
                       direction=i18n.direction(language), start_side=i18n.start_side(language))
    return env


def render(briefing: Briefing, fmt: str) -> str:
    if fmt == "json":
        return to_json_text(briefing.to_json())
    template = {"md": "briefing.md.j2", "html": "briefing.html.j2"}.get(fmt)
    if template is None:
        raise ValueError(f"unknown briefing format {fmt!r}; expected md, html or json")
    language = i18n.language_code(briefing.language)
    return _environment(language).get_template(template).render(
        b=briefing, local=_local(briefing.timezone, language))


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
    language = i18n.language_code(briefing.language)
    messages = i18n.messages(language)
    _, ngettext = messages.gettext, messages.ngettext
    local = _local(briefing.timezone, language)
    header = _("Trends for %(company)s: %(date)s") % {"company": briefing.company,
                                                      "date": briefing.local_date}
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "emoji": True, "text": header[:150]}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": slack(
            _("Window: %(start)s – %(end)s (%(zone)s)") % {
                "start": local(briefing.window_start), "end": local(briefing.window_end),
                "zone": briefing.timezone})}]},
    ]
    if not briefing.opportunities:
        blocks.append({"type": "section", "text": {"type": "mrkdwn",
                                                   "text": _("Nothing stands out today.")}})
    for rank, opp in enumerate(briefing.opportunities, 1):
        head = f"*{rank}. {slack(opp.label)}*  `{status_name(opp.status, language)}`"
        if opp.product:
            head += "  " + _("for %(product)s") % {"product": f"*{slack(opp.product)}*"}
        sources = ngettext("%(num)s source", "%(num)s sources", opp.distinct_sources)
        lines = [head, slack(opp.explanation),
                 _("24 h %(day)s · 7 d %(week)s") % {"day": growth(opp.growth_24h, language),
                                                    "week": growth(opp.growth_7d, language)}
                 + f" · {sources} {spark_text(opp.sparkline)}"]
        if opp.links:
            lines.append(" · ".join(slack_link(ref.title, ref.url) for ref in opp.links))
        if opp.ideas:
            idea = opp.ideas[0]
            lines.append("_" + _("Idea (%(angle)s):") % {"angle": slack(angle_name(idea.angle, language))}
                         + f"_ {slack(idea.hook)}")
        blocks.append({"type": "section", "text": {"type": "mrkdwn",
                                                   "text": "\n".join(lines)[:2900]}})
    extra = []
    for heading, topics in ((_("New:"), briefing.changes.new), (_("Rising:"), briefing.changes.rising),
                            (_("Gone:"), briefing.changes.gone), (_("Fading:"), briefing.fading)):
        if topics:
            extra.append(f"*{heading}* " + i18n.comma(language).join(slack(t.label) for t in topics))
    if extra:
        blocks.append({"type": "divider"})
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(extra)[:2900]}})
    if briefing.care is not None:
        care = briefing.care
        comma = i18n.comma(language)
        lines = ["*" + slack(_("Customer care since %(time)s") % {"time": local(care.since)}) + "*",
                 ngettext("%(num)s message received", "%(num)s messages received",
                          care.received_total)
                 + (" (" + comma.join(f"{category_name(c, language)} {n}"
                                      for c, n in care.received.items() if n) + ")"
                    if care.received_total else "")
                 + " · " + ngettext("%(num)s past its answer time", "%(num)s past their answer time",
                                    care.breached)]
        lines += [f"*{slack(_('Incident'))}:* {slack(i.label)} · "
                  + ngettext("%(num)s complaint since %(since)s", "%(num)s complaints since %(since)s",
                             i.count, since=local(i.first_at)) for i in care.incidents]
        for m in care.urgent:
            what = f"#{m.id} {category_name(m.category, language)}{comma}{urgency_name(m.urgency, language)}"
            if m.excerpt:
                what += ": " + (slack_link(m.excerpt, m.url) if m.url else slack(m.excerpt))
            lines.append("• " + what)
        blocks.append({"type": "divider"})
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)[:2900]}})
    blocks.append({"type": "context", "elements": [
        {"type": "mrkdwn", "text": slack(_("Health: %(line)s") % {"line": briefing.health.line})[:2900]}]})
    fallback = slack(_("Trends for %(company)s, %(date)s: %(topics)s") % {
        "company": briefing.company, "date": briefing.local_date,
        "topics": "; ".join(o.label for o in briefing.opportunities[:5])})
    return {"text": fallback[:3000], "blocks": blocks[:50]}
