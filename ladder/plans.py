"""Plans (issue 20): what the municipality offers residents per plan, on which rung, and why.

A plan is database rows (``models.Plan``, ``PlanOffer``, ``PlanSurvey``), read on every request: a change made
on one server is seen by every server at its next request. A survey that belongs to a plan takes its offered
rung from the plan; a survey without a plan keeps the ``[offer]`` of its file (plugin surveys).

Functions take a SQLAlchemy ``Session``, so the analysis reads plans from a database URL alone, without an app.
"""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .models import Plan, PlanOffer, PlanSurvey
from .survey import Offer, Survey
from .text import pick

KINDS = ("beleidsvoornemen", "project", "besluit")
PHASES = ("idee", "voorbereiding", "besluit", "uitvoering", "evaluatie")
DECIDERS = ("raad", "college", "burgemeester", "bestuurscommissie", "dorpsraad", "wijkraad", "anders")
# Phases in which residents can still take part: the register calls these plans "open voor inspraak".
OPEN_PHASES = ("idee", "voorbereiding", "besluit")
LADDER = "participatieladder"  # plans offer rungs of this ladder; a linked survey must use it too

# Gemeentewet art. 156 lid 2: powers the council cannot hand over to a bestuurscommissie. Each power with the
# words that show a plan touches it (stems: "verordening" matches "verordeningen", "belasting" "belastingen").
NON_TRANSFERABLE = {
    "de begroting vaststellen of wijzigen": ("begroting",),
    "de jaarrekening vaststellen": ("jaarrekening",),
    "verordeningen en algemeen verbindende voorschriften vaststellen": ("verordening", "algemeen verbindend"),
    "belastingen heffen": ("belasting", "heffing", "leges", "precario"),
    "straf of bestuurlijke boete op overtreding van een verordening": ("strafbepaling", "boete"),
    "een rekenkamer instellen": ("rekenkamer",),
    "een onderzoek (enquête) instellen": ("enquête", "enquete"),
    "de accountant aanwijzen": ("accountant",),
}


def untransferable_powers(decider: str, texts: Iterable[str]) -> list[str]:
    """The powers of Gemeentewet art. 156 lid 2 that a plan seems to touch (read from ``texts``: its title,
    summary and aspects) when a bestuurscommissie decides it; empty for other deciders. A warning, not a
    refusal: the words may be there for another reason."""
    if decider != "bestuurscommissie":
        return []
    text = " ".join(t or "" for t in texts).lower()
    return [power for power, words in NON_TRANSFERABLE.items()
            if any(re.search(rf"\b{re.escape(w)}", text) for w in words)]


@dataclass(frozen=True)
class PlanOfferRow:
    """One offer as the form and the register use it (detached from the session)."""

    aspect: str
    rung: str
    promise: str
    motivation: str
    why_not_higher: str


def of_municipality(session: Session, municipality: str | None) -> list[Plan]:
    """Every plan of ``municipality`` (``None``: of every municipality), newest first."""
    query = select(Plan).order_by(Plan.updated_at.desc(), Plan.id.desc())
    if municipality is not None:
        query = query.where(Plan.municipality == municipality)
    return list(session.scalars(query))


def published(session: Session) -> list[Plan]:
    """Every published plan, for the register: open phases first, then by title."""
    rows = session.scalars(select(Plan).where(Plan.published.is_(True)))
    return sorted(rows, key=lambda p: (p.phase not in OPEN_PHASES, PHASES.index(p.phase) if p.phase in PHASES else 9,
                                       p.title.lower(), p.id))


def offers(session: Session, plan_id: int) -> list[PlanOffer]:
    return list(session.scalars(select(PlanOffer).where(PlanOffer.plan_id == plan_id)
                                .order_by(PlanOffer.position, PlanOffer.id)))


def survey_slugs(session: Session, plan_id: int) -> list[str]:
    return sorted(session.scalars(select(PlanSurvey.survey_slug).where(PlanSurvey.plan_id == plan_id)))


