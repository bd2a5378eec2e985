"""The resident's path: index, start page, one page at a time, check, submit, result, resume, withdraw."""
from __future__ import annotations

import time
from datetime import timedelta
from itertools import groupby

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select

from ... import db, drafts, invites, lifecycle, plans
from ...answers import validate
from ...conditions import browser_operators, depends_on_page, evaluate, in_words, page_questions, resolve_other_pages
from . import survey_or_404
from ...registry import registry, registry_for
from ...codes import code_hash
from ..forms import page_form, parsed_answers
from ..fragments import kept_page, page_key
from ...i18n import _, current_locale
from ..input_guard import answers_in_form
from ...models import Response
from ...submit import AlreadySubmitted, DraftGone, InvalidAnswers, InviteRequired, SurveyClosed, submit, submitted
from ...stored_surveys import answered_version
from ...withdrawal import withdraw_response

bp = Blueprint("resident", __name__)


def _locale(survey):
    locale = current_locale()
    return locale if locale in survey.locales else "nl"


def _closed(survey):
    return render_template("resident/closed.html", survey=survey), 409


@bp.get("/")
def index():
    listed = registry().surveys.values()
    lifecycle.read_all(listed)  # one statement for all their states, one for their plans
    surveys = sorted(plans.with_plan_offers(db.session(), [s for s in listed if lifecycle.is_open(s)]),
                     key=lambda s: (s.municipality, s.slug))
    grouped = [(m, list(items)) for m, items in groupby(surveys, key=lambda s: s.municipality)]
    return render_template("resident/index.html", grouped=grouped, ladders=registry().ladders)


@bp.get("/s/<slug>")
def start(slug):
    survey = survey_or_404(slug, with_draft=True)
    if not lifecycle.is_open(survey):
        return _closed(survey)
    return _start_page(survey)


def _start_page(survey, invite_error=None, invite_code=""):
    plan = plans.plan_of(db.session(), survey.slug)
    survey = plans.with_offer_of(db.session(), survey, plan)  # a plan's offer wins over the file's (issue 20)
    return render_template("resident/start.html", survey=survey, locale=_locale(survey), form=FlaskForm(),
                           plan=plan if plan is not None and plan.published else None,
                           ladder=registry_for(survey.slug).ladders[survey.ladder],
                           has_draft=drafts.current(survey) is not None, state=lifecycle.of(survey),
                           answered_before=survey.slug in session.get("answered", []),
                           invite_error=invite_error, invite_code=invite_code), (422 if invite_error else 200)


@bp.post("/s/<slug>")
def begin(slug):
    survey = survey_or_404(slug, with_draft=True)
    if not lifecycle.is_open(survey):
        return _closed(survey)
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    if lifecycle.of(survey).invite_only and not _invite(survey):
        # an empty field and a wrong code get their own message; a wrong code stays in the field to correct
        code = request.form.get("invite_code", "")
        if not code.strip():
            return _start_page(survey, _("Vul de uitnodigingscode uit uw brief in."))
        if invites.find_unused(survey, code) is None:
            return _start_page(survey, _("Deze uitnodigingscode kennen we niet, of hij is al gebruikt. "
                                         "Controleer de code in uw brief."), invite_code=code)
        session["invites"] = {**session.get("invites", {}), survey.slug: code}
    found = drafts.current(survey)
    if found is None or request.form.get("action") == "opnieuw":
        found = drafts.start(survey, _locale(survey))
    return redirect(url_for(".page", slug=slug, page_id=_resume_page_id(survey, found[1])))


def _resume_page_id(survey, draft) -> str:
    """The page a draft was left on. When an update of the survey removed or split that page, the first
    page still missing an answer instead (the answers given are kept), not a 404."""
    if any(p.id == draft.page for p in survey.pages):
        return draft.page
    answers = dict(draft.answers or {})
    for p in survey.visible_pages(answers):
        if any(q.id not in answers for q in p.questions):
            return p.id
    return survey.pages[0].id


