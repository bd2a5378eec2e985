"""The analysts' commands ``ladder export``, ``summary``, ``weights``, ``chart``, ``report`` and ``verslag``,
``ladder margins`` (from ``ladder.commands.margins``) and ``import-xlsform`` and ``export-xlsform`` (from
``ladder.commands.xlsform``): the built-in plugin that adds them through ``register_commands``, like any
plugin's commands."""
from __future__ import annotations

import io
import json
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from ..hookspecs import hookimpl
from ..registry import registry


def _survey_and_frame(slug, include_id=False):
    from ..analysis import response_frame
    from . import NO_TABLES, has_no_tables
    reg = registry()
    survey = reg.survey(slug)
    if survey is None:
        raise click.ClickException(f"no survey {slug!r}; see `ladder surveys`")
    if has_no_tables():  # before reading: the reader would retry "leniently" and warn about decoding
        raise click.ClickException(NO_TABLES)
    frame = response_frame(current_app.config["DATABASE_URL"], survey, registry=reg, include_id=include_id)
    return reg, survey, frame


def _margins(path):
    from ..analysis.weights import read_margins
    try:
        return read_margins(path)
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"cannot read margins {path}: {exc}") from None


def _survey_margins(survey, margins_path):
    """The margins file, read and checked against the survey's demographics."""
    from ..analysis.weights import survey_demographics
    margins = _margins(margins_path)
    try:
        survey_demographics(survey, margins)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    return margins


def _weigh(frame, survey, margins_path, bounds, scope="area", echo=True):
    """Put raking weights from the survey's demographics into ``frame["weight"]``; returns the
    margins and the raking's warnings (printed to standard error unless ``echo`` is False)."""
    from ..analysis.design import DESIGN, from_weights
    from ..analysis.weights import survey_weights
    margins = _survey_margins(survey, margins_path)
    _check_bounds(bounds)
    weights = survey_weights(frame, survey, margins, bounds=tuple(bounds), scope=scope)
    warnings = list(weights.attrs.get("warnings", []))
    frame["weight"] = weights.to_numpy()
    frame.attrs[DESIGN] = from_weights(frame, weights)  # strata, calibration cells, populations
    if echo:
        for warning in warnings:
            click.echo(f"warning: {warning.message()}", err=True)
    return margins, warnings


SCOPE = dict(type=click.Choice(["area", "municipality"]), default="area", show_default=True,
             help="Weight each area to its own margins (area), or also the areas to their share of the "
                  "population, so that all areas together stand for the municipality (municipality).")


def _check_bounds(bounds):
    low, high = bounds
    if not 0 < low <= 1 <= high:
        raise click.ClickException("--bounds LOW HIGH needs 0 < LOW <= 1 <= HIGH, e.g. --bounds 0.3 3")


def _echo_tables(tables, fmt, header, key="tables", note=""):
    """Print named tables as JSON (``header`` plus the tables under ``key``), CSV or text."""
    if fmt == "json":
        out = {name: json.loads(t.to_json(orient="records", force_ascii=False)) for name, t in tables.items()}
        click.echo(json.dumps({**header, key: out}, ensure_ascii=False, indent=2))
        return
    for name, table in tables.items():
        if fmt == "csv":
            buf = io.StringIO()
            table.to_csv(buf, index=False)
            click.echo(f"# {name}\n{buf.getvalue()}")
        else:
            click.echo(f"== {name}{note}")
            click.echo(table.to_string(index=False) if len(table) else "(empty)")
            click.echo()


