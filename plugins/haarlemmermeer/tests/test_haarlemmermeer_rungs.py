"""Haarlemmermeer: one placement per chosen role, the survey file, and the printable agreement page."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask
from jinja2 import ChoiceLoader, DictLoader

from ladder import PARTICIPATIELADDER, load_survey
from ladder.testing import assert_loaded, assert_placed, submit_api, submit_form
from ladder_haarlemmermeer import SURVEYS, register_blueprints, register_surveys, rungs
from ladder_haarlemmermeer.roles import DEFAULT_ROLE, ROLES, ROLES_BY_ID

SURVEY_FILE = SURVEYS / "haarlemmermeer-rollen-dorps-en-wijkraden.toml"


@pytest.fixture(scope="module")
def survey():
    return load_survey(SURVEY_FILE, place=rungs.place)


# ------------------------------------------------------------------------------------------ place
# (answers, expected {aspect: rung} in order, expected reason fragments per aspect)
PLACE_CASES = [
    pytest.param({}, {"adviseur": "adviseren"}, {"adviseur": ["geen rol"]},
                 id="geen-rol-is-adviseur"),
    pytest.param({"rollen": None, "terugkoppeling": "nooit"}, {"adviseur": "adviseren"},
                 {"adviseur": ["geen rol", "maak daar een afspraak over"]}, id="geen-rol-geen-terugkoppeling"),
    pytest.param({"rollen": [], "terugkoppeling": "altijd"}, {"adviseur": "adviseren"}, {"adviseur": ["geen rol"]},
                 id="lege-lijst"),
    pytest.param({"rollen": ["initiatiefnemer"], "onderwerpen_initiatiefnemer": ["dorpshuis", "duurzaamheid"]},
                 {"initiatiefnemer": "zelfbeheer"},
                 {"initiatiefnemer": ["U heeft een idee",
                                      "Onderwerpen: het dorpshuis en activiteiten, duurzaamheid en energie."]},
                 id="initiatiefnemer-met-onderwerpen"),
    pytest.param({"rollen": ["samenwerkingspartner"]}, {"samenwerkingspartner": "coproduceren"},
                 {"samenwerkingspartner": ["publieke taak", "nog geen onderwerpen"]}, id="partner-zonder-onderwerpen"),
    pytest.param({"rollen": ["adviseur"], "onderwerpen_adviseur": ["verkeer"], "terugkoppeling": "soms"},
                 {"adviseur": "adviseren"}, {"adviseur": ["Onderwerpen: verkeer en parkeren.", "niet altijd"]},
                 id="adviseur-soms-terugkoppeling"),
    pytest.param({"rollen": ["belangenbehartiger"], "achterban": ["geen"]}, {"belangenbehartiger": "raadplegen"},
                 {"belangenbehartiger": ["komt op voor belangen", "namens wie u spreekt"]},
                 id="belangenbehartiger-zonder-achterban"),
    pytest.param({"rollen": ["belangenbehartiger"], "achterban": ["peiling"]}, {"belangenbehartiger": "raadplegen"},
                 {"belangenbehartiger": ["komt op voor belangen"]}, id="belangenbehartiger-met-achterban"),
    pytest.param({"rollen": ["procesbewaker", "adviseur"], "onderwerpen_procesbewaker": ["wonen", "onbekend"],
                  "terugkoppeling": "altijd", "achterban": ["geen"]},
                 {"adviseur": "adviseren", "procesbewaker": "coproduceren"},
                 {"procesbewaker": ["Onderwerpen: wonen en bouwen."]}, id="twee-rollen-in-volgorde-van-de-tabel"),
]


def test_what_the_raad_may_expect_is_the_offer_per_role_not_a_reason(survey):
    """Issue 11: the result page shows the [offer] apart from the reasons, so the reasons do not repeat it."""
    for role in ROLES:
        offered = survey.offer.for_aspect(role.id)
        assert offered.rung == rungs.ROLE_RUNGS[role.id], role.id
        placement = {p.aspect: p for p in rungs.place({"rollen": [role.id]})}[role.id]
        assert role.from_municipality not in placement.reasons
    assert survey.offer.for_aspect(DEFAULT_ROLE).rung == rungs.ROLE_RUNGS[DEFAULT_ROLE]


@pytest.mark.parametrize("answers, expected, fragments", PLACE_CASES)
def test_place(answers, expected, fragments):
    result = rungs.place(answers)
    assert [(p.aspect, p.rung) for p in result] == list(expected.items())
    by_aspect = {p.aspect: p for p in result}
    for aspect, parts in fragments.items():
        joined = " ".join(by_aspect[aspect].reasons)
        for part in parts:
            assert part in joined


def test_notes_only_where_the_role_needs_them():
    (p,) = rungs.place({"rollen": ["initiatiefnemer"], "terugkoppeling": "nooit", "achterban": ["geen"]})
    assert not any("namens wie" in r or "advies doet" in r for r in p.reasons)


def test_every_role_has_a_rung_on_the_participatieladder():
    assert set(rungs.ROLE_RUNGS) == set(ROLES_BY_ID)
    assert all(rung in PARTICIPATIELADDER for rung in rungs.ROLE_RUNGS.values())
    assert DEFAULT_ROLE in ROLES_BY_ID


# ------------------------------------------------------------------------------------------ survey file
def test_register_surveys_loads_every_file():
    surveys = register_surveys(app=None)
    assert [s.slug for s in surveys] == ["haarlemmermeer-rollen-dorps-en-wijkraden"]
    assert surveys[0].place is rungs.place
    assert len(list(SURVEYS.glob("*.toml"))) == len(surveys)


def test_survey_shape(survey):
    assert survey.municipality == "Haarlemmermeer"
    assert 8 <= len(survey.questions) <= 14
    assert 3 <= len(survey.pages) <= 8
    # The topics per role (5 lists of 8 check boxes) are asked one role per page.
    assert [len(p.questions) for p in survey.pages if p.id.startswith("onderwerpen-")] == [1] * 5
    assert 3 <= survey.minutes <= 6
    assert [q.type for q in survey.questions].count("area") == 1
    assert set(survey.aspects) == set(ROLES_BY_ID)
    assert {a.code: a.kind for a in survey.areas}["hoofddorp"] == "stad"
    villages = {a.name["nl"] for a in survey.areas if a.kind == "dorp"}
    assert {"Badhoevedorp", "Nieuw-Vennep", "Zwanenburg", "Abbenes", "Cruquius"} <= villages


def test_rungs_use_existing_questions_and_choices(survey):
    assert {c.value for c in survey.question("rollen").choices} == set(ROLES_BY_ID)
    for role in ROLES:
        question = survey.question(rungs.subjects_question(role.id))
        assert {c.value: c.label["nl"] for c in question.choices} == \
            {value: label[0].upper() + label[1:] for value, label in rungs.SUBJECTS.items()}
        assert question.show_if == {"question": "rollen", "contains": role.id}
    assert {"nooit", "soms"} <= {c.value for c in survey.question("terugkoppeling").choices}
    assert "geen" in {c.value for c in survey.question("achterban").choices}


def test_rungs_only_read_questions_the_survey_asks(survey):
    source = Path(rungs.__file__).read_text()
    read = set(re.findall(r'answers\.get\("([a-z_]+)"\)', source))
    assert read == {"rollen", "terugkoppeling", "achterban"}
    for qid in read:
        survey.question(qid)


# ------------------------------------------------------------------------------------------ agreement page
BASE = """<!doctype html><html lang="nl"><head><title>{% block title %}{% endblock %}</title></head>
<body><main>{% block content %}{% endblock %}</main></body></html>"""


@pytest.fixture
def standalone_client():
    """A minimal Flask app with a tiny base.html, so the page is tested without the core's pages."""
    app = Flask(__name__)
    app.jinja_loader = ChoiceLoader([DictLoader({"base.html": BASE})])
    for bp in register_blueprints(app=app):
        app.register_blueprint(bp)
    return app.test_client()


