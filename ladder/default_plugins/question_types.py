"""Built-in question types, registered like any plugin's."""
from ..hookspecs import hookimpl
from ..question_types import BUILTIN_TYPES


@hookimpl(trylast=True)
def register_question_types(app):
    return list(BUILTIN_TYPES)
