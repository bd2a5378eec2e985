"""ladder: participation surveys for Dutch municipalities, built on the participation ladder.

This module is the package face: plugins import only from here. Importing it stays light (no
Flask, pandas or matplotlib), so a plugin's rung logic loads fast in tests and tools; the app
factory and the analysis names load on first use.
"""
from .hookspecs import hookimpl
from .ladders import ARNSTEIN, OVERHEIDSPARTICIPATIE, PARTICIPATIELADDER, Ladder, Rung
from .question_types import BUILTIN_TYPES, AnswerError, Column, ParsedBy, QuestionSummary, QuestionType, borda
from .survey import Advice, Area, Choice, Page, Placement, Question, Survey
from .survey_file import SurveyFileError, load_survey
from .text import pick, text

_LAZY = {"create_app": "ladder.app", "load_registry": "ladder.plugins", "Summary": "ladder.analysis.plugin_types",
         "make_summary": "ladder.analysis.plugin_types", "Exporter": "ladder.analysis.plugin_types"}

__all__ = [
    "create_app", "load_registry", "hookimpl", "Survey", "Page", "Question", "Choice", "Area", "Placement",
    "Advice", "Ladder", "Rung", "PARTICIPATIELADDER", "ARNSTEIN", "OVERHEIDSPARTICIPATIE", "QuestionType",
    "AnswerError", "Column", "ParsedBy", "QuestionSummary", "borda", "BUILTIN_TYPES", "Summary", "make_summary", "Exporter",
    "load_survey", "SurveyFileError", "text", "pick",
]


def __getattr__(name: str):
    if name in _LAZY:
        import importlib
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'ladder' has no attribute {name!r}")
