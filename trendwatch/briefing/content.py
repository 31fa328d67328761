"""What goes into a briefing, read from the store.

``build_briefing`` gathers the latest analysis run's opportunities, fading topics,
the changes since the previous briefing and source health into plain dataclasses;
the decisions (what counts as new, rising or gone) are pure functions of snapshot
rows so they can be tested without a store. Rendering lives in ``render``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from trendwatch.briefing.words import status_name
from trendwatch.config.schema import Settings
from trendwatch.present import i18n
from trendwatch.present.status import failing_reason, is_failing
from trendwatch.store import Store, deliveries, views
from trendwatch.store.runs import latest_run as _latest_run

# outlets of these platforms are publishers; elsewhere an "outlet" is a person's account
PUBLISHER_PLATFORMS = {"news", "youtube"}
MAX_LINKS = 3
MAX_IDEAS = 2
MAX_DRAFTS = 3
SPARK_DAYS = 7
SPARK_POINTS = 28
CHANGE_LIMIT = 5
FADING_LIMIT = 5
STATUS_RANK = {"fading": 0, "established": 1, "watch": 2, "emerging": 3}


@dataclass
class Link:
    title: str
    url: str
    outlet: str


@dataclass
class Draft:
    platform: str
    text: str
    length: int | None
    limit: int | None


@dataclass
class Idea:
    angle: str
    hook: str
    hashtags: list[str]
    drafts: list[Draft]
    best_before: datetime | None


@dataclass
class Opportunity:
    topic_id: int
    label: str
    status: str
    product: str | None
    explanation: str
    priority: float | None
    relevance: float | None
    other_products: list[str]
    growth_24h: float | None
    growth_7d: float | None
    distinct_sources: int
    size: int
    emergence: float
    keywords: list[str]
    first_seen_at: datetime | None
    sparkline: list[float]
    links: list[Link]
    ideas: list[Idea]


@dataclass
class TopicLine:
    topic_id: int
    label: str
    status: str
    distinct_sources: int
    growth_24h: float | None = None
    growth_7d: float | None = None
    note: str = ""


@dataclass
class Changes:
    since: datetime | None
    new: list[TopicLine] = field(default_factory=list)
    rising: list[TopicLine] = field(default_factory=list)
    gone: list[TopicLine] = field(default_factory=list)


@dataclass
class Health:
    sources_total: int
    failing: list[tuple[str, str]]
    last_run_at: datetime | None
    notes: list[str]            # already in ``language``
    language: str = "en"

    @property
    def line(self) -> str:
        messages = i18n.messages(self.language)
        _, ngettext = messages.gettext, messages.ngettext
        ok = self.sources_total - len(self.failing)
        parts = [ngettext("%(ok)s of %(num)s source ok", "%(ok)s of %(num)s sources ok",
                          self.sources_total, ok=i18n.number(ok, self.language))]
        if self.failing:
            shown = i18n.comma(self.language).join(
                f"{name} ({error[:80]})" for name, error in self.failing[:5])
            if len(self.failing) > 5:
                shown += " " + ngettext("and %(num)s more", "and %(num)s more", len(self.failing) - 5)
            parts.append(_("failing: %(sources)s") % {"sources": shown})
        parts.extend(self.notes)
        return i18n.semicolon(self.language).join(parts)


@dataclass
class CareMessage:
    """One of the most urgent open inbox messages, as the briefing shows it (no handle)."""

    id: int
    category: str
    urgency: str
    due_at: datetime | None
    breached: bool
    source: str
    excerpt: str                # empty for a direct message: private text stays in the inbox
    url: str | None


@dataclass
class CareIncident:
    id: int
    label: str
    count: int
    first_at: datetime
    open_messages: int


@dataclass
class CustomerCare:
    """The overnight customer-care section: what came in since ``since``, what is late."""

    since: datetime
    received: dict[str, int]
    received_total: int
    open: int
    breached: int
    incidents: list[CareIncident] = field(default_factory=list)
    urgent: list[CareMessage] = field(default_factory=list)


URGENT_SHOWN = 3
EXCERPT = 100
_URGENCY_RANK = {"high": 0, "normal": 1, "low": 2}


def customer_care(store: Store, settings: Settings, now: datetime, since: datetime,
                  profile: str | None = None) -> CustomerCare | None:
    """The customer-care section, or None when the inbox is off or has never had a message."""
    from trendwatch.store import inbox as inbox_rows

    if not settings.inbox.enabled:
        return None
    counts = inbox_rows.summary(store, now, since)
    if not counts["received_total"] and not counts["open"]:
        return None
    queue = [m for m in inbox_rows.list_messages(store, now, limit=2000)
             if profile is None or (m["mention"] or {}).get("profile") in (profile, None)]
    queue.sort(key=lambda m: (not m["breached"], _URGENCY_RANK.get(m["urgency"] or "", 3),
                              m["due_at"] or now, -(m["priority"] or 0)))
    urgent = []
    for m in queue[:URGENT_SHOWN]:
        direct = bool((m["mention"] or {}).get("direct"))
        text = " ".join((m["text"] or "").split())
        urgent.append(CareMessage(
            id=m["id"], category=m["category"] or "other", urgency=m["urgency"] or "normal",
            due_at=m["due_at"], breached=m["breached"], source=m["source"],
            excerpt="" if direct else (text if len(text) <= EXCERPT else text[:EXCERPT - 1] + "…"),
            url=None if direct else m["url"]))
    incidents = [CareIncident(id=i["id"], label=i["label"], count=i["count"],
                              first_at=i["first_at"], open_messages=i["open_messages"])
                 for i in inbox_rows.list_incidents(store)]
    return CustomerCare(since=since, received=counts["received"],
                        received_total=counts["received_total"], open=counts["open"],
                        breached=counts["breached"], incidents=incidents[:5], urgent=urgent)


@dataclass
class Briefing:
    profile: str
    company: str
    generated_at: datetime
    local_date: str
    timezone: str
    window_start: datetime
    window_end: datetime
    run_id: int | None
    opportunities: list[Opportunity]
    fading: list[TopicLine]
    changes: Changes
    health: Health
    language: str = "en"        # of every human string here and of the rendered briefing
    care: CustomerCare | None = None  # the overnight customer-care section ([inbox])

    @property
    def direction(self) -> str:
        return i18n.direction(self.language)

    def topic_ids(self) -> list[int]:
        return [o.topic_id for o in self.opportunities]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["health"]["line"] = self.health.line
        data["health"]["failing"] = [{"source": n, "error": e} for n, e in self.health.failing]
        return data


# --------------------------------------------------------------------------- pure decisions


def diff_topics(current: dict[int, dict], reference: dict[int, dict],
                limit: int = CHANGE_LIMIT, language: str = "en",
                ) -> tuple[list[TopicLine], list[TopicLine], list[TopicLine]]:
    """New, rising and gone topics between two runs' snapshot rows (topic_id → row); the
    notes are written in ``language``."""
    messages = i18n.messages(language)
    _, ngettext = messages.gettext, messages.ngettext

    def turn(before: str, after: str) -> str:
        return status_name(before, language) + i18n.arrow(language) + status_name(after, language)

    new = [_line(row, "new") for tid, row in current.items()
           if tid not in reference and row["status"] != "fading"]
    new.sort(key=lambda t: -current[t.topic_id]["emergence"])

    rising: list[tuple[float, TopicLine]] = []
    for tid, row in current.items():
        before = reference.get(tid)
        if before is None:
            continue
        was, now_ = before["distinct_sources"], row["distinct_sources"]
        turned = row["status"] == "emerging" and before["status"] != "emerging"
        grew = now_ - was >= 2 and now_ >= 1.5 * max(was, 1)
        if turned or grew:
            note = turn(before["status"], row["status"]) if turned else ""
            counts = (i18n.number(was, language) + i18n.arrow(language)
                      + ngettext("%(num)s source", "%(num)s sources", now_)) if now_ != was else ""
            note = i18n.semicolon(language).join(filter(None, [note, counts]))
            rising.append((STATUS_RANK.get(row["status"], 0) * 1000 + now_ - was, _line(row, note)))
    rising.sort(key=lambda pair: -pair[0])

    gone = []
    for tid, before in reference.items():
        if before["status"] not in ("emerging", "watch"):
            continue
        row = current.get(tid)
        if row is None:
            gone.append(_line(before, _("no longer seen")))
        elif row["status"] == "fading":
            gone.append(_line(row, turn(before["status"], "fading")))
    gone.sort(key=lambda t: -reference[t.topic_id]["distinct_sources"])
    return new[:limit], [line for _, line in rising[:limit]], gone[:limit]


def _line(row: dict, note: str = "") -> TopicLine:
    return TopicLine(topic_id=row["topic_id"], label=row["label"], status=row["status"],
                     distinct_sources=row["distinct_sources"], growth_24h=row.get("growth_24h"),
                     growth_7d=row.get("growth_7d"), note=note)


def downsample(values: list[float], points: int = SPARK_POINTS) -> list[float]:
    """At most ``points`` values, evenly spaced, always keeping the latest."""
    if len(values) <= points:
        return values
    step = (len(values) - 1) / (points - 1)
    return [values[round(i * step)] for i in range(points)]


# --------------------------------------------------------------------------- store reads


def latest_run(store: Store, now: datetime) -> dict | None:
    """The run a briefing as of ``now`` is about: ``store.runs.latest_run``, the one
    definition of "the latest run"."""
    return _latest_run(store, now)


def snapshots(conn, run_id: int) -> dict[int, dict]:
    return views.run_snapshots(conn, run_id)


def muted_topics(conn, profile: str) -> set[int]:
    return views.muted_topics(conn, profile)


def last_briefing(conn, profile: str, exclude_run: int | None = None) -> dict | None:
    """The most recent briefing delivered for this profile (any target), optionally one
    about another run than ``exclude_run``."""
    return deliveries.last_briefing(conn, profile, exclude_run)


def reference_run(conn, current: dict, profile: str, now: datetime) -> tuple[int | None, datetime | None]:
    """The run to compare with: the previous briefing's, else the run about a day earlier."""
    previous = last_briefing(conn, profile, exclude_run=current["id"])
    if previous is not None:
        return previous["detail"]["run_id"], previous["created_at"]
    row = views.previous_run(conn, current, before=now - timedelta(hours=20))
    return (row["id"], row["as_of"]) if row else (None, None)


