"""The motivation text for a plan's decision (issue 20): what was asked, who took part, what came out and
what was done with it, for staff to copy into the raadsvoorstel (Omgevingswet art. 10.2 lid 2) and the
participatieverslag.

Made from the plan, its surveys' published outcome and "U zei, wij doen". Only what may be published goes in:
a survey's count of answers is the one residents read on /r/ (the latest publication's; where its protection
hides the total, the text says it is not made known), and offered-versus-wanted shares follow
``plan_evaluation.protect``. Dutch only: the raadsvoorstel is written in Dutch.
"""
from __future__ import annotations

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from sqlalchemy import select

from . import db, plans
from .publication import store
from .models import Plan, ReportBackItem, SurveyState
from .text import pick

KIND_WORDS = {"beleidsvoornemen": "het beleidsvoornemen", "project": "het project", "besluit": "het besluit"}
DECIDER_WORDS = {"raad": "de gemeenteraad", "college": "het college van burgemeester en wethouders",
                 "burgemeester": "de burgemeester", "bestuurscommissie": "de bestuurscommissie",
                 "dorpsraad": "de dorpsraad", "wijkraad": "de wijkraad", "anders": "het bevoegde bestuursorgaan"}


def _date(value) -> str:
    return format_date(value, "d MMMM y", locale="nl") if value else ""


def motivation_text(plan: Plan, registry, threshold: int) -> str:
    """The text, as paragraphs separated by blank lines."""
    session = db.session()
    offers = plans.offers(session, plan.id)
    slugs = [s for s in plans.survey_slugs(session, plan.id) if registry.survey(s) is not None]
    ladder = registry.ladders.get(plans.LADDER)
    out = []

    # What was asked
    asked = [f"Wat is gevraagd. Bij {KIND_WORDS.get(plan.kind, 'het plan')} \u2018{plan.title}\u2019 heeft de "
             f"gemeente inwoners gevraagd mee te doen. {plan.summary.strip()}"]
    for row in offers:
        level = ""
        if ladder is not None and row.rung in ladder:
            rung = ladder.rung(row.rung)
            level = f"{pick(rung.title, 'nl').lower()} (trede {rung.level} van {len(ladder.rungs)})"
        else:
            level = row.rung
        sentence = f"Voor \u2018{row.aspect}\u2019 bood de gemeente {level}: {row.motivation.strip()}"
        if row.why_not_higher:
            sentence += f" Niet hoger, omdat: {row.why_not_higher.strip()}"
        asked.append(sentence)
    if plan.compass_rung:
        advised = pick(ladder.rung(plan.compass_rung).title, "nl").lower() if ladder and plan.compass_rung in ladder \
            else plan.compass_rung
        asked.append(f"Het participatiekompas adviseerde {advised}." +
                     (f" De gemeente koos een andere trede, omdat: {plan.compass_reason.strip()}"
                      if plan.compass_reason else " De gemeente volgde dat advies."))
    out.append(" ".join(asked))

    # Who took part
    took_part = []
    if plan.involved:
        took_part.append(f"Betrokken waren: {plan.involved.strip()}")
    for slug in slugs:
        survey = registry.survey(slug)
        # the number residents read on /r/ (the publication), never an exact count beside it
        published = store.latest(survey) if survey is not None else None
        state = session.get(SurveyState, slug)
        period = ""
        if state is not None and state.opens_on and state.closes_on:
            period = f" (van {_date(state.opens_on)} tot en met {_date(state.closes_on)})"
        named = f"De vragenlijst \u2018{pick(survey.title, 'nl')}\u2019{period}"
        if published is None:
            took_part.append(f"{named}: de uitkomsten zijn nog niet gepubliceerd.")
        elif published.responses is None:  # the protection hid the total on /r/: hidden here too
            took_part.append(f"{named} is ingevuld; het aantal antwoorden maken we niet bekend.")
        else:
            took_part.append(f"{named} werd ingevuld door {format_decimal(published.responses, locale='nl')} mensen.")
    if plan.starts_on and plan.ends_on:
        took_part.append(f"Meedoen kon van {_date(plan.starts_on)} tot en met {_date(plan.ends_on)}.")
    if took_part:
        out.append("Wie deden mee. " + " ".join(took_part))

    # What came out
    came_out = []
    for slug in slugs:
        state = session.get(SurveyState, slug)
        if state is not None and state.results_published_at and state.results_text:
            came_out.append(state.results_text.strip())
    came_out += _wanted_sentences(plan, registry, threshold)
    if came_out:
        out.append("Wat kwam eruit. " + " ".join(came_out))

    # What was done with it
    done = [plan.outcome.strip()] if plan.outcome else []
    items = list(session.scalars(select(ReportBackItem).where(ReportBackItem.survey_slug.in_(slugs))
                                 .order_by(ReportBackItem.id))) if slugs else []
    for item in items:
        due = f" (uiterlijk {_date(item.due_on)})" if item.due_on else ""
        done.append(f"U zei: {item.topic.strip()}. Wij doen: {item.decision.strip()}{due}")
    if done:
        out.append("Wat is ermee gedaan. " + " ".join(done))
    if plan.decision_on:
        out.append(f"{DECIDER_WORDS.get(plan.decider, 'Het bestuur').capitalize()} besluit naar verwachting op "
                   f"{_date(plan.decision_on)}.")
    return "\n\n".join(out)


def _wanted_sentences(plan: Plan, registry, threshold: int) -> list[str]:
    """What residents wanted against what was offered, in the numbers of the published results (the council
    reads the same numbers as residents on ``/r/``); nothing before the results are published."""
    from .publication.evaluation import rows
    out = []
    for row in rows(db.session(), registry, [plan]):
        more, same, less, answered = (row[c] for c in ("more", "same", "less", "answered"))
        if any(v is None or v != v for v in (more, same, less, answered)) or not answered:
            continue  # hidden somewhere: say nothing about shares
        out.append(f"Bij \u2018{row['aspect_label']}\u2019 wilde {format_percent(row['share_more'], locale='nl')} van de "
                   f"{format_decimal(int(answered), locale='nl')} mensen meer inspraak dan de gemeente bood, "
                   f"{format_percent(row['share_same'], locale='nl')} evenveel en "
                   f"{format_percent(row['share_less'], locale='nl')} minder.")
    return out
