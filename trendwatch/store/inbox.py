"""The customer-care inbox tables: every statement on inbound messages, conversations,
incidents and their event history.

An inbound message is written by collection (``insert_inbound``, inside the transaction that
stores its item) with the person's real handle and link, untriaged; the collection step then
triages it (``record_triage``). People work it through ``transition``/``assign``/``add_note``,
each of which writes an event. Only this module and retention delete rows.

Statuses move ``new → assigned → waiting → answered → closed``; any open message may jump
ahead (answered without being assigned), a closed one stays closed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, select, update

from trendwatch.errors import InboxError
from trendwatch.store.db import Store, insert_ignore
from trendwatch.store.schema import (
    assignments,
    inbox_conversations,
    inbox_events,
    inbox_incidents,
    inbox_messages,
    runs,
)

STATUSES = ("new", "assigned", "waiting", "answered", "closed")
OPEN_STATUSES = ("new", "assigned", "waiting")      # the team still owes an answer
DONE_STATUSES = ("answered", "closed")
CATEGORIES = ("complaint", "question", "praise", "lead", "other")
SYSTEM_ACTOR = "trendwatch"
CHUNK = 500


def _reading(db: Store | Connection):
    return db.connect() if isinstance(db, Store) else nullcontext(db)


def _chunks(seq: Sequence, size: int = CHUNK):
    for start in range(0, len(seq), size):
        yield list(seq[start:start + size])


# --- written by collection ------------------------------------------------------------------

def insert_inbound(conn: Connection, rows: Sequence[dict[str, Any]], now: datetime) -> int:
    """Insert untriaged inbound messages (one per item; an item seen again is skipped) and
    their ``received`` event. Each row: item_id, source, platform, external_id, url, author,
    text, lang, received_at, reply_to, engagement, mention. Returns how many were new."""
    if not rows:
        return 0
    full = [{"reasons": [], "status": "new", "reply": {}, "engagement": {}, "mention": {},
             "priority": 0,
             **row, "created_at": now, "updated_at": now} for row in rows]
    new = insert_ignore(conn, inbox_messages, full, index_elements=["item_id"])
    if new:
        ids = [row["item_id"] for row in rows]
        added = conn.execute(
            select(inbox_messages.c.id).where(
                inbox_messages.c.item_id.in_(ids),
                ~select(inbox_events.c.id).where(
                    inbox_events.c.message_id == inbox_messages.c.id).exists())).scalars().all()
        if added:
            conn.execute(inbox_events.insert(), [
                {"message_id": mid, "at": now, "actor": SYSTEM_ACTOR, "kind": "received",
                 "to_status": "new", "detail": {}} for mid in added])
    return new


# --- the triage step ------------------------------------------------------------------------

def untriaged(store: Store, limit: int = 5000) -> list[dict[str, Any]]:
    """Messages waiting for triage, oldest first."""
    with store.connect() as conn:
        rows = conn.execute(select(inbox_messages).where(inbox_messages.c.triaged_at.is_(None))
                            .order_by(inbox_messages.c.received_at, inbox_messages.c.id)
                            .limit(limit)).mappings().all()
    return [dict(r) for r in rows]


def recent_messages(store: Store, since: datetime) -> list[dict[str, Any]]:
    """Triaged messages received since ``since`` with their conversation key: what thread
    grouping, priority (someone already waiting) and incident detection look back on."""
    query = (select(inbox_messages, inbox_conversations.c.key.label("conversation_key"))
             .outerjoin(inbox_conversations,
                        inbox_conversations.c.id == inbox_messages.c.conversation_id)
             .where(inbox_messages.c.received_at >= since,
                    inbox_messages.c.triaged_at.is_not(None))
             .order_by(inbox_messages.c.received_at))
    with store.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def latest_topics_of_items(store: Store, item_ids: Sequence[str]) -> dict[str, int]:
    """item id → its topic in the latest published analysis run (items not in it: absent)."""
    ids = [i for i in dict.fromkeys(item_ids) if i]
    if not ids:
        return {}
    with store.connect() as conn:
        run_id = conn.execute(select(runs.c.id).where(runs.c.status == "ok")
                              .order_by(runs.c.as_of.desc(), runs.c.id.desc()).limit(1)).scalar()
        if run_id is None:
            return {}
        found: dict[str, int] = {}
        for chunk in _chunks(ids):
            found.update(conn.execute(select(assignments.c.item_id, assignments.c.topic_id).where(
                assignments.c.run_id == run_id, assignments.c.item_id.in_(chunk))).tuples().all())
    return found


@dataclass
class TriageRecord:
    """What the triage step decided about one message."""

    message_id: int
    category: str
    urgency: str
    sentiment: str
    sentiment_score: float | None
    lang: str | None
    reasons: list[str]
    due_at: datetime | None
    conversation_key: str | None = None
    priority: int = 0
    reply_draft: str | None = None
    reply: dict[str, Any] = field(default_factory=dict)


@dataclass
class ConversationRecord:
    key: str
    platform: str
    author: str | None
    subject: str
    opened_at: datetime
    last_message_at: datetime


@dataclass
class IncidentRecord:
    key: str
    label: str
    terms: list[str]
    first_at: datetime
    last_at: datetime
    count: int
    baseline: float
    ratio: float | None
    topic_id: int | None
    message_ids: list[int]
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class TriageSaved:
    messages: int = 0
    conversations: int = 0
    incidents_new: list[int] = field(default_factory=list)
    incidents_updated: list[int] = field(default_factory=list)


def record_triage(store: Store, now: datetime, messages: Sequence[TriageRecord],
                  conversations: Sequence[ConversationRecord] = (),
                  incidents: Sequence[IncidentRecord] = ()) -> TriageSaved:
    """Write one triage step in one transaction: conversations (created or extended),
    each message's triage, due time, draft and conversation, then incidents (created, or
    grown when their key is open already) with their messages linked."""
    saved = TriageSaved()
    with store.begin() as conn:
        conversation_ids = _save_conversations(conn, conversations)
        saved.conversations = len(conversation_ids)
        for record in messages:
            conn.execute(update(inbox_messages).where(inbox_messages.c.id == record.message_id)
                         .values(category=record.category, urgency=record.urgency,
                                 sentiment=record.sentiment,
                                 sentiment_score=record.sentiment_score,
                                 lang=record.lang, reasons=list(record.reasons),
                                 due_at=record.due_at, priority=record.priority,
                                 reply_draft=record.reply_draft,
                                 reply=dict(record.reply), triaged_at=now, updated_at=now,
                                 conversation_id=conversation_ids.get(record.conversation_key)
                                 if record.conversation_key else None))
        if messages:
            conn.execute(inbox_events.insert(), [
                {"message_id": r.message_id, "at": now, "actor": SYSTEM_ACTOR, "kind": "triaged",
                 "detail": {"category": r.category, "urgency": r.urgency,
                            "reasons": list(r.reasons)[:10]}} for r in messages])
        saved.messages = len(messages)
        for incident in incidents:
            incident_id, created = _save_incident(conn, incident, now)
            (saved.incidents_new if created else saved.incidents_updated).append(incident_id)
    return saved


def _save_conversations(conn: Connection, records: Sequence[ConversationRecord]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for record in records:
        row = conn.execute(select(inbox_conversations.c.id, inbox_conversations.c.last_message_at)
                           .where(inbox_conversations.c.key == record.key)).first()
        if row is None:
            ids[record.key] = conn.execute(inbox_conversations.insert().values(
                key=record.key, platform=record.platform, author=record.author,
                subject=record.subject[:500], opened_at=record.opened_at,
                last_message_at=record.last_message_at)
                .returning(inbox_conversations.c.id)).scalar_one()
        else:
            ids[record.key] = row.id
            if record.last_message_at > row.last_message_at:
                conn.execute(update(inbox_conversations).where(inbox_conversations.c.id == row.id)
                             .values(last_message_at=record.last_message_at))
    return ids


def _save_incident(conn: Connection, record: IncidentRecord, now: datetime) -> tuple[int, bool]:
    row = conn.execute(select(inbox_incidents.c.id, inbox_incidents.c.first_at)
                       .where(inbox_incidents.c.key == record.key)).first()
    values = dict(label=record.label, terms=list(record.terms), last_at=record.last_at,
                  count=record.count, baseline=record.baseline, ratio=record.ratio,
                  detail=dict(record.detail))
    if record.topic_id is not None:
        values["topic_id"] = record.topic_id
    if row is None:
        incident_id = conn.execute(inbox_incidents.insert().values(
            key=record.key, first_at=record.first_at, status="open", created_at=now,
            topic_id=record.topic_id, **{k: v for k, v in values.items() if k != "topic_id"})
            .returning(inbox_incidents.c.id)).scalar_one()
        created = True
    else:
        incident_id, created = row.id, False
        values["first_at"] = min(row.first_at, record.first_at)
        conn.execute(update(inbox_incidents).where(inbox_incidents.c.id == incident_id)
                     .values(**values))
    if record.message_ids:
        for chunk in _chunks(record.message_ids):
            conn.execute(update(inbox_messages).where(inbox_messages.c.id.in_(chunk))
                         .values(incident_id=incident_id, updated_at=now))
    return incident_id, created


# --- reading -------------------------------------------------------------------------------

def _message_query():
    return (select(inbox_messages, inbox_incidents.c.label.label("incident_label"))
            .outerjoin(inbox_incidents, inbox_incidents.c.id == inbox_messages.c.incident_id))


def _with_breach(row: dict[str, Any], now: datetime) -> dict[str, Any]:
    due = row.get("due_at")
    row["breached"] = bool(due is not None and row["status"] in OPEN_STATUSES and due <= now)
    return row


def list_messages(db: Store | Connection, now: datetime, *, status: str | None = None,
                  category: str | None = None, include_done: bool = False,
                  limit: int = 500) -> list[dict[str, Any]]:
    """The queue: triaged messages, soonest due first (no due time last), with ``breached``.
    Without ``status`` and ``include_done`` only open ones (the team owes an answer)."""
    query = _message_query().where(inbox_messages.c.triaged_at.is_not(None))
    if status:
        query = query.where(inbox_messages.c.status == status)
    elif not include_done:
        query = query.where(inbox_messages.c.status.in_(OPEN_STATUSES))
    if category:
        query = query.where(inbox_messages.c.category == category)
    query = query.order_by(inbox_messages.c.due_at.is_(None), inbox_messages.c.due_at,
                           inbox_messages.c.priority.desc(), inbox_messages.c.received_at, inbox_messages.c.id).limit(limit)
    with _reading(db) as conn:
        return [_with_breach(dict(r), now) for r in conn.execute(query).mappings()]


def get_message(db: Store | Connection, message_id: int, now: datetime) -> dict[str, Any]:
    """One message with its events (oldest first), its conversation's messages and its
    incident. InboxError when there is none with this id."""
    with _reading(db) as conn:
        row = conn.execute(_message_query().where(inbox_messages.c.id == message_id)).mappings().first()
        if row is None:
            raise InboxError(f"no inbox message with id {message_id}")
        message = _with_breach(dict(row), now)
        message["events"] = [dict(e) for e in conn.execute(
            select(inbox_events).where(inbox_events.c.message_id == message_id)
            .order_by(inbox_events.c.at, inbox_events.c.id)).mappings()]
        message["conversation"] = []
        if message["conversation_id"] is not None:
            message["conversation"] = [_with_breach(dict(r), now) for r in conn.execute(
                _message_query().where(inbox_messages.c.conversation_id == message["conversation_id"])
                .order_by(inbox_messages.c.received_at, inbox_messages.c.id)).mappings()]
        message["incident"] = None
        if message["incident_id"] is not None:
            found = conn.execute(select(inbox_incidents).where(
                inbox_incidents.c.id == message["incident_id"])).mappings().first()
            message["incident"] = dict(found) if found else None
    return message


def list_incidents(db: Store | Connection, *, include_closed: bool = False,
                   since: datetime | None = None) -> list[dict[str, Any]]:
    """Incidents, newest activity first, each with how many of its messages are still open."""
    open_count = (select(func.count()).where(inbox_messages.c.incident_id == inbox_incidents.c.id,
                                             inbox_messages.c.status.in_(OPEN_STATUSES))
                  .scalar_subquery())
    query = select(inbox_incidents, open_count.label("open_messages"))
    if not include_closed:
        query = query.where(inbox_incidents.c.status == "open")
    if since is not None:
        query = query.where(inbox_incidents.c.last_at >= since)
    with _reading(db) as conn:
        return [dict(r) for r in conn.execute(
            query.order_by(inbox_incidents.c.last_at.desc(), inbox_incidents.c.id.desc())).mappings()]


def summary_empty() -> dict[str, Any]:
    """``summary`` of an empty inbox."""
    return {"received": dict.fromkeys(CATEGORIES, 0), "received_total": 0, "open": 0,
            "by_status": dict.fromkeys(STATUSES, 0), "breached": 0, "high": 0,
            "open_incidents": 0}


def summary(db: Store | Connection, now: datetime, since: datetime) -> dict[str, Any]:
    """Counts for *Today* and the briefing: received since ``since`` per category, open per
    status, breached (open and past due), open incidents."""
    with _reading(db) as conn:
        received = dict(conn.execute(
            select(inbox_messages.c.category, func.count()).where(
                inbox_messages.c.received_at >= since, inbox_messages.c.triaged_at.is_not(None))
            .group_by(inbox_messages.c.category)).tuples().all())
        by_status = dict(conn.execute(
            select(inbox_messages.c.status, func.count()).where(
                inbox_messages.c.triaged_at.is_not(None)).group_by(inbox_messages.c.status)
        ).tuples().all())
        breached = conn.execute(select(func.count()).select_from(inbox_messages).where(
            inbox_messages.c.status.in_(OPEN_STATUSES), inbox_messages.c.due_at <= now)).scalar()
        high = conn.execute(select(func.count()).select_from(inbox_messages).where(
            inbox_messages.c.status.in_(OPEN_STATUSES), inbox_messages.c.urgency == "high")).scalar()
        incidents = conn.execute(select(func.count()).select_from(inbox_incidents).where(
            inbox_incidents.c.status == "open")).scalar()
    return {"received": {c: received.get(c, 0) for c in CATEGORIES},
            "received_total": sum(received.values()),
            "open": sum(by_status.get(s, 0) for s in OPEN_STATUSES),
            "by_status": {s: by_status.get(s, 0) for s in STATUSES},
            "breached": breached or 0, "high": high or 0, "open_incidents": incidents or 0}


# --- working the inbox ------------------------------------------------------------------------

def _current(conn: Connection, message_id: int) -> Any:
    row = conn.execute(select(inbox_messages.c.id, inbox_messages.c.status,
                              inbox_messages.c.assignee)
                       .where(inbox_messages.c.id == message_id)).first()
    if row is None:
        raise InboxError(f"no inbox message with id {message_id}")
    return row


def transition(store: Store, message_id: int, to_status: str, *, actor: str, now: datetime,
               note: str | None = None) -> dict[str, Any]:
    """Move a message to ``to_status`` and record who did it. InboxError for an unknown
    message or status, or a closed message (closing it twice is a no-op)."""
    if to_status not in STATUSES:
        raise InboxError(f"unknown status {to_status!r}; expected one of {', '.join(STATUSES)}")
    with store.begin() as conn:
        row = _current(conn, message_id)
        if row.status == to_status:
            return {"id": message_id, "status": to_status, "changed": False}
        if row.status == "closed":
            raise InboxError(f"message {message_id} is closed")
        conn.execute(update(inbox_messages).where(inbox_messages.c.id == message_id)
                     .values(status=to_status, updated_at=now))
        conn.execute(inbox_events.insert().values(
            message_id=message_id, at=now, actor=actor, kind="status", from_status=row.status,
            to_status=to_status, note=note, detail={}))
    return {"id": message_id, "status": to_status, "changed": True, "from_status": row.status}


def assign(store: Store, message_id: int, assignee: str, *, actor: str,
           now: datetime) -> dict[str, Any]:
    """Give a message to ``assignee``; a new one becomes ``assigned``."""
    assignee = assignee.strip()
    if not assignee:
        raise InboxError("an assignee needs a name")
    with store.begin() as conn:
        row = _current(conn, message_id)
        if row.status == "closed":
            raise InboxError(f"message {message_id} is closed")
        status = "assigned" if row.status == "new" else row.status
        conn.execute(update(inbox_messages).where(inbox_messages.c.id == message_id)
                     .values(assignee=assignee, status=status, updated_at=now))
        conn.execute(inbox_events.insert().values(
            message_id=message_id, at=now, actor=actor, kind="assign", from_status=row.status,
            to_status=status, note=None, detail={"assignee": assignee, "before": row.assignee}))
    return {"id": message_id, "status": status, "assignee": assignee}


def add_note(store: Store, message_id: int, text: str, *, actor: str, now: datetime) -> int:
    """A note on a message's history. Returns the event id."""
    if not text.strip():
        raise InboxError("a note needs some text")
    with store.begin() as conn:
        _current(conn, message_id)
        return conn.execute(inbox_events.insert().values(
            message_id=message_id, at=now, actor=actor, kind="note", note=text.strip(),
            detail={}).returning(inbox_events.c.id)).scalar_one()


