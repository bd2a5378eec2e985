"""Pages about the installation itself: which plugins are loaded.

Anyone may see which plugins there are and whether they loaded; why one failed (an exception's text,
which can name files, settings or hosts) only a signed-in admin sees.
"""
from __future__ import annotations

from flask import Blueprint, jsonify
from flask_login import current_user

from ...registry import registry

bp = Blueprint("meta", __name__)
PUBLIC_FIELDS = ("name", "status")


@bp.get("/-/plugins.json")
def plugins():
    infos = [info.to_dict() for info in registry().plugins.values()]
    if not (current_user.is_authenticated and current_user.role == "admin"):
        infos = [{k: info[k] for k in PUBLIC_FIELDS} for info in infos]
    return jsonify({"plugins": infos})
