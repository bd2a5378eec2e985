"""register_ladders: a ladder of three rungs; a survey file chooses it with ladder = "buurtladder"."""
from ladder import Ladder, Rung, hookimpl, text

BUURTLADDER = Ladder(
    id="buurtladder",
    title=text("Buurtladder"),
    rungs=(  # lowest first; levels count 1, 2, 3
        Rung(id="horen", level=1, title=text("Horen wat er gebeurt")),
        Rung(id="meepraten", level=2, title=text("Meepraten")),
        Rung(id="meedoen", level=3, title=text("Zelf meedoen")),
    ),
)


@hookimpl
def register_ladders():
    return [BUURTLADDER]
