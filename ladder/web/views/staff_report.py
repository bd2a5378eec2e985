"""Staff pages for reporting back (issue 12): the dashboard at a glance, its filters and downloads, the
confirm pages for destructive actions, "you said, we did", recomputing placements, invitation letters and the
participatieverslag. The routes are added to the staff blueprint by :func:`register`."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import Response as FlaskResponse, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import select

from ... import audit, db, invites, lifecycle, outcomes, plans, report_back
from .. import report_back_forms
from .. import auth
from ...dashboard import numbers
from ..filters import date_nl
from ...i18n import _
from ..input_guard import id_number
from ...models import Response
from ..staff_forms import CodesForm, DeleteForm, StatusForm, WithdrawForm, field_errors, staff_form_valid
from ...text import pick
from ...registry import registry


AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# Export formats in words staff recognise; a plugin's format keeps its own name in capitals.
FORMAT_WORDS = {"xlsx": "Excel", "sav": "SPSS", "csv": "CSV", "json": "JSON", "parquet": "Parquet (voor analisten)"}
CHANNEL_WORDS = {"online": "online", "paper": "papier", "assisted": "met hulp"}


def local_time(moment: datetime | None) -> str:
    """A moment as a clock in the Netherlands (Europe/Amsterdam), e.g. 29-11-2026 02:15."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M")


def _area_name(survey, code):
    area = survey.area(code) if code else None
    return pick(area.name, "nl") if area else (code or _("onbekend"))


def dashboard(slug):
    from .staff_charts import question_charts, rung_charts, rung_totals
    from .staff_offer import offer_shares
    survey = auth.staff_survey(slug)
    counted = numbers(survey)
    reg = registry()
    ladder = reg.ladder_of(survey)
    locale = "nl"
    known = {a.code for a in survey.areas}
    area = request.args.get("gebied") or None
    channel = request.args.get("kanaal") or None
    if area not in known:
        area = None
    if channel not in outcomes.CHANNEL_FILTERS:
        channel = None
    titles = {p.id: pick(p.title, locale) for p in survey.pages}
    found = outcomes.of(survey, reg, threshold=0, locale=locale, area=area, channel=channel)
    rung_tables, table = {}, {}
    order = list(survey.aspects) + sorted(set(found.rungs["aspect"]) - set(survey.aspects))
    for aspect in order:
        rows = found.rungs[found.rungs["aspect"] == aspect]
        if rows.empty:
            continue
        counts = {(r.area, r.rung): int(r.count) for r in rows.itertuples(index=False)}
        table[aspect] = {code: {r.id: counts.get((code, r.id), 0) for r in ladder.rungs}
                         for code in dict.fromkeys(rows["area"])}
        rung_tables[aspect] = [(_area_name(survey, code), [counts.get((code, r.id), 0) for r in ladder.rungs])
                               for code in dict.fromkeys(rows["area"])]
    aspect_labels = {a: survey.staff_aspect(a, locale) for a in rung_tables}  # the staff voice, not the resident's
    totals = rung_totals(table, ladder)
    shares = offer_shares(survey, plans.offer_for(db.session(), survey), ladder, totals)
    state = lifecycle.of(survey)
    forms = dict(
        status_form=StatusForm(data={"status": state.status, "opens_on": state.opens_on, "closes_on": state.closes_on,
                                     "invite_only": state.invite_only}),
        codes_form=CodesForm())
    exporters = [(fmt, FORMAT_WORDS.get(fmt, fmt.upper())) for fmt in sorted(reg.exporters)]
    return render_template(
        "staff/dashboard.html", survey=survey, counted=counted, state=state, ladder=ladder, found=found,
        can_edit=auth.can_edit(current_user, survey), exporters=exporters, **forms,
        area_rows=[(_area_name(survey, code), n) for code, n in counted.per_area],
        day_rows=[(date_nl(day), n) for day, n in counted.per_day],
        page_rows=[(titles[page], n) for page, n in counted.stopped_at], rung_tables=rung_tables,
        aspect_labels=aspect_labels,
        shares=shares, offered={s.aspect: s.offered for s in shares},
        rung_charts=rung_charts(totals, ladder, lambda a: aspect_labels.get(a, a), _("verborgen"),
                                {s.aspect: s.offered for s in shares}),
        questions=question_charts([(s, s.table) for s in found.questions], lambda s: pick(s.question.label, locale),
                                  _("verborgen")),
        locale=locale, area=area, channel=channel, represent=representativeness(survey),
        area_choices=[(a.code, pick(a.name, locale)) for a in survey.areas],
        channel_choices=[("online", _("online")), ("paper", _("papier")), ("assisted", _("met hulp"))],
        now_local=local_time(datetime.now(timezone.utc)), pdf_available=_weasyprint())