def sparklines(conn, topic_ids: list[int], now: datetime) -> dict[int, list[float]]:
    columns, rows = views.snapshot_series(conn, topic_ids, since=now - timedelta(days=SPARK_DAYS),
                                          until=now)
    tid_at, sources_at = columns.index("topic_id"), columns.index("distinct_sources")
    series: dict[int, list[float]] = {tid: [] for tid in topic_ids}
    for row in sorted(rows, key=lambda r: r[columns.index("as_of")]):
        series[row[tid_at]].append(float(row[sources_at]))
    return {tid: downsample(values) for tid, values in series.items()}


def topic_ideas(conn, topic_ids: list[int], profile: str, now: datetime,
                platforms: list[str]) -> tuple[dict[tuple[int, str], list[Idea]], dict[int, list[dict]]]:
    """(topic, product) → ideas of the newest run that has any, best first, minus rejected or
    stale ones; and topic → the source links those ideas rest on."""
    order = {p: i for i, p in enumerate(platforms)}
    found: dict[tuple[int, str], list[Idea]] = {}
    newest: dict[int, int] = {}
    sources_of: dict[int, list[dict]] = {}
    for row in views.topic_ideas(conn, topic_ids, profile):
        newest.setdefault(row["topic_id"], row["run_id"])
        if row["run_id"] != newest[row["topic_id"]] or row["feedback"] == "not_useful":
            continue
        if row["best_before"] is not None and row["best_before"] < now:
            continue
        drafts = sorted((Draft(platform=d.get("platform", ""), text=d.get("text", ""),
                               length=d.get("length"), limit=d.get("limit"))
                         for d in row["drafts"] or [] if d.get("text")),
                        key=lambda d: order.get(d.platform, len(order)))
        found.setdefault((row["topic_id"], row["product"]), []).append(Idea(
            angle=row["angle"], hook=row["hook"], hashtags=list(row["hashtags"] or []),
            drafts=drafts[:MAX_DRAFTS], best_before=row["best_before"]))
        sources_of.setdefault(row["topic_id"], []).extend(row["sources"] or [])
    return found, sources_of