def _echo_publication(slug, fmt) -> None:
    """``ladder summary SLUG``: the publication ``/r/SLUG`` shows, or a concept of it (not stored)."""
    from .. import db
    from ..analysis import response_frame
    from . import NO_TABLES, has_no_tables
    from ..publication import make, store, text
    reg = registry()
    survey = reg.survey(slug)
    if survey is None:
        raise click.ClickException(f"no survey {slug!r}; see `ladder surveys`")
    if has_no_tables():
        raise click.ClickException(NO_TABLES)
    publication = store.latest(survey)
    if publication is None:
        from ..plans import with_plan_offer
        survey = with_plan_offer(db.session(), survey)
        frame = response_frame(db.engine(), survey, registry=reg, include_id=True, include_text=False)
        publication = make(survey, reg, frame, store.seed_of(slug), current_app.config["RESULTS_PROTECTION"],
                           current_app.config.get("SURVEY_MARGINS", {}).get(slug))
        db.session().commit()  # the survey's seed, so the concept's numbers are the ones /r/ will show
        click.echo("not published yet: a concept of what /r/ would show now", err=True)
    if fmt == "json":
        click.echo(json.dumps(publication.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(text.as_csv(publication) if fmt == "csv" else text.as_text(publication))


def _ignores_weights(fn, frame, survey, table) -> bool:
    """True when ``fn`` gives the same table without the weight column: its figures are not weighted."""
    try:
        plain = fn(frame.drop(columns="weight"), survey)
    except Exception:  # noqa: BLE001 - a summary that needs the weights uses them
        return False
    return plain.equals(table) if hasattr(plain, "equals") else False


BOUNDS = dict(type=(float, float), default=(0.25, 4.0), show_default=True,
              help="Lowest and highest weight, relative to the mean weight in the area.")


@click.command("export")
@click.argument("slug")
@click.option("--format", "fmt", default="csv", show_default=True,
              help="csv, xlsx, parquet, json, sav, or a format a plugin adds.")
@click.option("-o", "--output", "output", default=None,
              help="File to write; default SLUG.EXT; '-' writes to standard output.")
@click.option("--labels/--codes", "labels", default=None,
              help="Value labels ('Soms') or codes ('soms', the default) in the cells (csv, xlsx, json).")
@click.option("--dialect", type=click.Choice(["default", "excel-nl"]), default=None,
              help="csv only: default (comma, decimal point, UTC) or excel-nl (semicolon, decimal comma, "
                   "ja/nee, local time) for Dutch Excel.")
@click.option("--margins", "margins_path", type=click.Path(exists=True, dir_okay=False), default=None,
              help="CBS-shaped population figures per area: adds the columns response_id and weight.")
@click.option("--bounds", **BOUNDS)
@click.option("--scope", **SCOPE)
@click.option("--replicates", "replicates_path", type=click.Path(dir_okay=False, writable=True), default=None,
              help="With --margins: also write the jackknife replicate weights (CSV: response_id, rep_1 .. "
                   "rep_N) to this file.")
@with_appcontext
def export_command(slug, fmt, output, labels, dialect, margins_path, bounds, scope, replicates_path):
    """Write a survey's responses (one row per response) to a file."""
    from ..analysis import export
    from ..analysis.exporters import exporter_for
    from ..analysis.plugin_types import ExportError
    options = {k: v for k, v in (("labels", labels), ("dialect", dialect)) if v is not None}
    try:  # before reading the responses: a wrong flag fails at once
        exporter = exporter_for(registry(), fmt, **options)
    except ExportError as exc:
        if exc.option is None:
            raise click.ClickException(f"unknown format {fmt!r}; choose from {', '.join(sorted(registry().exporters))}")
        flag = {"labels": "--labels/--codes", "dialect": "--dialect"}.get(exc.option, exc.option)
        raise click.ClickException(f"{flag} does not apply to format {fmt!r}") from None
    if replicates_path and not margins_path:
        raise click.ClickException("--replicates needs --margins FILE (the weights to replicate)")
    reg, survey, frame = _survey_and_frame(slug, include_id=bool(margins_path))
    if margins_path:  # weights asked for: every row gets its id, its weight and the design
        from ..analysis.design import DESIGN, design_columns, replicate_columns
        _weigh(frame, survey, margins_path, bounds, scope)
        design = frame.attrs.pop(DESIGN)  # into columns: writers that keep attrs need not serialise it
        for name, column in design_columns(design).items():
            frame[name] = column.to_numpy()
        if replicates_path:
            side = replicate_columns(design)
            side.insert(0, "response_id", frame["response_id"].to_numpy())
            side.to_csv(replicates_path, index=False, float_format="%.10g")
            click.echo(f"{side.shape[1] - 1} replicate weights written to {replicates_path}", err=True)
    if output == "-":
        export(frame, survey, fmt, sys.stdout.buffer, registry=reg, **options)
        sys.stdout.buffer.flush()
        return
    path = output or f"{slug}.{exporter.extension}"
    export(frame, survey, fmt, path, registry=reg, **options)
    click.echo(f"{len(frame)} responses written to {path}", err=True)

@click.command("summary")
@click.argument("slug")
@click.option("--name", "names", multiple=True, help="Summary to run (repeatable); default: all that apply.")
@click.option("--by", default=None,
              help="Cross-tabulate every coded question by this column: area, an aspect or rung_<aspect>.")
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "json"]), default="text", show_default=True)
@click.option("--threshold", type=int, default=None,
              help="Analysis: hide counts under this number (default 5), and what would give them away; "
                   "0 shows everything.")
