"""register_question_types: a four-digit postcode, with a survey that asks for it."""
import re
from pathlib import Path

from ladder import AnswerError, QuestionType, hookimpl, load_survey

PC4 = "[1-9][0-9]{3}"


class Postcode4(QuestionType):
    """The four digits of a Dutch postcode. Shown as a text field (the base type's template)."""

    name = "postcode4"

    def parse(self, question, raw, survey):
        if raw is None or raw == "":
            if question.required:
                raise AnswerError("Vul de cijfers van uw postcode in.")
            return None
        if not isinstance(raw, str) or not re.fullmatch(PC4, raw):
            raise AnswerError("Geef de vier cijfers van uw postcode, bijvoorbeeld 2951.")
        return raw

    def schema(self, question, survey):
        return {"type": "string", "pattern": f"^{PC4}$"}  # exactly what parse accepts


@hookimpl
def register_question_types():
    return [Postcode4()]


@hookimpl
def register_surveys():
    return [load_survey(Path(__file__).with_name("voorbeeld_type.toml"))]