def topic_links(conn, run_id: int, topic_ids: list[int], hide_accounts: bool) -> dict[int, list[Link]]:
    """Newest items of each topic in this run, one per outlet."""
    links: dict[int, list[Link]] = {tid: [] for tid in topic_ids}
    seen: dict[int, set[str]] = {tid: set() for tid in topic_ids}
    for row in views.topic_links(conn, run_id, topic_ids):
        outlet = row["outlet"] or row["platform"]
        if hide_accounts and row["platform"] not in PUBLISHER_PLATFORMS:
            outlet = row["platform"]  # never name a person in a briefing
        tid = row["topic_id"]
        if (len(links[tid]) >= MAX_LINKS or outlet in seen[tid]
                or not row["url"].lower().startswith(("http://", "https://"))):
            continue
        seen[tid].add(outlet)
        links[tid].append(Link(title=row["title"] or row["url"], url=row["url"], outlet=outlet))
    return links


def source_health(conn, settings: Settings, run: dict | None, now: datetime,
                  since: datetime | None, language: str = "en") -> Health:
    messages = i18n.messages(language)
    _, ngettext = messages.gettext, messages.ngettext
    names = [s.name for s in settings.sources if s.enabled]
    rows = views.source_states(conn, names)
    failing = [(r["name"], failing_reason(r)) for r in rows if is_failing(r)]
    notes = []
    never = len(names) - len(rows)
    if never:
        notes.append(ngettext("%(num)s not polled yet", "%(num)s not polled yet", never))
    if run is None:
        notes.append(_("no analysis run yet"))
    elif run["as_of"] < now - 2 * settings.analysis.every - timedelta(minutes=10):
        hours = round((now - run["as_of"]).total_seconds() / 3600)
        notes.append(ngettext("latest analysis is %(num)s hour old",
                              "latest analysis is %(num)s hours old", hours))
    failed = deliveries.count_failed_since(conn, since or now - timedelta(hours=24))
    if failed:
        notes.append(ngettext("%(num)s delivery failed since the last briefing",
                              "%(num)s deliveries failed since the last briefing", failed))
    return Health(sources_total=len(names), failing=sorted(failing), notes=notes,
                  last_run_at=run["as_of"] if run else None, language=language)


