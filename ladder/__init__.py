"""ladder: participation surveys for Dutch municipalities, built on the participation ladder.

This module is the package face: plugins import only from here.
"""
from .app import create_app
from .exporters import Exporter
from .hookspecs import hookimpl
from .ladders import ARNSTEIN, OVERHEIDSPARTICIPATIE, PARTICIPATIELADDER, Ladder, Rung
from .question_types import BUILTIN_TYPES, AnswerError, QuestionType
from .summaries import Summary
from .survey import Advice, Area, Choice, Page, Placement, Question, Survey
from .survey_file import SurveyFileError, load_survey
from .text import pick, text

__all__ = [
    "create_app", "hookimpl", "Survey", "Page", "Question", "Choice", "Area", "Placement", "Advice",
    "Ladder", "Rung", "PARTICIPATIELADDER", "ARNSTEIN", "OVERHEIDSPARTICIPATIE", "QuestionType",
    "AnswerError", "BUILTIN_TYPES", "Summary", "Exporter", "load_survey", "SurveyFileError", "text", "pick",
]
