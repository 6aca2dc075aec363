"""provenance kept whole: the ``source`` columns hold text of any length

An imported value's source names the report file it came from; a path longer than the
200 characters the columns held was cut short. PostgreSQL refuses more than a VARCHAR's
length, so its columns become TEXT; SQLite stores any length in a VARCHAR and keeps its
columns (see ``store.models.SOURCE_TYPE``).

Revision ID: 0004_polish
Revises: 0003_workflow
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_polish"
down_revision = "0003_workflow"
branch_labels = None
depends_on = None

_TABLES = ("ratings", "rating_revisions", "published_scores", "headlines", "printed_changes")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for table in _TABLES:
        op.alter_column(table, "source", existing_type=sa.String(length=200), type_=sa.Text(),
                        existing_nullable=False)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for table in _TABLES:  # refused (nothing changed) while a longer value is held
        op.alter_column(table, "source", existing_type=sa.Text(), type_=sa.String(length=200),
                        existing_nullable=False)
