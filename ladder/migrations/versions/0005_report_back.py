"""Report back (issue 12): "you said, we did" per topic, and when results will appear.

- ``report_back_items``: per survey, per topic or question, what the municipality does with the outcome and
  by when (changes are kept in the audit log).
- ``report_back_settings``: per survey, the day results are expected and whether they stay sealed until the
  survey closes.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_back_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("survey_slug", sa.String(100), nullable=False, index=True),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("question_id", sa.String(100)),
        sa.Column("decision", sa.Text, nullable=False),
        sa.Column("due_on", sa.Date),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "report_back_settings",
        sa.Column("survey_slug", sa.String(100), primary_key=True),
        sa.Column("results_expected", sa.Date),
        sa.Column("sealed_until_closed", sa.Boolean, nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_table("report_back_settings")
    op.drop_table("report_back_items")
