"""A response frame's codebook, labels and question columns are shared by its copies (issue 22): pandas
deep-copies ``attrs`` on every step, which made drawing a publication spend its time copying them."""
import pytest

from ladder.analysis import response_frame


@pytest.fixture
def frame(sqlite_app):
    reg = sqlite_app.extensions["ladder"]
    return response_frame(sqlite_app.config["DATABASE_URL"], reg.survey("testdorp-inspraak"), registry=reg)


def test_columns_and_copies_of_a_frame_share_its_codebook_and_labels(frame):
    assert frame.attrs["codebook"] and frame.attrs["labels"] and frame.attrs["questions"]
    column, copy, rows = frame[frame.columns[0]], frame.copy(), frame[frame.index >= 0]
    for derived in (column, copy, rows):
        for key in ("codebook", "labels", "questions", "rankings"):
            assert derived.attrs[key] is frame.attrs[key], key
