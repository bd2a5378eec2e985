"""Staff pages for plans (issue 20): list, create, edit and publish a plan; its motivation text; the evaluation
of offered versus wanted rung across plans, as a page and a download.

Editors and admins change plans; analysts read them. Staff see and change only their own municipality's plans:
another municipality's plan answers 404, as if it did not exist (ladder.web.auth).
"""
from __future__ import annotations

import dataclasses
import io

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ... import audit, db, plans
from .. import auth
from ...i18n import _
from ...codes import code_hash
from ...models import Plan, Response
from ..plan_forms import DECIDER_LABELS, EXTRA_ROWS, KIND_LABELS, PHASE_LABELS, PlanForm
from ...plan_text import motivation_text
from ..staff_forms import staff_form_valid
from ...text import pick
from ...registry import registry

bp = Blueprint("plans", __name__, url_prefix="/beheer/plannen")

# The fields of a plan the form edits one to one (the offers, areas and surveys are saved apart).
FIELDS = ("kind", "title", "summary", "phase", "decider", "involved", "role_municipality", "initiator",
          "role_initiator", "information", "how_to_take_part", "contact", "starts_on", "ends_on", "decision_on",
          "outcome", "published")


@bp.app_context_processor
def plan_labels():
    """The words for a plan's kind, phase and decider, in the interface language (staff pages and register)."""
    return {"plan_labels": {"kind": KIND_LABELS, "phase": PHASE_LABELS, "decider": DECIDER_LABELS}}


def _municipality_scope() -> str | None:
    """The municipality whose plans the user sees; None for an admin (every municipality)."""
    return None if current_user.role == "admin" else current_user.municipality


def staff_plan(plan_id: int, edit: bool = False) -> Plan:
    """The plan if the signed-in user may see it (404 otherwise) and, with ``edit``, change it (403)."""
    plan = db.session().get(Plan, plan_id)
    if plan is None or not auth.can_read(current_user, plan):
        abort(404)
    if edit and not auth.can_edit(current_user, plan):
        abort(403)
    return plan


def _surveys_of(municipality: str | None):
    """(slug, title) of the surveys that may belong to a plan of ``municipality`` (None: any), on the plans'
    ladder."""
    return [(s.slug, f"{pick(s.title, 'nl')} ({s.municipality})") for s in auth.visible_surveys(current_user)
            if (municipality is None or s.municipality == municipality) and s.ladder == plans.LADDER
            and s.respondents == "residents"]


def _municipalities() -> list[str]:
    return sorted({s.municipality for s in registry().surveys.values()})


def _form(plan: Plan | None):
    ladder = registry().ladders[plans.LADDER]
    municipality = plan.municipality if plan else _municipality_scope()
    admin_choice = _municipalities() if current_user.role == "admin" and plan is None else None
    data = None
    if plan is not None and request.method == "GET":
        session = db.session()
        data = {f: getattr(plan, f) for f in FIELDS}
        data["areas"] = "\n".join(plan.areas or [])
        data["compass_reason"] = plan.compass_reason
        data["surveys"] = plans.survey_slugs(session, plan.id)
        rows = plans.offers(session, plan.id)
        data["offers"] = [{"aspect": r.aspect, "rung": r.rung, "promise": r.promise or "", "motivation": r.motivation,
                           "why_not_higher": r.why_not_higher or ""} for r in rows] + [{}] * EXTRA_ROWS
    elif plan is None and request.method == "GET":
        data = {"kind": "project", "phase": "idee", "decider": "college",
                "offers": [{"aspect": _("Het hele plan")}] + [{}] * EXTRA_ROWS}
    form = PlanForm(data=data, ladder=ladder, surveys=_surveys_of(municipality), municipalities=admin_choice)
    return form, ladder


def _linked_elsewhere(form, plan: Plan | None) -> list[str]:
    """Surveys chosen in the form that already belong to another plan."""
    links = plans.links(db.session())
    return [slug for slug in form.surveys.data or [] if slug in links and (plan is None or links[slug] != plan.id)]


def _save(form, plan: Plan | None):
    session = db.session()
    elsewhere = _linked_elsewhere(form, plan)
    if elsewhere:
        form.surveys.errors = list(form.surveys.errors) + [
            _("Deze vragenlijst hoort al bij een ander plan: %(slugs)s. Haal hem daar eerst weg.",
              slugs=", ".join(elsewhere))]
        return None
    new = plan is None
    municipality = plan.municipality if plan else (
        form.municipality.data if form.municipality is not None else current_user.municipality)
    reg = registry()
    foreign = [slug for slug in form.surveys.data or [] if reg.survey(slug).municipality != municipality]
    if foreign:
        form.surveys.errors = list(form.surveys.errors) + [
            _("Deze vragenlijst is van een andere gemeente: %(slugs)s.", slugs=", ".join(foreign))]
        return None
    rows = form.offer_rows()
    compass_rung = _compass_rung(form, municipality) if form.compass_code.data else (plan.compass_rung if plan else None)
    if form.compass_code.errors:
        return None
    if compass_rung and not rows[0].rung:
        rows[0] = dataclasses.replace(rows[0], rung=compass_rung)  # the official accepts the compass's advice
    if compass_rung and rows[0].rung != compass_rung and not form.compass_reason.data:
        form.compass_reason.errors = list(form.compass_reason.errors) + [
            _("Het kompas adviseert %(rung)s. Schrijf waarom u een andere trede kiest.", rung=compass_rung)]
        return None
    if new:
        plan = Plan(municipality=municipality, areas=[])
        session.add(plan)
    before = {f: getattr(plan, f) for f in FIELDS} if not new else {}
    for field in FIELDS:
        setattr(plan, field, getattr(form, field).data if getattr(form, field).data != "" else None)
    plan.summary = form.summary.data
    plan.areas = form.area_list()
    plan.compass_rung = compass_rung
    plan.compass_reason = (form.compass_reason.data or None) if compass_rung and rows[0].rung != compass_rung else None
    session.flush()
    plans.save_offers(session, plan, rows)
    plans.save_surveys(session, plan, form.surveys.data or [])
    changed = [f for f in FIELDS if before.get(f) != getattr(plan, f)] if not new else []
    action = "plan-add" if new else "plan-change"
    if not new and "published" in changed:
        action = "plan-publish" if plan.published else "plan-unpublish"
    audit.record(action, municipality=plan.municipality,
                 detail=f"plan {plan.id}: {plan.title}" + (f" ({', '.join(changed)})" if changed else ""))
    session.commit()
    return plan


