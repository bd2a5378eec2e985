"""Staff key in paper forms and answers given with help, one survey page per screen, through the resident's
validation and the one submit path; optionally a second person keys the same form (double entry).

A form being keyed lives in the ``pending_entries`` table (not in a session), so a second keyer on another
computer finds the first entry, and nothing is lost when a browser closes.
"""
from __future__ import annotations

from flask import (Blueprint, Response as FlaskResponse, abort, current_app, flash, redirect, render_template, request,
                   url_for)
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import delete, select
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ... import audit, db, lifecycle, plans
from .. import auth
from ...answers import validate
from ..forms import page_form, parsed_answers
from ...i18n import _, _l
from ..input_guard import answers_in_form
from ...slugs import look_alike
from ...models import PendingEntry
from ...paper import numbered
from ...submit import InvalidAnswers, InviteRequired, SurveyClosed, submit
from ...registry import registry

bp = Blueprint("entry", __name__, url_prefix="/beheer")

class StartForm(FlaskForm):
    channel = RadioField(_l("Hoe kwamen de antwoorden binnen?"), default="paper",
                         choices=[SelectChoice("paper", _l("Op een papieren formulier")),
                                  SelectChoice("assisted", _l("Met hulp (bijvoorbeeld in het dorpshuis of via de "
                                                              "telefoon)"))],
                         validators=[InputRequired(_l("Kies hoe de antwoorden binnenkwamen."))])
    label = StringField(_l("Nummer van het formulier (niet verplicht)"),
                        description=_l("Schrijf hetzelfde nummer op het papier. Bij dubbele invoer vindt de tweede "
                                       "invoerder het formulier zo terug."),
                        validators=[Optional(), Length(max=50, message=_l("Gebruik hoogstens 50 tekens."))])
    locale = SelectField(_l("Taal van het formulier"), default="nl")
    double = BooleanField(_l("Dubbele invoer: een collega voert hetzelfde formulier nog een keer in"))


class PaperForm(FlaskForm):
    locale = SelectField(_l("Taal"), default="nl")
    large_print = BooleanField(_l("Grote letters"))
    letters = IntegerField(_l("Aantal brieven, elk met een eigen uitnodigingscode"), default=1,
                           validators=[Optional(), NumberRange(min=1, max=2000,
                                                               message=_l("Kies 1 tot en met 2000 brieven."))])


LANGUAGES = {"nl": _l("Nederlands"), "fy": _l("Fries"), "en": _l("Engels")}


def _paper_form(survey, formdata=None):
    form = PaperForm() if formdata else PaperForm(formdata=None)
    form.locale.choices = [SelectChoice(code, LANGUAGES.get(code, code)) for code in survey.locales]
    return form


@bp.post("/s/<slug>/papier")
@login_required
def paper(slug):
    """Download the printable form; for an invite-only survey each letter gets a new invite code."""
    from ...paper import render_pdf
    survey = auth.staff_survey(slug, edit=True)
    form = _paper_form(survey, formdata=True)
    if not _valid(form):
        for field in form:
            for message in field.errors:
                flash(message)
        return redirect(url_for(".start", slug=slug))
    letters = form.letters.data or 1
    pdf = render_pdf(plans.with_plan_offer(db.session(), survey), registry(), locale=form.locale.data, large_print=form.large_print.data,
                     letters=letters, config=current_app.config)
    audit.record("paper", survey, f"{form.locale.data}{' groot' if form.large_print.data else ''}"
                 f"{f' {letters} brieven' if lifecycle.of(survey).invite_only else ''}")
    db.session().commit()  # the letters' invite codes exist only in this PDF; the database keeps their hashes
    return FlaskResponse(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f"attachment; filename={slug}-vragenlijst.pdf", "Cache-Control": "no-store"})


class StoreForm(FlaskForm):
    invite_code = StringField(_l("Uitnodigingscode uit de brief"),
                              validators=[Optional(), Length(max=100, message=_l("Gebruik hoogstens 100 tekens."))])
    checked = BooleanField(_l("Ik heb de verschillen met het papieren formulier vergeleken"))


def _valid(form):
    valid = form.validate_on_submit()
    if getattr(form, "csrf_token", None) is not None and form.csrf_token.errors:
        abort(400)
    return valid


def _entry(entry_id):
    """The pending entry and its survey, if the signed-in user may key in answers for that survey (404/403)."""
    entry = db.session().get(PendingEntry, entry_id)
    if entry is None:
        abort(404)
    return entry, auth.staff_survey(entry.survey_slug, edit=True)


def _waiting(survey):
    return list(db.session().scalars(select(PendingEntry).where(
        PendingEntry.survey_slug == survey.slug).order_by(PendingEntry.id)))