def _invite(survey):
    return session.get("invites", {}).get(survey.slug)


@bp.route("/s/<slug>/vraag/<page_id>", methods=["GET", "POST"])
@answers_in_form
def page(slug, page_id):
    survey = survey_or_404(slug, with_draft=True)
    if not lifecycle.is_open(survey):
        return _closed(survey)
    found = drafts.current(survey)
    if found is None:
        return _draft_gone(survey, _("Begin de vragenlijst hier, of ga verder met uw hervatcode."))
    code, draft = found
    survey = answered_version(registry_for(slug), survey, draft.survey_version)  # not a newer version (issue 21)
    page = next((p for p in survey.pages if p.id == page_id), None)
    if page is None:
        abort(404)
    answers = dict(draft.answers or {})
    if page not in survey.visible_pages(answers):
        return redirect(_after(survey, page, answers))
    questions = page_questions(page, answers)  # with the questions whose condition reads this page (issue 13)
    types = registry_for(slug).question_types
    locale = _locale(survey)

    if request.method == "GET":
        # The page as residents first see it is the same for each of them but for the CSRF token: kept with the
        # survey, its form made only when it is rendered.
        shown = _shown(survey, page, questions, answers, locale)
        key = page_key(survey, page, questions, types, answers, shown["reveals"], locale, shown["number"],
                       shown["total"])
        return kept_page(key, survey, generate_csrf() if current_app.config["WTF_CSRF_ENABLED"] else None,
                         lambda: _render_page(survey, page, questions,
                                              page_form(survey, questions, types, locale, stored=answers), shown))

    form = page_form(survey, questions, types, locale, formdata=request.form)
    action = request.form.get("action", "volgende")
    valid = form.validate()
    if getattr(form, "csrf_token", None) is not None and form.csrf_token.errors:
        abort(400)
    if action in ("vorige", "opslaan"):
        # Keep what parsed; leave the rest as it was. No error messages when going back.
        merged = {**answers, **parsed_answers(form, questions)}
        cleaned, _errors = validate(survey, merged, types)
        if not drafts.save(draft, cleaned, page.id):
            return _draft_gone(survey)
        if action == "opslaan":  # post/redirect/get: Back and Reload on the saved page never post again
            return redirect(url_for(".saved", slug=slug))
        return redirect(_before(survey, page, cleaned))
    kept = _holding(page, questions, form, answers)
    if not valid and any(form[q.id].errors for q in kept):
        return _render_page(survey, page, questions, form, _shown(survey, page, questions, answers, locale)), 422
    merged = {k: v for k, v in answers.items() if k not in {q.id for q in page.questions}}
    merged.update(parsed_answers(form, kept))
    cleaned, _errors = validate(survey, merged, types)
    target = _back_to_check(survey, cleaned) if _returning() else _after(survey, page, cleaned)
    if not drafts.save(draft, cleaned, target.split("?")[0].rsplit("/", 1)[-1] if "/vraag/" in target else page.id):
        return _draft_gone(survey)
    return redirect(target)


def _draft_gone(survey, no_draft_message=None):
    """The browser's draft is not there (any more). Sent a moment ago (a second click, another tab): show
    that result again. Otherwise say so and go back to the start page."""
    code = session.get("drafts", {}).get(survey.slug)
    done = submitted(code) if code else None
    if done is not None:
        flash(_("Uw antwoorden zijn al verstuurd. Hieronder ziet u uw uitkomst."))
        return _show_result(survey, *done)
    if code:
        drafts.forget(survey)
        flash(_("Deze antwoorden zijn niet meer bewaard. Begin de vragenlijst opnieuw, of ga verder met uw "
                "hervatcode als u die hebt."))
    elif no_draft_message:
        flash(no_draft_message)
    return redirect(url_for(".start", slug=survey.slug))


# The result page shows the receipt (which can withdraw the answers), so the cookie keeps it only this long:
# the next person on a shared computer finds it gone (issue 24).
RESULT_SECONDS = 10 * 60


