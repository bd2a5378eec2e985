"""``ladder margins fetch``: population margins from CBS open data (Kerncijfers wijken en buurten)."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..registry import registry


@click.group("margins")
def margins_group():
    """Population margins from CBS open data (Kerncijfers wijken en buurten)."""


@margins_group.command("fetch")
@click.argument("municipality")
@click.option("--year", type=int, required=True, help="The year of the Kerncijfers table, e.g. 2018.")
@click.option("--table", "table", default=None, help="The CBS table id, for a year ladder does not know.")
@click.option("--survey", "slug", default=None,
              help="Also add the rows up to this survey's areas and write its margins file.")
@click.option("--areas", "mapping_path", type=click.Path(exists=True, dir_okay=False), default=None,
              help="CSV with columns code (CBS wijk/buurt code) and gebied (area code), when names do not match.")
@click.option("--cached/--refresh", default=True, show_default=True,
              help="Use the rows stored in the instance folder when there are any.")
@with_appcontext
def margins_fetch(municipality, year, table, slug, mapping_path, cached):
    """Read MUNICIPALITY's (e.g. GM1978) wijken and buurten from CBS, store them in the instance folder
    (cbs/GM1978-2018.csv, with the table id and year), and with --survey write the survey's margins
    (margins/SLUG.csv) for SURVEY_MARGINS."""
    from ..analysis import cbs
    survey = None
    if slug is not None:
        survey = registry().survey(slug)
        if survey is None:
            raise click.ClickException(f"no survey {slug!r}; see `ladder surveys`")
    try:
        path = cbs.cache_path(current_app.instance_path, municipality, year)
        if cached and path.exists():
            rows = cbs.read_cache(path)
            click.echo(f"using {path} (read from CBS table {rows.table} on {rows.read_on}; --refresh reads again)",
                       err=True)
        else:
            rows = cbs.fetch(municipality, year, table)
            cbs.write_cache(rows, path)
            click.echo(f"{len(rows.rows)} rows of CBS table {rows.table} ({year}) written to {path}", err=True)
        mapping = cbs.read_mapping(mapping_path) if mapping_path else None
    except (ValueError, RuntimeError) as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:  # no network, CBS down: nothing was written
        raise click.ClickException(f"cannot read CBS open data: {exc}") from None
    if survey is None:
        return
    margins = cbs.margins_for(survey, rows, mapping)
    if not margins.table:
        raise click.ClickException(f"no CBS row matches an area of {slug}; give --areas CODES.csv")
    out = cbs.write_margins(margins, rows, Path(current_app.instance_path) / "margins" / f"{slug}.csv")
    for code in margins.missing:
        click.echo(f"warning: no CBS rows for area {code!r} (give --areas to say which wijk or buurt it is)", err=True)
    click.echo(f"margins of {len(margins.table)} areas written to {out}; set SURVEY_MARGINS = "
               f"{{{slug!r}: {str(out)!r}}} in the instance config", err=True)


COMMANDS = (margins_group,)
