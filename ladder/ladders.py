"""Participation ladders: ordered rungs, each saying what it means for the municipality and the resident."""
from __future__ import annotations

from dataclasses import dataclass, field

from .text import Text, text


@dataclass(frozen=True)
class Rung:
    """One step of a ladder; ``level`` counts from 1 at the bottom."""

    id: str
    level: int
    title: Text
    municipality: Text = field(default_factory=dict)  # what the municipality does
    resident: Text = field(default_factory=dict)  # the resident's role
    expectation: Text = field(default_factory=dict)  # what the resident may expect


@dataclass(frozen=True)
class Ladder:
    """An ordered set of rungs; higher is not better by definition, only more say."""

    id: str
    title: Text
    rungs: tuple[Rung, ...]
    description: Text = field(default_factory=dict)

    def __post_init__(self):
        ids = [r.id for r in self.rungs]
        if len(set(ids)) != len(ids):
            raise ValueError(f"ladder {self.id!r} has duplicate rung ids: {ids}")
        if [r.level for r in self.rungs] != list(range(1, len(self.rungs) + 1)):
            raise ValueError(f"ladder {self.id!r}: rung levels must run 1..{len(self.rungs)} in order")

    def rung(self, rung_id: str) -> Rung:
        """Return the rung with this id, or raise KeyError naming the ladder."""
        for r in self.rungs:
            if r.id == rung_id:
                return r
        raise KeyError(f"ladder {self.id!r} has no rung {rung_id!r}")

    def __contains__(self, rung_id: str) -> bool:
        return any(r.id == rung_id for r in self.rungs)


def _rung(level, id, title, municipality, resident, expectation):
    return Rung(id=id, level=level, title=text(title), municipality=text(municipality),
                resident=text(resident), expectation=text(expectation))


