"""``ladder import-xlsform`` and ``export-xlsform``: surveys in and out as XLSForm (issue 14)."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from ..registry import registry


@click.command("import-xlsform")
@click.argument("form", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False),
              help="Survey file (TOML) to write.")
@click.option("--slug", default=None, help="The survey's slug (default: from the form's form_id).")
@click.option("--municipality", default=None, help="The municipality that owns the survey.")
@click.option("--skip-unsupported", is_flag=True, help="Leave out what does not map instead of failing.")
def import_xlsform_command(form, output, slug, municipality, skip_unsupported):
    """Read an XLSForm into a survey file; what does not map is listed with its sheet, row and reason."""
    from ..xlsform.importing import write_survey_file
    code = write_survey_file(form, output, slug=slug, municipality=municipality,
                             skip_unsupported=skip_unsupported, echo=lambda m: click.echo(m, err=True))
    if code:
        sys.exit(code)

@click.command("export-xlsform")
@click.argument("slug")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False))
@with_appcontext
def export_xlsform_command(slug, output):
    """Write a survey as an XLSForm workbook."""
    from ..xlsform.exporting import export_xlsform
    survey = registry().survey(slug)
    if survey is None:
        raise click.ClickException(f"no survey {slug!r}; see `ladder surveys`")
    export_xlsform(survey.definition, output, mapping=getattr(survey.place, "mapping", None),
                   types=registry().question_types)
    click.echo(f"{slug} written to {output}", err=True)


COMMANDS = (import_xlsform_command, export_xlsform_command)
