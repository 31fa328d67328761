"""Collection tables: sources with fetch state, stories, items, platform trend points.

Revision ID: 0001
"""
import sqlalchemy as sa
from alembic import op

from trendwatch.store.schema import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("platform", sa.String(40), nullable=False),
        sa.Column("params", sa.JSON, nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("cursor", sa.JSON),
        sa.Column("next_check_at", UTCDateTime),
        sa.Column("last_attempt_at", UTCDateTime),
        sa.Column("last_ok_at", UTCDateTime),
        sa.Column("last_status", sa.Integer),
        sa.Column("error_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("disabled_reason", sa.Text),
        sa.Column("last_new_items", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_bytes", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("first_seen_at", UTCDateTime, nullable=False),
        sa.Column("last_seen_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "items",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("platform", sa.String(40), nullable=False),
        sa.Column("external_id", sa.Text),
        sa.Column("outlet", sa.Text),
        sa.Column("author", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("canonical_url", sa.Text),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("lang", sa.String(12)),
        sa.Column("published_at", UTCDateTime, nullable=False),
        sa.Column("fetched_at", UTCDateTime, nullable=False),
        sa.Column("hashtags", sa.JSON, nullable=False),
        sa.Column("engagement", sa.JSON, nullable=False),
        sa.Column("story_id", sa.Integer, sa.ForeignKey("stories.id", ondelete="SET NULL")),
        sa.Column("minhash", sa.LargeBinary),
    )
    op.create_index("ix_items_published_at", "items", ["published_at"])
    op.create_index("ix_items_canonical_url", "items", ["canonical_url"])
    op.create_index("ix_items_story_id", "items", ["story_id"])
    op.create_index("ix_items_source_id", "items", ["source_id"])
    op.create_table(
        "trend_points",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("platform", sa.String(40), nullable=False),
        sa.Column("term", sa.Text, nullable=False),
        sa.Column("metric", sa.String(40), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("extra", sa.JSON, nullable=False),
        sa.UniqueConstraint("source_id", "term", "metric", "at", name="uq_trend_points"),
    )
    op.create_index("ix_trend_points_term", "trend_points", ["term"])


def downgrade() -> None:
    op.drop_table("trend_points")
    op.drop_table("items")
    op.drop_table("stories")
    op.drop_table("sources")