@pytest.fixture
def core_client(ladder_app):
    """The real app (ladder.testing's ladder_app) with its own base.html, the plugin loaded through its entry point."""
    assert_loaded(ladder_app, "haarlemmermeer")
    assert "haarlemmermeer-rollen-dorps-en-wijkraden" in ladder_app.extensions["ladder"].surveys
    return ladder_app.test_client()


class Outline(HTMLParser):
    """Collect what the accessibility checks need: h1s, captions, th scopes, table count, lang."""

    def __init__(self):
        super().__init__()
        self.h1 = self.tables = self.captions = 0
        self.th_scopes, self.langs, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.h1 += tag == "h1"
        self.tables += tag == "table"
        self.captions += tag == "caption"
        if tag == "th":
            self.th_scopes.append(attrs.get("scope"))
        if "lang" in attrs:
            self.langs.append(attrs["lang"])

    def handle_data(self, data):
        self.text.append(data)


def outline(response):
    assert response.status_code == 200
    parser = Outline()
    parser.feed(response.get_data(as_text=True))
    parser.joined = " ".join(" ".join(parser.text).split())
    return parser


# The five roles of the guide's table (domain.md, Haarlemmermeer), written out: not read from ROLES, so a role
# dropped from the plugin's table fails here instead of shrinking what the test expects.
GUIDE_ROLES = {"initiatiefnemer": "Initiatiefnemer", "samenwerkingspartner": "Samenwerkingspartner",
               "adviseur": "Adviseur (klankbord)", "belangenbehartiger": "Belangenbehartiger",
               "procesbewaker": "Procesbewaker"}