def representativeness(survey) -> float | None:
    """The dashboard's representativeness index (staff): the publication's own rule, on the responses now."""
    from ...analysis import response_frame
    from ...publication.represent import representativeness as index
    path = current_app.config.get("SURVEY_MARGINS", {}).get(survey.slug)
    if not path:
        return None
    return index(survey, response_frame(db.engine(), survey, registry=registry(), include_text=False), path)


def _weasyprint() -> bool:
    import importlib.util
    return importlib.util.find_spec("weasyprint") is not None


def _csrf_ok() -> bool:
    return FlaskForm().validate_on_submit()


@login_required
def rescore(slug):
    """The "Bereken opnieuw" button: place the survey's pending responses again (as ``ladder rescore``)."""
    from ...placing import rescore as place_again
    survey = auth.staff_survey(slug, edit=True)
    if not _csrf_ok():
        abort(400)
    reg = registry()
    session = db.session()
    placed = pending = 0
    for response in session.scalars(select(Response).where(
            Response.survey_slug == slug, Response.withdrawn_at.is_(None), Response.placement_status == "pending")):
        outcome = place_again(survey, response, reg.ladders[survey.ladder])
        if outcome.error:
            pending += 1
        else:
            placed += 1
    audit.record("rescore", survey, f"{placed} placed, {pending} still pending")
    session.commit()
    flash(_("Opnieuw berekend: %(placed)s geplaatst, %(pending)s nog niet.", placed=placed, pending=pending))
    return redirect(url_for("staff.dashboard", slug=slug))


@login_required
def confirm_withdraw(slug):
    survey = auth.staff_survey(slug, edit=True)
    return render_template("staff/confirm_withdraw.html", survey=survey, withdraw_form=WithdrawForm())


@login_required
def confirm_delete(slug):
    survey = auth.staff_survey(slug, edit=True)
    return render_template("staff/confirm_delete.html", survey=survey, delete_form=DeleteForm(slug=survey.slug),
                           responses=numbers(survey).responses)


@login_required
def report(slug):
    """The analysts' HTML report (``ladder report``) as a download, small counts hidden as in print."""
    from ...analysis import build_report, response_frame
    survey = auth.staff_survey(slug)
    reg = registry()
    frame = response_frame(db.engine(), survey, registry=reg)
    html = build_report(frame, survey, registry=reg, threshold=current_app.config["RESULTS_MIN_COUNT"]).html
    audit.record("export", survey, "report")
    db.session().commit()
    return FlaskResponse(html, mimetype="text/html", headers={
        "Content-Disposition": f"attachment; filename={slug}-rapport.html", "Cache-Control": "no-store"})


@login_required
def verslag(slug):
    """The participatieverslag as an HTML download (PDF with ?pdf=1 when WeasyPrint is installed)."""
    from ...publication import verslag as verslag_document
    survey = auth.staff_survey(slug)
    html = verslag_document.document(survey, registry(), current_app.config)
    pdf_of = verslag_document.pdf_of
    audit.record("export", survey, "verslag")
    db.session().commit()
    if request.args.get("pdf"):
        pdf = pdf_of(html)
        if pdf is None:
            abort(404)
        return FlaskResponse(pdf, mimetype="application/pdf", headers={
            "Content-Disposition": f"attachment; filename={slug}-participatieverslag.pdf"})
    return FlaskResponse(html, mimetype="text/html", headers={
        "Content-Disposition": f"attachment; filename={slug}-participatieverslag.html", "Cache-Control": "no-store"})


