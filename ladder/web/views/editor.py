"""The survey editor (issue 21): editors make surveys in the browser, as versions in the database.

Every change is a plain form post (no JavaScript needed) that changes the survey's draft version
(ladder/survey_editing.py does the change, ladder/stored_surveys.py stores it); the overview shows what the
check and ``ladder lint`` find after each change, the preview shows the draft as residents will see it, and
publishing makes the version live on every server from its next request on. Editors see and change only
their own municipality's surveys; admins all.
"""
from __future__ import annotations

import tempfile
import tomllib
from pathlib import Path

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from ... import audit, db, lifecycle, stored_surveys
from ... import survey_editing as edit
from ...conditions import OPERATORS, in_words
from ..forms import page_form, parsed_answers
from ...i18n import _
from ...lint import lint
from ...models import SurveyVersion
from ..staff_forms import staff_form_valid
from ...survey_data import to_json
from ...survey_file import SurveyFileError
from ...text import LOCALES
from ...registry import registry

bp = Blueprint("editor", __name__, url_prefix="/beheer/vragenlijsten")

LANGUAGE_NAMES = {"nl": "Nederlands", "fy": "Frysk", "en": "English"}


@bp.before_request
@login_required
def _editors_only():
    if current_user.role not in ("admin", "editor"):
        abort(403)


def _municipalities() -> list[str]:
    if current_user.role == "admin":
        return sorted({s.municipality for s in registry().surveys.values()} | set(_stored_municipalities()))
    return [current_user.municipality]


def _stored_municipalities():
    from sqlalchemy import select
    return db.session().scalars(select(SurveyVersion.municipality).distinct())


def _newest(slug: str) -> SurveyVersion:
    """The newest version of ``slug``; 404 when there is none or it belongs to another municipality."""
    found = stored_surveys.versions(slug)
    if not found or (current_user.role != "admin" and found[0].municipality != current_user.municipality):
        abort(404)
    return found[0]


def _draft(slug: str) -> SurveyVersion | None:
    row = _newest(slug)
    return row if row.status == stored_surveys.DRAFT else None


def _posted() -> None:
    """Every change is a POST with the CSRF token; a missing or wrong token is a 400, nothing changed."""
    staff_form_valid(FlaskForm())


def _store(row: SurveyVersion, change, *args, **kwargs) -> bool:
    """Apply ``change`` to the draft and store it; an EditError is shown and nothing is stored."""
    try:
        data = change(row.definition, *args, **kwargs)
        stored_surveys.save(row, data)
    except (edit.EditError, stored_surveys.VersionError) as exc:
        db.session().rollback()
        flash(str(exc))
        return False
    db.session().commit()
    return True


def _check(row: SurveyVersion):
    """(survey or None, the check's error or None, lint findings) for a version."""
    try:
        survey = stored_surveys.build(registry(), row.slug, row.number, row.definition)
    except SurveyFileError as exc:
        return None, exc, []
    return survey, None, lint(survey, ladders=registry().ladders).findings


# ------------------------------------------------------------------------------------------ list and create
@bp.get("/")
def index():
    municipality = None if current_user.role == "admin" else current_user.municipality
    rows = [stored_surveys.versions(slug)[0] for slug in stored_surveys.stored_slugs(municipality)]
    copyable = sorted((s for s in registry().surveys.values()
                       if s.definition and (current_user.role == "admin" or s.municipality == current_user.municipality)),
                      key=lambda s: s.slug)
    return render_template("editor/index.html", rows=rows, copyable=copyable, form=FlaskForm(),
                           municipalities=_municipalities())


def _municipality_posted() -> str:
    chosen = request.form.get("municipality") or current_user.municipality
    if chosen not in _municipalities():
        abort(403)
    return chosen