# Edelenbos & Monnikhof, with zelfbeheer as sixth rung (see docs/ladders.rst).
PARTICIPATIELADDER = Ladder(
    id="participatieladder",
    title=text({"nl": "Participatieladder", "fy": "Partisipaasjeljedder", "en": "Participation ladder"}),
    description=text({
        "nl": "Hoeveel inspraak inwoners krijgen. Hoger is niet altijd beter: "
              "het gaat erom dat de gemeente bewust kiest en daar duidelijk over is.",
        "fy": "Hoefolle ynspraak ynwenners krije. Heger is net altyd better: "
              "it giet derom dat de gemeente bewust kiest en dêr dúdlik oer is.",
        "en": "How much say residents get. Higher is not better by definition: "
              "what matters is that the municipality chooses on purpose and is clear about it.",
    }),
    rungs=(
        _rung(1, "informeren", {"nl": "Informeren", "fy": "Ynformearje", "en": "Informing"},
              {"nl": "De gemeente bepaalt zelf en houdt inwoners op de hoogte.", "fy": "De gemeente beslút sels en hâldt ynwenners op 'e hichte.",
               "en": "The municipality sets the agenda alone and keeps people informed."},
              {"nl": "Toehoorder", "fy": "Taharker", "en": "Listener"},
              {"nl": "U krijgt informatie; uw mening wordt niet gevraagd.", "fy": "Jo krije ynformaasje; jo miening wurdt net frege.",
               "en": "You are informed; your input is not asked."}),
        _rung(2, "raadplegen", {"nl": "Raadplegen", "fy": "Rieplachtsje", "en": "Consulting"},
              {"nl": "De gemeente bepaalt de agenda en vraagt inwoners om hun mening.", "fy": "De gemeente bepaalt de aginda en freget ynwenners om harren miening.",
               "en": "The municipality sets the agenda and asks residents for their opinion."},
              {"nl": "Gesprekspartner", "fy": "Petearpartner", "en": "Conversation partner"},
              {"nl": "Uw mening wordt gehoord, maar de gemeente hoeft die niet te volgen.", "fy": "Jo miening wurdt heard, mar de gemeente hoecht dy net te folgjen.",
               "en": "Your opinion is heard; the municipality is not bound by it."}),
        _rung(3, "adviseren", {"nl": "Adviseren", "fy": "Advisearje", "en": "Advising"},
              {"nl": "De gemeente bepaalt de agenda; inwoners mogen problemen en oplossingen aandragen.", "fy": "De gemeente bepaalt de aginda; ynwenners meie problemen en oplossingen oandrage.",
               "en": "The municipality sets the agenda; residents may raise problems and solutions."},
              {"nl": "Adviseur", "fy": "Adviseur", "en": "Adviser"},
              {"nl": "Uw advies wordt in principe gevolgd. Wijkt de gemeente af, dan legt zij uit waarom.", "fy": "Jo advys wurdt yn prinsipe folge. Wykt de gemeente ôf, dan leit se út wêrom.",
               "en": "Your advice is followed in principle; a deviation is explained."}),
        _rung(4, "coproduceren", {"nl": "Coproduceren", "fy": "Koprodusearje", "en": "Co-producing"},
              {"nl": "De gemeente en inwoners stellen samen de agenda op en zoeken samen naar oplossingen.", "fy": "De gemeente en ynwenners stelle tegearre de aginda op en sykje tegearre nei oplossingen.",
               "en": "The municipality agrees the agenda with residents and seeks solutions together."},
              {"nl": "Partner", "fy": "Partner", "en": "Partner"},
              {"nl": "De oplossing die u samen kiest, is bindend bij het besluit.", "fy": "De oplossing dy't jo tegearre kieze, is binend by it beslút.",
               "en": "The solution agreed together is binding in the decision."}),
        _rung(5, "meebeslissen", {"nl": "Meebeslissen", "fy": "Meibeslisse", "en": "Co-deciding"},
              {"nl": "De gemeente laat voorbereiding en besluit over aan inwoners, binnen vooraf gestelde voorwaarden.", "fy": "De gemeente lit tarieding en beslút oer oan ynwenners, binnen foarôf stelde betingsten.",
               "en": "The municipality leaves preparation and decision to residents, within set conditions."},
              {"nl": "Medebeslisser", "fy": "Meibeslisser", "en": "Co-decider"},
              {"nl": "De uitkomst wordt overgenomen na een toets aan de vooraf gestelde voorwaarden.", "fy": "De útkomst wurdt oernommen nei in toets oan de foarôf stelde betingsten.",
               "en": "The result is adopted after a check against conditions set beforehand."}),
        _rung(6, "zelfbeheer", {"nl": "Zelfbeheer", "fy": "Selsbehear", "en": "Self-management"},
              {"nl": "De gemeente ondersteunt; inwoners regelen en beheren het zelf.", "fy": "De gemeente stipet; ynwenners regelje en beheare it sels.",
               "en": "The municipality facilitates; residents run and manage it themselves."},
              {"nl": "Initiatiefnemer en beheerder", "fy": "Inisjatyfnimmer en behearder", "en": "Initiator and manager"},
              {"nl": "U beslist en handelt zelf, binnen afgesproken grenzen.", "fy": "Jo beslisse en hannelje sels, binnen ôfpraten grinzen.",
               "en": "You decide and act yourself, within agreed limits."}),
    ),
)

# Arnstein (1969): eight rungs in three groups; the group is part of the description.
ARNSTEIN_GROUPS_FY = {"Geen participatie": "Gjin partisipaasje", "Schijnparticipatie": "Skynpartisipaasje",
                      "Burgermacht": "Boargermacht"}
