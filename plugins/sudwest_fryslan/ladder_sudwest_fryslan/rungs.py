"""Rung logic for the Súdwest-Fryslân survey: pure functions of the stored answers.

``place`` gives two placements on the participatieladder: how the belang works with the municipality
now (aspect ``nu``, from how priorities are set) and the role it wants from the municipality (aspect
``gewenst``). ``advise`` checks a plan against the three parts of the kernenfonds.

The reasons are in the resident's language: the core passes ``locale=`` to rung functions that take
it (ladder.placing); a caller that only passes answers may put the language in ``answers["_locale"]``.
Dutch otherwise. All texts live in ``TEXTS``, keyed by locale.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ladder import Advice, Placement

# The kernenfonds amounts from the guide (chapter 4). Whether the €1,000 is paid every year and where
# kwaliteitsgeld ends are not in the guide: we take projectengeld's lower bound as kwaliteitsgeld's upper.
ORGANISATIEGELD = 1_000
PROJECT_THRESHOLD = 15_000

# How priorities are set now -> rung. The guide: priorities are set together with the belangen.
NOW_RUNGS = {
    "samen": "coproduceren",       # agenda agreed together
    "doorgeven": "adviseren",      # the belang raises points, the municipality decides and explains
    "gemeente_vraagt": "raadplegen",  # opinion asked now and then, the municipality is not bound
    "achteraf": "informeren",      # the belang only hears afterwards
    "zelf": "zelfbeheer",          # the belang takes up its own priorities
}

# The role the belang wants from the municipality -> rung for the belang.
# Faciliteren is meebeslissen: the belang prepares and decides, the kernenfonds' guidelines are the
# conditions set beforehand and the coordinators' team checks them. Overlaten is zelfbeheer.
WISH_RUNGS = {
    "overlaten": "zelfbeheer",
    "faciliteren": "meebeslissen",
    "samenwerken": "coproduceren",
    "advies": "adviseren",
}

# Rungs where the belang carries the work: there volunteers and a vision matter most.
OWN_WORK = {"zelfbeheer", "meebeslissen"}

TEXTS: dict[str, dict[str, str]] = {
    "nl": {
        "now.samen": "U stelt de prioriteiten samen met de gemeente op.",
        "now.doorgeven": "U geeft uw punten door; de gemeente beslist en legt uit wat zij ermee doet.",
        "now.gemeente_vraagt": "De gemeente vraagt soms uw mening, maar hoeft die niet te volgen.",
        "now.achteraf": "U hoort pas achteraf wat de gemeente heeft besloten.",
        "now.zelf": "U pakt uw eigen prioriteiten zelf op.",
        "visie.gebruikt": "Uw dorpsvisie geeft richting aan het gesprek over prioriteiten.",
        "visie.geen": "Een dorpsvisie helpt bij het kiezen van prioriteiten: als inspiratie, niet als wensenlijst.",
        "coordinator.onbekend": "U weet niet wie uw coördinator is. Vraag de gemeente om kennis te maken.",
        "wish.overlaten": "U wilt dat de gemeente het aan u overlaat: u regelt het zelf.",
        "wish.faciliteren": "U wilt dat de gemeente helpt met geld, kennis of ruimte, en dat u zelf beslist "
                            "binnen de afspraken.",
        "wish.samenwerken": "U wilt samen met de gemeente plannen maken en oplossingen zoeken.",
        "wish.advies": "U wilt dat de gemeente het oppakt en uw advies vraagt.",
        "mensen.te_weinig": "U heeft te weinig vrijwilligers. Bespreek met de coördinator welke hulp "
                            "nodig is voordat u dit zelf oppakt.",
        "mensen.krap": "U heeft net genoeg vrijwilligers. Houd de plannen klein.",
        # advise
        "org.title": "Organisatiegeld",
        "kwal.title": "Kwaliteitsgeld",
        "proj.title": "Projectengeld",
        "melding.title": "Meldingsformulier",
        "org.fits": "Elk belang krijgt €1.000 organisatiegeld. U hoeft niet te laten zien waaraan u het uitgeeft.",
        "org.te_duur": "De kosten zijn hoger dan de €1.000 organisatiegeld.",
        "org.geen_plan": "Organisatiegeld is voor de kosten van het belang zelf, zoals vergaderen en een "
                         "website, niet voor een plan of project.",
        "kwal.geen_leefbaarheid": "Kwaliteitsgeld is alleen voor plannen over de leefbaarheid van uw "
                                  "dorp, wijk of stad.",
        "kwal.leefbaarheid": "Uw plan gaat over leefbaarheid.",
        "kwal.breed": "Uw plan wordt breed gedragen.",
        "kwal.deel": "Een deel van de inwoners steunt het plan. Kwaliteitsgeld vraagt om brede steun.",
        "kwal.draagvlak_onbekend": "Laat eerst zien dat veel inwoners het plan steunen, bijvoorbeeld met een "
                                   "bijeenkomst of een korte peiling.",
        "kwal.past": "Uw plan past bij het beleid van de gemeente.",
        "kwal.strijdig": "Een plan dat tegen het beleid van de gemeente ingaat, kan geen kwaliteitsgeld krijgen.",
        "kwal.beleid_onbekend": "Vraag de coördinator of uw plan past bij het beleid van de gemeente.",
        "kwal.te_duur": "Het plan kost meer dan €15.000. Kijk daarom naar projectengeld.",
        "kwal.team": "Het coördinatorenteam weegt de aanvragen en beslist.",
        "proj.fits": "Uw project kost meer dan €15.000. Daarvoor is projectengeld bedoeld.",
        "proj.zelden": "Projectengeld wordt weinig gebruikt. Bespreek het plan eerst met uw coördinator.",
        "proj.te_klein": "Projectengeld is alleen voor projecten boven €15.000.",
        "proj.geen_bedrag": "U noemde nog geen bedrag. Projectengeld is alleen voor projecten boven €15.000.",
        "proj.geen_project": "Projectengeld is voor projecten, niet voor de kosten van het belang zelf.",
        "melding.fits": "Een klacht of melding over de openbare ruimte gaat via het meldingsformulier op de "
                        "website van de gemeente, niet via het kernenfonds.",
        "step.coordinator": "Bespreek uw plan met de coördinator van uw gebied.",
        "step.draagvlak": "Laat zien hoeveel inwoners het plan steunen.",
        "step.melding": "Vul het meldingsformulier in op de website van de gemeente.",
        "anders.title": "Uw plan en het kernenfonds",
        "anders.reason": "Het is niet meteen duidelijk welk deel van het kernenfonds bij uw plan past. "
                         "De coördinator van uw gebied zoekt dat met u uit.",
    },
    "fy": {
        "now.samen": "Jo stelle de prioriteiten tegearre mei de gemeente op.",
        "now.doorgeven": "Jo jouwe jo punten troch; de gemeente beslút en leit út wat se dermei docht.",
        "now.gemeente_vraagt": "De gemeente freget soms jo miening, mar hoecht dy net te folgjen.",
        "now.achteraf": "Jo hearre pas efterôf wat de gemeente besletten hat.",
        "now.zelf": "Jo pakke jo eigen prioriteiten sels op.",
        "visie.gebruikt": "Jo doarpsfisy jout rjochting oan it petear oer prioriteiten.",
        "visie.geen": "In doarpsfisy helpt by it kiezen fan prioriteiten: as ynspiraasje, net as winskelist.",
        "coordinator.onbekend": "Jo witte net wa't jo koördinator is. Freegje de gemeente om kunde te meitsjen.",
        "wish.overlaten": "Jo wolle dat de gemeente it oan jo oerlit: jo regelje it sels.",
        "wish.faciliteren": "Jo wolle dat de gemeente helpt mei jild, kennis of romte, en dat jo sels "
                            "beslute binnen de ôfspraken.",
        "wish.samenwerken": "Jo wolle tegearre mei de gemeente plannen meitsje en oplossingen sykje.",
        "wish.advies": "Jo wolle dat de gemeente it oppakt en jo om advys freget.",
        "mensen.te_weinig": "Jo hawwe te min frijwilligers. Praat mei de koördinator oer hokker help "
                            "nedich is, foardat jo dit sels oppakke.",
        "mensen.krap": "Jo hawwe krekt genôch frijwilligers. Hâld de plannen lyts.",
        "org.title": "Organisaasjejild",
        "kwal.title": "Kwaliteitsjild",
        "proj.title": "Projektejild",
        "melding.title": "Meldingsformulier",
        "org.fits": "Elk belang krijt €1.000 organisaasjejild. Jo hoege net sjen te litten wêr't jo it oan "
                    "útjouwe.",
        "org.te_duur": "De kosten binne heger as de €1.000 organisaasjejild.",
        "org.geen_plan": "Organisaasjejild is foar de kosten fan it belang sels, lykas gearkomsten en in "
                         "webside, net foar in plan of projekt.",
        "kwal.geen_leefbaarheid": "Kwaliteitsjild is allinnich foar plannen oer de leefberens fan jo "
                                  "doarp, wyk of stêd.",
        "kwal.leefbaarheid": "Jo plan giet oer leefberens.",
        "kwal.breed": "Jo plan wurdt breed droegen.",
        "kwal.deel": "In part fan de ynwenners stipet it plan. Kwaliteitsjild freget om brede stipe.",
        "kwal.draagvlak_onbekend": "Lit earst sjen dat in protte ynwenners it plan stypje, bygelyks mei in "
                                   "gearkomste of in koarte peiling.",
        "kwal.past": "Jo plan past by it belied fan de gemeente.",
        "kwal.strijdig": "In plan dat tsjin it belied fan de gemeente yngiet, kin gjin kwaliteitsjild krije.",
        "kwal.beleid_onbekend": "Freegje de koördinator oft jo plan past by it belied fan de gemeente.",
        "kwal.te_duur": "It plan kostet mear as €15.000. Sjoch dêrom nei projektejild.",
        "kwal.team": "It koördinatoreteam weaget de oanfragen en beslút.",
        "proj.fits": "Jo projekt kostet mear as €15.000. Dêr is projektejild foar bedoeld.",
        "proj.zelden": "Projektejild wurdt net folle brûkt. Praat earst mei jo koördinator oer it plan.",
        "proj.te_klein": "Projektejild is allinnich foar projekten boppe €15.000.",
        "proj.geen_bedrag": "Jo neamden noch gjin bedrach. Projektejild is allinnich foar projekten boppe €15.000.",
        "proj.geen_project": "Projektejild is foar projekten, net foar de kosten fan it belang sels.",
        "melding.fits": "In klacht of melding oer de iepenbiere romte giet fia it meldingsformulier op de "
                        "webside fan de gemeente, net fia it kearnenfûns.",
        "step.coordinator": "Praat mei de koördinator fan jo gebiet oer jo plan.",
        "step.draagvlak": "Lit sjen hoefolle ynwenners it plan stypje.",
        "step.melding": "Folje it meldingsformulier yn op de webside fan de gemeente.",
        "anders.title": "Jo plan en it kearnenfûns",
        "anders.reason": "It is net daliks dúdlik hokker part fan it kearnenfûns by jo plan past. "
                         "De koördinator fan jo gebiet siket dat mei jo út.",
    },
}


def _texts(answers: Mapping[str, Any], locale: str | None) -> dict[str, str]:
    """Return the texts in the resident's language; Dutch when none is given or it is not translated."""
    return TEXTS.get(locale or answers.get("_locale") or "nl", TEXTS["nl"])


