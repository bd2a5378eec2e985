"""Haarlemmermeer's participation roles for dorps- en wijkraden (DWR), from the guide's table.

The guide writes to the raad as "je"; here the same content addresses the raad as "u" (plain Dutch, B1).
Used by the rung logic (placements) and by the printable agreement page.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    id: str
    name: str
    what: str  # Wat is het?
    from_municipality: str  # Wat mag de raad van de gemeente verwachten?
    from_raad: str  # Wat verwacht de gemeente van de raad?
    why: str  # Waarom doen we dit samen?
    what_en: str = ""  # ``what`` in English, for the result page of the English survey


ROLES: tuple[Role, ...] = (
    Role(
        id="initiatiefnemer",
        name="Initiatiefnemer",
        what="U heeft een idee en u heeft de gemeente nodig om het zelf uit te voeren.",
        from_municipality="De gemeente is duidelijk over hoe zij u kan helpen met kennis en middelen.",
        from_raad="U zoekt uit welke belangen uw idee raakt en u houdt daar rekening mee.",
        why="Uw initiatief kan Haarlemmermeer nog mooier en beter maken.",
        what_en="You have an idea and you need the municipality to carry it out yourselves.",
    ),
    Role(
        id="samenwerkingspartner",
        name="Samenwerkingspartner",
        what="U werkt mee aan het uitvoeren van een publieke taak. Gemeente en raad werken samen, "
             "ieder vanuit de eigen verantwoordelijkheid.",
        from_municipality="De gemeente maakt het mogelijk om samen aan deze taak te werken. Zij is "
                          "constructief en bespreekt het onderwerp met u.",
        from_raad="U werkt mee aan een goed proces. U bent constructief en bespreekt het onderwerp "
                  "met de gemeente.",
        why="Uw netwerk en kennis van het dorp of de wijk helpen om de publieke taak beter uit te voeren.",
        what_en="You help to carry out a public task. Municipality and council work together, "
                "each from its own responsibility.",
    ),
    Role(
        id="adviseur",
        name="Adviseur (klankbord)",
        what="De gemeente vraagt uw advies over haar plan, of u heeft een goed idee om een plan van de "
             "gemeente beter te maken.",
        from_municipality="De gemeente vertelt wat zij met uw advies doet: u hoort hoe zij het heeft "
                          "afgewogen. De gemeente is constructief.",
        from_raad="U ziet wat er speelt en adviseert vanuit uw kennis, als 'antenne' in het dorp of de "
                  "wijk. U bent constructief.",
        why="Uw kennis maakt het proces of het plan beter. Lokale kennis wordt gebruikt en gedeeld.",
        what_en="The municipality asks your advice on its plan, or you have a good idea to make "
                "a plan of the municipality better.",
    ),
    Role(
        id="belangenbehartiger",
        name="Belangenbehartiger",
        what="U komt op voor belangen, ook voor belangen die weinig aandacht krijgen.",
        from_municipality="De gemeente weegt de belangen die u inbrengt naast de andere belangen, en "
                          "laat open zien hoe zij dat doet.",
        from_raad="U laat zien namens wie u spreekt.",
        why="Meer kanten en belangen maken de afweging sterker.",
        what_en="You stand up for interests, including interests that get little attention.",
    ),
    Role(
        id="procesbewaker",
        name="Procesbewaker",
        what="U ontwerpt en volgt samen met de gemeente het proces, zodat iedereen die erbij betrokken "
             "is zijn stem kan laten horen.",
        from_municipality="De gemeente ondersteunt of begeleidt het proces zoals afgesproken.",
        from_raad="U helpt het proces te ontwerpen. U gebruikt uw voelsprieten in het dorp of de wijk om "
                  "te zien of alle belangen in beeld zijn.",
        why="Samen werken we aan een goed proces. Vraagt de situatie onderweg om nieuwe afspraken, dan "
            "maken we die samen.",
        what_en="Together with the municipality you design and follow the process, so that "
                "everyone involved can be heard.",
    ),
)

ROLES_BY_ID = {r.id: r for r in ROLES}

# A raad that chooses no role works as adviseur (and gets the support that goes with it).
DEFAULT_ROLE = "adviseur"
