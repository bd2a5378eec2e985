"""A plugin that registers a question type under a built-in type's name: start-up stops."""
from ladder import hookimpl
from ladder.question_types import SingleChoice


class OtherSingleChoice(SingleChoice):
    """Same name as the built-in one."""


@hookimpl
def register_question_types():
    return [OtherSingleChoice()]
