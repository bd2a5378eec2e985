"""A plugin with a misspelt hook name: start-up must fail loudly (pluggy's check_pending)."""
from ladder import hookimpl


@hookimpl
def register_survey(app):
    return []