@click.option("--weighted", is_flag=True,
              help="Weight the results (raking on the survey's age and sex questions); needs --margins.")
@click.option("--margins", "margins_path", type=click.Path(exists=True, dir_okay=False), default=None,
              help="CBS-shaped population figures per area (CSV), for --weighted.")
@click.option("--bounds", **BOUNDS)
@click.option("--scope", **SCOPE)
@with_appcontext
def summary_command(slug, names, by, fmt, threshold, weighted, margins_path, bounds, scope):
    """Print the survey's publication: the tables of /r/SLUG and its JSON, number for number (the
    latest publication, or what one would show now when results are not published yet).

    With --name, --by, --threshold or --weighted: the analysts' summaries instead, for analysis
    and not for publication (small counts hidden with --threshold, default 5: see docs/analysts.rst).

    With --weighted --margins FILE the rung and gap summaries count weights instead of people
    (the column respondents keeps the number of people, which decides what is hidden). A
    summary that does not use the weights is refused by name and left out otherwise: its
    numbers are never printed as weighted."""
    from ..analysis import crosstabs, suppress
    if weighted != bool(margins_path):
        raise click.ClickException("use --weighted and --margins FILE together")
    if not (names or by or weighted or threshold is not None):
        _echo_publication(slug, fmt)
        return
    threshold = 5 if threshold is None else threshold
    reg, survey, frame = _survey_and_frame(slug)
    warnings, unweighted = [], []
    if weighted:
        _margins_read, warnings = _weigh(frame, survey, margins_path, bounds, scope, echo=fmt != "json")
    available = reg.summaries_for(survey)
    tables = {}
    if by:
        try:
            table = crosstabs(frame, survey, by=by)
        except KeyError as exc:
            raise click.ClickException(str(exc.args[0])) from None
        # every published table goes through disclosure control (ladder.analysis.disclosure)
        tables[f"crosstab-{by}"] = suppress(table, threshold) if threshold else table
    if names or not by:
        for name in names or available:
            if name not in available:
                raise click.ClickException(f"no summary {name!r}; choose from {', '.join(sorted(available))}")
            table = available[name].fn(frame, survey)
            if weighted and _ignores_weights(available[name].fn, frame, survey, table):
                if names:
                    raise click.ClickException(f"summary {name!r} does not use weights; run it without "
                                               "--weighted")
                unweighted.append(name)
                continue
            tables[name] = available[name].protected(table, threshold)
    note = f" ({len(frame)} responses" + (f", counts under {threshold} hidden)" if threshold else ")")
    header = {"survey": slug, "responses": len(frame), "threshold": threshold, "weighted": weighted}
    if weighted:
        header.update({"scope": scope, "warnings": [w.as_dict() for w in warnings],
                       "left_out_unweighted": unweighted})
        for name in unweighted:
            if fmt != "json":
                click.echo(f"left out: summary {name} does not use weights", err=True)
    _echo_tables(tables, fmt, header, key="summaries", note=note)

@click.command("weights")
@click.argument("slug")
@click.option("--margins", "margins_path", type=click.Path(exists=True, dir_okay=False), required=True,
              help="CBS-shaped population figures per area (CSV): gebied + mannen, vrouwen, age bands.")
@click.option("--bounds", **BOUNDS)
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "json"]), default="text", show_default=True)
@click.option("--threshold", type=int, default=5, show_default=True,
              help="Hide respondent counts under this number; 0 shows everything.")
