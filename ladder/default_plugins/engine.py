"""Built-in question types and ladders, registered like any plugin's (``trylast``: a plugin may wrap them)."""
from ..hookspecs import hookimpl
from ..ladders import ARNSTEIN, OVERHEIDSPARTICIPATIE, PARTICIPATIELADDER
from ..question_types import BUILTIN_TYPES


@hookimpl(trylast=True)
def register_question_types():
    return list(BUILTIN_TYPES)


@hookimpl(trylast=True)
def register_ladders():
    return [PARTICIPATIELADDER, ARNSTEIN, OVERHEIDSPARTICIPATIE]