# --------------------------------------------------------------------------- assembly


def build_briefing(store: Store, settings: Settings, now: datetime, *,
                   profile: str | None = None) -> Briefing:
    """Everything a briefing shows, for one profile, as of ``now``."""
    briefing = _build_briefing(store, settings, now, profile=profile)
    # overnight: since the last briefing of this profile, at most a day back
    last = deliveries.last_briefing(store, briefing.profile)
    since = max(last["created_at"], now - timedelta(hours=24)) if last else now - timedelta(hours=24)
    briefing.care = customer_care(store, settings, now, min(since, now), briefing.profile)
    return briefing


def _build_briefing(store: Store, settings: Settings, now: datetime, *,
                    profile: str | None = None) -> Briefing:
    chosen = settings.profile(profile)
    language = chosen.writing_language
    _ = i18n.messages(language).gettext
    zone = ZoneInfo(settings.briefing.timezone)
    local = now.astimezone(zone)
    hide_accounts = settings.privacy.pseudonymize_authors
    run = latest_run(store, now)
    with store.connect() as conn:
        base = dict(profile=chosen.name, company=chosen.company.name, generated_at=now,
                    local_date=i18n.long_date(local, language), timezone=zone.key,
                    language=language)
        if run is None:
            return Briefing(**base, window_start=now - settings.analysis.window, window_end=now,
                            run_id=None, opportunities=[], fading=[], changes=Changes(since=None),
                            health=source_health(conn, settings, None, now, None, language))
        current = snapshots(conn, run["id"])
        muted = muted_topics(conn, chosen.name)
        current = {tid: row for tid, row in current.items() if tid not in muted}
        ranked = [_Row(r) for r in views.run_opportunities(conn, run["id"], chosen.name)]
        relevant = {r.topic_id for r in ranked} or set(current)

        picks: dict[int, dict] = {}
        for row in ranked:
            # fading topics have their own section, not a slot among the opportunities
            if row.topic_id not in current or current[row.topic_id]["status"] == "fading":
                continue
            if row.topic_id in picks:
                picks[row.topic_id]["other_products"].append(row.product)
            elif len(picks) < settings.briefing.top:
                picks[row.topic_id] = {"opp": row, "other_products": []}
        if not ranked:  # ranking has not run: fall back to emergence alone
            by_emergence = sorted((r for r in current.values() if r["status"] != "fading"),
                                  key=lambda r: -r["emergence"])
            for row in by_emergence[: settings.briefing.top]:
                picks[row["topic_id"]] = {"opp": None, "other_products": []}

        ids = list(picks)
        spark = sparklines(conn, ids, now) if ids else {}
        idea_map, idea_sources = (topic_ideas(conn, ids, chosen.name, now, chosen.company.platforms)
                                  if ids else ({}, {}))
        links = topic_links(conn, run["id"], ids, hide_accounts) if ids else {}

        chosen_opps = []
        for tid, pick in picks.items():
            snap, opp = current[tid], pick["opp"]
            product = opp.product if opp is not None else None
            topic_ideas_list = idea_map.get((tid, product), []) if product else []
            if not topic_ideas_list:
                topic_ideas_list = next((v for (t, _), v in idea_map.items() if t == tid), [])
            chosen_opps.append(Opportunity(
                topic_id=tid, label=snap["label"], status=snap["status"], product=product,
                explanation=opp.explanation if opp is not None else
                _("Ranked by emergence alone: no product match was computed for this run."),
                priority=opp.priority if opp is not None else None,
                relevance=opp.relevance if opp is not None else None,
                other_products=list(dict.fromkeys(pick["other_products"])),
                growth_24h=snap["growth_24h"], growth_7d=snap["growth_7d"],
                distinct_sources=snap["distinct_sources"], size=snap["size"],
                emergence=snap["emergence"], keywords=list(snap["keywords"] or [])[:6],
                first_seen_at=snap["first_seen_at"], sparkline=spark.get(tid, []),
                links=_merge_links(idea_sources.get(tid, []), links.get(tid, [])),
                ideas=topic_ideas_list[:MAX_IDEAS],
            ))

        fading = sorted((r for tid, r in current.items() if r["status"] == "fading" and tid in relevant),
                        key=lambda r: -r["size"])[:FADING_LIMIT]
        ref_id, since = reference_run(conn, run, chosen.name, now)
        changes = Changes(since=since)
        if ref_id is not None:
            reference = {tid: r for tid, r in snapshots(conn, ref_id).items()
                         if tid not in muted and (tid in relevant or not ranked)}
            scoped = {tid: r for tid, r in current.items() if tid in relevant}
            changes.new, changes.rising, changes.gone = diff_topics(scoped, reference,
                                                                    language=language)
        health = source_health(conn, settings, run, now, since, language)
    return Briefing(**base, window_start=run["window_start"], window_end=run["window_end"],
                    run_id=run["id"], opportunities=chosen_opps,
                    fading=[_line(r, "") for r in fading], changes=changes, health=health)


class _Row:
    """Attribute access over a stored opportunity dict."""

    def __init__(self, values: dict):
        self.__dict__.update(values)


def _merge_links(from_ideas: list[dict], from_items: list[Link]) -> list[Link]:
    merged: list[Link] = []
    seen: set[str] = set()
    for link in [Link(title=s.get("title") or s.get("url", ""), url=s.get("url", ""),
                      outlet=s.get("outlet") or "") for s in from_ideas] + from_items:
        if not link.url or link.url in seen:
            continue
        seen.add(link.url)
        merged.append(link)
        if len(merged) >= MAX_LINKS:
            break
    return merged
