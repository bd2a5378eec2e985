"""Municipal staff: sign in, run their own municipality's surveys, see results, report back."""
from __future__ import annotations

import io

from flask import (Blueprint, abort, current_app, flash, redirect, render_template,
                   request, send_file, session, url_for)
from flask_login import current_user, login_required, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from ... import audit, db, invites, lifecycle, report_back, retention
from .. import auth
from ... import accounts
from . import staff_report
from ...registry import registry
from ...dashboard import response_counts
from ...i18n import _
from ..staff_forms import (CodesForm, DeleteForm, LoginForm, PublishForm, SetPasswordForm, StatusForm, WithdrawForm,
                           field_errors, staff_form_valid)
from ...codes import code_hash
from ...models import Response, utcnow
from ...withdrawal import withdraw_response

bp = Blueprint("staff", __name__, url_prefix="/beheer")


@bp.route("/inloggen", methods=["GET", "POST"])
def login():
    form = LoginForm()
    error = None
    if staff_form_valid(form):
        from . import signin
        outcome = signin.check_password(form.email.data, form.password.data)
        if outcome.user is not None:
            return signin.password_passed(outcome.user, request.args.get("next"))
        if outcome.refused:
            response = current_app.make_response((render_template(
                "staff/login.html", form=form, error=outcome.message), outcome.status))
            response.headers["Retry-After"] = str(outcome.retry_after)
            return response
        error = outcome.message
    # A wrong address or password is 401; an empty field is 422.
    return render_template("staff/login.html", form=form, error=error), (401 if error else 422 if form.errors else 200)


@bp.post("/uitloggen")
@login_required
def logout():
    if not FlaskForm().validate_on_submit():
        abort(400)
    audit.record("sign-out")
    accounts.end_sessions(current_user)  # every copy of this session's cookie stops working too
    db.session().commit()
    logout_user()
    session.clear()
    flash(_("U bent uitgelogd."))
    return redirect(url_for(".login"))


@bp.route("/wachtwoord", methods=["GET", "POST"])
def set_password():
    """The link ends in ``#code``: the code comes with the form (ladder/static/set-password.js), never in the
    address."""
    form = SetPasswordForm()
    valid = staff_form_valid(form)
    user = accounts.user_for_token(form.token.data) if form.token.data else None
    if valid and user is None:
        form.token.errors.append(_("Deze link is verlopen of al gebruikt. Vraag een nieuwe link aan."))
    elif valid:
        accounts.set_password(user, form.password.data)  # the form checked the length auth asks for
        audit.record("password-set", email=user.email, municipality=user.municipality)
        db.session().commit()
        flash(_("Uw wachtwoord is ingesteld. U kunt nu inloggen."))
        return redirect(url_for(".login"))
    return render_template("staff/set_password.html", form=form), (422 if form.errors else 200)


@bp.get("/")
@login_required
def home():
    surveys = auth.visible_surveys(current_user)
    found = response_counts(s.slug for s in surveys)
    counts = {s.slug: found.get(s.slug, 0) for s in surveys}
    return render_template("staff/home.html", surveys=surveys, counts=counts,
                           states={s.slug: lifecycle.of(s) for s in surveys})


@bp.get("/s/<slug>")
@login_required
def dashboard(slug):
    return staff_report.dashboard(slug)  # the page at a glance: ladder/web/views/staff_report.py (issue 12)


@bp.post("/s/<slug>/status")
@login_required
def change_status(slug):
    survey = auth.staff_survey(slug, edit=True)
    form = StatusForm()
    if not staff_form_valid(form):
        return _refused(form, slug)
    status, opens, closes = form.status.data, form.opens_on.data, form.closes_on.data
    state = lifecycle.editable_row(survey)
    state.status, state.opens_on, state.closes_on = status, opens, closes
    state.invite_only = form.invite_only.data
    audit.record("status", survey, f"{status} {opens or ''}–{closes or ''}{' invite-only' if state.invite_only else ''}")
    db.session().commit()
    flash(_("De status is opgeslagen."))
    return redirect(url_for(".dashboard", slug=slug))


def _refused(form, slug):
    """The dashboard's small forms: tell what was wrong at the top of the dashboard; nothing changed."""
    for message in field_errors(form):
        flash(message)
    return redirect(url_for(".dashboard", slug=slug))


@bp.post("/s/<slug>/codes")
@login_required
def make_codes(slug):
    survey = auth.staff_survey(slug, edit=True)
    form = CodesForm()
    if not staff_form_valid(form):
        return _refused(form, slug)
    count = form.count.data
    codes = invites.make_codes(survey, count)
    audit.record("codes", survey, f"{count} codes")
    db.session().commit()
    # The codes exist only in this download (letters or CSV): the database keeps their hashes.
    return staff_report.codes_download(survey, codes)