ARNSTEIN = Ladder(
    id="arnstein",
    title=text({"nl": "Ladder van Arnstein", "fy": "Ljedder fan Arnstein", "en": "Arnstein's ladder of citizen participation"}),
    description=text({"nl": "Acht treden in drie groepen: geen participatie, schijnparticipatie en burgermacht.", "fy": "Acht treden yn trije groepen: gjin partisipaasje, skynpartisipaasje en boargermacht.",
                      "en": "Eight rungs in three groups: non-participation, tokenism and citizen power."}),
    rungs=tuple(
        _rung(i, rid, title, {"nl": group_nl, "fy": ARNSTEIN_GROUPS_FY[group_nl], "en": group_en}, {}, {})
        for i, (rid, title, group_nl, group_en) in enumerate([
            ("manipulation", {"nl": "Manipulatie", "fy": "Manipulaasje", "en": "Manipulation"}, "Geen participatie", "Non-participation"),
            ("therapy", {"nl": "Therapie", "fy": "Terapy", "en": "Therapy"}, "Geen participatie", "Non-participation"),
            ("informing", {"nl": "Informeren", "fy": "Ynformearje", "en": "Informing"}, "Schijnparticipatie", "Tokenism"),
            ("consultation", {"nl": "Raadplegen", "fy": "Rieplachtsje", "en": "Consultation"}, "Schijnparticipatie", "Tokenism"),
            ("placation", {"nl": "Sussen", "fy": "Sussen", "en": "Placation"}, "Schijnparticipatie", "Tokenism"),
            ("partnership", {"nl": "Partnerschap", "fy": "Partnerskip", "en": "Partnership"}, "Burgermacht", "Citizen power"),
            ("delegated_power", {"nl": "Gedelegeerde macht", "fy": "Delegearre macht", "en": "Delegated power"}, "Burgermacht", "Citizen power"),
            ("citizen_control", {"nl": "Burgerzeggenschap", "fy": "Boargerseggenskip", "en": "Citizen control"}, "Burgermacht", "Citizen power"),
        ], start=1)
    ),
)

# Overheidsparticipatie: the municipality's own role in a residents' initiative (the ladder upside down).
OVERHEIDSPARTICIPATIE = Ladder(
    id="overheidsparticipatie",
    title=text({"nl": "Overheidsparticipatie: de rol van de gemeente", "fy": "Oerheidspartisipaasje: de rol fan de gemeente", "en": "Government participation: the municipality's role"}),
    description=text({"nl": "Bij een initiatief van inwoners doet de gemeente mee. Van weinig naar veel bemoeienis.", "fy": "By in inisjatyf fan ynwenners docht de gemeente mei. Fan min nei folle bemuoienis.",
                      "en": "With a residents' initiative the municipality takes part. From little to much involvement."}),
    rungs=(
        _rung(1, "loslaten", {"nl": "Loslaten", "fy": "Loslitte", "en": "Letting go"},
              {"nl": "De gemeente laat het initiatief helemaal aan inwoners.", "fy": "De gemeente lit it inisjatyf hielendal oan ynwenners.", "en": "Leaves the initiative to residents."}, {}, {}),
        _rung(2, "faciliteren", {"nl": "Faciliteren", "fy": "Fasilitearje", "en": "Facilitating"},
              {"nl": "De gemeente ondersteunt met geld, ruimte of kennis.", "fy": "De gemeente stipet mei jild, romte of kennis.", "en": "Supports with money, space or knowledge."}, {}, {}),
        _rung(3, "stimuleren", {"nl": "Stimuleren", "fy": "Stimulearje", "en": "Stimulating"},
              {"nl": "De gemeente moedigt het initiatief actief aan.", "fy": "De gemeente moedicht it inisjatyf aktyf oan.", "en": "Actively encourages the initiative."}, {}, {}),
        _rung(4, "regisseren", {"nl": "Regisseren", "fy": "Regissearje", "en": "Directing"},
              {"nl": "De gemeente brengt partijen samen en bewaakt het proces.", "fy": "De gemeente bringt partijen byinoar en hâldt it proses yn 'e gaten.", "en": "Brings parties together and guards the process."}, {}, {}),
        _rung(5, "reguleren", {"nl": "Reguleren", "fy": "Regulearje", "en": "Regulating"},
              {"nl": "De gemeente stelt regels en kaders.", "fy": "De gemeente stelt regels en kaders.", "en": "Sets rules and frameworks."}, {}, {}),
    ),
)
