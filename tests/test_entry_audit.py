"""The audit log's entry rows do not pair up with paper and assisted responses (issue 24): one counted row per
keyer, survey, channel and day, with the day only, no form label and no order to line up with response ids."""
import pytest
from sqlalchemy import select

from ladder import db
from ladder.models import AuditEntry
from test_entry import key_in
from test_staff import signed_in


@pytest.mark.parametrize("channel", ["paper", "assisted"])
def test_keyed_in_forms_are_counted_per_keyer_and_day_without_a_time(app, channel):
    client = signed_in(app, "editor")
    for _ in range(3):
        key_in(client, channel=channel)
    with app.app_context():
        rows = db.session().scalars(select(AuditEntry).where(AuditEntry.action == "entry")).all()
        assert [(r.count, r.detail, r.user_email) for r in rows] == [(3, channel, "editor-testgemeente@example.org")]
        at = rows[0].at
        assert (at.hour, at.minute, at.second, at.microsecond) == (0, 0, 0, 0)
