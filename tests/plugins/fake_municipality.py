"""A fake municipality plugin for the tests: it implements every hook ladder has."""
from pathlib import Path

import click
import pandas as pd
from flask import Blueprint

from ladder import Advice, Exporter, Ladder, Placement, QuestionType, Rung, Summary, hookimpl, load_survey, text

SAVED = []  # (response id, survey slug) per response_saved call

LEVELS = {1: "informeren", 2: "raadplegen", 3: "adviseren", 4: "coproduceren", 5: "meebeslissen", 6: "zelfbeheer"}


def place(answers, locale="nl"):
    """Current rung from 'huidig', desired from the scale 'gewenst'; 'crash' in a remark raises."""
    if answers.get("opmerking") == "crash":
        raise RuntimeError("rung logic broke on purpose")
    wanted = LEVELS[answers["gewenst"]]
    reason = {"nl": "U koos {n} op de schaal.", "en": "You chose {n} on the scale."}[locale if locale == "en" else "nl"]
    return [
        Placement("huidig", answers["huidig"], ("U gaf aan hoe het nu gaat.",)),
        Placement("gewenst", wanted, (reason.format(n=answers["gewenst"]),)),
    ]


def advise(answers):
    if "kosten" not in answers:
        return []
    ok = answers["kosten"] <= 5000
    return [Advice("fonds", "Past uw plan in het fonds?", ok,
                   ("Het plan kost niet meer dan € 5.000." if ok else "Het plan kost meer dan € 5.000.",))]


class YesNo(QuestionType):
    """A plugin's own question type: ja or nee."""

    name = "yes_no"

    def parse(self, question, raw, survey):
        from ladder import AnswerError
        self._required(question, raw in (None, ""))
        if raw in (None, ""):
            return None
        if raw not in ("ja", "nee"):
            raise AnswerError("Kies ja of nee.")
        return raw

    def schema(self, question, survey):
        return {"type": "string", "enum": ["ja", "nee"]}


TESTLADDER = Ladder(id="testladder", title=text("Testladder"), rungs=(
    Rung("laag", 1, text("Laag")), Rung("hoog", 2, text("Hoog"))))

bp = Blueprint("testdorp", __name__, url_prefix="/testdorp")


@bp.get("/hallo")
def hallo():
    return "Hallo uit Testdorp"


@hookimpl
def config_defaults(app):
    return {"TESTDORP_GREETING": "Hallo", "DATABASE_URL": "sqlite:///should-not-win.sqlite3"}


@hookimpl
def register_surveys(app):
    here = Path(__file__).parent
    return [load_survey(here / "testdorp.toml", place=place, advise=advise),
            load_survey(here / "anderdorp.toml", place=place, advise=advise)]


@hookimpl
def register_ladders(app):
    return [TESTLADDER]


@hookimpl
def register_question_types(app):
    return [YesNo()]


@hookimpl
def register_summaries(app):
    return [Summary("testdorp-aantal", text("Aantal per gebied"),
                    lambda frame, survey: frame.groupby("area", observed=True).size().rename("n").reset_index(),
                    ("testdorp-inspraak",))]


def _write_tsv(frame, survey, fh):
    fh.write(frame.to_csv(sep="\t", index=False).encode())


@hookimpl
def register_exporters(app):
    return [Exporter("tsv", "tsv", "text/tab-separated-values", _write_tsv)]


@hookimpl
def register_blueprints(app):
    return [bp]


@hookimpl
def register_commands(cli):
    @cli.command("testdorp-groet")
    def groet():
        """Say hello from Testdorp."""
        click.echo("Hallo uit Testdorp")


@hookimpl
def response_saved(response, survey):
    SAVED.append((response.id, survey.slug))


__all__ = ["pd"]