@bp.route("/s/<slug>/invoeren", methods=["GET", "POST"])
@login_required
def start(slug):
    survey = auth.staff_survey(slug, edit=True)
    form = StartForm()
    form.locale.choices = [SelectChoice(code, LANGUAGES.get(code, code)) for code in survey.locales]
    if request.method == "POST" and _valid(form):
        if not lifecycle.is_open(survey):
            flash(_("Deze vragenlijst is nu niet open. Antwoorden kunnen alleen worden ingevoerd als de "
                    "vragenlijst open is."))
            return redirect(url_for(".start", slug=slug))
        entry = PendingEntry(survey_slug=survey.slug, channel=form.channel.data, locale=form.locale.data,
                             label=form.label.data or None,
                             double=form.double.data, stage="first", answers={}, keyed_by=current_user.email,
                             page=survey.pages[0].id)
        db.session().add(entry)
        db.session().commit()
        return redirect(url_for(".page", entry_id=entry.id, page_id=survey.pages[0].id))
    return render_template("staff/entry_start.html", survey=survey, form=form, pending=_waiting(survey),
                           action_form=FlaskForm(), is_open=lifecycle.is_open(survey),
                           paper_form=_paper_form(survey), invite_only=lifecycle.of(survey).invite_only), \
        (422 if form.errors else 200)


@bp.post("/invoer/<int:entry_id>/tweede")
@login_required
def second(entry_id):
    """A second person starts keying a form whose first entry is waiting."""
    entry, survey = _entry(entry_id)
    if not _valid(FlaskForm()):
        abort(400)
    if entry.stage != "waiting":
        flash(_("Dit formulier wacht niet op een tweede invoer."))
    elif entry.first_by == current_user.email:
        flash(_("De tweede invoer moet door een andere persoon gebeuren dan de eerste."))
    else:
        entry.stage, entry.answers, entry.keyed_by, entry.page = "second", {}, current_user.email, survey.pages[0].id
        db.session().commit()
        return redirect(url_for(".page", entry_id=entry.id, page_id=survey.pages[0].id))
    return redirect(url_for(".start", slug=survey.slug))


@bp.post("/invoer/<int:entry_id>/weggooien")
@login_required
def discard(entry_id):
    entry, survey = _entry(entry_id)
    if not _valid(FlaskForm()):
        abort(400)
    db.session().delete(entry)
    audit.record("entry-discard", survey, f"{entry.channel} {entry.label or ''}".strip())
    db.session().commit()
    flash(_("De invoer is weggegooid. Er is niets opgeslagen."))
    return redirect(url_for(".start", slug=survey.slug))


def _keying(entry):
    """Only the person keying this entry continues it; a waiting first entry is not keyed."""
    if entry.stage == "waiting" or entry.keyed_by != current_user.email:
        flash(_("Deze invoer wordt door iemand anders gedaan, of wacht op een tweede invoer."))
        return False
    return True


@bp.route("/invoer/<int:entry_id>/vraag/<page_id>", methods=["GET", "POST"])
@answers_in_form
@login_required
def page(entry_id, page_id):
    entry, survey = _entry(entry_id)
    if not _keying(entry):
        return redirect(url_for(".start", slug=survey.slug))
    page = next((p for p in survey.pages if p.id == page_id), None)
    if page is None:
        abort(404)
    answers = dict(entry.answers or {})
    if page not in survey.visible_pages(answers):
        return redirect(_after(survey, entry, page, answers))
    questions = survey.visible_questions(page, answers)
    types = registry().question_types
    if request.method == "GET":
        form = page_form(survey, questions, types, "nl", stored=answers)
        return _render(survey, entry, page, questions, form, answers)
    form = page_form(survey, questions, types, "nl", formdata=request.form)
    valid = form.validate()
    if getattr(form, "csrf_token", None) is not None and form.csrf_token.errors:
        abort(400)
    if request.form.get("action") == "vorige":
        merged = {**answers, **parsed_answers(form, questions)}
        entry.answers, _errors = validate(survey, merged, types)
        db.session().commit()
        return redirect(_before(survey, entry, page, entry.answers))
    if not valid:
        return _render(survey, entry, page, questions, form, answers), 422
    merged = {k: v for k, v in answers.items() if k not in {q.id for q in page.questions}}
    merged.update(parsed_answers(form, questions))
    cleaned, _errors = validate(survey, merged, types)
    entry.answers, entry.page = cleaned, page.id
    db.session().commit()
    return redirect(_after(survey, entry, page, cleaned))


def _render(survey, entry, page, questions, form, answers):
    visible = survey.pages_to_go(answers)
    number = visible.index(page) + 1 if page in visible else 1
    errors = [(q.id, form[q.id].errors[0]) for q in questions if form[q.id].errors]
    return render_template("staff/entry_page.html", survey=survey, entry=entry, page=page, questions=questions,
                           form=form, errors=errors, number=number, total=len(visible), locale="nl",
                           types=registry().question_types, paper_numbers=numbered(survey))


