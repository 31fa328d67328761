"""Alerts: a short message when a high-priority topic turns emerging between briefings.

Checked after every analysis run. A topic qualifies when its opportunity priority is
at least ``[alerts] min_priority``, it is emerging in the latest run and was not
emerging at the last briefing (or, before any briefing, in the previous run). It is
never alerted twice within 24 h, and at most ``max_per_day`` topics are alerted per
24 h, highest priority first — managers read these outside office hours.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment
from markupsafe import Markup

from trendwatch.briefing.content import (
    Link,
    last_briefing,
    latest_run,
    muted_topics,
    snapshots,
    topic_links,
)
from trendwatch.briefing.delivery import DeliveryResult, Message, deliver, slug
from trendwatch.briefing.render import growth
from trendwatch.briefing.words import status_name
from trendwatch.config.schema import Settings
from trendwatch.present import i18n
from trendwatch.present.escape import safe_url, slack, slack_link
from trendwatch.present.palette import status_color
from trendwatch.store import Store, deliveries, views

log = logging.getLogger("trendwatch.alerts")


@dataclass
class Candidate:
    topic_id: int
    label: str
    status: str
    product: str
    priority: float
    explanation: str
    distinct_sources: int
    growth_24h: float | None
    link: Link | None = None


def select_alerts(candidates: list[Candidate], previous_status: dict[int, str],
                  alerted_recently: set[int], sent_last_day: int, *, min_priority: float,
                  max_per_day: int) -> list[Candidate]:
    """Which candidates to alert now. Pure: the rules of the module docstring."""
    chosen: dict[int, Candidate] = {}
    for c in sorted(candidates, key=lambda c: -c.priority):
        if (c.status != "emerging" or c.priority < min_priority or c.topic_id in chosen
                or previous_status.get(c.topic_id) == "emerging" or c.topic_id in alerted_recently):
            continue
        chosen[c.topic_id] = c
    return list(chosen.values())[: max(0, max_per_day - sent_last_day)]


def _recent_alerts(conn, now: datetime) -> set[int]:
    return deliveries.recent_alert_topics(conn, now)


def find_alerts(store: Store, settings: Settings, now: datetime, profile: str) -> tuple[list[Candidate], int | None]:
    """The alerts due now for one profile, and the run they come from."""
    run = latest_run(store, now)
    if run is None:
        return [], None
    with store.connect() as conn:
        previous = last_briefing(conn, profile)
        if previous is not None:
            if previous["detail"]["run_id"] == run["id"]:
                return [], run["id"]    # the briefing already showed this run
            reference = previous["detail"]["run_id"]
        else:
            found = views.previous_run(conn, run)
            reference = found["id"] if found else None
        before = snapshots(conn, reference) if reference is not None else {}
        current = snapshots(conn, run["id"])
        muted = muted_topics(conn, profile)
        rows = views.run_opportunities(conn, run["id"], profile)
        candidates = [
            Candidate(topic_id=r["topic_id"], label=current[r["topic_id"]]["label"],
                      status=current[r["topic_id"]]["status"], product=r["product"],
                      priority=r["priority"], explanation=r["explanation"],
                      distinct_sources=current[r["topic_id"]]["distinct_sources"],
                      growth_24h=current[r["topic_id"]]["growth_24h"])
            for r in rows if r["topic_id"] in current and r["topic_id"] not in muted
        ]
        recent = _recent_alerts(conn, now)
        chosen = select_alerts(
            candidates, {tid: row["status"] for tid, row in before.items()}, recent, len(recent),
            min_priority=settings.alerts.min_priority, max_per_day=settings.alerts.max_per_day)
        if chosen:
            links = topic_links(conn, run["id"], [c.topic_id for c in chosen],
                                settings.privacy.pseudonymize_authors)
            for c in chosen:
                c.link = (links.get(c.topic_id) or [None])[0]
    return chosen, run["id"]


_HTML = Environment(autoescape=True).from_string(
    '<!doctype html><html lang="{{ language }}" dir="{{ direction }}"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
    '<body style="font:16px/1.5 -apple-system,Segoe UI,Roboto,Arial,sans-serif;max-width:600px;'
    'margin:0 auto;padding:12px;text-align:{{ side }}">'
    '<p><span style="background:{{ colour }};color:#fff;border-radius:999px;padding:1px 9px;'
    'font-size:12px;font-weight:600">{{ badge }}</span> <strong dir="auto">{{ c.label }}</strong></p>'
    '<p><strong>{{ why }}</strong> <span dir="auto">{{ c.explanation }}</span></p>'
    '<p>{{ numbers }}</p>'
    '{% if href %}<p dir="auto"><a href="{{ href }}">{{ c.link.title }}</a></p>{% endif %}'
    '</body></html>')


def alert_message(c: Candidate, profile: str, run_id: int, now: datetime, zone: str,
                  language: str = "en") -> Message:
    messages = i18n.messages(language)
    _, ngettext = messages.gettext, messages.ngettext
    local = now.astimezone(ZoneInfo(zone))
    href = safe_url(c.link.url) if c.link else None
    change = growth(c.growth_24h, language)
    headline = _("Emerging: %(topic)s")
    why = _("Why it matters for %(product)s:")
    numbers = ngettext("%(num)s distinct source · 24 h %(growth)s",
                       "%(num)s distinct sources · 24 h %(growth)s", c.distinct_sources, growth=change)
    text = (headline % {"topic": c.label} + "\n\n" + why % {"product": c.product}
            + f" {c.explanation}\n{numbers}\n"
            + (f"{c.link.title}: {href}\n" if c.link and href else ""))
    slack_text = (":rotating_light: *" + headline % {"topic": slack(c.label)} + "* · "
                  + why % {"product": f"*{slack(c.product)}*"}
                  + f"\n{slack(c.explanation)}\n{numbers}"
                  + (f"\n{slack_link(c.link.title, c.link.url)}" if c.link else ""))
    payload: dict[str, Any] = {
        "kind": "alert", "profile": profile, "run_id": run_id, "topic_id": c.topic_id,
        "label": c.label, "status": c.status, "product": c.product, "priority": c.priority,
        "explanation": c.explanation, "distinct_sources": c.distinct_sources,
        "growth_24h": c.growth_24h, "language": messages.language,
        "link": {"title": c.link.title, "url": c.link.url, "outlet": c.link.outlet} if c.link else None,
    }
    # the product name keeps its own direction inside the sentence (a Latin name in Arabic)
    why_html = Markup(why) % {"product": Markup("<bdi>%s</bdi>") % c.product}
    return Message(
        kind="alert", subject=headline % {"topic": " ".join(c.label.split())[:120]}, text=text,
        html=_HTML.render(c=c, href=href, why=why_html, numbers=numbers,
                          badge=status_name("emerging", language).upper(),
                          colour=status_color("emerging"), language=messages.language,
                          direction=i18n.direction(language), side=i18n.start_side(language)),
        slack={"text": slack(headline % {"topic": c.label})[:3000],
               "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": slack_text[:2900]}}]},
        payload=payload, stem=f"alert-{slug(profile)}-{local:%Y-%m-%dT%H%M}-{c.topic_id}",
        files={"md": text}, topic_id=c.topic_id,
        detail={"profile": profile, "run_id": run_id, "priority": c.priority},
    )


async def send_alerts(store: Store, settings: Settings, now: datetime, *, profile: str,
                      wait: Any = None) -> list[DeliveryResult]:
    chosen, run_id = find_alerts(store, settings, now, profile)
    results: list[DeliveryResult] = []
    for c in chosen:
        log.info("alert topic=%d priority=%.2f label=%r", c.topic_id, c.priority, c.label)
        message = alert_message(c, profile, run_id or 0, now, settings.briefing.timezone,
                                settings.profile(profile).writing_language)
        results.extend(await deliver(store, settings, message, settings.alerts.to, now, wait=wait))
    return results
