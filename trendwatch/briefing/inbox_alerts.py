"""Customer-care alerts for the on-call target: messages about to breach their SLA out of
office hours, and new incidents. Sent through the briefing's delivery targets.

Message text is untrusted: escaped for HTML and Slack, shortened, never a link except the
public post's own (the on-call person answers there). No handle is named: the link and
``trendwatch inbox show ID`` lead to it for whoever is allowed to see it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup

from trendwatch.briefing.delivery import Message
from trendwatch.briefing.words import category_name
from trendwatch.config.schema import Settings
from trendwatch.present import i18n
from trendwatch.present.escape import safe_url, slack, slack_link

EXCERPT = 160


def _excerpt(text: str) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= EXCERPT else flat[:EXCERPT - 1] + "…"


def on_call_message(rows: list[dict[str, Any]], now: datetime, settings: Settings,
                    language: str = "en") -> Message:
    """One alert listing the messages about to breach (soonest due first)."""
    messages = i18n.messages(language)
    _, ngettext = messages.gettext, messages.ngettext
    zone = ZoneInfo(settings.inbox.timezone)
    subject = ngettext("%(num)s customer message is about to miss its answer time",
                       "%(num)s customer messages are about to miss their answer time", len(rows))
    lines, html_items, slack_lines = [], [], []
    for row in rows:
        due = i18n.short_datetime(row["due_at"], language, zone)
        head = _("#%(id)s %(category)s, due %(due)s") % {
            "id": row["id"], "category": category_name(row["category"] or "other", language),
            "due": due}
        href = safe_url(row["url"]) if row.get("url") else None
        excerpt = _excerpt(row["text"])
        lines.append(f"- {head}: {excerpt}" + (f"\n  {href}" if href else ""))
        html_items.append(Markup("<li><b>%s</b>: <bdi>%s</bdi>%s</li>") % (
            head, excerpt, Markup(' <a href="%s">↗</a>') % href if href else ""))
        slack_lines.append(f"• *{slack(head)}*: {slack(excerpt)}"
                           + (f" {slack_link('↗', href)}" if href else ""))
    hint = _("Open them with `trendwatch inbox show ID` or on the dashboard's Inbox page.")
    text = subject + "\n\n" + "\n".join(lines) + "\n\n" + hint + "\n"
    html = (Markup('<div dir="%s"><p><b>%s</b></p><ul>%s</ul><p>%s</p></div>')
            % (i18n.direction(language), subject, Markup("").join(html_items), hint))
    local = now.astimezone(zone)
    return Message(
        kind="alert", subject=subject, text=text, html=str(html),
        slack={"text": slack(subject)[:3000],
               "blocks": [{"type": "section", "text": {
                   "type": "mrkdwn", "text": ("*" + slack(subject) + "*\n"
                                              + "\n".join(slack_lines))[:2900]}}]},
        payload={"kind": "inbox_on_call", "language": messages.language,
                 "messages": [{"id": r["id"], "category": r["category"], "urgency": r["urgency"],
                               "due_at": r["due_at"].isoformat(), "url": r.get("url"),
                               "text": _excerpt(r["text"])} for r in rows]},
        stem=f"inbox-on-call-{local:%Y-%m-%dT%H%M}", files={"md": text},
        detail={"inbox": "on_call", "messages": [r["id"] for r in rows]})


def incident_message(incident: dict[str, Any], now: datetime, settings: Settings,
                     language: str = "en") -> Message:
    """An alert for one new incident card."""
    messages = i18n.messages(language)
    _ = messages.gettext
    zone = ZoneInfo(settings.inbox.timezone)
    subject = _("Incident: %(label)s") % {"label": " ".join(incident["label"].split())[:160]}
    since = i18n.short_datetime(incident["first_at"], language, zone)
    body = _("%(count)s complaints since %(since)s (usually %(baseline)s in such a span).") % {
        "count": incident["count"], "since": since,
        "baseline": i18n.number(round(incident["baseline"] or 0, 1), language)}
    text = f"{subject}\n\n{body}\n"
    html = Markup('<div dir="%s"><p><b>%s</b></p><p>%s</p></div>') % (
        i18n.direction(language), subject, body)
    local = now.astimezone(zone)
    return Message(
        kind="alert", subject=subject, text=text, html=str(html),
        slack={"text": slack(subject)[:3000],
               "blocks": [{"type": "section", "text": {
                   "type": "mrkdwn", "text": f":rotating_light: *{slack(subject)}*\n{slack(body)}"}}]},
        payload={"kind": "inbox_incident", "id": incident["id"], "label": incident["label"],
                 "count": incident["count"], "baseline": incident["baseline"],
                 "ratio": incident["ratio"], "first_at": incident["first_at"].isoformat(),
                 "topic_id": incident["topic_id"], "language": messages.language},
        stem=f"inbox-incident-{local:%Y-%m-%dT%H%M}-{incident['id']}", files={"md": text},
        topic_id=incident["topic_id"], detail={"inbox": "incident", "incident": incident["id"]})