# --- on call -----------------------------------------------------------------------------------

def open_due_before(store: Store, until: datetime) -> list[dict[str, Any]]:
    """Open messages due at or before ``until`` whose conversation (or the message itself,
    when it has none) got no on-call alert yet."""
    query = (select(inbox_messages, inbox_conversations.c.on_call_alerted_at.label("conv_alerted"))
             .outerjoin(inbox_conversations,
                        inbox_conversations.c.id == inbox_messages.c.conversation_id)
             .where(inbox_messages.c.status.in_(OPEN_STATUSES),
                    inbox_messages.c.due_at.is_not(None), inbox_messages.c.due_at <= until,
                    inbox_messages.c.on_call_alerted_at.is_(None),
                    inbox_conversations.c.on_call_alerted_at.is_(None))
             .order_by(inbox_messages.c.due_at))
    with store.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def mark_on_call_alerted(store: Store, message_ids: Sequence[int], now: datetime,
                         targets: Sequence[str]) -> None:
    """Record an on-call alert on the messages and their conversations (once per conversation)."""
    ids = list(message_ids)
    if not ids:
        return
    with store.begin() as conn:
        conversation_ids = [c for c in conn.execute(
            select(inbox_messages.c.conversation_id).where(inbox_messages.c.id.in_(ids))).scalars()
            if c is not None]
        conn.execute(update(inbox_messages).where(inbox_messages.c.id.in_(ids))
                     .values(on_call_alerted_at=now))
        if conversation_ids:
            conn.execute(update(inbox_conversations)
                         .where(inbox_conversations.c.id.in_(conversation_ids))
                         .values(on_call_alerted_at=now))
        conn.execute(inbox_events.insert(), [
            {"message_id": mid, "at": now, "actor": SYSTEM_ACTOR, "kind": "alert",
             "detail": {"on_call": list(targets)}} for mid in ids])


