"""A plugin with a hook wrapper: it sees every plugin's surveys and takes Anderdorp's out."""
from ladder import hookimpl


@hookimpl(wrapper=True)
def register_surveys():
    contributions = yield
    return [[s for s in contribution if s.slug != "anderdorp-inspraak"] for contribution in contributions]
