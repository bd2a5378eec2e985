"""register_blueprints: a page of the plugin's own, at /voorbeeld/contact."""
from ladder import hookimpl


@hookimpl
def register_blueprints(app):
    from flask import Blueprint, current_app  # Flask only when the app asks for blueprints

    blueprint = Blueprint("voorbeeld", __name__, url_prefix="/voorbeeld")

    @blueprint.get("/contact")
    def contact():
        return {"contact": current_app.config.get("VOORBEELD_CONTACT", "gemeente@voorbeeld.example")}

    return [blueprint]