def _created(data) -> object:
    try:
        row = stored_surveys.create(registry(), data)
        db.session().flush()
    except stored_surveys.VersionError:
        db.session().rollback()
        flash(_("Er is al een vragenlijst met de naam %(slug)s. Kies een andere naam.", slug=data.get("slug")))
        return redirect(url_for(".index"))
    audit.record("survey-created", row, "versie 1")
    db.session().commit()
    flash(_("De vragenlijst is gemaakt als concept. Niemand ziet hem voordat u hem publiceert."))
    return redirect(url_for(".overview", slug=row.slug))


@bp.post("/nieuw")
def create():
    _posted()
    try:
        data = edit.blank(request.form.get("slug", "").strip(), _municipality_posted(), request.form.get("title", ""))
    except edit.EditError as exc:
        flash(str(exc))
        return redirect(url_for(".index"))
    return _created(data)


@bp.post("/kopie")
def copy():
    _posted()
    source = registry().survey(request.form.get("source", ""))
    if source is None or (current_user.role != "admin" and source.municipality != current_user.municipality):
        abort(404)
    slug = request.form.get("slug", "").strip()
    try:
        edit.blank(slug, source.municipality, "x")  # checks the name
        data = stored_surveys.copy_definition(source, slug, registry())
    except (edit.EditError, stored_surveys.VersionError) as exc:
        flash(str(exc))
        return redirect(url_for(".index"))
    return _created(data)


@bp.post("/inlezen")
def upload():
    """A survey file (TOML) or an XLSForm (.xlsx) becomes version 1 of a new survey, as a draft."""
    _posted()
    upload = request.files.get("survey_file")
    name = (upload.filename or "").lower() if upload else ""
    municipality = _municipality_posted()
    if not name.endswith((".toml", ".xlsx")):
        flash(_("Kies een vragenlijstbestand (.toml) of een XLSForm (.xlsx)."))
        return redirect(url_for(".index"))
    if name.endswith(".toml"):
        try:
            data = tomllib.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            flash(_("Dit bestand is geen geldig vragenlijstbestand: %(reason)s", reason=str(exc)))
            return redirect(url_for(".index"))
    else:
        from ...xlsform.importing import XLSFormError, import_xlsform
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "form.xlsx"
            upload.save(path)
            try:
                imported = import_xlsform(path, municipality=municipality)
            except XLSFormError:
                flash(_("Dit bestand is geen XLSForm dat we kunnen lezen."))
                return redirect(url_for(".index"))
        data = imported.data
        if imported.mapping:
            data["placement"] = imported.mapping
        for problem in imported.unsupported:
            flash(_("Niet overgenomen: %(problem)s", problem=str(problem)))
    if not isinstance(data.get("slug"), str) or not isinstance(data.get("pages", []), list):
        flash(_("Dit bestand is geen geldig vragenlijstbestand: de naam (slug) of de pagina's ontbreken."))
        return redirect(url_for(".index"))
    data["municipality"] = municipality
    data.pop("status", None)
    data = {k: v for k, v in data.items() if v is not None}
    try:  # a file must be a whole survey; what it lacks is added in the editor only after a valid start
        stored_surveys.build(registry(), data["slug"], 1, to_json(data))
    except SurveyFileError as exc:
        flash(_("Dit bestand is geen geldig vragenlijstbestand: %(reason)s", reason=f"{exc.key}: {exc.reason}"))
        return redirect(url_for(".index"))
    return _created(data)


# ------------------------------------------------------------------------------------------ the overview
@bp.get("/<slug>")
def overview(slug):
    row = _newest(slug)
    survey, problem, findings = _check(row)
    data = row.definition
    return render_template("editor/overview.html", row=row, data=data, survey=survey, problem=problem,
                           findings=findings, versions=stored_surveys.versions(slug), form=FlaskForm(),
                           missing=edit.missing_texts(data), live=registry().survey(slug),
                           state=lifecycle.of(registry().survey(slug)) if registry().survey(slug) else None,
                           types=registry().question_types, in_words=in_words)


