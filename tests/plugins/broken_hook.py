"""A plugin whose registration hook raises: it is left out, with the reason."""
from ladder import hookimpl


@hookimpl
def register_surveys(app):
    raise RuntimeError("survey file went missing")