@click.option("--scope", **SCOPE)
@with_appcontext
def weights_command(slug, margins_path, bounds, fmt, threshold, scope):
    """Compare respondents with the population per area and show raking weights.

    Uses the survey's demographics (age band and sex questions). Prints the sample and
    population shares side by side (also after weighting), a representativeness index per area
    (100 = matches the population) and a summary of the weights."""
    from ..analysis import suppress
    from ..analysis.disclosure import hidden_areas
    from ..analysis.weights import (representativeness, representativeness_index, survey_demographics,
                                    weight_summary)
    reg, survey, frame = _survey_and_frame(slug)
    margins, warnings = _weigh(frame, survey, margins_path, bounds, scope, echo=False)
    questions, categories = survey_demographics(survey, margins)
    before = representativeness(frame, margins, questions, categories)
    after = representativeness(frame, margins, questions, categories, weights=frame["weight"])
    table = before.assign(weighted_share=after["sample_share"].to_numpy())
    table = table[["area", "variable", "category", "sample_n", "sample_share", "weighted_share",
                   "population_share", "difference"]]
    index = representativeness_index(before).merge(
        representativeness_index(after)[["area", "index"]].rename(columns={"index": "weighted_index"}),
        on="area", how="left")
    people = frame.groupby(frame["area"].astype(object)).size()
    index.insert(1, "respondents", index["area"].map(people).astype("int64"))
    summary = weight_summary(frame, frame["weight"], tuple(bounds))
    missing = sorted(set(frame["area"].dropna().astype(str)) - set(margins.index))
    if threshold:
        from ..analysis.disclosure import layout_of
        table = suppress(table, threshold, layout=layout_of(
            table, counts=["sample_n"], split=("variable",), groups=("area",), categories=("category",),
            derived={"sample_share": "sample_n", "weighted_share": "sample_n", "difference": "sample_n"},
            public=("population_share",)))
        # areas whose number of respondents is hidden beside the published total (a small area, and
        # what would give it away) lose their whole row in the index and weights tables
        hidden = hidden_areas(people, threshold)
        small = index["area"].isin(hidden)
        index = index.astype({"respondents": "Int64"})
        for col in index.columns[1:]:
            index[col] = index[col].astype("Float64" if col != "respondents" else "Int64").mask(small)
        summary = summary[~summary["area"].isin(hidden)].reset_index(drop=True)
    header = {"survey": slug, "responses": len(frame), "threshold": threshold, "bounds": list(bounds),
              "scope": scope, "demographics": questions, "areas_without_margins": missing,
              "converged": not any(w.kind == "not-converged" for w in warnings),
              "warnings": [w.as_dict() for w in warnings]}
    if fmt == "text":
        click.echo(f"{slug}: {len(frame)} responses; weights within {bounds[0]:g}..{bounds[1]:g} of the area mean"
                   + (f"; counts under {threshold} hidden" if threshold else ""))
        if missing:
            click.echo(f"no margins for: {', '.join(missing)} (weight 1)")
        click.echo()
    if fmt != "json":
        for warning in warnings:
            click.echo(f"warning: {warning.message()}", err=True)
    _echo_tables({"representativeness": table, "index": index, "weights": summary}, fmt, header)

@click.command("chart")
@click.argument("slug")
@click.option("--kind", type=click.Choice(["rungs", "gap"]), default="rungs", show_default=True)
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False),
              help="FILE.png or FILE.svg.")
@click.option("--threshold", type=int, default=5, show_default=True,
              help="Merge counts under this number into 'kleine aantallen'; 0 shows everything.")
@click.option("--table", "table_path", default=None, type=click.Path(dir_okay=False),
              help="Also write the chart's numbers to this CSV file.")
@with_appcontext
def chart_command(slug, kind, output, threshold, table_path):
    """Draw the rung distribution (rungs) or the now-versus-wanted gap (gap) per area."""
    from ..analysis.charts import gap_chart, rung_chart
    if not output.lower().endswith((".png", ".svg")):
        raise click.ClickException("-o must end in .png or .svg")
    reg, survey, frame = _survey_and_frame(slug)
    if kind == "gap" and survey.now_and_wanted() is None:
        raise click.ClickException(f"survey {slug!r} has no aspects for now and wanted (see docs/survey-files.rst): "
                                   "no gap to draw")
    chart = rung_chart(frame, survey, registry=reg, threshold=threshold) if kind == "rungs" \
        else gap_chart(frame, survey, threshold=threshold)
    chart.save(output)
    if table_path:
        chart.table.to_csv(table_path, index=False)
    click.echo(f"{chart.title} ({len(frame)} responses) written to {output}", err=True)

