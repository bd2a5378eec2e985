"""Error pages in plain Dutch; JSON for the API."""
from __future__ import annotations

from flask import jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, NotFound

from ..i18n import _

class SurveyNotFound(NotFound):
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
        message = exc.description if isinstance(exc, SurveyNotFound) else _(MESSAGES.get(code, MESSAGES[400]))
        if request.path.startswith("/api/"):
            return jsonify({"error": message}), code
        return render_template("error.html", code=code, message=message), code
