"""Responses and drafts.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "responses",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("survey_slug", sa.String(100), nullable=False, index=True),
        sa.Column("survey_version", sa.String(40), nullable=False),
        sa.Column("area", sa.String(100)),
        sa.Column("locale", sa.String(8), nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("answers", sa.JSON),
        sa.Column("placements", sa.JSON),
        sa.Column("advice", sa.JSON),
        sa.Column("placement_status", sa.String(10), nullable=False),
        sa.Column("placement_error", sa.Text),
        sa.Column("receipt_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_responses_survey_area", "responses", ["survey_slug", "area"])
    op.create_table(
        "drafts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("survey_slug", sa.String(100), nullable=False),
        sa.Column("survey_version", sa.String(40), nullable=False),
        sa.Column("answers", sa.JSON, nullable=False),
        sa.Column("page", sa.String(100)),
        sa.Column("locale", sa.String(8), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade():
    op.drop_table("drafts")
    op.drop_index("ix_responses_survey_area", "responses")
    op.drop_table("responses")
