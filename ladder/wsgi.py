"""The WSGI entry point for production serving: ``gunicorn ladder.wsgi:app``."""
import gc

from . import create_app

app = create_app(strict=True)  # a plugin conflict (same survey slug or question type) stops serving
# The app's long-lived objects (surveys, plugins, templates) never die: keep them out of every
# garbage collection pass, which otherwise rescans them on each request's allocations.
gc.freeze()
