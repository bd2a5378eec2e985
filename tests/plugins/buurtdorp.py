"""A municipality plugin whose questions are of its own types, unlike any built-in one.

``yes_no_unsure`` has its own widget and labels; ``postcode`` its own pattern and template, and a
summary per four-digit postcode area. The end-to-end tests take them through every channel.
"""
import re
from pathlib import Path

import pandas as pd

from ladder import (AnswerError, Column, Placement, QuestionSummary, QuestionType, hookimpl, load_survey, pick)

HERE = Path(__file__).parent
TEMPLATES = str(HERE / "buurtdorp_templates")


class YesNoUnsure(QuestionType):
    name = "yes_no_unsure"
    template = "yes_no_unsure.html"
    template_folder = TEMPLATES
    answers = (("ja", "Ja"), ("nee", "Nee"), ("weet_niet", "Weet ik niet"))

    def parse(self, question, raw, survey):
        if raw in (None, ""):
            self._required(question, True)
            return None
        if raw not in dict(self.answers):
            raise AnswerError("Kies ja, nee of weet ik niet.")
        return raw

    def schema(self, question, survey):
        return {"type": "string", "enum": [value for value, _label in self.answers]}

    def answer_text(self, question, value, survey, locale):
        return dict(self.answers).get(value, "—")

    paper_layout = "one"  # on paper: its three answers as boxes (Postcode keeps the default: lines)

    def paper_boxes(self, question, survey, locale):
        return list(self.answers)

    def paper_note(self, question):
        return "Kruis één hokje aan."

    def columns(self, question, survey, locale="nl"):
        return [Column(question.id, "category", pick(question.label, locale), (question.id,),
                       categories=tuple(v for v, _l in self.answers), value_labels=dict(self.answers))]

    def summary(self, question, frame, survey, locale="nl"):
        values = frame[question.id]
        answered = int(values.notna().sum())
        counts = values.value_counts(sort=False).reindex([v for v, _l in self.answers], fill_value=0)
        table = pd.DataFrame({"value": [v for v, _l in self.answers], "label": [lab for _v, lab in self.answers],
                              "count": counts.to_numpy().astype("int64")})
        table["share"] = table["count"] / answered if answered else float("nan")
        return QuestionSummary(question, table, answered)


POSTCODE = re.compile(r"^([1-9][0-9]{3}) ?([A-Za-z]{2})$")


class Postcode(QuestionType):
    name = "postcode"
    template = "postcode.html"
    template_folder = TEMPLATES

    def parse(self, question, raw, survey):
        if raw is not None and not isinstance(raw, str):
            raise AnswerError("Vul een postcode in, bijvoorbeeld 1234 AB.")
        if not (raw or "").strip():
            self._required(question, True)
            return None
        found = POSTCODE.match(raw.strip())
        if not found:
            raise AnswerError("Vul een postcode in, bijvoorbeeld 1234 AB.")
        return f"{found.group(1)} {found.group(2).upper()}"

    def schema(self, question, survey):
        return {"type": "string", "pattern": POSTCODE.pattern}

    def columns(self, question, survey, locale="nl"):
        # Only the four digits go into the frame: a full postcode with a few answers can point at a house.
        return [Column(f"{question.id}_pc4", "text", f"{pick(question.label, locale)} (cijfers)", (question.id,),
                       convert=lambda raw: None if raw is None else raw[:4])]

    def summary(self, question, frame, survey, locale="nl"):
        values = frame[f"{question.id}_pc4"].dropna().astype(str)
        table = values.value_counts().sort_index().rename_axis("value").reset_index(name="count")
        table.insert(1, "label", table["value"])
        return QuestionSummary(question, table, len(values), derived={})


def place(answers):
    rung = {"ja": "meebeslissen", "nee": "raadplegen", "weet_niet": "informeren"}[answers["speeltuin"]]
    return [Placement("steun", rung, ("Zo antwoordde u over de speeltuin.",))]


@hookimpl
def register_question_types():
    return [YesNoUnsure(), Postcode()]


@hookimpl
def register_surveys():
    return [load_survey(HERE / "buurtdorp.toml", place=place)]