def place(answers: Mapping[str, Any], locale: str | None = None) -> list[Placement]:
    """Place the belang twice: how it works with the municipality now, and what it wants."""
    t = _texts(answers, locale)
    placements = []
    visie = answers.get("dorpsvisie")

    how = answers.get("prioriteiten_hoe")
    if how in NOW_RUNGS:
        reasons = [t[f"now.{how}"]]
        if visie == "ja_gebruikt":
            reasons.append(t["visie.gebruikt"])
        if answers.get("coordinator_contact") == "ken_niet":
            reasons.append(t["coordinator.onbekend"])
        placements.append(Placement(aspect="nu", rung=NOW_RUNGS[how], reasons=tuple(reasons)))

    wish = answers.get("rol_gemeente")
    if wish in WISH_RUNGS:
        rung = WISH_RUNGS[wish]
        reasons = [t[f"wish.{wish}"]]
        # We keep the wish as the wish, but say honestly what doing it yourself asks of the belang.
        if rung in OWN_WORK:
            mensen = answers.get("menskracht")
            if mensen in ("te_weinig", "krap"):
                reasons.append(t[f"mensen.{mensen}"])
            if visie in ("nee", "bezig"):
                reasons.append(t["visie.geen"])
        placements.append(Placement(aspect="gewenst", rung=rung, reasons=tuple(reasons)))
    return placements


