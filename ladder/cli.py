"""The ``ladder`` command: Flask's CLI for this app (run, routes, shell) plus ladder's own commands."""
from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select

from . import db
from .app import create_app, registry
from .migrate import upgrade
from .models import Response
from .placing import rescore
from .serialize import survey_summary


@click.group(cls=FlaskGroup, create_app=lambda: create_app())
def main():
    """Participation surveys on the participation ladder."""


def init_app(app) -> None:
    """Add ladder's commands to the app's CLI, then the commands plugins add."""
    for command in (init_db, plugins, surveys, rescore_command):
        app.cli.add_command(command)
    for impl in app.extensions["ladder"].pm.hook.register_commands.get_hookimpls():
        try:
            impl.function(cli=app.cli)
        except Exception as exc:  # a plugin's broken command must not take the CLI down
            app.logger.error("plugin %s: register_commands failed: %s", impl.plugin_name, exc)


@click.command("init-db")
@with_appcontext
def init_db():
    """Create or upgrade the database to the newest schema."""
    url = current_app.config["DATABASE_URL"]
    upgrade(url)
    click.echo(f"Database is up to date: {db.engine().url.render_as_string(hide_password=True)}")


@click.command("plugins")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def plugins(as_json):
    """List plugins with their version, hooks and status."""
    infos = [info.to_dict() for info in registry().plugins.values()]
    if as_json:
        click.echo(json.dumps({"plugins": infos}, indent=2))
        return
    for info in infos:
        line = f"{info['name']:<45} {info['version'] or '-':<10} {info['status']}"
        click.echo(line if not info["error"] else f"{line}: {info['error']}")


@click.command("surveys")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def surveys(as_json):
    """List the surveys the plugins register."""
    reg = registry()
    items = [{**survey_summary(s), "plugin": reg.owners[("surveys", s.slug)]}
             for s in sorted(reg.surveys.values(), key=lambda s: (s.municipality, s.slug))]
    if as_json:
        click.echo(json.dumps({"surveys": items}, indent=2, ensure_ascii=False))
        return
    for item in items:
        state = "open" if item["open"] else "gesloten"
        click.echo(f"{item['slug']:<40} {item['municipality']:<20} {state:<9} {item['title'].get('nl', '')}")


@click.command("rescore")
@click.argument("slug")
@click.option("--all", "everything", is_flag=True, help="Place every response again, not only pending ones.")
@with_appcontext
def rescore_command(slug, everything):
    """Run the rung logic again for a survey's pending responses."""
    reg = registry()
    survey = reg.survey(slug)
    if survey is None:
        raise click.ClickException(f"no survey {slug!r}; see `ladder surveys`")
    session = db.session()
    query = select(Response).where(Response.survey_slug == slug, Response.withdrawn_at.is_(None))
    if not everything:
        query = query.where(Response.placement_status == "pending")
    placed = still_pending = 0
    for response in session.scalars(query):
        outcome = rescore(survey, response, reg.ladders[survey.ladder])
        if outcome.error:
            still_pending += 1
        else:
            placed += 1
    session.commit()
    click.echo(f"{placed} placed, {still_pending} still pending")
    if still_pending:
        raise SystemExit(1)
