"""The ``ladder`` program's commands, one module per group, each a module-level click command:

- ``survey``: init-db, plugins, surveys, rescore, codes, lint, paper, purge-drafts, purge;
- ``users``: users add, list, disable, enable, reset-password, set-role;
- ``plans``: plans load;
- ``analysis``: export, summary, weights, chart, report, verslag (added through ``register_commands``, like any
  plugin's commands: the built-in plugin ``ladder.commands.analysis``);
- ``xlsform``: import-xlsform, export-xlsform (added the same way);
- new-plugin (``ladder.new_plugin``).

``create_app`` adds them to the app's CLI (:func:`init_app`), then the commands plugins add. The ``ladder``
program is ``ladder.__main__``. No command imports the web layer (``ladder.web``): what a page and a command
both do (accounts, exports, the publication) lives below it, and both call it.
"""
from __future__ import annotations

import functools

import click
from flask import current_app
from flask.cli import ScriptInfo
from sqlalchemy import inspect
from sqlalchemy.exc import DBAPIError

from .. import db
from ..new_plugin import new_plugin
from ..registry import plugin_registry


def init_app(app) -> None:
    """Add ladder's commands to the app's CLI, then the commands plugins add."""
    from . import plans, survey, users
    for command in (*survey.COMMANDS, users.users, new_plugin, plans.plans_group):
        app.cli.add_command(command)
    # a plugin's broken command must not take the CLI down: failures are logged (NOTIFY_HOOKS)
    plugin_registry(app).notify("register_commands", cli=app.cli)
    for command in app.cli.commands.values():
        if command.name != "init-db":
            _say_init_db_first(command)


NO_TABLES = "The database has no tables yet: run `ladder init-db` first."


def _say_init_db_first(command: click.Command) -> None:
    """Make ``command`` (and a group's subcommands) say "run ladder init-db" when it fails on a database
    that has no tables yet, instead of SQLAlchemy's traceback. Other database errors are raised as before."""
    for sub in getattr(command, "commands", {}).values():
        _say_init_db_first(sub)
    callback = command.callback
    if callback is None or getattr(callback, "ladder_init_db_hint", False):
        return

    @functools.wraps(callback)
    def run(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except DBAPIError:
            if has_no_tables():
                raise click.ClickException(NO_TABLES) from None
            raise

    run.ladder_init_db_hint = True
    command.callback = run


def has_no_tables() -> bool:
    """Whether the app's database lacks Alembic's version table (``ladder init-db`` never ran on it)."""
    app = current_app._get_current_object() if current_app else \
        click.get_current_context().ensure_object(ScriptInfo).load_app()
    try:
        return not inspect(db.engine(app)).has_table("alembic_version")
    except DBAPIError:  # the database cannot be reached at all: the original error says more
        return False