@login_required
def report_back_page(slug):
    survey = auth.staff_survey(slug, edit=True)
    item_id = request.args.get("item", type=id_number)
    items = report_back.items(survey)
    editing = next((i for i in items if i.id == item_id), None)
    form = report_back_forms.ItemForm(survey=survey, data=None if request.method == "POST" or editing is None
                                else report_back_forms.ItemForm.data_of(editing))
    current = report_back.settings(survey)
    settings_form = report_back_forms.SettingsForm(formdata=None, data={
        "results_expected": current.results_expected, "sealed_until_closed": current.sealed_until_closed})
    if request.method == "POST":
        if staff_form_valid(form):
            saved = report_back.save_item(survey, editing.id if editing else None, form.topic.data,
                                          form.question.data or None, form.decision.data, form.due_on.data,
                                          form.translations("topic", survey.locales),
                                          form.translations("decision", survey.locales))
            if saved is None:
                abort(404)
            db.session().commit()
            flash(_("Opgeslagen. Het staat op de openbare pagina zodra de uitkomsten openbaar zijn."))
            return redirect(url_for("staff.report_back", slug=slug))
    return render_template("staff/report_back.html", survey=survey, items=items, form=form,
                           editing=editing.id if editing else None, settings_form=settings_form), \
        (422 if form.errors else 200)


@login_required
def report_back_delete(slug):
    survey = auth.staff_survey(slug, edit=True)
    if not _csrf_ok():
        abort(400)
    item_id = request.form.get("item", type=id_number)
    if item_id is None or not report_back.delete_item(survey, item_id):
        abort(404)
    db.session().commit()
    flash(_("Het onderwerp is verwijderd."))
    return redirect(url_for("staff.report_back", slug=slug))


@login_required
def report_back_settings(slug):
    survey = auth.staff_survey(slug, edit=True)
    form = report_back_forms.SettingsForm()
    if not staff_form_valid(form):
        for message in field_errors(form):
            flash(message)
        return redirect(url_for("staff.report_back", slug=slug) + "#instellingen")
    report_back.save_settings(survey, form.results_expected.data, bool(form.sealed_until_closed.data))
    db.session().commit()
    flash(_("De instellingen zijn opgeslagen."))
    return redirect(url_for("staff.report_back", slug=slug))


def codes_download(survey, codes: list[str]):
    """The one moment the codes exist: letters to print (``als=brieven``) or the CSV with full links."""
    base = invites.base_url()
    if request.form.get("als") in ("brieven", "pdf"):
        letters = [(code, invites.invite_link(survey, code, base), Markup(invites.qr_svg(
            invites.invite_link(survey, code, base)))) for code in invites.shuffled(codes)]
        html = render_template("staff/letters.html", survey=survey, letters=letters,
                               start=invites.start_url(survey, base), state=lifecycle.of(survey))
        if request.form.get("als") == "pdf" and _weasyprint():
            return FlaskResponse(letters_pdf(html), mimetype="application/pdf", headers={
                "Content-Disposition": f"attachment; filename={survey.slug}-brieven.pdf", "Cache-Control": "no-store"})
        return html, 200, {"Cache-Control": "no-store"}
    return FlaskResponse(invites.codes_csv(survey, codes, base), mimetype="text/csv",
                         headers={"Content-Disposition": f"attachment; filename={survey.slug}-codes.csv",
                                  "Cache-Control": "no-store"})


def letters_pdf(html: str) -> bytes:
    """The letters page as PDF (WeasyPrint), with the site's print CSS: one A4 page per letter. The page's own
    stylesheet link is replaced by the file itself, so nothing is fetched."""
    import re
    from pathlib import Path

    from weasyprint import CSS, HTML
    css = Path(current_app.static_folder) / "ladder.css"
    html = re.sub(r'<link rel="stylesheet"[^>]*>', "", html)
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(css))])


def register(bp) -> None:
    bp.add_url_rule("/s/<slug>/opnieuw-berekenen", "rescore", rescore, methods=["POST"])
    bp.add_url_rule("/s/<slug>/intrekken/bevestigen", "confirm_withdraw", confirm_withdraw)
    bp.add_url_rule("/s/<slug>/verwijderen/bevestigen", "confirm_delete", confirm_delete)
    bp.add_url_rule("/s/<slug>/rapport", "report", report)
    bp.add_url_rule("/s/<slug>/participatieverslag", "verslag", verslag)
    bp.add_url_rule("/s/<slug>/terugkoppeling", "report_back", report_back_page, methods=["GET", "POST"])
    bp.add_url_rule("/s/<slug>/terugkoppeling/verwijderen", "report_back_delete", report_back_delete,
                    methods=["POST"])
    bp.add_url_rule("/s/<slug>/terugkoppeling/instellingen", "report_back_settings", report_back_settings,
                    methods=["POST"])


