"""Where the playground survey places a resident, and why."""
from ladder import PARTICIPATIELADDER, Advice, Placement

# A ladder's rungs are in order, lowest first; a rung's id is what a Placement names.
RUNG_IDS = [rung.id for rung in PARTICIPATIELADDER.rungs]
# From this rung up, residents do part of the work themselves; that takes time.
HANDS_ON = RUNG_IDS.index("coproduceren")
MIN_HOURS = 4  # hours per month


def place(answers):
    """One placement, for the aspect "meedoen": the rung the resident chose, lowered without time."""
    wanted = answers["meedoen"]
    hours = answers.get("uren")  # None when the question was hidden
    if RUNG_IDS.index(wanted) >= HANDS_ON and hours is not None and hours < MIN_HOURS:
        lower = RUNG_IDS[HANDS_ON - 1]  # the highest rung below the hands-on ones
        return [Placement("meedoen", lower, (
            f"U wilt graag meer doen, maar u heeft {hours} uur per maand.",
            f"Daarom past '{lower}' nu beter. Met meer tijd kan het altijd nog.",
        ))]
    return [Placement("meedoen", wanted, ("Dit koos u zelf.",))]


def advise(answers):
    """Residents who can run the playground get the steps to a beheergroep."""
    if answers["meedoen"] == "zelfbeheer" and (answers.get("uren") or 0) >= MIN_HOURS:
        return [Advice(topic="beheergroep", title="Een beheergroep starten", verdict=True,
                       reasons=("U heeft tijd en wilt zelf beheren.",),
                       steps=("Zoek twee buren die mee willen doen.",
                              "Maak een afspraak met de wijkregisseur."))]
    return []