def advise(answers: Mapping[str, Any], locale: str | None = None) -> list[Advice]:
    """Say which part of the kernenfonds fits the plan the belang asked about.

    Only the parts the plan's kind (and amount) point to get advice: a belang asking about its own
    running costs does not need a "does not meet the rules" for projectengeld it never asked for.
    """
    soort = answers.get("plan_soort")
    if soort in (None, "geen"):
        return []  # no plan, nothing to advise
    t = _texts(answers, locale)
    if soort == "melding":
        return [Advice(topic="melding", title=t["melding.title"], verdict=True, reasons=(t["melding.fits"],),
                       steps=(t["step.melding"],))]
    kosten = answers.get("plan_kosten")
    large = kosten is not None and kosten > PROJECT_THRESHOLD
    if soort == "organisatie":
        return [_organisatiegeld(answers, t)]
    if soort == "leefbaarheid":
        # above the threshold kwaliteitsgeld says "look at projectengeld": then that advice is asked for too
        return [_kwaliteitsgeld(answers, t)] + ([_projectengeld(answers, t)] if large else [])
    # another kind of plan: the coordinator knows which part fits; a large one may be a project
    other = Advice(topic="kernenfonds", title=t["anders.title"], verdict=None, reasons=(t["anders.reason"],),
                   steps=(t["step.coordinator"],))
    return [other] + ([_projectengeld(answers, t)] if large else [])