def _compass_rung(form, municipality: str) -> str | None:
    """The rung the compass advised, from the official's receipt code: the first placement of a response to an
    officials' survey (Rotterdam's participatiekompas) of ``municipality``. An unknown code is a field error."""
    compasses = [s.slug for s in registry().surveys.values()
                 if s.respondents == "officials" and s.municipality == municipality]
    placements = db.session().scalar(select(Response.placements).where(
        Response.receipt_hash == code_hash(form.compass_code.data), Response.survey_slug.in_(compasses))) \
        if compasses else None
    rung = (placements or [{}])[0].get("rung")
    if rung not in registry().ladders[plans.LADDER]:
        form.compass_code.errors = list(form.compass_code.errors) + [
            _("Geen advies van het participatiekompas gevonden bij deze ontvangstcode.")]
        return None
    return rung


def _warn(plan: Plan) -> None:
    powers = plans.untransferable_powers(plan.decider, [plan.title, plan.summary] +
                                         [o.aspect for o in plans.offers(db.session(), plan.id)])
    if powers:
        flash(_("Let op: een bestuurscommissie mag niet beslissen over %(powers)s (Gemeentewet artikel 156 lid 2). "
                "Kijk of dit plan daarover gaat.", powers=", ".join(powers)))


@bp.get("/")
@login_required
def index():
    found = plans.of_municipality(db.session(), _municipality_scope())
    return render_template("plans/staff_index.html", plans=found, phases=plans.PHASES)


@bp.route("/nieuw", methods=["GET", "POST"])
@login_required
def new():
    if current_user.role not in ("admin", "editor"):
        abort(403)
    form, ladder = _form(None)
    if staff_form_valid(form):
        plan = _save(form, None)
        if plan is not None:
            flash(_("Het plan is opgeslagen."))
            _warn(plan)
            return redirect(url_for(".show", plan_id=plan.id))
    return render_template("plans/edit.html", form=form, plan=None, ladder=ladder), (422 if form.errors else 200)


@bp.route("/<int:plan_id>/bewerken", methods=["GET", "POST"])
@login_required
def edit(plan_id):
    plan = staff_plan(plan_id, edit=True)
    form, ladder = _form(plan)
    if staff_form_valid(form):
        if _save(form, plan) is not None:
            flash(_("Het plan is opgeslagen."))
            _warn(plan)
            return redirect(url_for(".show", plan_id=plan.id))
    return render_template("plans/edit.html", form=form, plan=plan, ladder=ladder), (422 if form.errors else 200)


@bp.get("/<int:plan_id>")
@login_required
def show(plan_id):
    plan = staff_plan(plan_id)
    session = db.session()
    reg = registry()
    surveys = [reg.survey(s) for s in plans.survey_slugs(session, plan.id) if reg.survey(s) is not None]
    text = motivation_text(plan, reg, current_app.config["RESULTS_MIN_COUNT"])
    return render_template("plans/staff_show.html", plan=plan, offers=plans.offers(session, plan.id),
                           surveys=surveys, ladder=reg.ladders[plans.LADDER], text=text,
                           can_edit=auth.can_edit(current_user, plan))


def _evaluation_frame():
    from ...analysis.plan_evaluation import evaluation
    return evaluation(db.engine(), registry(), municipality=_municipality_scope())


@bp.get("/evaluatie")
@login_required
def evaluation():
    frame = _evaluation_frame()
    return render_template("plans/staff_evaluation.html", rows=frame.to_dict("records"))


@bp.get("/evaluatie.<fmt>")
@login_required
def evaluation_download(fmt):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    frame = _evaluation_frame()
    fh = io.BytesIO()
    if fmt == "csv":
        fh.write(frame.to_csv(index=False).encode("utf-8"))
        mimetype = "text/csv"
    else:
        frame.to_excel(fh, index=False, engine="xlsxwriter")
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    fh.seek(0)
    audit.record("plan-evaluation", municipality=_municipality_scope(), detail=fmt)
    db.session().commit()
    return send_file(fh, mimetype=mimetype, as_attachment=True, download_name=f"evaluatie-plannen.{fmt}")