def _show_result(survey, response_id, receipt):
    drafts.forget(survey)
    session["result"] = {"slug": survey.slug, "id": response_id, "receipt": receipt,
                         "until": int(time.time()) + RESULT_SECONDS}
    # Discourages answering twice from this browser, without storing anything about the resident.
    session["answered"] = sorted({*session.get("answered", []), survey.slug})
    session["invites"] = {k: v for k, v in session.get("invites", {}).items() if k != survey.slug}
    return redirect(url_for(".result", slug=survey.slug))


RETURN_TO_CHECK = "controleren"  # ?terug=controleren: a change from the check page goes back there


def _returning():
    return request.args.get("terug") == RETURN_TO_CHECK


def _back_to_check(survey, answers):
    """After a change made from the check page: back to it, unless the change opened a page with a required
    question still unanswered (skip logic); then that page, still on the way back."""
    for p in survey.visible_pages(answers):
        if any(q.required and q.id not in answers for q in survey.visible_questions(p, answers)):
            return url_for(".page", slug=survey.slug, page_id=p.id, terug=RETURN_TO_CHECK)
    return url_for(".check", slug=survey.slug)


def _holding(page, questions, form, answers):
    """The page's questions whose condition holds for the answers sent with it, in page order, as the API
    decides (``answers.validate_page``). A question whose condition reads this page and does not hold is
    dropped with its errors: without JavaScript the resident saw it, with its condition in words."""
    on_page = {q.id for q in page.questions}
    seen = {k: v for k, v in answers.items() if k not in on_page}
    kept = []
    for q in questions:
        if depends_on_page(q, page) and not evaluate(q.show_if, seen):
            form[q.id].errors = []
            continue
        kept.append(q)
        parsed = getattr(form[q.id], "parsed", None)
        if parsed is not None and not form[q.id].errors:
            seen[q.id] = parsed
    return kept


def _reveals(survey, page, questions, answers, locale):
    """Per question whose condition reads this page: the condition for conditional.js (other pages' parts
    already decided) and the sentence a resident without JavaScript reads."""
    return {q.id: {"condition": resolve_other_pages(q.show_if, page, answers),
                   "words": _("Alleen invullen als %(condition)s.", condition=in_words(q.show_if, survey, locale))}
            for q in questions if depends_on_page(q, page)}


def _shown(survey, page, questions, answers, locale) -> dict:
    """What a question page shows beside its questions: its step of the steps still to go, the way back to the
    check page, and the conditions on it that read its own answers."""
    visible = survey.pages_to_go(answers)
    return {"number": visible.index(page) + 1 if page in visible else 1, "total": len(visible),
            "returning": _returning(), "locale": locale,
            "reveals": _reveals(survey, page, questions, answers, locale)}


def _render_page(survey, page, questions, form, shown):
    errors = [(q.id, form[q.id].errors[0]) for q in questions if form[q.id].errors]
    # An error about one row of a question (a ranking's item) links to that row's input.
    anchors = {}
    for q in questions:
        item = getattr(form[q.id], "error_item", None) if form[q.id].errors else None
        values = [c.value for c in q.choices]
        if item in values and values.index(item) > 0:
            anchors[q.id] = f"q-{q.id}-{values.index(item) + 1}"
    return render_template("resident/page.html", survey=survey, page=page, questions=questions, form=form,
                           errors=errors, anchors=anchors, types=registry_for(survey.slug).question_types,
                           condition_operators=browser_operators(), **shown)


def _after(survey, page, answers):
    """URL of the next visible page after ``page``, or of the check page."""
    later = survey.pages[survey.pages.index(page) + 1:]
    for p in later:
        if p in survey.visible_pages(answers):
            return url_for(".page", slug=survey.slug, page_id=p.id)
    return url_for(".check", slug=survey.slug)


def _before(survey, page, answers):
    earlier = survey.pages[:survey.pages.index(page)]
    for p in reversed(earlier):
        if p in survey.visible_pages(answers):
            return url_for(".page", slug=survey.slug, page_id=p.id)
    return url_for(".start", slug=survey.slug)


