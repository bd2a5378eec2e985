"""Storage integrity (issue 9): exactly-once submit, Idempotency-Key, withdrawal erases, unlinkable invites.

- ``submitted_drafts``: a just-submitted draft's response id and sealed receipt, so a second "send" of the
  same draft shows the first result instead of storing a second response (purged after a day or two).
- ``idempotency_keys``: the API's Idempotency-Key and body, both HMAC'd, with the first answer (24 hours).
- ``withdrawal_counts``: a number per survey. Rows withdrawn the old way (answers erased, row kept with its
  area, time and invite code id) are counted there and deleted.
- ``responses.invite_code_id`` is dropped: a response keeps no link to the invite code that answered.
- Times that could link a code to a response keep the day only (midnight UTC): ``responses.created_at``,
  ``invite_codes.created_at`` and ``invite_codes.used_at``.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _to_day(table, column):
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"UPDATE {table} SET {column} = date_trunc('day', {column} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
                   f" WHERE {column} IS NOT NULL")
    else:  # SQLite keeps SQLAlchemy's text form, UTC: 'YYYY-MM-DD HH:MM:SS.ffffff'
        op.execute(f"UPDATE {table} SET {column} = substr({column}, 1, 10) || ' 00:00:00.000000'"
                   f" WHERE {column} IS NOT NULL")


def upgrade():
    op.create_table(
        "withdrawal_counts",
        sa.Column("survey_slug", sa.String(100), primary_key=True),
        sa.Column("withdrawn", sa.Integer, nullable=False),
    )
    op.create_table(
        "submitted_drafts",
        sa.Column("code_hash", sa.String(64), primary_key=True),
        sa.Column("survey_slug", sa.String(100), nullable=False),
        sa.Column("response_id", sa.Integer, nullable=False),
        sa.Column("sealed_receipt", sa.String(64), nullable=False),
        sa.Column("day", sa.Date, nullable=False, index=True),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("key_hash", sa.String(64), primary_key=True),
        sa.Column("body_hash", sa.String(64), nullable=False),
        sa.Column("response_id", sa.Integer, nullable=False, index=True),
        sa.Column("status", sa.Integer, nullable=False),
        sa.Column("body", sa.JSON, nullable=False),
        sa.Column("sealed_receipt", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
    )
    # Old withdrawals: keep the number, erase the rest.
    op.execute("INSERT INTO withdrawal_counts (survey_slug, withdrawn) SELECT survey_slug, count(*) FROM responses"
               " WHERE withdrawn_at IS NOT NULL GROUP BY survey_slug")
    op.execute("DELETE FROM responses WHERE withdrawn_at IS NOT NULL")
    with op.batch_alter_table("responses") as batch:
        batch.drop_column("invite_code_id")
    _to_day("responses", "created_at")
    _to_day("invite_codes", "created_at")
    _to_day("invite_codes", "used_at")


def downgrade():
    # The link between responses and codes, exact times and withdrawn rows are gone for good.
    with op.batch_alter_table("responses") as batch:
        batch.add_column(sa.Column("invite_code_id", sa.Integer))
    op.drop_table("idempotency_keys")
    op.drop_table("submitted_drafts")
    op.drop_table("withdrawal_counts")
