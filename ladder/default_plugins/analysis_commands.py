"""``ladder export`` and ``ladder summary``: added through ``register_commands`` like any plugin's commands."""
from __future__ import annotations

import io
import json
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from ..hookspecs import hookimpl


def _survey_and_frame(slug):
    from ..analysis import response_frame
    from ..app import registry
    reg = registry()
    survey = reg.survey(slug)
    if survey is None:
        raise click.ClickException(f"no survey {slug!r}; see `ladder surveys`")
    frame = response_frame(current_app.config["DATABASE_URL"], survey, registry=reg)
    return reg, survey, frame


@hookimpl
def register_commands(cli):
    @cli.command("export")
    @click.argument("slug")
    @click.option("--format", "fmt", default="csv", show_default=True,
                  help="csv, xlsx, parquet, json, sav, or a format a plugin adds.")
    @click.option("-o", "--output", "output", default=None,
                  help="File to write; default SLUG.EXT; '-' writes to standard output.")
    @with_appcontext
    def export_command(slug, fmt, output):
        """Write a survey's responses (one row per response) to a file."""
        from ..analysis import export
        from ..app import registry
        exporter = registry().exporters.get(fmt)
        if exporter is None:
            raise click.ClickException(f"unknown format {fmt!r}; choose from {', '.join(sorted(registry().exporters))}")
        reg, survey, frame = _survey_and_frame(slug)
        if output == "-":
            export(frame, survey, fmt, sys.stdout.buffer, registry=reg)
            sys.stdout.buffer.flush()
            return
        path = output or f"{slug}.{exporter.extension}"
        export(frame, survey, fmt, path, registry=reg)
        click.echo(f"{len(frame)} responses written to {path}", err=True)

    @cli.command("summary")
    @click.argument("slug")
    @click.option("--name", "names", multiple=True, help="Summary to run (repeatable); default: all that apply.")
    @click.option("--by", default=None,
                  help="Cross-tabulate every coded question by this column: area, an aspect or rung_<aspect>.")
    @click.option("--format", "fmt", type=click.Choice(["text", "csv", "json"]), default="text", show_default=True)
    @click.option("--threshold", type=int, default=5, show_default=True,
                  help="Hide counts under this number (small-cell suppression); 0 shows everything.")
    @with_appcontext
    def summary_command(slug, names, by, fmt, threshold):
        """Print summaries of a survey's responses (small counts hidden by default)."""
        from ..analysis import crosstabs, summaries_for, suppress
        reg, survey, frame = _survey_and_frame(slug)
        available = summaries_for(survey, reg)
        tables = {}
        if by:
            try:
                tables[f"crosstab-{by}"] = crosstabs(frame, survey, by=by)
            except KeyError as exc:
                raise click.ClickException(str(exc.args[0])) from None
        if names or not by:
            for name in names or available:
                if name not in available:
                    raise click.ClickException(f"no summary {name!r}; choose from {', '.join(sorted(available))}")
                tables[name] = available[name].fn(frame, survey)
        tables = {name: suppress(t, threshold) if threshold else t for name, t in tables.items()}
        if fmt == "json":
            out = {name: json.loads(t.to_json(orient="records", force_ascii=False)) for name, t in tables.items()}
            click.echo(json.dumps({"survey": slug, "responses": len(frame), "threshold": threshold,
                                   "summaries": out}, ensure_ascii=False, indent=2))
            return
        for name, table in tables.items():
            if fmt == "csv":
                buf = io.StringIO()
                table.to_csv(buf, index=False)
                click.echo(f"# {name}\n{buf.getvalue()}")
            else:
                click.echo(f"== {name} ({len(frame)} responses" + (f", counts under {threshold} hidden)"
                                                                   if threshold else ")"))
                click.echo(table.to_string(index=False) if len(table) else "(empty)")
                click.echo()
