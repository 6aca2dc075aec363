"""headline values, printed score changes and reconstructed ratings (issue 9)

Revision ID: 0003_data
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_data"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("published_scores") as batch:
        batch.add_column(sa.Column("printed_direction", sa.String(length=16), nullable=True))
    op.create_table(
        "headlines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("country_iso3", sa.String(length=3), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("regime", sa.String(length=200), nullable=True),
        sa.Column("printed_direction", sa.String(length=16), nullable=True),
        sa.Column("change_list", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("source_url", sa.Text(), nullable=True),
        sa.CheckConstraint("change_list IN ('listed', 'none', 'unknown')",
                           name="ck_headline_change_list"),
        sa.ForeignKeyConstraint(["country_iso3"], ["countries.iso3"]),
        sa.ForeignKeyConstraint(["edition_id"], ["editions.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("country_iso3", "edition_id", name="uq_headline"),
    )
    op.create_table(
        "printed_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("country_iso3", sa.String(length=3), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("from_x100", sa.Integer(), nullable=True),
        sa.Column("to_x100", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("source_url", sa.Text(), nullable=True),
        sa.CheckConstraint("to_x100 >= 0 AND (from_x100 IS NULL OR from_x100 >= 0)",
                           name="ck_printed_change_nonneg"),
        sa.ForeignKeyConstraint(["country_iso3"], ["countries.iso3"]),
        sa.ForeignKeyConstraint(["edition_id"], ["editions.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("country_iso3", "edition_id", "code", name="uq_printed_change"),
    )
    op.create_table(
        "reconstructed_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("country_iso3", sa.String(length=3), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("value_x100", sa.Integer(), nullable=False),
        sa.Column("scale_min_x100", sa.Integer(), nullable=False),
        sa.Column("scale_max_x100", sa.Integer(), nullable=False),
        sa.Column("step_x100", sa.Integer(), nullable=False),
        sa.Column("base_edition", sa.Integer(), nullable=False),
        sa.Column("provenance", sa.Text(), nullable=False),
        sa.CheckConstraint("(value_x100 - scale_min_x100) % step_x100 = 0",
                           name="ck_reconstructed_grid"),
        sa.CheckConstraint("value_x100 BETWEEN scale_min_x100 AND scale_max_x100",
                           name="ck_reconstructed_range"),
        sa.ForeignKeyConstraint(["country_iso3"], ["countries.iso3"]),
        sa.ForeignKeyConstraint(
            ["edition_id", "category", "scale_min_x100", "scale_max_x100", "step_x100"],
            ["edition_categories.edition_id", "edition_categories.category",
             "edition_categories.scale_min_x100", "edition_categories.scale_max_x100",
             "edition_categories.step_x100"],
            name="fk_reconstructed_edition_category",
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("country_iso3", "edition_id", "category", name="uq_reconstructed"),
    )


def downgrade() -> None:
    op.drop_table("reconstructed_ratings")
    op.drop_table("printed_changes")
    op.drop_table("headlines")
    with op.batch_alter_table("published_scores") as batch:
        batch.drop_column("printed_direction")
