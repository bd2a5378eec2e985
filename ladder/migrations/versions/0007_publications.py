"""The publication (issue 19): snapshots of the published results, and each survey's cell-key seed.

- ``publications``: one row per publication moment: the published tables (JSON) and the ids of the
  responses counted (for staff: how many changed since).
- ``publication_keys``: the secret seed of each survey's record keys (cell-key method).
- Results stay sealed until a survey closes unless staff choose otherwise (the model's default for new
  settings rows and ``report_back.SEALED_BY_DEFAULT`` where there is none; existing rows keep their choice).

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "publications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("survey_slug", sa.String(100), nullable=False, index=True),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tables", sa.JSON, nullable=False),
        sa.Column("response_ids", sa.JSON, nullable=False),
    )
    op.create_table(
        "publication_keys",
        sa.Column("survey_slug", sa.String(100), primary_key=True),
        sa.Column("seed", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("publication_keys")
    op.drop_table("publications")