@bp.route("/s/<slug>/controleren", methods=["GET", "POST"])
def check(slug):
    survey = survey_or_404(slug, with_draft=True)
    if not lifecycle.is_open(survey):
        return _closed(survey)
    found = drafts.current(survey)
    if found is None:
        return _draft_gone(survey)
    code, draft = found
    survey = answered_version(registry_for(slug), survey, draft.survey_version)
    form = FlaskForm()
    errors = {}
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            done = submit(registry_for(slug), survey, draft.answers or {}, locale=_locale(survey), channel="form",
                          draft_code=code, invite_code=_invite(survey))
        except SurveyClosed:
            return _closed(survey)
        except AlreadySubmitted as first:  # a second click: the first click's result, no second response
            return _show_result(survey, first.response_id, first.receipt)
        except DraftGone:
            return _draft_gone(survey)
        except InviteRequired:
            flash(_("Voor deze vragenlijst is een geldige uitnodigingscode nodig."))
            return redirect(url_for(".start", slug=slug))
        except InvalidAnswers as exc:
            errors = exc.errors
        else:
            return _show_result(survey, done.response.id, done.receipt)
    answers = draft.answers or {}
    locale = _locale(survey)
    return render_template("resident/check.html", survey=survey, answers=answers, form=form, errors=errors,
                           locale=locale, pages=survey.visible_pages(answers)), (422 if errors else 200)


@bp.get("/s/<slug>/resultaat")
def result(slug):
    survey = survey_or_404(slug)
    seen = session.get("result")
    if seen and not seen.get("until", 0) > time.time():
        session.pop("result", None)
        seen = None
    if not seen or seen.get("slug") != slug:
        # the receipt code cannot bring the result back (it is stored hashed, with no link to this page)
        flash(_("Uw uitkomst is alleen direct na het versturen te zien. Met uw ontvangstcode kunt u uw antwoorden "
                "wel intrekken."))
        return redirect(url_for(".start", slug=slug))
    response = db.session().get(Response, seen["id"])
    # The receipt must still belong to the row: a withdrawn response's id may not point at someone else's.
    if response is None or response.withdrawn_at is not None or response.receipt_hash != code_hash(seen["receipt"]):
        session.pop("result", None)
        return redirect(url_for(".start", slug=slug))
    ladder = registry_for(survey.slug).ladders[survey.ladder]
    survey = plans.with_plan_offer(db.session(), survey)
    return render_template("resident/result.html", survey=survey, response=response, receipt=seen["receipt"],
                           ladder=ladder, locale=response.locale, published=lifecycle.of(survey).published)


@bp.route("/s/<slug>/hervatten", methods=["GET", "POST"])
def resume(slug):
    survey = survey_or_404(slug)
    form = FlaskForm()
    error = None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        code = request.form.get("code", "")
        draft = drafts.find(code, survey) if code.strip() else None
        if not code.strip():
            error = _("Vul uw hervatcode in.")
        elif draft is None:
            error = _("Deze hervatcode kennen we niet voor deze vragenlijst. Controleer de code en probeer het opnieuw.")
        else:
            drafts.remember(survey, code)
            return redirect(url_for(".page", slug=slug, page_id=_resume_page_id(survey, draft)))
    return render_template("resident/resume.html", survey=survey, form=form, error=error,
                           code=request.form.get("code", "") if error else "", locale=_locale(survey)), \
        (422 if error else 200)


@bp.get("/s/<slug>/opgeslagen")
def saved(slug):
    """The resume code of this browser's draft, a link that resumes, and until when the answers are kept."""
    survey = survey_or_404(slug, with_draft=True)
    found = drafts.current(survey)
    if found is None:
        return _draft_gone(survey)
    code, draft = found
    keep_until = (draft.updated_at + timedelta(days=current_app.config["DRAFT_DAYS"])).date()
    closes_on = lifecycle.of(survey).closes_on
    if closes_on is not None and closes_on < keep_until:
        keep_until = closes_on
    # The code goes in the link's fragment: browsers never send it, so it stays out of server logs.
    resume_link = url_for(".resume", slug=slug, _external=True) + "#" + code
    return render_template("resident/saved.html", survey=survey, code=code, page_id=_resume_page_id(survey, draft),
                           keep_until=keep_until, resume_link=resume_link, locale=_locale(survey))


