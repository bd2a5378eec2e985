"""The "Zeggenschap nu en gewenst" gap compares how a resident takes part now with how they want to
(issue 27). Haarlemmermeer's aspects are roles, each on a fixed rung: comparing the first two
(initiatiefnemer against samenwerkingspartner) gave every raad -2, a table without meaning."""
from report_back_seed import seed

from ladder.analysis import aspect_gap, build_report, response_frame
from ladder.testing import skip_or_fail
from ladder.registry import registry

HAARLEMMERMEER = "haarlemmermeer-rollen-dorps-en-wijkraden"
GAP_TITLE = "Zeggenschap nu en gewenst"


def frame_of(app, slug):
    assert seed(app, slug, total=40) == 40
    with app.app_context():
        reg = registry()
        survey = reg.survey(slug)
        if survey is None:
            skip_or_fail(f"the plugin of {slug} is not installed (make install)")
        return reg, survey, response_frame(app.config["DATABASE_URL"], survey, registry=reg)


def test_haarlemmermeer_roles_are_not_compared_as_now_and_wanted(app):
    reg, survey, frame = frame_of(app, HAARLEMMERMEER)
    assert aspect_gap(frame, survey).empty  # was: every area -2, initiatiefnemer against samenwerkingspartner
    report = build_report(frame, survey, registry=reg, threshold=0)
    assert report.tables["gap"] is None
    assert GAP_TITLE not in report.html and "Meer of minder zeggenschap" not in report.html
    assert survey.now_and_wanted() is None


def test_molenwaard_still_compares_now_with_wanted(app):
    reg, survey, frame = frame_of(app, "molenwaard-dorpsoverleg")
    assert survey.now_and_wanted() == ("huidig", "gewenst")
    gap = aspect_gap(frame, survey)
    assert set(gap["first"]) == {"huidig"} and set(gap["second"]) == {"gewenst"}
    levels = frame["rung_gewenst"].cat.codes - frame["rung_huidig"].cat.codes
    placed = (frame["rung_gewenst"].notna() & frame["rung_huidig"].notna())
    assert gap["more"].sum() == int((levels[placed] > 0).sum()) and gap["n"].sum() == int(placed.sum())
    report = build_report(frame, survey, registry=reg, threshold=0)
    assert report.tables["gap"] is not None and GAP_TITLE in report.html
