"""The ``ladder`` command: Flask's CLI for this app (run, routes, shell) plus ladder's own commands."""
from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import FlaskGroup, ScriptInfo, with_appcontext
from sqlalchemy import select

from . import db
from .app import create_app, registry
from .migrate import upgrade
from .models import Response
from .placing import rescore
from .serialize import survey_summary


class LadderGroup(FlaskGroup):
    """A FlaskGroup that also offers the commands plugins add through ``register_commands``."""

    _plugin_commands_loaded = False

    def _load_plugin_commands(self, ctx):
        if self._plugin_commands_loaded:
            return
        self._plugin_commands_loaded = True
        try:
            app = ctx.ensure_object(ScriptInfo).load_app()
        except Exception:
            return  # Flask reports a broken app on the command that needs it
        for impl in app.extensions["ladder"].pm.hook.register_commands.get_hookimpls():
            try:
                impl.function(cli=self)
            except Exception as exc:
                click.echo(f"plugin {impl.plugin_name}: register_commands failed: {exc}", err=True)

    def list_commands(self, ctx):
        self._load_plugin_commands(ctx)
        return super().list_commands(ctx)

    def get_command(self, ctx, name):
        command = super().get_command(ctx, name)
        if command is None:
            self._load_plugin_commands(ctx)
            command = super().get_command(ctx, name)
        return command


@click.group(cls=LadderGroup, create_app=lambda: create_app())
def main():
    """Participation surveys on the participation ladder."""


@main.command("init-db")
@with_appcontext
def init_db():
    """Create or upgrade the database to the newest schema."""
    url = current_app.config["DATABASE_URL"]
    upgrade(url)
    click.echo(f"Database is up to date: {db.engine().url.render_as_string(hide_password=True)}")


@main.command("plugins")
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


@main.command("surveys")
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


@main.command("rescore")
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
