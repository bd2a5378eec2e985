"""A plugin whose survey asks a question of a type nobody registers: the plugin is left out, whole."""
from dataclasses import replace


import fake_municipality

from ladder import hookimpl


@hookimpl
def register_surveys():
    survey = fake_municipality.register_surveys(app=None)[0]
    page = survey.pages[0]
    bad = replace(page, questions=(replace(page.questions[0], type="colour_picker"),) + page.questions[1:])
    return [replace(survey, slug="kleurdorp", pages=(bad,) + survey.pages[1:])]


@hookimpl
def register_ladders():
    return [replace(fake_municipality.TESTLADDER, id="kleurladder")]
