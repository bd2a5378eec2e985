"""response_saved: tell the municipality's own system that a response came in (here: a log line)."""
import logging

from ladder import hookimpl

log = logging.getLogger("voorbeeld")


@hookimpl
def response_saved(response, survey):
    # the response is stored already; an exception here is logged, and the response stays
    log.info("new response for %s, placed %s", survey.slug, [p["rung"] for p in response.placements or []])
