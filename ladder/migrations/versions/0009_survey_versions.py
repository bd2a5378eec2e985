"""Surveys made by staff in the browser (issue 21): ``survey_versions``, one row per version of a survey.

A draft version is edited in place; a published version never changes; every server serves the newest
published version of each slug from its next request on (ladder/stored_surveys.py).

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "survey_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("slug", sa.String(100), nullable=False, index=True),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("municipality", sa.String(100), nullable=False, index=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("definition", sa.JSON, nullable=False),
        sa.Column("version", sa.String(40)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("slug", "number", name="uq_survey_versions_slug_number"),
    )


def downgrade() -> None:
    op.drop_table("survey_versions")
