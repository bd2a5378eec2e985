"""Pages about the installation itself: which plugins are loaded."""
from __future__ import annotations

from flask import Blueprint, jsonify

from . import registry

bp = Blueprint("meta", __name__)


@bp.get("/-/plugins.json")
def plugins():
    return jsonify({"plugins": [info.to_dict() for info in registry().plugins.values()]})
