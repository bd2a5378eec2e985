"""Channels (issue 14): answers keyed in from paper forms and assisted answers.

- ``responses.channel`` already holds form or api; it now also takes paper and assisted. An index on
  (survey_slug, channel) serves the exports and the dashboard's filter by channel.
- ``pending_entries``: a paper or assisted form being keyed in by staff, and with double entry the first
  keyer's answers waiting for the second keyer; deleted when the response is stored.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_responses_survey_channel", "responses", ["survey_slug", "channel"])
    op.create_table(
        "pending_entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("survey_slug", sa.String(100), nullable=False, index=True),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("locale", sa.String(8), nullable=False),
        sa.Column("label", sa.String(50)),
        sa.Column("double", sa.Boolean, nullable=False),
        sa.Column("stage", sa.String(10), nullable=False),
        sa.Column("answers", sa.JSON, nullable=False),
        sa.Column("page", sa.String(100)),
        sa.Column("keyed_by", sa.String(254)),
        sa.Column("first_answers", sa.JSON),
        sa.Column("first_by", sa.String(254)),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("pending_entries")
    op.drop_index("ix_responses_survey_channel", "responses")
