"""Table definitions (SQLAlchemy Core). Migrations in trendwatch/store/migrations create them.

Times are stored as naive UTC and come back as aware UTC (UTCDateTime), so the
same code runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

metadata = MetaData()


def Name(length: int):  # noqa: N802 - used like a type
    """A name from the config or a model hub (source, profile, product, model, generator).

    VARCHAR(length) as SQLite has always had it (it never enforces the length), TEXT on
    PostgreSQL, which would refuse a longer value (migration 0003_pg_names).
    """
    return String(length).with_variant(Text(), "postgresql")


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in, aware UTC datetimes out, naive UTC on disk."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):  # type: ignore[override]
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; pass an aware UTC time")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):  # type: ignore[override]
        if value is None:
            return None
        if isinstance(value, str):  # raw SQL over SQLite
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC)


sources = Table(
    "sources", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", Name(200), nullable=False, unique=True),
    Column("kind", String(40), nullable=False),
    Column("platform", String(40), nullable=False),
    Column("params", JSON, nullable=False, default=dict),
    Column("url", Text),                       # current URL, updated on 301/308
    Column("etag", Text),
    Column("last_modified", Text),
    Column("cursor", JSON),                    # collector-specific polling state (min_id, …)
    Column("next_check_at", UTCDateTime),
    Column("last_attempt_at", UTCDateTime),
    Column("last_ok_at", UTCDateTime),
    Column("last_status", Integer),
    Column("error_count", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("disabled_reason", Text),
    Column("last_new_items", Integer, nullable=False, default=0),
    Column("last_bytes", Integer, nullable=False, default=0),
    Column("created_at", UTCDateTime, nullable=False),
    Column("parser", Text),                    # feed parser of the last good fetch (0005)
    # workers on PostgreSQL (0007): the worker fetching it now, until its lease runs out
    Column("claimed_by", Text),
    Column("claim_expires_at", UTCDateTime),
)

stories = Table(
    "stories", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("title", Text, nullable=False),
    Column("first_seen_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
)

items = Table(
    "items", metadata,
    Column("id", String(64), primary_key=True),            # stable hash, see collectors.base
    Column("source_id", Integer, ForeignKey("sources.id", ondelete="CASCADE"), nullable=False),
    Column("platform", String(40), nullable=False),         # rss, mastodon, bluesky, …
    Column("external_id", Text),                            # GUID / platform id as the source gave it
    Column("outlet", Text),                                 # publisher or account the item came from
    Column("author", Text),                                 # pseudonymised when privacy mode is on
    Column("url", Text),
    Column("canonical_url", Text),
    Column("title", Text, nullable=False, default=""),
    Column("text", Text, nullable=False, default=""),
    Column("lang", String(12)),
    Column("published_at", UTCDateTime, nullable=False),
    Column("fetched_at", UTCDateTime, nullable=False),
    Column("hashtags", JSON, nullable=False, default=list),
    Column("engagement", JSON, nullable=False, default=dict),
    Column("story_id", Integer, ForeignKey("stories.id", ondelete="SET NULL")),
    Column("minhash", LargeBinary),
    Index("ix_items_published_at", "published_at"),
    Index("ix_items_canonical_url", "canonical_url"),
    Index("ix_items_story_id", "story_id"),
    Index("ix_items_source_id", "source_id"),
)

trend_points = Table(
    "trend_points", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source_id", Integer, ForeignKey("sources.id", ondelete="CASCADE"), nullable=False),
    Column("platform", String(40), nullable=False),
    Column("term", Text, nullable=False),                   # hashtag or search term, lower-cased
    Column("metric", String(40), nullable=False),           # uses, accounts, traffic, posts, …
    Column("at", UTCDateTime, nullable=False),              # start of the bin the value covers
    Column("value", Float, nullable=False),
    Column("extra", JSON, nullable=False, default=dict),
    UniqueConstraint("source_id", "term", "metric", "at", name="uq_trend_points"),
    Index("ix_trend_points_term", "term"),
)

# --- analysis (issue: analysis engine) --------------------------------------------------

embeddings = Table(
    "embeddings", metadata,
    Column("item_id", String(64), ForeignKey("items.id", ondelete="CASCADE"), primary_key=True),
    Column("model_id", Name(200), primary_key=True),
    Column("vector", LargeBinary, nullable=False),          # float32, L2-normalised
)

runs = Table(
    "runs", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
    Column("as_of", UTCDateTime, nullable=False),           # the `now` the run scored against
    Column("window_start", UTCDateTime, nullable=False),
    Column("window_end", UTCDateTime, nullable=False),
    Column("status", String(20), nullable=False),           # running | analysed | ok | failed | interrupted
    Column("model_id", Name(200)),
    Column("params", JSON, nullable=False, default=dict),
    Column("counts", JSON, nullable=False, default=dict),   # items, embedded, clusters, timings…
    Column("error", Text),
    Index("ix_runs_as_of", "as_of"),
)

topics = Table(
    "topics", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("first_seen_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("label", Text, nullable=False),
    Column("keywords", JSON, nullable=False, default=list),
    Column("hashtags", JSON, nullable=False, default=list),
    Column("languages", JSON, nullable=False, default=list),
    Column("anchor_centroid", LargeBinary),                 # float32 at birth
    Column("centroid", LargeBinary),                        # float32, running
    Column("status", String(20), nullable=False, default="watch"),
    Column("size", Integer, nullable=False, default=0),
    Column("last_run_id", Integer, ForeignKey("runs.id", ondelete="SET NULL")),
    Column("dormant", Boolean, nullable=False, default=False),
)

topic_lineage = Table(
    "topic_lineage", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer, ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
    Column("topic_id", Integer, ForeignKey("topics.id", ondelete="CASCADE"), nullable=False),
    Column("related_topic_id", Integer, ForeignKey("topics.id", ondelete="CASCADE"), nullable=False),
    Column("relation", String(20), nullable=False),         # split_from | merged_into | returned
)

topic_snapshots = Table(
    "topic_snapshots", metadata,
    Column("run_id", Integer, ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", Integer, ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True),
    Column("as_of", UTCDateTime, nullable=False),
    Column("size", Integer, nullable=False),                # items in the window
    Column("distinct_sources", Integer, nullable=False),    # outlets/accounts after dedup
    Column("distinct_stories", Integer, nullable=False),
    Column("platforms", JSON, nullable=False, default=dict),  # platform → item count
    Column("label", Text, nullable=False),
    Column("keywords", JSON, nullable=False, default=list),
    Column("status", String(20), nullable=False),           # emerging | watch | established | fading
    Column("signal", String(20)),                           # strong | weak | noise
    Column("emergence", Float, nullable=False),             # the score used for ranking
    Column("score_parts", JSON, nullable=False, default=dict),  # every part, for explanations
    Column("growth_24h", Float),
    Column("growth_7d", Float),
    Index("ix_topic_snapshots_topic", "topic_id"),
)

assignments = Table(
    "assignments", metadata,
    Column("run_id", Integer, ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
    Column("item_id", String(64), ForeignKey("items.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", Integer, ForeignKey("topics.id", ondelete="CASCADE"), nullable=False),
    Column("probability", Float),
    Index("ix_assignments_topic", "run_id", "topic_id"),
)

# --- company fit and ideas (issue: ranking and ideas) ------------------------------------

opportunities = Table(
    "opportunities", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer, ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
    Column("topic_id", Integer, ForeignKey("topics.id", ondelete="CASCADE"), nullable=False),
    Column("profile", Name(200), nullable=False),
    Column("product", Name(200), nullable=False),
    Column("relevance", Float, nullable=False),
    Column("priority", Float, nullable=False),
    Column("explanation", Text, nullable=False),
    Column("parts", JSON, nullable=False, default=dict),
    UniqueConstraint("run_id", "topic_id", "profile", "product", name="uq_opportunities"),
)

ideas = Table(
    "ideas", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer, ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
    Column("topic_id", Integer, ForeignKey("topics.id", ondelete="CASCADE"), nullable=False),
    Column("profile", Name(200), nullable=False),
    Column("product", Name(200), nullable=False),
    Column("angle", String(40), nullable=False),
    Column("hook", Text, nullable=False),
    Column("hashtags", JSON, nullable=False, default=list),
    Column("sources", JSON, nullable=False, default=list),   # [{title, url, outlet}]
    Column("drafts", JSON, nullable=False, default=list),    # [{platform, text, length, limit}]
    Column("best_before", UTCDateTime),
    Column("generator", Name(40), nullable=False),         # template | llm:<model>
    Column("created_at", UTCDateTime, nullable=False),
    Column("feedback", String(20)),                          # useful | not_useful
)

feedback = Table(
    "feedback", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("topic_id", Integer, ForeignKey("topics.id", ondelete="CASCADE"), nullable=False),
    Column("profile", Name(200)),
    Column("idea_id", Integer, ForeignKey("ideas.id", ondelete="SET NULL")),
    Column("verdict", String(20), nullable=False),           # useful | not_useful | mute
    Column("created_at", UTCDateTime, nullable=False),
    Column("note", Text),
)

# --- service (issue: scheduler, briefing, delivery) ------------------------------------------

jobs = Table(
    "jobs", metadata,
    Column("name", String(100), primary_key=True),           # collect, analyze, briefing, purge
    Column("last_started_at", UTCDateTime),
    Column("last_finished_at", UTCDateTime),
    Column("last_status", String(20)),                       # ok | failed | running
    Column("last_error", Text),
    Column("next_run_at", UTCDateTime),
    # workers on PostgreSQL (0007): the worker running it now, until its lease runs out
    Column("claimed_by", Text),
    Column("claim_expires_at", UTCDateTime),
)

# one row per `trendwatch worker` (or `serve` on PostgreSQL) that ever ran on this store
workers = Table(
    "workers", metadata,
    Column("id", Text, primary_key=True),                    # host:pid:pid-namespace:token
    Column("host", Text, nullable=False),
    Column("pid", Integer, nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("heartbeat_at", UTCDateTime, nullable=False),
    Column("status", String(20), nullable=False),            # running | stopped | lost
    Column("holding", Text),                                 # what it does now, for status
    Column("stopped_at", UTCDateTime),
)

deliveries = Table(
    "deliveries", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(20), nullable=False),              # briefing | alert
    Column("target", String(40), nullable=False),            # file | email | slack | webhook
    Column("topic_id", Integer, ForeignKey("topics.id", ondelete="SET NULL")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("status", String(20), nullable=False),            # sent | failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("error", Text),
    Column("detail", JSON, nullable=False, default=dict),
)

# --- the locked door (issue: a locked door, and nothing lost) -------------------------------

users = Table(
    "users", metadata,
    Column("name", Name(200), primary_key=True),
    Column("password_hash", Text, nullable=False),           # argon2id, never the password
    Column("role", String(20), nullable=False),              # viewer | admin
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_login_at", UTCDateTime),
)

leases = Table(
    "leases", metadata,
    Column("name", Name(200), primary_key=True),             # "service", later a job or a source
    Column("holder", Text, nullable=False),                  # host:pid:token of the holder
    Column("host", Text, nullable=False),
    Column("pid", Integer, nullable=False),
    Column("acquired_at", UTCDateTime, nullable=False),
    Column("heartbeat_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
)

quotas = Table(
    "quotas", metadata,
    Column("key", Name(200), primary_key=True),              # "<source>:<period>", e.g. x-acme:2026-12
    Column("cap", Integer, nullable=False),
    Column("used", Integer, nullable=False, default=0),      # settled: what the platform counted
    Column("reserved", Integer, nullable=False, default=0),  # held by requests in flight
    Column("updated_at", UTCDateTime, nullable=False),
)

# --- customer care (issue 13: the customer-care inbox) ------------------------------------------
# The real handle and link of a person who wrote to the company live ONLY in inbox_messages
# (the team needs them to answer); items keep the pseudonym. Retention: [inbox] retention.

inbox_conversations = Table(
    "inbox_conversations", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", Text, nullable=False, unique=True),        # platform:author:matter, from threads
    Column("platform", String(40), nullable=False),
    Column("author", Text),                                  # real handle (answering needs it)
    Column("subject", Text, nullable=False, default=""),
    Column("opened_at", UTCDateTime, nullable=False),
    Column("last_message_at", UTCDateTime, nullable=False),
    Column("on_call_alerted_at", UTCDateTime),               # at most one on-call alert each
)

inbox_incidents = Table(
    "inbox_incidents", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", Text, nullable=False, unique=True),        # what the complaints are about
    Column("label", Text, nullable=False),
    Column("terms", JSON, nullable=False, default=list),
    Column("first_at", UTCDateTime, nullable=False),
    Column("last_at", UTCDateTime, nullable=False),
    Column("count", Integer, nullable=False, default=0),
    Column("baseline", Float, nullable=False, default=0.0),  # the usual count in such a span
    Column("ratio", Float),                                  # count / baseline
    Column("topic_id", Integer, ForeignKey("topics.id", ondelete="SET NULL")),
    Column("status", String(20), nullable=False, default="open"),  # open | closed
    Column("created_at", UTCDateTime, nullable=False),
    Column("alerted_at", UTCDateTime),
    Column("detail", JSON, nullable=False, default=dict),
)

inbox_messages = Table(
    "inbox_messages", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # the stored item it was found as (SET NULL: the item's retention is not the inbox's)
    Column("item_id", String(64), ForeignKey("items.id", ondelete="SET NULL"), unique=True),
    Column("source", Name(200), nullable=False),
    Column("platform", String(40), nullable=False),
    Column("external_id", Text),                             # the item's own id as collected
    Column("url", Text),                                     # real link (never pseudonymised)
    Column("author", Text),                                  # real handle (never pseudonymised)
    Column("text", Text, nullable=False, default=""),
    Column("lang", String(12)),
    Column("received_at", UTCDateTime, nullable=False),
    Column("reply_to", Text),                                # external id of the post answered
    Column("engagement", JSON, nullable=False, default=dict),
    Column("mention", JSON, nullable=False, default=dict),   # why it is inbound (terms, source)
    Column("triaged_at", UTCDateTime),                       # NULL: waiting for triage
    Column("category", String(20)),                          # complaint|question|praise|lead|other
    Column("urgency", String(20)),                           # high | normal | low
    Column("sentiment", String(20)),
    Column("sentiment_score", Float),
    Column("reasons", JSON, nullable=False, default=list),
    Column("status", String(20), nullable=False, default="new"),  # new→assigned→waiting→answered→closed
    Column("assignee", Name(200)),
    Column("due_at", UTCDateTime),
    Column("priority", Integer, nullable=False, default=0),  # higher first (someone waiting…)
    Column("conversation_id", Integer, ForeignKey("inbox_conversations.id", ondelete="SET NULL")),
    Column("incident_id", Integer, ForeignKey("inbox_incidents.id", ondelete="SET NULL")),
    Column("reply_draft", Text),
    Column("reply", JSON, nullable=False, default=dict),     # escalate, reasons, limit, length
    Column("on_call_alerted_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_inbox_messages_status_due", "status", "due_at"),
    Index("ix_inbox_messages_received", "received_at"),
    Index("ix_inbox_messages_author", "platform", "author"),
    Index("ix_inbox_messages_conversation", "conversation_id"),
)

inbox_events = Table(
    "inbox_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("message_id", Integer, ForeignKey("inbox_messages.id", ondelete="CASCADE"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", Name(200), nullable=False),              # a user name, or "trendwatch"
    Column("kind", String(20), nullable=False),              # received|triaged|status|assign|note|alert
    Column("from_status", String(20)),
    Column("to_status", String(20)),
    Column("note", Text),
    Column("detail", JSON, nullable=False, default=dict),
    Index("ix_inbox_events_message", "message_id"),
)
