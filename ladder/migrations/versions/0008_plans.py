"""Plans (issue 20): what a municipality offers residents per plan, on which rung and why.

- ``plans``: one row per plan (beleidsvoornemen, project, besluit), with the kennisgeving fields of
  Omgevingsbesluit art. 5.3 and what was done with the results.
- ``plan_offers``: the rung offered per aspect of a plan, with the motivation.
- ``plan_surveys``: which plan a survey belongs to (at most one).

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("municipality", sa.String(100), nullable=False, index=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("areas", sa.JSON, nullable=False),
        sa.Column("phase", sa.String(20), nullable=False),
        sa.Column("decider", sa.String(30), nullable=False),
        sa.Column("involved", sa.Text),
        sa.Column("role_municipality", sa.Text),
        sa.Column("initiator", sa.String(200)),
        sa.Column("role_initiator", sa.Text),
        sa.Column("information", sa.Text),
        sa.Column("how_to_take_part", sa.Text),
        sa.Column("contact", sa.Text),
        sa.Column("starts_on", sa.Date),
        sa.Column("ends_on", sa.Date),
        sa.Column("decision_on", sa.Date),
        sa.Column("outcome", sa.Text),
        sa.Column("compass_rung", sa.String(50)),
        sa.Column("compass_reason", sa.Text),
        sa.Column("published", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "plan_offers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("plans.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("aspect", sa.String(200), nullable=False),
        sa.Column("rung", sa.String(50), nullable=False),
        sa.Column("promise", sa.Text),
        sa.Column("motivation", sa.Text, nullable=False),
        sa.Column("why_not_higher", sa.Text),
    )
    op.create_table(
        "plan_surveys",
        sa.Column("survey_slug", sa.String(100), primary_key=True),
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("plans.id", ondelete="CASCADE"), nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("plan_surveys")
    op.drop_table("plan_offers")
    op.drop_table("plans")
