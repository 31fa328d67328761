"""The customer-care inbox's shell: which collected items are inbound, the triage step that
runs inside every collection step, the on-call check, and data-subject requests.

The pure work (matching, classification, threads, SLA clocks, drafts, incidents) is in
``trendwatch.inbox``; the SQL in ``trendwatch.store.inbox``; this module wires them.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from trendwatch.collect.ingest import InboundPicker, pseudonymizer
from trendwatch.config.schema import PLATFORMS, Profile, Settings, SourceOptions
from trendwatch.models import RawItem
from trendwatch.store import Store
from trendwatch.store import inbox as inbox_rows
from trendwatch.store.retention import ForgetReport, forget_author

log = logging.getLogger("trendwatch.inbox")


# --- which items are inbound ------------------------------------------------------------------

class InboundSelection:
    """``collect_sources(inbound=…)``: a source with ``inbox = true`` yields only inbound
    messages; elsewhere a post is one when it mentions a profile's company, products,
    accounts or terms. The company's own posts never are. Read-only; thread-safe."""

    def __init__(self, settings: Settings):
        from trendwatch.inbox.match import MentionMatcher

        self.enabled = settings.inbox.enabled
        self._matchers = [(profile, MentionMatcher.from_settings(settings.inbox, profile))
                          for profile in settings.all_profiles()]
        if not self._matchers:
            self._matchers = [(None, MentionMatcher.from_settings(settings.inbox, None))]

    def __call__(self, source: SourceOptions, platform: str) -> InboundPicker | None:
        if not self.enabled:
            return None
        direct = bool(getattr(source, "inbox", False))

        def pick(raw: RawItem) -> dict[str, Any] | None:
            author = raw.author or ""
            if author and any(m.is_own(author, platform) for _, m in self._matchers):
                return None
            text = f"{raw.title or ''}\n{raw.text or ''}"
            for profile, matcher in self._matchers:
                found = matcher.match(text, author=author, platform=platform)
                if found is not None:
                    return {"kind": found.kind, "term": found.term, "product": found.product,
                            "profile": profile.name if profile else None, "direct": direct}
            if direct:
                return {"kind": "source", "term": None, "product": None,
                        "profile": self._matchers[0][0].name if self._matchers[0][0] else None,
                        "direct": True}
            return None

        return pick


# --- the triage step ---------------------------------------------------------------------------

@dataclass
class TriageOutcome:
    """What one triage step did."""

    triaged: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    conversations: int = 0
    incidents_new: list[int] = field(default_factory=list)
    incidents_updated: list[int] = field(default_factory=list)
    classifier: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"triaged": self.triaged, "by_category": dict(self.by_category),
                "conversations": self.conversations, "incidents_new": list(self.incidents_new),
                "incidents_updated": list(self.incidents_updated), "classifier": self.classifier}


def make_classifier(settings: Settings):
    """The configured classifier; the LLM one falls back to the offline one by itself."""
    from trendwatch.inbox.llm import classifier_for

    return classifier_for(settings)


def _message(row: dict[str, Any]):
    from trendwatch.inbox.message import InboundMessage

    return InboundMessage(
        id=str(row["id"]), external_id=row["external_id"] or str(row["id"]), source=row["source"],
        platform=row["platform"], url=row["url"] or "", author=row["author"] or "",
        text=row["text"] or "", lang=row["lang"], received_at=row["received_at"],
        reply_to=row["reply_to"], engagement=dict(row["engagement"] or {}),
        direct=bool((row.get("mention") or {}).get("direct")))


def _stored_triage(row: dict[str, Any]):
    from trendwatch.inbox.message import Triage

    return Triage(category=row["category"], urgency=row["urgency"] or "normal",
                  sentiment=row["sentiment"] or "neutral",
                  sentiment_score=float(row["sentiment_score"] or 0.0), lang=row["lang"] or "en",
                  reasons=tuple(row["reasons"] or ()))


def _profile_for(settings: Settings, row: dict[str, Any]) -> Profile | None:
    name = (row.get("mention") or {}).get("profile")
    profiles = settings.all_profiles()
    for profile in profiles:
        if name and profile.name == name:
            return profile
    return profiles[0] if profiles else None


def _open_conversations(recent: Sequence[dict[str, Any]], products: Sequence[str]):
    from trendwatch.inbox.matter import matter_terms
    from trendwatch.inbox.threads import OpenConversation

    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in recent:
        if row.get("conversation_key") and row["status"] != "closed":
            grouped[row["conversation_key"]].append(row)
    found = []
    for key, rows in grouped.items():
        waiting = [r["received_at"] for r in rows if r["status"] in inbox_rows.OPEN_STATUSES]
        terms: frozenset[str] = frozenset()
        for r in rows:
            terms |= matter_terms(r["text"] or "", products=products)
        found.append(OpenConversation(
            key=key, author=rows[0]["author"] or "", platform=rows[0]["platform"],
            last_at=max(r["received_at"] for r in rows),
            message_ids=frozenset({str(r["id"]) for r in rows}
                                  | {r["external_id"] for r in rows if r["external_id"]}),
            terms=terms, waiting_since=min(waiting) if waiting else None))
    return found