def _after(survey, entry, page, answers):
    for p in survey.pages[survey.pages.index(page) + 1:]:
        if p in survey.visible_pages(answers):
            return url_for(".page", entry_id=entry.id, page_id=p.id)
    return url_for(".check", entry_id=entry.id)


def _before(survey, entry, page, answers):
    for p in reversed(survey.pages[:survey.pages.index(page)]):
        if p in survey.visible_pages(answers):
            return url_for(".page", entry_id=entry.id, page_id=p.id)
    return url_for(".page", entry_id=entry.id, page_id=page.id)


def differences(survey, first: dict, second: dict) -> list:
    """(question, first answer, second answer) for every question the two entries answered differently."""
    return [(q, first.get(q.id), second.get(q.id)) for q in survey.questions
            if first.get(q.id) != second.get(q.id)]


@bp.route("/invoer/<int:entry_id>/controleren", methods=["GET", "POST"])
@login_required
def check(entry_id):
    entry, survey = _entry(entry_id)
    if not _keying(entry):
        return redirect(url_for(".start", slug=survey.slug))
    answers = dict(entry.answers or {})
    diffs = differences(survey, entry.first_answers or {}, answers) if entry.stage == "second" else []
    invite_only = lifecycle.of(survey).invite_only
    form = StoreForm()
    errors, status = {}, 200
    if request.method == "POST" and _valid(form):
        if entry.double and entry.stage == "first":
            # The first of two entries waits, in the table, for a second person.
            entry.first_answers, entry.first_by, entry.stage = answers, current_user.email, "waiting"
            entry.answers, entry.keyed_by, entry.page = {}, None, None
            audit.record("entry-first", survey, entry.channel)
            db.session().commit()
            flash(_("De eerste invoer is bewaard. Een collega voert nu hetzelfde formulier nog een keer in."))
            return redirect(url_for(".start", slug=survey.slug))
        if diffs and not form.checked.data:
            errors["checked"] = _("Vergelijk de verschillen met het papieren formulier en vink dat aan, of pas "
                                  "de antwoorden aan.")
            status = 422
        else:
            return _store(entry, survey, answers, form.invite_code.data or None, status)
    html = render_template("staff/entry_check.html", survey=survey, entry=entry, answers=answers, form=form,
                           diffs=diffs, errors=errors, invite_only=invite_only, locale="nl",
                           pages=survey.visible_pages(answers), page_of=_page_of(survey))
    return html, (422 if errors or form.errors else status)


def _store(entry, survey, answers, invite_code, status):
    """Store through the one submit path; the pending entry is deleted in the same transaction."""
    entry_id, channel, label = entry.id, entry.channel, entry.label
    detail = f"{channel}{' dubbel' if entry.double else ''}"  # no form label: see audit.COUNTED_PER_DAY

    def consume(response, receipt, outcome):
        # Conditional: a second click (another tab) deletes nothing and so stores nothing.
        gone = db.session().execute(delete(PendingEntry).where(PendingEntry.id == entry_id)
                                    .execution_options(synchronize_session=False)).rowcount
        if gone != 1:
            raise _AlreadyStored
        audit.record("entry", survey, detail)

    try:
        done = submit(registry(), survey, answers, locale=entry.locale, channel=channel, invite_code=invite_code,
                      before_commit=consume)
    except _AlreadyStored:
        flash(_("Dit formulier is al opgeslagen."))
        return redirect(url_for(".start", slug=survey.slug))
    except SurveyClosed:
        flash(_("Deze vragenlijst is nu niet open. Antwoorden kunnen alleen worden ingevoerd als de vragenlijst "
                "open is."))
        return redirect(url_for(".start", slug=survey.slug))
    except InviteRequired:
        return _again(entry_id, {"invite_code": _("Deze uitnodigingscode kennen we niet, of hij is al gebruikt.")})
    except InvalidAnswers as exc:
        return _again(entry_id, {qid: msg for qid, msg in exc.errors.items()})
    return render_template("staff/entry_done.html", survey=survey, receipt=done.receipt, channel=channel,
                           label=label)


def _again(entry_id, errors):
    entry, survey = _entry(entry_id)
    answers = dict(entry.answers or {})
    diffs = differences(survey, entry.first_answers or {}, answers) if entry.stage == "second" else []
    return render_template("staff/entry_check.html", survey=survey, entry=entry, answers=answers, form=StoreForm(),
                           diffs=diffs, errors=errors, invite_only=lifecycle.of(survey).invite_only, locale="nl",
                           pages=survey.visible_pages(answers), page_of=_page_of(survey)), 422


