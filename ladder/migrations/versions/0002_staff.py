"""Staff accounts, survey state, invite codes and the audit log.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("municipality", sa.String(100)),
        sa.Column("password_hash", sa.String(255)),
        sa.Column("setup_token_hash", sa.String(64), unique=True),
        sa.Column("setup_token_expires", sa.DateTime(timezone=True)),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "survey_states",
        sa.Column("slug", sa.String(100), primary_key=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("opens_on", sa.Date),
        sa.Column("closes_on", sa.Date),
        sa.Column("invite_only", sa.Boolean, nullable=False),
        sa.Column("results_published_at", sa.DateTime(timezone=True)),
        sa.Column("results_text", sa.Text),
        sa.Column("next_rung", sa.String(50)),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "invite_codes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("survey_slug", sa.String(100), nullable=False, index=True),
        sa.Column("code_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("user_email", sa.String(254)),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("municipality", sa.String(100)),
        sa.Column("survey_slug", sa.String(100)),
        sa.Column("detail", sa.Text),
    )
    # Invite-only responses record which code answered, so a code answers once.
    with op.batch_alter_table("responses") as batch:
        batch.add_column(sa.Column("invite_code_id", sa.Integer))
    # (survey_slug, area) already serves lookups by survey; the single-column index only slowed inserts.
    op.drop_index("ix_responses_survey_slug", "responses")


def downgrade():
    op.create_index("ix_responses_survey_slug", "responses", ["survey_slug"])
    with op.batch_alter_table("responses") as batch:
        batch.drop_column("invite_code_id")
    op.drop_table("audit_log")
    op.drop_table("invite_codes")
    op.drop_table("survey_states")
    op.drop_table("users")
