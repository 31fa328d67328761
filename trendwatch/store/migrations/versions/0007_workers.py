"""Workers on PostgreSQL: the `workers` table and the claim columns on sources and jobs.

Revision ID: 0007_workers
Revises: 0005_parser (0006 is another branch's; the integrator rechains this one after it)
"""
import sqlalchemy as sa
from alembic import op

from trendwatch.store.schema import UTCDateTime

revision = "0007_workers"
down_revision = "0006_inbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workers",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("host", sa.Text(), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("heartbeat_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("holding", sa.Text(), nullable=True),
        sa.Column("stopped_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    for table in ("sources", "jobs"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("claimed_by", sa.Text(), nullable=True))
            batch.add_column(sa.Column("claim_expires_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    for table in ("jobs", "sources"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("claim_expires_at")
            batch.drop_column("claimed_by")
    op.drop_table("workers")