def links(session: Session) -> dict[str, int]:
    """survey slug -> plan id, for every survey that belongs to a plan."""
    return dict(session.execute(select(PlanSurvey.survey_slug, PlanSurvey.plan_id)).all())


def plan_of(session: Session, slug: str) -> Plan | None:
    """The plan the survey ``slug`` belongs to, or None."""
    return session.scalar(select(Plan).join(PlanSurvey, PlanSurvey.plan_id == Plan.id)
                          .where(PlanSurvey.survey_slug == slug))


def save_offers(session: Session, plan: Plan, rows: Iterable[PlanOfferRow]) -> None:
    session.execute(delete(PlanOffer).where(PlanOffer.plan_id == plan.id))
    for position, row in enumerate(rows):
        session.add(PlanOffer(plan_id=plan.id, position=position, aspect=row.aspect, rung=row.rung,
                              promise=row.promise or None, motivation=row.motivation,
                              why_not_higher=row.why_not_higher or None))


def save_surveys(session: Session, plan: Plan, slugs: Iterable[str]) -> None:
    session.execute(delete(PlanSurvey).where(PlanSurvey.plan_id == plan.id))
    session.flush()
    for slug in slugs:
        session.add(PlanSurvey(survey_slug=slug, plan_id=plan.id))


# --- the offer a survey shows ----------------------------------------------------------------------------

def offer_from(rows: list[PlanOffer], survey: Survey) -> Offer | None:
    """The survey's offer made from its plan's offers: the plan's main offer (the first) for the survey, and an
    offer of its own for a survey aspect whose id or Dutch label is the name of one of the plan's aspects. The
    survey file's ``compare`` (which aspects say what residents *want*) is kept."""
    if not rows:
        return None
    main, *rest = rows
    names = {}
    for aspect, label in survey.aspects.items():
        names[aspect.lower()] = aspect
        nl = pick(label, "nl")
        if nl:
            names[nl.strip().lower()] = aspect
    own = {}
    for row in rest:
        aspect = names.get(row.aspect.strip().lower())
        if aspect is not None and aspect not in own:
            own[aspect] = Offer(rung=row.rung, promise=_promise(row))
    compare = survey.offer.compare if survey.offer is not None else None
    return Offer(rung=main.rung, promise=_promise(main), aspects=own, compare=compare)


def _promise(row: PlanOffer) -> dict[str, str]:
    """What a resident reads under the rung: the promise, else the motivation (staff write Dutch only)."""
    return {"nl": (row.promise or row.motivation or "").strip()}


def offer_for(session: Session, survey: Survey) -> Offer | None:
    """The offer residents see for ``survey``: its plan's when it belongs to one, else its file's ``[offer]``."""
    plan_id = session.scalar(select(PlanSurvey.plan_id).where(PlanSurvey.survey_slug == survey.slug))
    return _offer_in(session, survey, plan_id)


def _offer_in(session: Session, survey: Survey, plan_id: int | None) -> Offer | None:
    if plan_id is None:
        return survey.offer
    return offer_from(offers(session, plan_id), survey) or survey.offer


def with_plan_offer(session: Session, survey: Survey) -> Survey:
    """``survey`` with the offer residents see (a copy when its plan's offer differs from the file's)."""
    return _with_offer(survey, offer_for(session, survey))


def with_offer_of(session: Session, survey: Survey, plan: Plan | None) -> Survey:
    """``with_plan_offer`` for a page that read ``survey``'s plan already (``plan_of``): no second read of it."""
    return _with_offer(survey, _offer_in(session, survey, plan.id if plan is not None else None))


def with_plan_offers(session: Session, surveys) -> list[Survey]:
    """``with_plan_offer`` of each of ``surveys``, with one read of which of them belong to a plan (the index)."""
    surveys = list(surveys)
    planned = dict(session.execute(select(PlanSurvey.survey_slug, PlanSurvey.plan_id).where(
        PlanSurvey.survey_slug.in_([s.slug for s in surveys]))).all()) if surveys else {}
    return [_with_offer(s, _offer_in(session, s, planned.get(s.slug))) for s in surveys]