@bp.post("/<slug>/publiceren")
def publish(slug):
    _posted()
    row = _draft(slug)
    if row is None:
        flash(_("Deze versie is al gepubliceerd. Maak een nieuwe versie om iets te veranderen."))
        return redirect(url_for(".overview", slug=slug))
    try:
        survey = stored_surveys.publish(registry(), row)
    except SurveyFileError as exc:
        db.session().rollback()
        flash(_("Nog niet te publiceren: %(reason)s", reason=f"{exc.key}: {exc.reason}"))
        return redirect(url_for(".overview", slug=slug))
    audit.record("survey-published", survey, f"versie {row.number} ({row.version})")
    db.session().commit()
    flash(_("Versie %(n)s is gepubliceerd. Inwoners zien hem vanaf nu, op elke server.", n=row.number))
    return redirect(url_for(".overview", slug=slug))


@bp.post("/<slug>/nieuwe-versie")
def new_version(slug):
    _posted()
    _newest(slug)
    try:
        row = stored_surveys.new_version(slug)
        db.session().flush()
    except stored_surveys.VersionError:
        db.session().rollback()
        flash(_("Er is al een concept-versie. Pas die aan of publiceer die eerst."))
        return redirect(url_for(".overview", slug=slug))
    audit.record("survey-version", row, f"versie {row.number}")
    db.session().commit()
    flash(_("Versie %(n)s is gemaakt als concept. Inwoners die al bezig zijn, houden hun versie.", n=row.number))
    return redirect(url_for(".overview", slug=slug))


# ------------------------------------------------------------------------------------------ texts
@bp.route("/<slug>/teksten", methods=["GET", "POST"])
def texts(slug):
    row = _newest(slug)
    if request.method == "POST":
        _posted()
        if row.status != stored_surveys.DRAFT:
            abort(409)
        values: dict[str, dict[str, str]] = {}
        for key, _kind, _old in edit.text_fields(row.definition):
            values[key] = {loc: request.form.get(f"{key}:{loc}", "") for loc in LOCALES}
        ok = _store(row, lambda d: edit.set_locales(edit.set_texts(d, values), request.form.getlist("locales")))
        if ok:
            flash(_("De teksten zijn opgeslagen."))
        return redirect(url_for(".texts", slug=slug))
    return render_template("editor/texts.html", row=row, fields=list(edit.text_fields(row.definition)),
                           missing=edit.missing_texts(row.definition), locales=LOCALES, names=LANGUAGE_NAMES,
                           form=FlaskForm())


# ------------------------------------------------------------------------------------------ pages and questions
@bp.post("/<slug>/paginas")
def add_page(slug):
    _posted()
    row = _draft(slug) or abort(409)
    if _store(row, edit.add_page, request.form.get("page_id", ""), request.form.get("title", "")):
        flash(_("De pagina is toegevoegd."))
    return redirect(url_for(".overview", slug=slug) + "#paginas")


@bp.post("/<slug>/volgorde")
def arrange(slug):
    """Move a page or question up or down, or remove it (the buttons beside each one)."""
    _posted()
    row = _draft(slug) or abort(409)
    try:
        page = int(request.form["page"])
        question = int(request.form["question"]) if request.form.get("question") else None
    except (KeyError, ValueError):
        abort(400)
    pages = row.definition.get("pages") or []
    if not 0 <= page < len(pages) or (question is not None and not 0 <= question < len(pages[page].get("questions") or [])):
        abort(404)
    action = request.form.get("action")
    if action in ("omhoog", "omlaag"):
        _store(row, edit.move, page, question, -1 if action == "omhoog" else 1)
    elif action == "verwijderen":
        if _store(row, edit.remove, page, question):
            flash(_("Verwijderd."))
    else:
        abort(400)
    return redirect(url_for(".overview", slug=slug) + "#paginas")


def _page_index(row, page: int):
    pages = row.definition.get("pages") or []
    if not 0 <= page < len(pages):
        abort(404)
    return pages[page]


def _condition_from_form(old=None):
    made = edit.condition(request.form.get("if_question", ""), request.form.get("if_operator", ""),
                          request.form.get("if_value", ""))
    if made is None and old and edit.condition_fields(old) == ("", "", ""):
        return old  # a condition the three fields cannot show (all, any, not: from a file) is kept as it is
    return made