@pytest.mark.parametrize("client_fixture", ["standalone_client", "core_client"])
def test_agreement_page_lists_every_role(client_fixture, request):
    page = outline(request.getfixturevalue(client_fixture).get("/haarlemmermeer/afspraken"))
    assert page.h1 == 1
    assert page.tables == page.captions == 5 + 1  # one per role, plus the signatures table
    for name in GUIDE_ROLES.values():
        assert name in page.joined
    assert [r.id for r in ROLES] == list(GUIDE_ROLES)
    assert page.th_scopes and all(scope in ("row", "col") for scope in page.th_scopes)
    assert "nl" in page.langs
    for role in ROLES:
        assert role.name in page.joined
        assert role.from_municipality in page.joined
        assert role.from_raad in page.joined


@pytest.mark.parametrize("query, shown", [
    ("?rol=adviseur&rol=procesbewaker", ["adviseur", "procesbewaker"]),
    ("?rol=initiatiefnemer", ["initiatiefnemer"]),
    ("?rol=onbekend&rol=belangenbehartiger", ["belangenbehartiger"]),
    ("?rol=onbekend", ["initiatiefnemer", "samenwerkingspartner", "adviseur", "belangenbehartiger", "procesbewaker"]),
])
def test_agreement_page_shows_only_chosen_roles(standalone_client, query, shown):
    page = outline(standalone_client.get(f"/haarlemmermeer/afspraken{query}"))
    assert page.tables == len(shown) + 1
    for role in ROLES:
        assert (role.from_raad in page.joined) == (role.id in shown)
    assert ("Toon alle rollen" in page.joined) == (len(shown) < len(ROLES))


# ------------------------------------------------------------------------------------------ a resident, end to end
SLUG = "haarlemmermeer-rollen-dorps-en-wijkraden"


def test_a_resident_is_placed_the_same_through_the_api_and_the_form(ladder_client):
    """One adviser's answers, sent to the API and walked through the form pages (ladder.testing's helpers)."""
    kern = ladder_client.application.extensions["ladder"].surveys[SLUG].areas[0].code
    pages = {"uw_raad": {"kern": kern, "soort_raad": "dorpsraad", "tevreden_samenwerking": 3,
                         "contact_gebiedsmanager": "soms"},
             "rol_keuze": {"rollen": ["adviseur"]},
             "onderwerpen-3": {"onderwerpen_adviseur": ["verkeer"]},  # one role per page: the third
             "afspraken": {"terugkoppeling": "soms", "achterban": ["geen"]}}
    api = submit_api(ladder_client, SLUG, {k: v for page in pages.values() for k, v in page.items()})
    assert_placed(api, "adviseur", "adviseren", reason_contains=["Onderwerpen: verkeer en parkeren.", "niet altijd"])
    assert len(api["placements"]) == 1
    form = submit_form(ladder_client, SLUG, pages)
    assert form["channel"] == "form"
    assert form["placements"] == api["placements"]


# ------------------------------------------------------------------------------------------ English (issue 21)
def test_the_survey_is_complete_in_english(survey):
    from ladder.lint import lint
    assert survey.locales == ("nl", "en")
    assert [f for f in lint(survey).findings if f.code == "translation"] == []


def test_english_answers_get_english_reasons():
    placed = rungs.place({"rollen": ["adviseur", "belangenbehartiger"], "onderwerpen_adviseur": ["verkeer"],
                          "terugkoppeling": "soms", "achterban": ["geen"]}, locale="en")
    assert [p.reasons for p in placed] == [
        (ROLES_BY_ID["adviseur"].what_en, "Subjects: traffic and parking.",
         "You do not always hear now what the municipality does with your advice. This role includes that: "
         "make an agreement about it."),
        (ROLES_BY_ID["belangenbehartiger"].what_en, "You named no subjects yet. Agree on them with your area manager.",
         "In this role you show on whose behalf you speak. So ask residents regularly what they think."),
    ]
    assert all(role.what_en for role in ROLES)
    assert rungs.place({}, locale="en")[0].reasons == ("You chose no role. Then your council works as an adviser "
                                                       "(sounding board).",)


def test_a_resident_answers_in_english_and_reads_english(ladder_client):
    kern = ladder_client.application.extensions["ladder"].surveys[SLUG].areas[0].code
    pages = {"uw_raad": {"kern": kern, "soort_raad": "wijkraad", "tevreden_samenwerking": 4,
                         "contact_gebiedsmanager": "soms"},
             "rol_keuze": {"rollen": ["adviseur"]}, "onderwerpen-3": {"onderwerpen_adviseur": ["verkeer"]},
             "afspraken": {"terugkoppeling": "altijd", "achterban": ["peiling"]}}
    done = submit_form(ladder_client, SLUG, pages, locale="en")
    assert "Subjects: traffic and parking." in done["html"] and "language-fallback" not in done["html"]
    assert '<html lang="en">' in done["html"]
