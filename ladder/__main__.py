"""The ``ladder`` program: Flask's CLI for this app (run, routes, shell) plus ladder's and the plugins' commands.

The app behind the commands is built with ``strict=False``: a plugin conflict (two plugins registering
the same survey slug or question type) does not take the diagnostic commands down, so ``ladder
plugins`` can report it. Only the serving command, ``ladder run``, stops on it (as gunicorn's
``ladder.wsgi`` does, which builds a strict app).
"""
import click
from flask.cli import FlaskGroup, ScriptInfo, run_command

from .app import create_app
from .registry import plugin_registry


def _diagnostic_app():
    return create_app(strict=False)


@click.group(cls=FlaskGroup, create_app=_diagnostic_app)
def main():
    """Participation surveys on the participation ladder."""


def _run(**kwargs):
    info = click.get_current_context().ensure_object(ScriptInfo)
    try:
        app = info.load_app()
    except Exception:  # Flask's run command reports it (and keeps the reloader alive)
        app = None
    conflicts = plugin_registry(app).conflicts if app is not None else []
    if conflicts:
        raise click.ClickException("; ".join(conflicts) + ". Not serving: `ladder plugins` lists every plugin's "
                                   "status.")
    return run_command.callback(**kwargs)


# Flask's ``run``, refusing to serve with a plugin conflict
main.add_command(click.Command("run", params=run_command.params, callback=_run, help=run_command.help,
                               short_help=run_command.short_help), "run")


if __name__ == "__main__":
    main()