@bp.route("/<slug>/paginas/<int(min=0):page>", methods=["GET", "POST"])
def page(slug, page):
    row = _newest(slug)
    found = _page_index(row, page)
    if request.method == "POST":
        _posted()
        if row.status != stored_surveys.DRAFT:
            abort(409)
        try:
            show_if = _condition_from_form(found.get("show_if"))
        except edit.EditError as exc:
            flash(str(exc))
            return redirect(url_for(".page", slug=slug, page=page))
        if _store(row, edit.set_page, page, title=request.form.get("title", ""), show_if=show_if):
            flash(_("De pagina is opgeslagen."))
            return redirect(url_for(".overview", slug=slug) + "#paginas")
        return redirect(url_for(".page", slug=slug, page=page))
    earlier = [q for p in (row.definition.get("pages") or [])[:page] for q in p.get("questions") or []]
    return render_template("editor/page.html", row=row, page=found, index=page, earlier=earlier,
                           condition=edit.condition_fields(found.get("show_if")), operators=list(OPERATORS.values()),
                           kept=found.get("show_if"), form=FlaskForm())


@bp.route("/<slug>/paginas/<int(min=0):page>/vragen/nieuw", methods=["GET", "POST"])
@bp.route("/<slug>/paginas/<int(min=0):page>/vragen/<int(min=0):question>", methods=["GET", "POST"])
def question(slug, page, question=None):
    row = _newest(slug)
    found = _page_index(row, page)
    questions = found.get("questions") or []
    if question is not None and not 0 <= question < len(questions):
        abort(404)
    current = questions[question] if question is not None else {}
    types = registry().question_types
    qtype_name = request.values.get("type") or current.get("type")
    qtype = types.get(qtype_name)
    if request.method == "POST" and qtype is not None and request.form.get("action") == "opslaan":
        _posted()
        if row.status != stored_surveys.DRAFT:
            abort(409)
        try:
            options = {key: edit.option_value(request.form.get(f"option:{key}", "")) for key in sorted(qtype.options)}
            show_if = _condition_from_form(current.get("show_if"))
        except edit.EditError as exc:
            flash(str(exc))
        else:
            ok = _store(row, edit.put_question, page, question, qid=request.form.get("qid", ""), qtype=qtype.name,
                        label={loc: request.form.get(f"label:{loc}", "") for loc in LOCALES},
                        help={loc: request.form.get(f"help:{loc}", "") for loc in LOCALES},
                        required=bool(request.form.get("required")),
                        choice_lines=request.form.get("choices") if qtype.needs_choices else None,
                        options=options, show_if=show_if)
            if ok:
                flash(_("De vraag is opgeslagen."))
                return redirect(url_for(".overview", slug=slug) + "#paginas")
    elif request.method == "POST":
        _posted()  # the first step: the type was chosen, now the rest
    earlier = [q for p in (row.definition.get("pages") or [])[:page] for q in p.get("questions") or []]
    earlier += questions[:question if question is not None else len(questions)]
    return render_template("editor/question.html", row=row, page=found, page_index=page, index=question,
                           question=current, qtype=qtype, types=types, earlier=earlier, locales=LOCALES,
                           names=LANGUAGE_NAMES, choices=edit.choices_text(current), option_text=edit.option_text,
                           condition=edit.condition_fields(current.get("show_if")), operators=list(OPERATORS.values()),
                           kept=current.get("show_if"), form=FlaskForm())


# ------------------------------------------------------------------------------------------ areas, offer, placement
@bp.route("/<slug>/gebieden", methods=["GET", "POST"])
def areas(slug):
    row = _newest(slug)
    if request.method == "POST":
        _posted()
        if row.status != stored_surveys.DRAFT:
            abort(409)
        if _store(row, edit.set_areas, request.form.get("areas", "")):
            flash(_("De gebieden zijn opgeslagen."))
            return redirect(url_for(".overview", slug=slug))
        return redirect(url_for(".areas", slug=slug))
    return render_template("editor/areas.html", row=row, text=edit.areas_text(row.definition), form=FlaskForm())


