"""provenance kept whole and carried into an assessment's starting values

* The ``source`` columns hold text of any length: an imported value's source names the report
  file it came from, and a path longer than the 200 characters they held was cut short.
  PostgreSQL refuses more than a VARCHAR's length, so its columns become TEXT; SQLite stores
  any length in a VARCHAR and keeps its columns (see ``store.models.SOURCE_TYPE``).
* ``assessment_cells.starting_source``: where a starting value comes from when it is no stored
  rating (the provenance of a reconstructed row).

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
    with op.batch_alter_table("assessment_cells") as batch:
        batch.add_column(sa.Column("starting_source", sa.Text(), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        return
    for table in _TABLES:
        op.alter_column(table, "source", existing_type=sa.String(length=200), type_=sa.Text(),
                        existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("assessment_cells") as batch:
        batch.drop_column("starting_source")
    if op.get_bind().dialect.name == "sqlite":
        return
    for table in _TABLES:  # refused (nothing changed) while a longer value is held
        op.alter_column(table, "source", existing_type=sa.Text(), type_=sa.String(length=200),
                        existing_nullable=False)