def unalerted_incidents(store: Store) -> list[dict[str, Any]]:
    return [i for i in list_incidents(store) if i["alerted_at"] is None]


def mark_incidents_alerted(store: Store, incident_ids: Sequence[int], now: datetime) -> None:
    if not incident_ids:
        return
    with store.begin() as conn:
        conn.execute(update(inbox_incidents).where(inbox_incidents.c.id.in_(list(incident_ids)))
                     .values(alerted_at=now))


def close_quiet_incidents(store: Store, before: datetime) -> int:
    """Close open incidents with no new complaint since ``before``."""
    with store.begin() as conn:
        return conn.execute(update(inbox_incidents).where(
            inbox_incidents.c.status == "open", inbox_incidents.c.last_at < before)
            .values(status="closed")).rowcount or 0


# --- deleting: retention and data-subject requests --------------------------------------------

@dataclass
class InboxPurgeReport:
    cutoff: datetime
    messages: int = 0
    events: int = 0
    conversations: int = 0
    incidents: int = 0
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"cutoff": self.cutoff, "dry_run": self.dry_run, "messages": self.messages,
                "events": self.events, "conversations": self.conversations,
                "incidents": self.incidents}


def _delete_messages(conn: Connection, where: Any) -> tuple[int, int]:
    ids = list(conn.execute(select(inbox_messages.c.id).where(where)).scalars())
    events = messages = 0
    for chunk in _chunks(ids):
        # explicit: do not depend on the backend enforcing ON DELETE CASCADE
        events += conn.execute(delete(inbox_events).where(
            inbox_events.c.message_id.in_(chunk))).rowcount or 0
        messages += conn.execute(delete(inbox_messages).where(
            inbox_messages.c.id.in_(chunk))).rowcount or 0
    return messages, events


