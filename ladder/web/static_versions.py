"""Static files under versioned URLs: ``url_for("static", filename=...)`` adds ``v``, a digest of the file's
contents, and a request naming the file's current digest may be kept by the browser for a year. A changed
stylesheet or script gets a new URL, so no one is shown an old one; a request without ``v``, or with an old
one, is revalidated as before (``no-cache`` with an ETag).

Before this every page asked for the stylesheet again (a round trip per page, answered 304), which on a
phone's slow connection is most of a page's wait.
"""
from __future__ import annotations

import hashlib
import os
import stat
from functools import lru_cache

from flask import request
from werkzeug.security import safe_join

KEEP_SECONDS = 365 * 24 * 3600


@lru_cache(maxsize=256)
def _digest_of(path: str, mtime_ns: int, size: int) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:12]


def digest(folder: str | None, filename: str) -> str | None:
    """The version of static file ``filename`` in ``folder``; None where there is no such file (a URL without
    ``v``, which Flask answers with 404 as before). Keyed on the file's modification time and size, so an edited
    file (``flask run`` during development) gets its new digest."""
    path = safe_join(folder, filename) if folder else None
    try:
        found = os.stat(path) if path else None
    except OSError:
        return None
    if found is None or not stat.S_ISREG(found.st_mode):  # one stat call: this runs for every url_for("static")
        return None
    return _digest_of(path, found.st_mtime_ns, found.st_size)


def init_app(app) -> None:
    @app.url_defaults
    def add_version(endpoint, values):
        if endpoint == "static" and "v" not in values and "filename" in values:
            version = digest(app.static_folder, values["filename"])
            if version:
                values["v"] = version

    @app.after_request
    def keep_versioned(response):
        version = request.args.get("v")
        # never "public" with a cookie: a shared proxy could hand one person's cookie to the next
        if (request.endpoint == "static" and version and response.status_code in (200, 304)
                and "Set-Cookie" not in response.headers
                and version == digest(app.static_folder, request.view_args["filename"])):
            response.cache_control.no_cache = None
            response.cache_control.public = True
            response.cache_control.max_age = KEEP_SECONDS
            response.cache_control.immutable = True
        return response
