"""sources.parser: which feed parser read the source's last successful fetch.

Revision ID: 0005_parser
Revises: 0004_door
"""
import sqlalchemy as sa
from alembic import op

revision = "0005_parser"
down_revision = "0004_door"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NULL: not a feed (platform APIs, imports) or not fetched since this migration
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("parser", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("parser")
