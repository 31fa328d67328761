"""PostgreSQL: names from the config or a model hub are TEXT, as long as SQLite lets them be.

SQLite never enforced the VARCHAR lengths of 0001/0002, so a 60-character LLM model in
``ideas.generator`` ("llm:<model>") or a long source name worked there and failed on
PostgreSQL. SQLite is left as it is (nothing to change, no table rebuild).

Revision ID: 0003_pg_names
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003_pg_names"
down_revision = "0002"
branch_labels = None
depends_on = None

COLUMNS = [
    ("sources", "name", 200),
    ("embeddings", "model_id", 200),
    ("runs", "model_id", 200),
    ("opportunities", "profile", 200),
    ("opportunities", "product", 200),
    ("ideas", "profile", 200),
    ("ideas", "product", 200),
    ("ideas", "generator", 40),
    ("feedback", "profile", 200),
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, length in COLUMNS:
        op.alter_column(table, column, type_=sa.Text(), existing_type=sa.String(length))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, length in COLUMNS:
        op.alter_column(table, column, type_=sa.String(length), existing_type=sa.Text(),
                        postgresql_using=f"left({column}, {length})")
