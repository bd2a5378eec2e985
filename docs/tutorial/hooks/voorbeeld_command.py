"""register_commands: `ladder speeltuin SLUG` prints how many responses a survey has."""
from ladder import hookimpl


@hookimpl
def register_commands(cli):
    import click
    from flask.cli import with_appcontext

    @cli.command("speeltuin")
    @click.argument("slug")
    @with_appcontext
    def speeltuin(slug):
        """Print how many responses SLUG has."""
        from sqlalchemy import func, select

        from ladder import db
        from ladder.models import Response

        count = db.session().scalar(select(func.count()).where(Response.survey_slug == slug))
        click.echo(f"{slug}: {count} antwoorden")