def _delete_orphans(conn: Connection) -> tuple[int, int]:
    empty_conv = ~select(inbox_messages.c.id).where(
        inbox_messages.c.conversation_id == inbox_conversations.c.id).exists()
    conversations = conn.execute(delete(inbox_conversations).where(empty_conv)).rowcount or 0
    empty_incident = ~select(inbox_messages.c.id).where(
        inbox_messages.c.incident_id == inbox_incidents.c.id).exists()
    incidents = conn.execute(delete(inbox_incidents).where(empty_incident)).rowcount or 0
    return conversations, incidents


def purge_inbox(store: Store, now: datetime, retention: Any, *,
                dry_run: bool = False) -> InboxPurgeReport:
    """Delete inbound messages received before ``now - retention`` with their history, and
    the conversations and incidents left without a message. Open messages go too: the
    retention is the promise made to the people who wrote."""
    report = InboxPurgeReport(cutoff=now - retention, dry_run=dry_run)
    old = inbox_messages.c.received_at < report.cutoff
    if dry_run:
        with store.connect() as conn:
            report.messages = conn.execute(select(func.count()).where(old)).scalar() or 0
            report.events = conn.execute(select(func.count()).select_from(inbox_events).where(
                inbox_events.c.message_id.in_(select(inbox_messages.c.id).where(old)))).scalar() or 0
        return report
    with store.begin() as conn:
        report.messages, report.events = _delete_messages(conn, old)
        report.conversations, report.incidents = _delete_orphans(conn)
    return report