def triage_new(store: Store, settings: Settings, now: datetime, *,
               classifier: Any = None) -> TriageOutcome:
    """Triage every inbound message not triaged yet: classify, group into conversations,
    set due times and priorities, draft replies, detect incidents (linked to the latest
    analysis run's topic of their items), and record it all in one transaction."""
    from trendwatch.inbox import incidents as incident_rules
    from trendwatch.inbox import replies, sla, threads
    from trendwatch.inbox.matter import matter_key

    outcome = TriageOutcome()
    pending = inbox_rows.untriaged(store)
    if not pending:
        return outcome
    inbox = settings.inbox
    classifier = classifier or make_classifier(settings)
    outcome.classifier = getattr(classifier, "name", type(classifier).__name__)
    products = [p.name for profile in settings.all_profiles() for p in profile.products]
    messages = [_message(row) for row in pending]
    triages = classifier.classify(messages)

    lookback = now - max(inbox.conversation_window, inbox.incident_window + inbox.incident_baseline)
    recent = inbox_rows.recent_messages(store, lookback)
    open_convs = _open_conversations([r for r in recent
                                      if r["received_at"] >= now - inbox.conversation_window],
                                     products)
    keys = threads.group_conversations(messages, open_convs, now,
                                       window=inbox.conversation_window, products=products)
    waiting = {c.key: c for c in open_convs}
    # how many messages each open conversation already has (a customer writing again waits
    # longer than one writing once)
    earlier_count: dict[str, int] = defaultdict(int)
    for r in recent:
        if r.get("conversation_key") in waiting:
            earlier_count[r["conversation_key"]] += 1

    # a draft written while the office is closed says when a person follows up
    opens = sla.next_office_open(now, inbox)
    opens_local = opens.astimezone(inbox.zone) if opens is not None else None
    conversations: dict[str, inbox_rows.ConversationRecord] = {}
    records: list[inbox_rows.TriageRecord] = []
    seen_in_conv: dict[str, int] = defaultdict(int)
    for row, message, triage in zip(pending, messages, triages):
        key = keys.get(message.id) or threads.conversation_key(message)
        known = waiting.get(key)
        earlier = earlier_count[key] + seen_in_conv[key]
        seen_in_conv[key] += 1
        conv = conversations.get(key)
        if conv is None:
            conversations[key] = inbox_rows.ConversationRecord(
                key=key, platform=message.platform, author=row["author"],
                subject=matter_key(message.text, products=products),
                opened_at=known.last_at if known else message.received_at,
                last_message_at=message.received_at)
        else:
            conv.last_message_at = max(conv.last_message_at, message.received_at)
        profile = _profile_for(settings, row)
        draft = replies.draft_reply(message, triage, profile=profile, policy=inbox.replies,
                                    platform=message.platform, now=now,
                                    mastodon_limit=settings.ideas.mastodon_limit,
                                    office_opens_at=opens_local) \
            if profile is not None else None
        records.append(inbox_rows.TriageRecord(
            message_id=row["id"], category=triage.category, urgency=triage.urgency,
            sentiment=triage.sentiment, sentiment_score=triage.sentiment_score,
            lang=triage.lang or row["lang"], reasons=list(triage.reasons),
            due_at=sla.due_at(message.received_at, triage.category, triage.urgency, inbox),
            conversation_key=key,
            priority=threads.priority(triage, waiting_since=known.waiting_since if known else None,
                                      now=now, earlier_messages=earlier),
            reply_draft=draft.text if draft else None,
            reply={"escalate": draft.escalate, "reasons": list(draft.reasons),
                   "limit": draft.limit, "length": draft.length, "lang": draft.lang,
                   "classifier": triage.classifier,
                   "signals": list(getattr(triage, "signals", ()))} if draft else {}))
        outcome.by_category[triage.category] = outcome.by_category.get(triage.category, 0) + 1

    found = _incidents(store, settings, now, recent, pending, messages, triages, products,
                       incident_rules)
    saved = inbox_rows.record_triage(store, now, records, list(conversations.values()), found)
    outcome.triaged = saved.messages
    outcome.conversations = saved.conversations
    outcome.incidents_new = saved.incidents_new
    outcome.incidents_updated = saved.incidents_updated
    log.info("inbox triage: %d messages %s, %d new incident(s)", outcome.triaged,
             outcome.by_category, len(outcome.incidents_new))
    return outcome


