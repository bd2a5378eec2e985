"""A plugin whose response_saved raises: the failure is logged, other plugins are still told."""
from ladder import hookimpl


@hookimpl
def response_saved(response, survey):
    raise RuntimeError("mail server down")
