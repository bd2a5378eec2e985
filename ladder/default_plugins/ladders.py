"""Built-in ladders: the participatieladder, Arnstein, and the municipality's own role."""
from ..hookspecs import hookimpl
from ..ladders import ARNSTEIN, OVERHEIDSPARTICIPATIE, PARTICIPATIELADDER


@hookimpl(trylast=True)
def register_ladders(app):
    return [PARTICIPATIELADDER, ARNSTEIN, OVERHEIDSPARTICIPATIE]