@bp.get("/s/<slug>/export/<fmt>")
@login_required
def export(slug, fmt):
    from ...analysis import export, response_frame
    from ...analysis.exporters import exporter_for
    from ...analysis.plugin_types import ExportError
    survey = auth.staff_survey(slug)
    try:
        exporter = exporter_for(registry(), fmt)  # before reading the responses
    except ExportError:
        abort(404)
    frame = response_frame(db.engine(), survey, registry=registry())
    fh = io.BytesIO()
    # staff open a download with a double click, in Dutch Excel: the CSV dialect made for it, which also
    # neutralises answers Excel would run as formulas (the plain CSV, for pandas and R, keeps them as stored)
    options = {"dialect": "excel-nl"} if "dialect" in exporter.options else {}
    export(frame, survey, fmt, fh, registry=registry(), **options)  # the commands' path: one option check
    fh.seek(0)
    audit.record("export", survey, fmt)
    db.session().commit()
    return send_file(fh, mimetype=exporter.mimetype, as_attachment=True,
                     download_name=f"{slug}.{exporter.extension}")


@bp.route("/s/<slug>/uitkomsten", methods=["GET", "POST"])
@login_required
def publish(slug):
    survey = auth.staff_survey(slug, edit=True)
    ladder = registry().ladders[survey.ladder]
    stored = lifecycle.row(slug)
    form = PublishForm(ladder=ladder, data={"results_text": stored.results_text, "next_rung": stored.next_rung,
                                            **PublishForm.translation_data("results_text",
                                                                           stored.results_text_translations)}
                       if stored and request.method == "GET" else None)
    if request.method == "POST":
        valid = staff_form_valid(form)
        if form.action.data == "intrekken":  # needs nothing but the CSRF token
            state = lifecycle.editable_row(survey)
            state.results_published_at = None
            audit.record("unpublish", survey)
            db.session().commit()
            flash(_("De uitkomsten zijn niet meer openbaar."))
            return redirect(url_for(".dashboard", slug=slug))
        if valid:
            state = lifecycle.editable_row(survey)
            report_back.save_results_text(survey, state, form.results_text.data,
                                          form.translations("results_text", survey.locales))
            state.next_rung = form.next_rung.data
            state.results_published_at = utcnow()
            audit.record("publish", survey)
            flash(publication_moment(survey))
            db.session().commit()
            return redirect(url_for(".dashboard", slug=slug))
    return render_template("staff/publish.html", survey=survey, ladder=ladder, form=form, state=stored), \
        (422 if form.errors else 200)


def publication_moment(survey) -> str:
    """Make a new snapshot of the published numbers where the rules allow it, and say what residents see."""
    from ...publication import store
    if report_back.sealed(survey, lifecycle.of(survey)):
        return _("De tekst is opgeslagen. De cijfers verschijnen op de openbare pagina als de vragenlijst sluit.")
    moment = store.publish_with(survey, registry(), current_app.config)
    if moment.made:
        return _("De uitkomsten staan nu op de openbare pagina.")
    return _("De tekst is opgeslagen. De cijfers blijven die van de vorige keer: pas als er %(n)s antwoorden "
             "bij zijn gekomen of zijn ingetrokken, maken we nieuwe cijfers (nu %(changes)s).",
             n=moment.needed, changes=moment.changes)


@bp.post("/s/<slug>/intrekken")
@login_required
def withdraw(slug):
    """Withdraw a response for a resident who sends their receipt code by mail or phone."""
    survey = auth.staff_survey(slug, edit=True)
    form = WithdrawForm()
    if not staff_form_valid(form):
        return _refused(form, slug)
    response = db.session().scalar(select(Response).where(
        Response.receipt_hash == code_hash(form.code.data), Response.survey_slug == survey.slug,
        Response.withdrawn_at.is_(None)))
    if response is None:
        flash(_("Geen antwoorden gevonden bij deze ontvangstcode voor deze vragenlijst."))
        return redirect(url_for(".dashboard", slug=slug))
    withdraw_response(response)
    audit.record("withdraw", survey)  # no response id: the response is erased, the log must not keep a trace
    db.session().commit()
    flash(_("De antwoorden zijn ingetrokken."))
    return redirect(url_for(".dashboard", slug=slug))


@bp.post("/s/<slug>/verwijderen")
@login_required
def delete_all(slug):
    """Delete every response, draft and invite code of a survey, when its retention period is over."""
    survey = auth.staff_survey(slug, edit=True)
    form = DeleteForm(slug=survey.slug)
    if not staff_form_valid(form):
        return _refused(form, slug)
    s = db.session()
    deleted = retention.purge(s, survey.slug)
    audit.record("delete", survey, f"{deleted} responses")
    s.commit()
    flash(_("Alle antwoorden van deze vragenlijst zijn verwijderd."))
    return redirect(url_for(".dashboard", slug=slug))


@bp.get("/audit")
@login_required
def audit_log():
    if current_user.role != "admin":
        abort(403)
    action = request.args.get("actie") or None
    action = action if action in audit.ACTIONS else None
    person = (request.args.get("persoon") or "").strip()[:254] or None
    page = request.args.get("pagina", "1")
    found = audit.entries(action, person, int(page) if page.isdigit() and len(page) < 7 else 1)
    return render_template("staff/audit.html", page=found, action=action, person=person, actions=audit.ACTIONS,
                           people=audit.people(), local_time=audit.local_time, label=audit.label)


staff_report.register(bp)  # rescore, confirm pages, report, verslag, "you said, we did" (issue 12)
