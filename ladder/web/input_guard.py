"""One door for what every request brings, before a view or the database sees it (issue 24).

- Text: the path, the query and every form field (name and value) follow the same contract as residents'
  answers (``question_types.clean_text``): no NUL, no other control characters, no lone surrogates.
  PostgreSQL cannot store a NUL at all (a 500 before this guard), and none of them belongs in a staff text,
  an e-mail address or a filter. Refused as a 400 (address) or 422 (form), with the answers' own message.
  Pages whose form fields are answers (``@answers_in_form``) let the question types say it per field
  (of the value; the field names are checked here).
- Numbers: ``<int:...>`` in every route is an id from 1 to :data:`MAX_ID` (PostgreSQL's ``integer``);
  beyond it no row can exist, so the address is a 404 before SQLite overflows or PostgreSQL refuses.
  An id in a form or query is read with :func:`id_number`, which gives None for the same range.
"""
from __future__ import annotations

from flask import current_app, request
from werkzeug.exceptions import BadRequest, UnprocessableEntity
from werkzeug.routing import IntegerConverter

from ..question_types import AnswerError, clean_text
from .views.errors import SaidInDutch

MAX_ID = 2**31 - 1  # the largest PostgreSQL integer; SQLite's is larger, so it holds on both


class IdConverter(IntegerConverter):
    """``<int:name>``: a whole number from 1 to MAX_ID, else no route matches (404)."""

    def __init__(self, url_map, fixed_digits=0, min=1, max=MAX_ID, signed=False):  # noqa: A002 (werkzeug's names)
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def id_number(value: str) -> int:
    """``request.form.get("item", type=id_number)``: the id, or None (ValueError) outside 1..MAX_ID."""
    number = int(value)
    if not 1 <= number <= MAX_ID:
        raise ValueError(f"id out of range: {value!r}")
    return number


class RefusedAddress(SaidInDutch, BadRequest):
    pass


class RefusedForm(SaidInDutch, UnprocessableEntity):
    pass


def answers_in_form(view):
    """Mark a view whose form fields are answers: their question types refuse these characters per field,
    with the message beside the field, so this guard leaves the form (not the path or query) to them."""
    view.answers_in_form = True
    return view


def init_app(app) -> None:
    # Before any blueprint adds a rule: a rule finds its converter when it is added.
    app.url_map.converters["int"] = IdConverter
    app.before_request(_check_text)


def _check_text():
    try:
        clean_text(request.path)
        for name, value in request.args.items(multi=True):
            clean_text(name), clean_text(value)
    except AnswerError as exc:
        raise RefusedAddress(str(exc)) from None
    if request.mimetype not in FORM_TYPES:  # no form fields (a JSON body, a GET): nothing more to look at
        return
    answers = getattr(current_app.view_functions.get(request.endpoint), "answers_in_form", False)
    try:
        for name, value in request.form.items(multi=True):
            clean_text(_named(name))
            if not answers:
                clean_text(value)
        for name in request.files:
            clean_text(_named(name))
    except AnswerError as exc:
        raise RefusedForm(str(exc)) from None


# The bodies werkzeug reads form fields and files from; any other body leaves ``request.form`` and
# ``request.files`` empty, so they are not read (that alone costs ≈ 50 µs per JSON submission).
FORM_TYPES = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})


def _named(name) -> str:
    """A multipart part whose name had a line break in it comes out nameless (None), which Flask-WTF's CSRF
    check trips over: refused like a name with an invisible character, with the same message."""
    return name if isinstance(name, str) else "\x00"
