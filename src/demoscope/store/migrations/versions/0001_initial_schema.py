"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "countries",
        sa.Column("iso3", sa.String(length=3), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("region", sa.String(length=100), nullable=False),
        sa.Column("subregion", sa.String(length=100), nullable=False),
        sa.CheckConstraint("length(iso3) = 3", name="ck_country_iso3_len"),
        sa.PrimaryKeyConstraint("iso3"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "methodologies",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "editions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("methodology", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=32), nullable=False),
        sa.Column("coverage_start", sa.Date(), nullable=False),
        sa.Column("coverage_end", sa.Date(), nullable=False),
        sa.Column("direction", sa.String(length=16), nullable=False),
        sa.Column("methodology_version", sa.String(length=32), nullable=False),
        sa.CheckConstraint("direction IN ('low_best', 'high_best')", name="ck_edition_direction"),
        sa.ForeignKeyConstraint(
            ["methodology"],
            ["methodologies.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("methodology", "year", name="uq_edition_year"),
    )
    op.create_table(
        "edition_categories",
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("scale_min_x100", sa.Integer(), nullable=False),
        sa.Column("scale_max_x100", sa.Integer(), nullable=False),
        sa.Column("step_x100", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "step_x100 > 0 AND scale_min_x100 < scale_max_x100", name="ck_edition_category_scale"
        ),
        sa.ForeignKeyConstraint(
            ["edition_id"],
            ["editions.id"],
        ),
        sa.PrimaryKeyConstraint("edition_id", "category"),
        sa.UniqueConstraint(
            "edition_id",
            "category",
            "scale_min_x100",
            "scale_max_x100",
            "step_x100",
            name="uq_edition_category_scale",
        ),
    )
    op.create_table(
        "published_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("country_iso3", sa.String(length=3), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("value_x100", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("source_url", sa.Text(), nullable=True),
        sa.Column("source_edition", sa.Integer(), nullable=True),
        sa.Column("quirk", sa.Text(), nullable=True),
        sa.CheckConstraint("value_x100 >= 0", name="ck_published_score_nonneg"),
        sa.ForeignKeyConstraint(
            ["country_iso3"],
            ["countries.iso3"],
        ),
        sa.ForeignKeyConstraint(
            ["edition_id"],
            ["editions.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("country_iso3", "edition_id", "code", name="uq_published_score"),
    )
    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("country_iso3", sa.String(length=3), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("value_x100", sa.Integer(), nullable=False),
        sa.Column("scale_min_x100", sa.Integer(), nullable=False),
        sa.Column("scale_max_x100", sa.Integer(), nullable=False),
        sa.Column("step_x100", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("source_url", sa.Text(), nullable=True),
        sa.Column("source_edition", sa.Integer(), nullable=True),
        sa.Column("justification", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("(value_x100 - scale_min_x100) % step_x100 = 0", name="ck_rating_grid"),
        sa.CheckConstraint("value_x100 BETWEEN scale_min_x100 AND scale_max_x100", name="ck_rating_range"),
        sa.ForeignKeyConstraint(
            ["country_iso3"],
            ["countries.iso3"],
        ),
        sa.ForeignKeyConstraint(
            ["edition_id", "category", "scale_min_x100", "scale_max_x100", "step_x100"],
            [
                "edition_categories.edition_id",
                "edition_categories.category",
                "edition_categories.scale_min_x100",
                "edition_categories.scale_max_x100",
                "edition_categories.step_x100",
            ],
            name="fk_rating_edition_category",
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("country_iso3", "edition_id", "category", name="uq_rating"),
    )
    op.create_index("ix_ratings_edition", "ratings", ["edition_id", "category"])
    op.create_table(
        "rating_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rating_id", sa.Integer(), nullable=False),
        sa.Column("old_value_x100", sa.Integer(), nullable=True),
        sa.Column("new_value_x100", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("justification", sa.Text(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["rating_id"],
            ["ratings.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("rating_revisions")
    op.drop_index("ix_ratings_edition", table_name="ratings")
    op.drop_table("ratings")
    op.drop_table("published_scores")
    op.drop_table("edition_categories")
    op.drop_table("editions")
    op.drop_table("methodologies")
    op.drop_table("countries")