def _organisatiegeld(answers, t) -> Advice:
    """Fits the belang's own running costs up to €1,000; no accounting is asked."""
    kosten = answers.get("plan_kosten")
    if answers.get("plan_soort") != "organisatie":
        verdict, reasons = False, [t["org.geen_plan"]]
    elif kosten is not None and kosten > ORGANISATIEGELD:
        verdict, reasons = False, [t["org.te_duur"]]
    else:
        verdict, reasons = True, [t["org.fits"]]
    return Advice(topic="organisatiegeld", title=t["org.title"], verdict=verdict, reasons=tuple(reasons))


def _kwaliteitsgeld(answers, t) -> Advice:
    """The guide's guidelines: about leefbaarheid, broadly supported, not against municipal policy.

    A failed guideline gives False; an unknown one (support or policy not yet known) gives None, since
    only the coordinators' team can weigh it. Every reason is listed, so the belang knows what to do.
    """
    if answers.get("plan_soort") != "leefbaarheid":
        return Advice(topic="kwaliteitsgeld", title=t["kwal.title"], verdict=False,
                      reasons=(t["kwal.geen_leefbaarheid"],))
    reasons, steps = [t["kwal.leefbaarheid"]], [t["step.coordinator"]]
    failed = unknown = False

    draagvlak = answers.get("plan_draagvlak")
    if draagvlak == "breed":
        reasons.append(t["kwal.breed"])
    elif draagvlak == "deel":
        failed = True
        reasons.append(t["kwal.deel"])
        steps.append(t["step.draagvlak"])
    else:  # "onbekend" or not answered
        unknown = True
        reasons.append(t["kwal.draagvlak_onbekend"])
        steps.append(t["step.draagvlak"])

    beleid = answers.get("plan_beleid")
    if beleid == "past":
        reasons.append(t["kwal.past"])
    elif beleid == "strijdig":
        failed = True
        reasons.append(t["kwal.strijdig"])
    else:  # "weet_niet" or not answered
        unknown = True
        reasons.append(t["kwal.beleid_onbekend"])

    kosten = answers.get("plan_kosten")
    if kosten is not None and kosten > PROJECT_THRESHOLD:
        failed = True
        reasons.append(t["kwal.te_duur"])

    reasons.append(t["kwal.team"])
    verdict = False if failed else (None if unknown else True)
    return Advice(topic="kwaliteitsgeld", title=t["kwal.title"], verdict=verdict, reasons=tuple(reasons),
                  steps=tuple(steps))


def _projectengeld(answers, t) -> Advice:
    """Only for projects above €15,000; rarely used, so the coordinator is the first stop."""
    kosten = answers.get("plan_kosten")
    if answers.get("plan_soort") == "organisatie":
        verdict, reasons, steps = False, [t["proj.geen_project"]], []
    elif kosten is None:
        verdict, reasons, steps = None, [t["proj.geen_bedrag"]], [t["step.coordinator"]]
    elif kosten > PROJECT_THRESHOLD:
        verdict, reasons, steps = True, [t["proj.fits"], t["proj.zelden"]], [t["step.coordinator"]]
    else:
        verdict, reasons, steps = False, [t["proj.te_klein"]], []
    return Advice(topic="projectengeld", title=t["proj.title"], verdict=verdict, reasons=tuple(reasons),
                  steps=tuple(steps))
