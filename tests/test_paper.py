"""The printable survey (issue 14): every bundled survey renders to a PDF whose text has the numbered questions,
the choices, skip instructions in words, the offered rung and the return address; large print; invite codes."""
import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from conftest import make_app
from ladder import db, lifecycle
from ladder.models import InviteCode
from ladder.paper import render_pdf
from ladder.text import pick

ADDRESS = "Gemeente Testgemeente\nAntwoordnummer 123\n1234 AB Testdorp"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("paper")
    return make_app(f"sqlite:///{tmp / 'ladder.sqlite3'}", tmp, RETURN_ADDRESS=ADDRESS)


def pdf_text(pdf: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages), len(reader.pages)


def flat(s):
    return " ".join(str(s).split())


BUNDLED = ["haarlemmermeer-rollen-dorps-en-wijkraden", "molenwaard-dorpsoverleg", "rotterdam-participatiekompas",
           "rotterdam-buurt-bestuurt", "sudwest-fryslan-belangen", "zwijndrecht-dorpsraad-heerjansdam"]


@pytest.mark.parametrize("slug", BUNDLED)
def test_every_bundled_survey_prints_with_numbers_choices_and_skip_instructions(app, slug):
    reg = app.extensions["ladder"]
    survey = reg.survey(slug)
    assert survey is not None
    with app.app_context():
        text, pages = pdf_text(render_pdf(survey, reg, config=app.config))
    assert flat(pick(survey.title, "nl")) in text
    for number, question in enumerate(survey.questions, start=1):
        assert f"{number}. " in text
        assert flat(pick(question.label, "nl"))[:40] in text, question.id
        for choice in question.choices:
            assert flat(pick(choice.label, "nl"))[:30] in text, (question.id, choice.value)
    if any(q.show_if for q in survey.questions) or any(p.show_if for p in survey.pages):
        assert "alleen als" in text
    assert "Antwoordnummer 123" in text
    if getattr(survey, "offer", None) is not None:
        assert "Wat de gemeente u aanbiedt" in text


def test_a_skip_instruction_names_the_question_to_go_to(app):
    reg = app.extensions["ladder"]
    survey = reg.survey("testdorp-inspraak")  # page 'initiatief' only for betrokken in (soms, vaak)
    with app.app_context():
        text, _pages = pdf_text(render_pdf(survey, reg, config=app.config))
    numbers = {q.id: n for n, q in enumerate(survey.questions, start=1)}
    # The page 'inspraak' (huidig, gewenst, thema) is for everyone: the instruction stands after its last
    # question, just before the first question of the skipped page, and names the question it is about.
    skip = f"Antwoordde u bij vraag {numbers['betrokken']} ‘Nooit’? Ga dan naar vraag {numbers['opmerking']}."
    assert f"{numbers['thema']}. " in text and f"{numbers['kosten']}. " in text
    assert text.index(f"{numbers['thema']}. ") < text.index(skip) < text.index(f"{numbers['kosten']}. ")
    assert f"alleen als u bij vraag {numbers['betrokken']} ‘Soms’ of ‘Vaak’ antwoordde" in text


def test_large_print_takes_more_pages(app):
    reg = app.extensions["ladder"]
    survey = reg.survey("molenwaard-dorpsoverleg")
    with app.app_context():
        _text, normal = pdf_text(render_pdf(survey, reg, config=app.config))
        _text, large = pdf_text(render_pdf(survey, reg, config=app.config, large_print=True))
    assert large > normal


def test_the_survey_prints_in_its_other_languages(app):
    reg = app.extensions["ladder"]
    survey = reg.survey("sudwest-fryslan-belangen")
    assert "fy" in survey.locales
    with app.app_context():
        text, _pages = pdf_text(render_pdf(survey, reg, locale="fy", config=app.config))
    assert flat(pick(survey.title, "fy")) in text
    assert flat(pick(survey.questions[0].label, "fy"))[:40] in text


def test_an_invite_only_survey_prints_one_letter_per_new_invite_code(app):
    reg = app.extensions["ladder"]
    survey = reg.survey("testdorp-inspraak")
    with app.app_context():
        state = lifecycle.editable_row(survey)
        state.invite_only = True
        db.session().commit()
        before = db.session().scalar(select(func.count()).select_from(InviteCode))
        text, _pages = pdf_text(render_pdf(survey, reg, letters=3, config=app.config))
        db.session().commit()
        after = db.session().scalar(select(func.count()).select_from(InviteCode))
        state = lifecycle.editable_row(survey)
        state.invite_only = False
        db.session().commit()
    codes = re.findall(r"Uw persoonlijke code: ([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})", text)
    assert len(set(codes)) == 3 and after - before == 3


def test_the_paper_command_writes_a_pdf(app, tmp_path):
    out = tmp_path / "vragenlijst.pdf"
    result = app.test_cli_runner().invoke(args=["paper", "molenwaard-dorpsoverleg", "-o", str(out), "--large-print"])
    assert result.exit_code == 0, result.output
    assert "Molenwaard" in pdf_text(out.read_bytes())[0]
    wrong = app.test_cli_runner().invoke(args=["paper", "molenwaard-dorpsoverleg", "-o", str(out), "--locale", "en"])
    assert wrong.exit_code != 0 and "no texts in 'en'" in wrong.output


def test_staff_download_the_paper_form_with_csrf_and_an_audit_entry(tmp_path, sqlite_url):
    from ladder.models import AuditEntry
    from test_resident import token
    from test_staff import signed_in
    app = make_app(sqlite_url, tmp_path, RETURN_ADDRESS=ADDRESS)
    client = signed_in(app, "editor")
    page = client.get("/beheer/s/testdorp-inspraak/invoeren")
    assert client.post("/beheer/s/testdorp-inspraak/papier", data={"locale": "nl"}).status_code == 400
    done = client.post("/beheer/s/testdorp-inspraak/papier", data={"csrf_token": token(page.data), "locale": "en"})
    assert done.status_code == 200 and done.mimetype == "application/pdf"
    assert "Having a say in Testdorp" in pdf_text(done.data)[0]
    with app.app_context():
        assert db.session().scalar(select(AuditEntry.detail).where(AuditEntry.action == "paper")) == "en"
    analyst = signed_in(app, "analyst")
    own = token(analyst.get("/beheer/").data)
    assert analyst.post("/beheer/s/testdorp-inspraak/papier", data={"csrf_token": own}).status_code == 403


def test_the_paper_says_more_boxes_may_be_ticked_on_a_tick_all_question():
    import dataclasses

    from ladder.question_types import BUILTIN_TYPES
    from ladder.survey import Choice, Question
    types = {t.name: t for t in BUILTIN_TYPES}
    tick_all = Question("q", "multiple_choice", {"nl": "Wat geldt?"}, choices=(Choice("a", {"nl": "A"}),
                                                                               Choice("b", {"nl": "B"})))
    at_most = dataclasses.replace(tick_all, options={"max_choices": 2})
    one = dataclasses.replace(tick_all, type="single_choice")
    assert types["multiple_choice"].paper_note(tick_all) == "Kruis aan wat voor u geldt. Meer hokjes mag."
    assert types["multiple_choice"].paper_note(at_most) == "Kruis hoogstens 2 hokjes aan."
    assert types["single_choice"].paper_note(one) == "Kruis één hokje aan."
