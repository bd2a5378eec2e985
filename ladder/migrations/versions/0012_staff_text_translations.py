"""Staff texts per language (issue 19): the results text and each "you said, we did" item in the survey's other
languages, as ``{locale: text}`` beside the Dutch column. Older rows keep working: no translation is Dutch only.

Revision ID: 0012
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("survey_states", sa.Column("results_text_translations", sa.JSON))
    op.add_column("report_back_items", sa.Column("topic_translations", sa.JSON))
    op.add_column("report_back_items", sa.Column("decision_translations", sa.JSON))


def downgrade() -> None:
    with op.batch_alter_table("report_back_items") as batch:  # SQLite drops a column by copying the table
        batch.drop_column("decision_translations")
        batch.drop_column("topic_translations")
    with op.batch_alter_table("survey_states") as batch:
        batch.drop_column("results_text_translations")