def _page_of(survey):
    return {q.id: p.id for p in survey.pages for q in p.questions}


class _AlreadyStored(Exception):
    pass


# --- XLSForm upload: see the result, then save it into the instance's survey folder -------------------------

class UploadForm(FlaskForm):
    form_file = FileField(_l("XLSForm-bestand (.xlsx)"), validators=[
        FileRequired(_l("Kies een XLSForm-bestand.")), FileAllowed(["xlsx"], _l("Kies een .xlsx-bestand."))])
    municipality = SelectField(_l("Gemeente"))
    skip_unsupported = BooleanField(_l("Laat weg wat niet over te nemen is"))


class SaveUploadForm(FlaskForm):
    survey_file = HiddenField()


def _signer():
    from itsdangerous import URLSafeSerializer
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="ladder-xlsform-upload")


@bp.route("/xlsform", methods=["GET", "POST"])
@login_required
def upload():
    """Read an uploaded XLSForm and show the survey it gives, with what does not map; nothing is saved yet."""
    import tempfile

    from ...xlsform.importing import XLSFormError, XLSFormTooLarge, import_xlsform, survey_file_text
    if current_user.role not in ("admin", "editor"):
        abort(403)
    form = UploadForm()
    known = sorted({s.municipality for s in registry().surveys.values()})
    form.municipality.choices = [SelectChoice(m, m) for m in (known if current_user.role == "admin"
                                                              else [current_user.municipality])]
    imported = error = text = None
    if request.method == "POST" and _valid(form):
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as fh:
            form.form_file.data.save(fh)
            fh.flush()
            try:
                imported = import_xlsform(fh.name, municipality=form.municipality.data)
            except XLSFormTooLarge:
                error = _("Dit bestand is te groot om als formulier in te lezen. Splits het formulier op.")
            except XLSFormError:
                error = _("Dit bestand is geen XLSForm dat we kunnen lezen.")
        if imported is not None:
            error = _check_upload(imported, form.skip_unsupported.data)
            if error is None:
                text = _signer().dumps(survey_file_text(imported))
    status = 422 if (form.errors or error) else 200
    return render_template("staff/entry_xlsform.html", form=form, imported=imported, error=error,
                           save_form=SaveUploadForm(data={"survey_file": text}) if text else None), status


def _check_upload(imported, skip):
    from ...survey_file import SurveyFileError, survey_from_dict
    if imported.unsupported and not skip:
        return _("Een deel van het formulier is niet over te nemen (zie hieronder). Pas het formulier aan, of kies "
                 "‘Laat weg wat niet over te nemen is’.")
    if not imported.data["pages"]:
        return _("Er blijven geen vragen over.")
    try:
        survey_from_dict(imported.data, question_types=registry().question_types)
    except SurveyFileError as exc:
        return _("Het resultaat is geen geldige vragenlijst: %(reason)s", reason=exc.reason)
    slug = imported.data["slug"]
    existing = slug if registry().survey(slug) is not None else look_alike(slug, registry().surveys)
    if existing is not None:
        return _("Er is al een vragenlijst met de naam %(slug)s. Geef het formulier een andere form_id.",
                 slug=existing)
    return None


@bp.post("/xlsform/opslaan")
@login_required
def save_upload():
    """Save the survey file shown on the upload page into the instance's survey folder."""
    import tomllib

    from itsdangerous import BadSignature

    from ...default_plugins.instance_surveys import folder, load_instance_survey
    from ...survey_file import SurveyFileError
    if current_user.role not in ("admin", "editor"):
        abort(403)
    form = SaveUploadForm()
    if not _valid(form):
        abort(400)
    try:
        text = _signer().loads(form.survey_file.data or "")
    except BadSignature:
        abort(400)
    data = tomllib.loads(text)
    if current_user.role != "admin" and data.get("municipality") != current_user.municipality:
        abort(403)
    where = folder(current_app.config, current_app)
    path = where / f"{data['slug']}.toml"
    if path.exists() or registry().survey(data["slug"]) is not None or look_alike(data["slug"], registry().surveys):
        flash(_("Er is al een vragenlijst met de naam %(slug)s.", slug=data["slug"]))
        return redirect(url_for(".upload"))
    where.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    try:
        load_instance_survey(path)  # the same check as at start-up
    except SurveyFileError as exc:
        path.unlink()
        flash(_("Het resultaat is geen geldige vragenlijst: %(reason)s", reason=exc.reason))
        return redirect(url_for(".upload"))
    audit.record("survey-file", municipality=data.get("municipality"), detail=f"{data['slug']} ({path.name})")
    db.session().commit()
    flash(_("De vragenlijst %(slug)s is opgeslagen. Na een herstart van de server staat hij in de lijst.",
            slug=data["slug"]))
    return redirect(url_for(".upload"))
