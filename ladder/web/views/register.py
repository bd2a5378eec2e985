"""The public participation register (issue 20): /plannen lists every published plan with its rung per aspect,
phase, areas and how to take part, with filters that work without JavaScript; a page per plan; the same as
open data (JSON and CSV, schema version 1); and the yearly evaluation of offered versus wanted rung, protected
like every publication (small numbers hidden)."""
from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request, url_for
from sqlalchemy import select

from ... import db, lifecycle, plans, register
from ...models import ReportBackItem
from ...registry import registry

bp = Blueprint("register", __name__)


def _entries(plan_id=None):
    return register.entries(db.session(), registry(), lifecycle.is_open, plan_id)


def _filters(found):
    """The filter values asked for, each only if it is one of the choices (anything else: no filter)."""
    areas = sorted({a for e in found for a in e.areas}, key=str.lower)
    municipalities = sorted({e.municipality for e in found})
    ladder = registry().ladders[plans.LADDER]
    asked = {
        "gebied": request.args.get("gebied", ""), "fase": request.args.get("fase", ""),
        "trede": request.args.get("trede", ""), "gemeente": request.args.get("gemeente", ""),
        "open": request.args.get("open", "") == "ja"}
    chosen = {
        "area": asked["gebied"] if asked["gebied"] in areas else None,
        "phase": asked["fase"] if asked["fase"] in plans.PHASES else None,
        "rung": asked["trede"] if asked["trede"] in ladder else None,
        "municipality": asked["gemeente"] if asked["gemeente"] in municipalities else None,
        "only_open": asked["open"]}
    return chosen, {"areas": areas, "municipalities": municipalities, "ladder": ladder}


def _url_of(entry):
    return url_for("register.show", plan_id=entry.id, _external=True)


@bp.get("/plannen")
def index():
    found = _entries()
    chosen, choices = _filters(found)
    shown = register.matching(found, **chosen)
    return render_template("plans/register.html", entries=shown, total=len(found), chosen=chosen, **choices)


@bp.get("/plannen/<int:plan_id>")
def show(plan_id):
    found = _entries(plan_id)
    if not found:
        abort(404)
    entry = found[0]
    slugs = [s.slug for s in entry.surveys]
    items = list(db.session().scalars(select(ReportBackItem).where(ReportBackItem.survey_slug.in_(slugs))
                                      .order_by(ReportBackItem.id))) if slugs else []
    published = {s.slug: lifecycle.of(registry().survey(s.slug)).published for s in entry.surveys}
    return render_template("plans/plan.html", entry=entry, items=items, published=published,
                           ladder=registry().ladders[plans.LADDER])


@bp.get("/plannen.json")
def as_json():
    return jsonify(register.as_json(_entries(), _url_of))


@bp.get("/plannen.csv")
def as_csv():
    fh = io.StringIO()
    writer = csv.DictWriter(fh, fieldnames=register.CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(register.csv_rows(_entries(), _url_of))
    return Response(fh.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=plannen.csv"})


@bp.get("/plannen/schema-v1.json")
def json_schema():
    return current_app.send_static_file(register.JSON_SCHEMA)


@bp.get("/plannen/schema-csv-v1.json")
def csv_schema():
    return current_app.send_static_file(register.CSV_SCHEMA)


@bp.get("/plannen/evaluatie")
def evaluation():
    """Per municipality and year: the offered rung against the rungs residents wanted, from the published
    results of each plan's surveys (``ladder.publication.evaluation``): the numbers of their ``/r/`` pages."""
    from ...publication.evaluation import rows as published_rows
    session = db.session()
    found = published_rows(session, registry(), plans.published(session))
    municipalities = sorted({r["municipality"] for r in found})
    years = sorted({r["year"] for r in found}, reverse=True)
    municipality = request.args.get("gemeente", "")
    year = request.args.get("jaar", "")
    if municipality in municipalities:
        found = [r for r in found if r["municipality"] == municipality]
    if year.isdigit() and int(year) in years:
        found = [r for r in found if r["year"] == int(year)]
    return render_template("plans/evaluation.html", rows=found, municipalities=municipalities, years=years,
                           municipality=municipality if municipality in municipalities else "",
                           year=int(year) if year.isdigit() and int(year) in years else None)