WITHDRAW_KEY = "withdraw"  # the receipt code between the code page and the confirm page, then dropped
# On a shared computer the next person must not find a withdrawal waiting: the code is kept this long only.
WITHDRAW_SECONDS = 15 * 60
WITHDRAWN_KEY = "withdrawn"  # set once for the page that says it is done


def _receipt_response(code):
    """The response a receipt code belongs to, or None."""
    if not code or not code.strip():
        return None
    response = db.session().scalar(select(Response).where(Response.receipt_hash == code_hash(code)))
    return response if response is not None and response.withdrawn_at is None else None


def _withdraw(response):
    withdraw_response(response)  # deletes the row; only the survey's count of withdrawals goes up
    db.session().commit()
    session.pop(WITHDRAW_KEY, None)
    session[WITHDRAWN_KEY] = True
    return redirect(url_for(".withdrawn"))


@bp.route("/intrekken", methods=["GET", "POST"])
def withdraw():
    """Step 1: the receipt code. Found, it is kept in the session and the browser goes to the confirm page."""
    form = FlaskForm()
    error = None
    code = request.form.get("code", "")
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        response = _receipt_response(code)
        if not code.strip():
            error = _("Vul uw ontvangstcode in.")
        elif response is None:
            error = _("Deze ontvangstcode kennen we niet, of de antwoorden zijn al ingetrokken.")
        elif request.form.get("bevestig") == "ja":  # code and confirmation in one post (scripts, old pages)
            return _withdraw(response)
        else:
            session[WITHDRAW_KEY] = {"code": code, "until": int(time.time()) + WITHDRAW_SECONDS}
            return redirect(url_for(".withdraw_confirm"))
    return render_template("resident/withdraw.html", form=form, error=error, response=None, survey=None,
                           code=code), (422 if error else 200)


@bp.route("/intrekken/bevestigen", methods=["GET", "POST"])
def withdraw_confirm():
    """Step 2: say what will be erased and ask to confirm; the code stays in the session, not in the page."""
    pending = session.get(WITHDRAW_KEY)
    fresh = isinstance(pending, dict) and pending.get("until", 0) >= time.time()
    response = _receipt_response(pending.get("code")) if fresh else None
    if response is None:
        session.pop(WITHDRAW_KEY, None)
        return redirect(url_for(".withdraw"))
    form = FlaskForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        return _withdraw(response)
    survey = registry().surveys.get(response.survey_slug)
    return render_template("resident/withdraw.html", form=form, error=None, response=response, survey=survey,
                           code=None)


@bp.get("/intrekken/ingetrokken")
def withdrawn():
    """Step 3, shown once: a reload or a later visit goes back to step 1."""
    if not session.pop(WITHDRAWN_KEY, False):
        return redirect(url_for(".withdraw"))
    return render_template("resident/withdrawn.html")


@bp.get("/toegankelijkheid")
@bp.get("/toegankelijkheid/<municipality>")
def accessibility(municipality=None):
    """The accessibility statement (Dutch model), for the installation or for one municipality."""
    from ...accessibility import municipalities, statement
    from ...text import municipality_name
    known = municipalities(s.municipality for s in registry().surveys.values())
    if municipality is not None and municipality not in known:
        abort(404)
    name = known.get(municipality)
    own = current_app.config.get("ACCESSIBILITY_MUNICIPALITIES", {}).get(name) if name else None
    made = statement(current_app.config.get("ACCESSIBILITY", {}), own,
                     organisation=f"De gemeente {municipality_name(name)}" if name else None)
    return render_template("resident/accessibility.html", statement=made, municipality=name, municipalities=known)

