"""The printable agreement page: per role, what the raad and the municipality may expect of each other."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from .roles import ROLES, ROLES_BY_ID


def make_blueprint() -> Blueprint:
    """Return a new blueprint, so each app gets its own (tests build several apps)."""
    bp = Blueprint("haarlemmermeer", __name__, url_prefix="/haarlemmermeer", template_folder="templates")

    @bp.get("/afspraken")
    def afspraken():
        """Show all roles, or only those asked for with ?rol=...&rol=...; unknown roles are ignored."""
        asked = [r for r in request.args.getlist("rol") if r in ROLES_BY_ID]
        roles = [r for r in ROLES if r.id in asked] if asked else list(ROLES)
        return render_template("haarlemmermeer/afspraken.html", roles=roles, filtered=bool(asked))

    return bp