@click.command("report")
@click.argument("slug")
@click.option("-o", "--output", "output", default=None, type=click.Path(dir_okay=False),
              help="HTML file to write; default SLUG-rapport.html.")
@click.option("--threshold", type=int, default=None,
              help="Analysis report: hide counts under this number (default 5); 0 shows everything.")
@click.option("--margins", "margins_path", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Analysis report: CBS-shaped population figures per area (representativeness section).")
@click.option("--weighted", is_flag=True, help="Analysis report: also weight the results to the margins.")
@click.option("--bounds", **BOUNDS)
@click.option("--scope", **SCOPE)
@with_appcontext
def report_command(slug, output, threshold, margins_path, weighted, bounds, scope):
    """Write one self-contained HTML page in Dutch with the survey's results: the publication (the
    participatieverslag, the numbers of /r/SLUG). With --threshold, --margins or --weighted: the
    analysts' internal report instead (weighted, exact where --threshold 0), not for publication."""
    from ..analysis.report import build_report
    if weighted and not margins_path:
        raise click.ClickException("--weighted needs --margins FILE")
    if threshold is None and not margins_path:
        from .. import db
        from ..publication.verslag import document
        reg = registry()
        survey = reg.survey(slug)
        if survey is None:
            raise click.ClickException(f"no survey {slug!r}; see `ladder surveys`")
        path = output or f"{slug}-rapport.html"
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(document(survey, reg, current_app.config))
        db.session().commit()
        click.echo(f"the publication of {slug} (the participatieverslag) written to {path}", err=True)
        return
    threshold = 5 if threshold is None else threshold
    reg, survey, frame = _survey_and_frame(slug)
    margins = _survey_margins(survey, margins_path) if margins_path else None
    _check_bounds(bounds)
    report = build_report(frame, survey, registry=reg, threshold=threshold, margins=margins, weighted=weighted,
                          bounds=tuple(bounds), scope=scope)
    for warning in report.warnings:
        click.echo(f"warning: {warning.message()}", err=True)
    path = output or f"{slug}-rapport.html"
    report.write(path)
    click.echo(f"report on {len(frame)} responses written to {path}", err=True)

@click.command("verslag")
@click.argument("slug")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False),
              help="FILE.html, or FILE.pdf (WeasyPrint).")
@with_appcontext
def verslag_command(slug, output):
    """Write the participatieverslag (issue 12): the question, the rung offered, who was invited and
    answered, what came out, offered versus wanted rung per area, and what the municipality does with
    it. The numbers are the public results page's (small counts hidden)."""
    from . import NO_TABLES, has_no_tables
    from ..publication.verslag import document, pdf_of
    reg = registry()
    survey = reg.survey(slug)
    if survey is None:
        raise click.ClickException(f"no survey {slug!r}; see `ladder surveys`")
    if not output.lower().endswith((".html", ".pdf")):
        raise click.ClickException("-o must end in .html or .pdf")
    if has_no_tables():
        raise click.ClickException(NO_TABLES)
    html = document(survey, reg, current_app.config)
    from .. import db
    db.session().commit()
    if output.lower().endswith(".pdf"):
        pdf = pdf_of(html)
        if pdf is None:
            raise click.ClickException("PDF needs WeasyPrint (pip install weasyprint); write .html instead")
        with open(output, "wb") as fh:
            fh.write(pdf)
    else:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(html)
    click.echo(f"{slug} written to {output}", err=True)


COMMANDS = (export_command, summary_command, weights_command, chart_command, report_command, verslag_command)


@hookimpl
def register_commands(cli):
    from . import margins, xlsform
    for command in (*COMMANDS, *margins.COMMANDS, *xlsform.COMMANDS):
        cli.add_command(command)