@bp.route("/<slug>/plaatsing", methods=["GET", "POST"])
def placement(slug):
    row = _newest(slug)
    data = row.definition
    ladder = registry().ladders.get(data.get("ladder", "participatieladder"))
    functions = sorted(stored_surveys.rung_functions(registry()))
    if request.method == "POST":
        _posted()
        if row.status != stored_surveys.DRAFT:
            abort(409)
        chosen = request.form.get("rung_function", "")
        if chosen and chosen not in functions:
            abort(400)
        if _store(row, edit.set_placement, rung=request.form.get("rung", ""), promise=request.form.get("promise", ""),
                  aspects=request.form.get("aspects", ""), lines=request.form.get("placement", ""),
                  rung_function=chosen):
            flash(_("Het aanbod en de plaatsing zijn opgeslagen."))
            return redirect(url_for(".overview", slug=slug))
        return redirect(url_for(".placement", slug=slug))
    offer = data.get("offer") or {}
    promise = offer.get("promise")
    aspects = "\n".join(f"{k} = {v.get('nl', '') if isinstance(v, dict) else v}"
                        for k, v in (data.get("aspects") or {}).items())
    return render_template("editor/placement.html", row=row, ladder=ladder, offer=offer,
                           promise=promise.get("nl", "") if isinstance(promise, dict) else (promise or ""),
                           aspects=aspects, lines=edit.placement_text(data), functions=functions,
                           chosen=data.get("rung_function", ""), form=FlaskForm())


# ------------------------------------------------------------------------------------------ preview
@bp.route("/<slug>/voorbeeld/<int:number>/<page_id>", methods=["GET", "POST"])
def preview(slug, number, page_id):
    """A page of a version exactly as a resident sees it; nothing is stored. Next and Previous walk every page
    in order (a page's condition is shown in words), so the editor sees them all."""
    _newest(slug)
    row = next((r for r in stored_surveys.versions(slug) if r.number == number), None) or abort(404)
    survey, problem, _findings = _check(row)
    if survey is None:
        flash(_("Nog geen voorbeeld: %(reason)s", reason=f"{problem.key}: {problem.reason}"))
        return redirect(url_for(".overview", slug=slug))
    from ...i18n import current_locale
    locale = current_locale() if current_locale() in survey.locales else "nl"
    found = next((p for p in survey.pages if p.id == page_id), None) or abort(404)
    questions = list(found.questions)
    types = registry().question_types
    at = survey.pages.index(found)
    if request.method == "POST":
        form = page_form(survey, questions, types, locale, formdata=request.form)
        if getattr(form, "csrf_token", None) is not None and not form.csrf_token.validate(form):
            abort(400)
        action = request.form.get("action")
        if action == "vorige" and at > 0:
            return redirect(url_for(".preview", slug=slug, number=number, page_id=survey.pages[at - 1].id))
        if action != "vorige" and form.validate():
            parsed_answers(form, questions)
            if at + 1 < len(survey.pages):
                return redirect(url_for(".preview", slug=slug, number=number, page_id=survey.pages[at + 1].id))
            flash(_("Dit was de laatste pagina van het voorbeeld. Er is niets opgeslagen."))
            return redirect(url_for(".overview", slug=slug))
    else:
        form = page_form(survey, questions, types, locale, stored={})
    errors = [(q.id, form[q.id].errors[0]) for q in questions if form[q.id].errors]
    return render_template("resident/page.html", survey=survey, page=found, questions=questions, form=form,
                           errors=errors, anchors={}, returning=False, number=at + 1, total=len(survey.pages),
                           locale=locale, types=types, reveals={},
                           preview={"row": row, "condition": in_words(found.show_if, survey, locale)
                                    if found.show_if else None}), (422 if errors else 200)
