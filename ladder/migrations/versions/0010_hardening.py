"""Hardening (issue 24): ids never reused, and only days beside response ids.

- ``responses`` on SQLite gets AUTOINCREMENT: without it SQLite gives the id of a withdrawn (deleted)
  response to the next one, and an old browser's result page then pointed at someone else's answers.
  PostgreSQL's sequence never reuses an id; nothing changes there.
- ``idempotency_keys.created_at`` keeps the day only (midnight UTC), like ``responses.created_at``.
- ``users.totp_secret`` holds the secret encrypted (ladder.mfa.seal), which needs more room than 64
  characters. Secrets stored in plain text are sealed at the user's next sign-in: the key is not the
  migration's to read.

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.alter_column("totp_secret", type_=sa.String(200), existing_type=sa.String(64), existing_nullable=True)
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("responses", recreate="always",
                                  table_kwargs={"sqlite_autoincrement": True}) as batch:
            batch.alter_column("id")  # the table is copied into one made with AUTOINCREMENT
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE idempotency_keys SET created_at = date_trunc('day', created_at AT TIME ZONE 'UTC') "
                   "AT TIME ZONE 'UTC'")
    else:  # SQLite keeps SQLAlchemy's text form, UTC: 'YYYY-MM-DD HH:MM:SS.ffffff'
        op.execute("UPDATE idempotency_keys SET created_at = substr(created_at, 1, 10) || ' 00:00:00.000000'")


def downgrade() -> None:
    # Sealed secrets do not fit back: the second factor is set up again after a downgrade.
    op.execute("UPDATE users SET totp_secret = NULL, totp_last_step = NULL WHERE length(totp_secret) > 64")
    with op.batch_alter_table("users") as batch:
        batch.alter_column("totp_secret", type_=sa.String(64), existing_type=sa.String(200), existing_nullable=True)
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("responses", recreate="always",
                                  table_kwargs={"sqlite_autoincrement": False}) as batch:
            batch.alter_column("id")
