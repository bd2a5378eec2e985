"""Issue 11: ``ladder lint`` for survey authors; the bundled surveys pass it without errors (CI runs this)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from ladder.ladders import PARTICIPATIELADDER
from ladder.lint import ERROR, WARNING, lint, load_jargon, numeric_range, overlap, sentences, words
from ladder.survey_file import survey_from_dict
from ladder.testing import need_module

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = sorted(ROOT.glob("plugins/*/ladder_*/surveys/*.toml"))
LADDERS = {"participatieladder": PARTICIPATIELADDER}
OFFER = {"rung": "raadplegen", "promise": "De gemeente vraagt uw mening."}


def survey(**extra):
    data = {"slug": "proef", "title": "Proef", "municipality": "Proefdorp", "intro": "Wij vragen uw mening.",
            "purpose": "Voor een beter plein.", "retention": "Een jaar.", "offer": dict(OFFER),
            "pages": [{"id": "p", "title": "Het plein",
                       "questions": [{"id": "q", "type": "single_choice", "label": "Wat vindt u van het plein?",
                                      "choices": [{"value": "a", "label": "Mooi"}, {"value": "b", "label": "Lelijk"}]}]}]}
    data.update(extra)
    return survey_from_dict(data)


def codes(report, level=None):
    return [(f.code, f.where) for f in report.findings if level is None or f.level == level]


def test_a_clean_survey_has_no_findings():
    report = lint(survey(), ladders=LADDERS)
    assert report.findings == []
    # intro 4 words, purpose 4, retention 2, the promise 5, the question 6 ("Wat vindt u van het plein?")
    assert report.sentences == 5 and report.longest == 6


# ------------------------------------------------------------------------------------------ offer
def test_a_residents_survey_without_an_offered_rung_is_an_error():
    data = survey()
    without = survey_from_dict({k: v for k, v in data.definition.items() if k != "offer"})
    assert ("offer", "offer") in codes(lint(without, ladders=LADDERS), ERROR)
    officials = survey_from_dict({**without.definition, "respondents": "officials"})
    assert codes(lint(officials, ladders=LADDERS)) == []


def test_an_offered_rung_not_on_the_ladder_is_an_error():
    report = lint(survey(offer={"rung": "inspraak", "promise": "x."}), ladders=LADDERS)
    assert ("offer", "offer.rung") in codes(report, ERROR)


# ------------------------------------------------------------------------------------------ translations
def test_a_text_missing_in_a_declared_language_is_an_error():
    report = lint(survey(locales=["nl", "fy"], title={"nl": "Proef", "fy": "Proef"},
                         intro={"nl": "Wij vragen uw mening.", "fy": "Wy freegje jo miening."}), ladders=LADDERS)
    found = codes(report, ERROR)
    assert ("translation", "purpose.fy") in found
    assert ("translation", "offer.promise.fy") in found
    assert ("translation", "pages.p.questions.q.choices.a.fy") in found
    assert ("translation", "title.fy") not in found and ("translation", "intro.fy") not in found


# ------------------------------------------------------------------------------------------ sentences
def test_sentences_and_words_are_counted_the_dutch_way():
    assert sentences("Dit is één zin. Dit is er nog een! En dit?\n\nEen alinea.") == [
        "Dit is één zin.", "Dit is er nog een!", "En dit?", "Een alinea."]
    assert words("Het kost € 1.500, zegt de gemeente.") == 6


def test_a_sentence_over_25_words_is_an_error():
    long = " ".join(["woord"] * 26) + "."
    report = lint(survey(purpose=long), ladders=LADDERS)
    assert ("sentence-long", "purpose") in codes(report, ERROR)
    assert report.longest == 26
    ok = lint(survey(purpose=" ".join(["woord"] * 25) + "."), ladders=LADDERS)
    assert ("sentence-long", "purpose") not in codes(ok)


def test_sentences_over_15_words_on_average_are_an_error():
    eighteen = " ".join(["woord"] * 18) + "."
    report = lint(survey(intro=" ".join([eighteen] * 4), purpose=eighteen, retention=eighteen), ladders=LADDERS)
    assert ("sentences-average", "-") in codes(report, ERROR)
    assert report.average_words > 15


# ------------------------------------------------------------------------------------------ jargon
def test_jargon_is_a_warning_with_a_plain_alternative():
    report = lint(survey(intro="Wij vragen burgers om input."), ladders=LADDERS)
    messages = [f.message for f in report.findings if f.code == "jargon"]
    assert all(f.level == WARNING for f in report.findings if f.code == "jargon")
    assert any("'burgers'" in m and "inwoners" in m for m in messages)
    assert any("'input'" in m for m in messages)
    # whole words only: "burgerschapsstijlen" is not "burgers"
    assert not [f for f in lint(survey(intro="Vier burgerschapsstijlen."), ladders=LADDERS).findings
                if f.code == "jargon"]


def test_the_jargon_list_gives_a_plain_word_for_each_entry():
    jargon = load_jargon()
    assert len(jargon) >= 20
    assert all(plain.strip() and plain.lower() != word.lower() for word, plain in jargon.items())
    assert {"burgers", "aan de voorkant", "borgen"} <= set(jargon)  # the guide's lesson 5


# ------------------------------------------------------------------------------------------ headings
def page(pid, title, label):
    return {"id": pid, "title": title, "questions": [{"id": f"q_{pid}", "type": "short_text", "label": label}]}


def test_a_repeated_heading_is_an_error():
    report = lint(survey(pages=[page("a", "Uw buurt", "Waar woont u?"), page("b", "Uw buurt", "Hoe lang al?")]),
                  ladders=LADDERS)
    assert ("heading-repeated", "pages.b.title") in codes(report, ERROR)


def test_a_question_repeated_in_the_page_title_is_a_warning():
    report = lint(survey(pages=[page("a", "Wat ligt al vast?", "Wat ligt al vast? Kies alles wat klopt."),
                                page("b", "Uw buurt", "Waar woont u?")]), ladders=LADDERS)
    assert codes(report, WARNING) == [("question-in-title", "pages.a.title")]


# ------------------------------------------------------------------------------------------ options
def choices(*labels):
    return [{"id": "p", "title": "Over u", "questions": [{
        "id": "q", "type": "single_choice", "label": "Hoe oud bent u?",
        "choices": [{"value": f"c{i}", "label": label} for i, label in enumerate(labels)]}]}]


@pytest.mark.parametrize("labels, overlapping", [
    (("0-15 jaar", "15-25 jaar", "25 jaar of ouder"), True),        # 15 fits two options
    (("Jonger dan 15", "15 tot 25 jaar", "25 jaar of ouder"), False),
    (("€ 0 tot € 1.000", "€ 500 tot € 5.000"), True),
    (("Minder dan € 500", "€ 500 tot € 1.000", "€ 1.000 of meer"), False),
    (("65 jaar of ouder", "60 t/m 70 jaar"), True),
])
def test_overlapping_numeric_options_are_an_error(labels, overlapping):
    report = lint(survey(pages=choices(*labels)), ladders=LADDERS)
    assert (("options-overlap", "pages.p.questions.q.choices") in codes(report, ERROR)) is overlapping


def test_the_same_option_twice_is_an_error():
    report = lint(survey(pages=choices("Ja", "Nee", "ja.")), ladders=LADDERS)
    assert ("options-duplicate", "pages.p.questions.q.choices") in codes(report, ERROR)


def test_ranges_read_from_labels():
    assert numeric_range("Jonger dan 25 jaar")[2] == 25
    assert numeric_range("€ 1.500 tot € 2.000")[:3] == (1500, True, 2000)
    assert numeric_range("Elke maand of vaker") is None
    assert overlap((0, True, 15, True), (15, True, 25, True)) and not overlap((0, True, 15, False), (15, True, 25, True))


# ------------------------------------------------------------------------------------------ readability
def test_readability_is_higher_for_plain_text():
    need_module("textstat")
    plain = lint(survey(intro="Wij vragen uw mening. Het duurt vijf minuten. U kunt stoppen."), ladders=LADDERS)
    hard = lint(survey(intro="Teneinde de implementatie van het integraal participatiebeleid te optimaliseren "
                             "verzoeken wij belanghebbenden hun zienswijze kenbaar te maken."), ladders=LADDERS)
    assert plain.readability is not None and hard.readability is not None
    assert plain.readability > hard.readability


# ------------------------------------------------------------------------------------------ the command
def test_the_bundled_surveys_pass_ladder_lint_with_no_errors(ladder_runner):
    # by file, so the check runs whether or not the plugins are installed
    result = ladder_runner.invoke(args=["lint", "--json", *map(str, BUNDLED)])
    body = json.loads(result.output)
    problems = [f"{s['slug']}: {f['where']}: {f['message']}" for s in body["surveys"] for f in s["findings"]
                if f["level"] == ERROR]
    assert problems == [] and result.exit_code == 0
    assert body["summary"]["surveys"] == len(BUNDLED) == 6
    for report in body["surveys"]:
        assert report["average_words"] <= 15 and report["longest"] <= 25
        assert report["readability"] is None or report["readability"] > 0


def test_a_file_with_errors_exits_non_zero(ladder_runner, tmp_path):
    path = tmp_path / "proef.toml"
    path.write_text('slug = "proef"\ntitle = "Proef"\nmunicipality = "Proefdorp"\nintro = "Intro."\n'
                    'purpose = "Doel."\nretention = "Een jaar."\n'
                    '[[pages]]\nid = "p"\ntitle = "Pagina"\n'
                    '[[pages.questions]]\nid = "q"\ntype = "short_text"\nlabel = "Wat vinden burgers?"\n',
                    encoding="utf-8")
    result = ladder_runner.invoke(args=["lint", str(path)])
    assert result.exit_code == 1
    assert "error: offer: a residents' survey must say which rung" in result.output
    assert "warning: pages.p.questions.q.label: 'burgers'" in result.output
    assert "1 surveys: 1 errors, 1 warnings" in result.output


def test_a_file_that_does_not_load_is_reported(ladder_runner, tmp_path):
    path = tmp_path / "kapot.toml"
    path.write_text('slug = "kapot"\n', encoding="utf-8")
    result = ladder_runner.invoke(args=["lint", "--json", str(path)])
    assert result.exit_code == 1
    finding = json.loads(result.output)["surveys"][0]["findings"][0]
    assert finding["code"] == "load" and finding["level"] == ERROR


def test_an_unknown_target_says_so(ladder_runner):
    result = ladder_runner.invoke(args=["lint", "geen-enquete"])
    assert result.exit_code != 0
    assert "neither a registered survey" in result.output


@pytest.mark.parametrize("contact, warned", [("Vragen? Bel 14 010.", True), ("Heeft u vragen? Mail ons.", True),
                                             ("Bel de gemeente op 14 010.", False)])
def test_a_contact_that_asks_a_question_first_is_a_warning(contact, warned):
    """The pages say "Vragen?" before the contact already (issue 23: "Vragen? Vragen? Bel ...")."""
    report = lint(survey(contact=contact), ladders=LADDERS)
    assert codes(report, WARNING) == ([("contact-question", "contact")] if warned else [])