def _incidents(store, settings, now, recent, pending, messages, triages, products,
               incident_rules) -> list[inbox_rows.IncidentRecord]:
    from trendwatch.inbox.incidents import group_key
    from trendwatch.inbox.matter import matter_key

    inbox = settings.inbox
    window_start = now - inbox.incident_window
    rows = [r for r in recent if r["category"] == "complaint"]
    pairs = [(r, _message(r), _stored_triage(r)) for r in rows]
    pairs += [(r, m, t) for r, m, t in zip(pending, messages, triages) if t.category == "complaint"]
    topics = inbox_rows.latest_topics_of_items(store, [r["item_id"] for r, _m, _t in pairs])
    complaints, history = [], defaultdict(int)
    item_of = {}
    for row, message, triage in pairs:
        key = matter_key(message.text, products=products)
        topic = topics.get(row["item_id"])
        topic_id = str(topic) if topic is not None else None
        if message.received_at >= window_start:
            complaints.append((message, triage, topic_id, key))
            item_of[message.id] = row["id"]
        else:
            group = group_key(topic_id, key)
            if group is not None:
                history[group] += 1
    found = []
    for incident in incident_rules.detect_incidents(complaints, dict(history), now, inbox):
        ids = [item_of[m] for m in incident.message_ids if m in item_of]
        times = [m.received_at for m, *_ in complaints if m.id in set(incident.message_ids)]
        found.append(inbox_rows.IncidentRecord(
            key=incident.key, label=incident.label, terms=[incident.label],
            first_at=min(times, default=incident.since), last_at=max(times, default=now),
            count=incident.count, baseline=incident.baseline, ratio=incident.ratio,
            topic_id=int(incident.topic_id) if incident.topic_id is not None else None,
            message_ids=ids, detail={"since": incident.since.isoformat(),
                                     "summary": incident.describe()}))
    return found


# --- on call ----------------------------------------------------------------------------------

async def check_on_call(store: Store, settings: Settings, now: datetime) -> dict[str, Any]:
    """Alert ``[inbox] on_call`` about messages about to breach their SLA outside office
    hours (once per conversation), and about incidents not alerted yet."""
    from trendwatch.briefing.delivery import deliver
    from trendwatch.briefing.inbox_alerts import incident_message, on_call_message
    from trendwatch.inbox import sla

    inbox = settings.inbox
    done: dict[str, Any] = {"on_call": 0, "incidents": 0, "results": []}
    if not inbox.on_call:
        return done
    language = settings.profile().writing_language if settings.all_profiles() else "en"
    candidates = inbox_rows.open_due_before(store, now + inbox.warn_before)
    chosen, conversations = [], set()
    for row in candidates:
        if row["conversation_id"] is not None and row["conversation_id"] in conversations:
            continue
        if sla.needs_on_call(now, row["due_at"], inbox, already_alerted=False):
            chosen.append(row)
            if row["conversation_id"] is not None:
                conversations.add(row["conversation_id"])
    if chosen:
        results = await deliver(store, settings, on_call_message(chosen, now, settings, language),
                                inbox.on_call, now)
        if any(r.status == "sent" for r in results):
            inbox_rows.mark_on_call_alerted(store, [r["id"] for r in chosen], now, inbox.on_call)
            done["on_call"] = len(chosen)
        done["results"].extend(results)
    for incident in inbox_rows.unalerted_incidents(store):
        results = await deliver(store, settings, incident_message(incident, now, settings, language),
                                inbox.on_call, now)
        if any(r.status == "sent" for r in results):
            inbox_rows.mark_incidents_alerted(store, [incident["id"]], now)
            done["incidents"] += 1
        done["results"].extend(results)
    return done


# --- data-subject requests --------------------------------------------------------------------

def handle_variants(author: str) -> list[str]:
    """The ways one handle is written: as given, with and without the leading @."""
    author = author.strip()
    bare = author.lstrip("@")
    return list(dict.fromkeys(v for v in (author, bare, "@" + bare) if v and v != "@"))


def forget(store: Store, now: datetime, author: str,
           privacy_key: bytes | None) -> ForgetReport:
    """Delete everything the store holds by ``author`` (``trendwatch forget``): inbound
    messages under the real handle, items under the handle and under its pseudonym on
    every platform (privacy mode), and what cites them."""
    handles = handle_variants(author)
    pseudonym = pseudonymizer(privacy_key)
    pseudonyms = [pseudonym(platform, h) for platform in (*PLATFORMS, "news")
                  for h in handles] if pseudonym else []
    return forget_author(store, now, handles, pseudonyms)
