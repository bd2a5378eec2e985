"""Error pages in plain Dutch; for the API, problem details (RFC 9457, ``application/problem+json``) as
the NL API Design Rules ask."""
from __future__ import annotations

from flask import current_app, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.http import HTTP_STATUS_CODES

from ...i18n import _
from ...openapi import PROBLEM_JSON

# ladder's own problem types (documented in docs/api.rst); anything else is "about:blank", whose
# title is the HTTP status phrase
PROBLEM_TYPES = {
    "json-too-deep": "JSON te diep genest",
    "wrong-body": "Verzoek heeft niet de goede vorm",
    "unknown-locale": "Onbekende taal",
    "invalid-answers": "Antwoorden niet goed",
    "survey-not-found": "Vragenlijst bestaat niet",
    "survey-closed": "Vragenlijst gesloten",
    "invite-required": "Uitnodigingscode nodig",
    "invalid-idempotency-key": "Ongeldige Idempotency-Key",
    "idempotency-key-reused": "Idempotency-Key al gebruikt",
}


def problem_type(name: str) -> str:
    return f"urn:ladder:problem:{name}"


def problem(status: int, detail: str, kind: str | None = None, **extensions):
    """A problem details response: ``type``, ``title``, ``status``, ``detail``, then ``extensions``
    (``errors``: one message per question). ``error`` repeats ``detail`` for clients of the first API."""
    body = {"type": problem_type(kind) if kind else "about:blank",
            "title": PROBLEM_TYPES[kind] if kind else HTTP_STATUS_CODES.get(status, "Error"),
            "status": status, "detail": detail, "error": detail, **extensions}
    return current_app.response_class(current_app.json.dumps(body) + "\n", status=status, mimetype=PROBLEM_JSON)


class SaidInDutch:
    """Mixed into an HTTP error whose description is ladder's own plain Dutch, shown as it is."""


class SurveyNotFound(SaidInDutch, NotFound):
    """No such survey (or staff keep it as a draft): said in plain Dutch on the page and in the API."""


MESSAGES = {
    400: "Dit verzoek konden we niet verwerken. Ga terug en probeer het opnieuw.",
    403: "U heeft geen toegang tot deze pagina.",
    404: "Deze pagina bestaat niet (meer). Controleer het adres.",
    405: "Deze actie kan niet op deze pagina.",
    409: "Dit kan nu niet.",
    413: "U stuurde te veel gegevens tegelijk.",
    429: "Te veel pogingen. Wacht een kwartier en probeer het dan opnieuw.",
    500: "Er ging bij ons iets mis. Uw eerder opgeslagen antwoorden zijn bewaard. Probeer het later opnieuw.",
}


def init_app(app):
    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        message = _("Uw sessie is verlopen of het formulier was al verstuurd. Ga terug, laad de pagina opnieuw "
                    "en probeer het nog eens. Uw eerder opgeslagen antwoorden zijn bewaard.")
        return render_template("error.html", code=400, message=message), 400

    @app.errorhandler(HTTPException)
    def http_error(exc):
        code = exc.code or 500
        # Only ladder's own Dutch descriptions are shown; Werkzeug's or a library's English text never is.
        message = exc.description if isinstance(exc, SaidInDutch) else _(MESSAGES.get(code, MESSAGES[400]))
        if request.path.startswith("/api/"):
            response = problem(code, message, "survey-not-found" if isinstance(exc, SurveyNotFound) else None)
        else:
            response = current_app.make_response((render_template("error.html", code=code, message=message), code))
        # The exception's own headers that say something (Allow on a 405, RFC 9110 15.5.6); not its Content-Type.
        for name, value in exc.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response