def _with_offer(survey: Survey, offer: Offer | None) -> Survey:
    return survey if offer is survey.offer else dataclasses.replace(survey, offer=offer)


# --- plans from a file (the bundled examples) ------------------------------------------------------------

PLAN_KEYS = {"municipality", "kind", "title", "summary", "areas", "phase", "decider", "involved", "role_municipality",
             "initiator", "role_initiator", "information", "how_to_take_part", "contact", "starts_on", "ends_on",
             "decision_on", "outcome", "published", "surveys", "offers"}
OFFER_KEYS = {"aspect", "rung", "promise", "motivation", "why_not_higher"}
EXAMPLES = "example_plans.toml"


class PlanFileError(ValueError):
    """A plans file that cannot be loaded: which plan, which key, why."""


def read_plans(data: dict, ladder) -> list[dict]:
    """Check the ``[[plans]]`` of a parsed plans file; each plan as a dict of its columns, offers and surveys."""
    plans_in = data.get("plans")
    if not isinstance(plans_in, list) or not plans_in:
        raise PlanFileError("the file needs one or more [[plans]]")
    out = []
    for n, raw in enumerate(plans_in, 1):
        where = f"plans[{n}]"
        unknown = set(raw) - PLAN_KEYS
        if unknown:
            raise PlanFileError(f"{where}: unknown key {sorted(unknown)[0]!r}")
        for key in ("municipality", "title", "summary"):
            if not isinstance(raw.get(key), str) or not raw[key].strip():
                raise PlanFileError(f"{where}.{key}: must be a text")
        for key, allowed in (("kind", KINDS), ("phase", PHASES), ("decider", DECIDERS)):
            if raw.get(key) not in allowed:
                raise PlanFileError(f"{where}.{key}: must be one of {', '.join(allowed)}")
        offers_in = raw.get("offers") or []
        if not offers_in:
            raise PlanFileError(f"{where}.offers: a plan offers at least one rung")
        for m, offer in enumerate(offers_in, 1):
            if set(offer) - OFFER_KEYS:
                raise PlanFileError(f"{where}.offers[{m}]: unknown key {sorted(set(offer) - OFFER_KEYS)[0]!r}")
            if offer.get("rung") not in ladder:
                raise PlanFileError(f"{where}.offers[{m}].rung: the ladder {ladder.id!r} has no rung {offer.get('rung')!r}")
            if not offer.get("aspect") or not offer.get("motivation"):
                raise PlanFileError(f"{where}.offers[{m}]: aspect and motivation are needed")
        out.append(raw)
    return out


def load_plans(session: Session, registry, data: dict) -> tuple[list[Plan], list[str]]:
    """Add the plans of a parsed plans file that are not there yet (same municipality and title: skipped), linked
    to their surveys when those are installed and belong to no plan yet. Returns the plans added and notes."""
    checked = read_plans(data, registry.ladders[LADDER])
    added, notes = [], []
    linked = links(session)
    for raw in checked:
        exists = session.scalar(select(Plan.id).where(Plan.municipality == raw["municipality"],
                                                      Plan.title == raw["title"]))
        if exists is not None:
            notes.append(f"{raw['municipality']}: {raw['title']!r} is there already (plan {exists})")
            continue
        columns = {k: v for k, v in raw.items() if k not in ("offers", "surveys")}
        plan = Plan(**{"published": True, "areas": [], **columns})
        session.add(plan)
        session.flush()
        save_offers(session, plan, [PlanOfferRow(o["aspect"], o["rung"], o.get("promise", ""), o["motivation"],
                                                 o.get("why_not_higher", "")) for o in raw["offers"]])
        slugs = []
        for slug in raw.get("surveys", []):
            survey = registry.survey(slug)
            if survey is None or survey.municipality != plan.municipality:
                notes.append(f"{plan.title!r}: no survey {slug!r} of {plan.municipality} installed")
            elif slug in linked:
                notes.append(f"{plan.title!r}: {slug!r} belongs to plan {linked[slug]} already")
            else:
                slugs.append(slug)
                linked[slug] = plan.id
        save_surveys(session, plan, slugs)
        added.append(plan)
    return added, notes
