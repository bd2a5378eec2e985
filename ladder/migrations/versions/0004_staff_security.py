"""Staff security (issue 10): sessions that end, a second factor, an audit log that cannot be flooded.

- ``users.session_version``: part of every session's user id; raised on sign-out, new password and
  ``ladder users disable``, which ends every session of that user.
- ``users.totp_secret``, ``users.totp_last_step``: the second factor (TOTP) and the last time step used.
- ``recovery_codes``: hashes of one-time recovery codes.
- ``audit_log.count`` and ``audit_log.bucket``: failed sign-ins share one row per account (or, for unknown
  addresses, one row in all) per day, counted.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("session_version", sa.Integer, nullable=False, server_default="0"))
    op.add_column("users", sa.Column("totp_secret", sa.String(64), nullable=True))
    op.add_column("users", sa.Column("totp_last_step", sa.Integer, nullable=True))
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_recovery_codes_user_id", "recovery_codes", ["user_id"])
    op.add_column("audit_log", sa.Column("count", sa.Integer, nullable=False, server_default="1"))
    op.add_column("audit_log", sa.Column("bucket", sa.String(300), nullable=True))
    op.create_index("ix_audit_log_bucket", "audit_log", ["bucket"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_audit_log_bucket", table_name="audit_log")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("bucket")
        batch.drop_column("count")
    op.drop_index("ix_recovery_codes_user_id", table_name="recovery_codes")
    op.drop_table("recovery_codes")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("totp_last_step")
        batch.drop_column("totp_secret")
        batch.drop_column("session_version")
