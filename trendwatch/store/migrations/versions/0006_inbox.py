"""The customer-care inbox: inbound messages, conversations, incidents and their history.

Revision ID: 0006_inbox
Revises: 0005_parser
"""
import sqlalchemy as sa
from alembic import op

from trendwatch.store.schema import UTCDateTime

revision = "0006_inbox"
down_revision = "0005_parser"
branch_labels = None
depends_on = None


def _name() -> sa.types.TypeEngine:
    return sa.String(200).with_variant(sa.Text(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "inbox_conversations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("platform", sa.String(40), nullable=False),
        sa.Column("author", sa.Text(), nullable=True),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("last_message_at", UTCDateTime(), nullable=False),
        sa.Column("on_call_alerted_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_table(
        "inbox_incidents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("first_at", UTCDateTime(), nullable=False),
        sa.Column("last_at", UTCDateTime(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("baseline", sa.Float(), nullable=False),
        sa.Column("ratio", sa.Float(), nullable=True),
        sa.Column("topic_id", sa.Integer(), sa.ForeignKey("topics.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("alerted_at", UTCDateTime(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_table(
        "inbox_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("item_id", sa.String(64), sa.ForeignKey("items.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("source", _name(), nullable=False),
        sa.Column("platform", sa.String(40), nullable=False),
        sa.Column("external_id", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("author", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("lang", sa.String(12), nullable=True),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("reply_to", sa.Text(), nullable=True),
        sa.Column("engagement", sa.JSON(), nullable=False),
        sa.Column("mention", sa.JSON(), nullable=False),
        sa.Column("triaged_at", UTCDateTime(), nullable=True),
        sa.Column("category", sa.String(20), nullable=True),
        sa.Column("urgency", sa.String(20), nullable=True),
        sa.Column("sentiment", sa.String(20), nullable=True),
        sa.Column("sentiment_score", sa.Float(), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("assignee", _name(), nullable=True),
        sa.Column("due_at", UTCDateTime(), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(),
                  sa.ForeignKey("inbox_conversations.id", ondelete="SET NULL"), nullable=True),
        sa.Column("incident_id", sa.Integer(),
                  sa.ForeignKey("inbox_incidents.id", ondelete="SET NULL"), nullable=True),
        sa.Column("reply_draft", sa.Text(), nullable=True),
        sa.Column("reply", sa.JSON(), nullable=False),
        sa.Column("on_call_alerted_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("item_id"),
    )
    op.create_index("ix_inbox_messages_status_due", "inbox_messages", ["status", "due_at"])
    op.create_index("ix_inbox_messages_received", "inbox_messages", ["received_at"])
    op.create_index("ix_inbox_messages_author", "inbox_messages", ["platform", "author"])
    op.create_index("ix_inbox_messages_conversation", "inbox_messages", ["conversation_id"])
    op.create_table(
        "inbox_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("message_id", sa.Integer(),
                  sa.ForeignKey("inbox_messages.id", ondelete="CASCADE"), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", _name(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("from_status", sa.String(20), nullable=True),
        sa.Column("to_status", sa.String(20), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_inbox_events_message", "inbox_events", ["message_id"])


def downgrade() -> None:
    op.drop_index("ix_inbox_events_message", table_name="inbox_events")
    op.drop_table("inbox_events")
    for index in ("ix_inbox_messages_conversation", "ix_inbox_messages_author",
                  "ix_inbox_messages_received", "ix_inbox_messages_status_due"):
        op.drop_index(index, table_name="inbox_messages")
    op.drop_table("inbox_messages")
    op.drop_table("inbox_incidents")
    op.drop_table("inbox_conversations")