def _author_matches(column: Any, authors: Iterable[str]) -> Any:
    wanted = sorted({a.casefold() for a in authors if a})
    return func.lower(column).in_(wanted) if wanted else column.is_(None) & column.is_not(None)


def items_of_author(db: Store | Connection, authors: Iterable[str]) -> list[str]:
    """Ids of the items an inbound message by one of ``authors`` was found as."""
    with _reading(db) as conn:
        return [i for i in conn.execute(select(inbox_messages.c.item_id).where(
            _author_matches(inbox_messages.c.author, authors))).scalars() if i]


def forget_inbound(conn: Connection, authors: Iterable[str]) -> dict[str, int]:
    """Delete every inbound message by one of ``authors`` (real handles, matched without
    case), its history, and conversations/incidents left empty. Runs in the caller's
    transaction (retention.forget_author deletes the items in the same one)."""
    authors = list(authors)
    messages, events = _delete_messages(conn, _author_matches(inbox_messages.c.author, authors))
    conversations = conn.execute(delete(inbox_conversations).where(
        _author_matches(inbox_conversations.c.author, authors))).rowcount or 0
    extra_conv, incidents = _delete_orphans(conn)
    return {"inbox_messages": messages, "inbox_events": events,
            "conversations": conversations + extra_conv, "incidents": incidents}

