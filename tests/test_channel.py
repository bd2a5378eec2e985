"""The channel a response came through (issue 14): a paper form keyed in by staff and the same answers given
online get the same placement and differ only in the channel, which every export carries."""
import io

import pandas as pd
import pytest
from sqlalchemy import select

from conftest import make_app
from ladder import db
from ladder.analysis import response_frame
from ladder.models import Response
from ladder.testing import submit_form
from test_entry import PAGES, SLUG, key_in
from test_staff import signed_in


@pytest.fixture
def app(database_url, tmp_path):  # SQLite and PostgreSQL
    return make_app(database_url, tmp_path)


STORED = ("survey_slug", "survey_version", "area", "locale", "answers", "placements", "advice", "placement_status",
          "placement_error", "created_at", "withdrawn_at")


def test_paper_and_online_answers_differ_only_in_channel(app):
    online = submit_form(app.test_client(), SLUG, PAGES)
    key_in(signed_in(app, "editor"), PAGES, channel="paper")
    with app.app_context():
        first, second = db.session().scalars(select(Response).order_by(Response.id)).all()
        assert (first.channel, second.channel) == ("form", "paper")
        assert {c: getattr(first, c) for c in STORED} == {c: getattr(second, c) for c in STORED}
        assert first.placements == online["placements"] and first.placements  # placed, not pending


def test_every_export_has_the_channel_column(app):
    submit_form(app.test_client(), SLUG, PAGES)
    key_in(signed_in(app, "editor"), PAGES, channel="assisted")
    reg = app.extensions["ladder"]
    survey = reg.survey(SLUG)
    frame = response_frame(app.config["DATABASE_URL"], survey, registry=reg)
    assert list(frame["channel"]) == ["form", "assisted"]
    codebook = pd.DataFrame(frame.attrs["codebook"])
    assert set(codebook.loc[codebook["column"] == "channel", "value"]) == {"form", "api", "paper", "assisted"}
    readers = {"csv": lambda b: pd.read_csv(io.BytesIO(b)), "json": lambda b: pd.read_json(io.BytesIO(b)),
               "xlsx": lambda b: pd.read_excel(io.BytesIO(b), sheet_name=0),
               "parquet": lambda b: pd.read_parquet(io.BytesIO(b))}
    for fmt, exporter in reg.exporters.items():
        fh = io.BytesIO()
        exporter.write(frame, survey, fh)
        if fmt in readers:
            back = readers[fmt](fh.getvalue())
            assert "channel" in back.columns, fmt
        else:  # sav and a plugin's own formats: the column name is in the file
            assert b"channel" in fh.getvalue(), fmt


def test_submit_refuses_an_unknown_channel(app):
    from ladder.submit import submit
    reg = app.extensions["ladder"]
    with app.app_context(), pytest.raises(ValueError, match="unknown channel"):
        submit(reg, reg.survey(SLUG), {}, channel="fax")
    with app.app_context():
        assert db.session().scalar(select(Response)) is None
