"""The public participation register (issue 20) as data: every published plan with its offer per aspect, its
kennisgeving and its surveys, and the same as open data (JSON and CSV, schema version 1 in
``ladder/static/schemas/``). The web pages (ladder/web/views/register.py) and the open data read the same entries.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import plans
from .models import Plan, PlanOffer, PlanSurvey
from .text import pick

SCHEMA_VERSION = "1"
JSON_SCHEMA = "schemas/plannen-v1.json"  # under static/
CSV_SCHEMA = "schemas/plannen-csv-v1.json"
CSV_COLUMNS = ["plan_id", "municipality", "kind", "title", "phase", "decider", "areas", "open", "aspect", "rung",
               "rung_level", "promise", "motivation", "why_not_higher", "starts_on", "ends_on", "decision_on",
               "surveys", "url"]


@dataclass
class OfferEntry:
    aspect: str
    rung: str
    rung_level: int | None
    promise: str | None
    motivation: str
    why_not_higher: str | None


@dataclass
class SurveyEntry:
    slug: str
    title: str
    open: bool


@dataclass
class Entry:
    """One plan as the register shows it."""

    id: int
    municipality: str
    kind: str
    title: str
    summary: str
    areas: list[str]
    phase: str
    decider: str
    open: bool
    offers: list[OfferEntry]
    surveys: list[SurveyEntry]
    involved: str | None
    role_municipality: str | None
    initiator: str | None
    role_initiator: str | None
    information: str | None
    how_to_take_part: str | None
    contact: str | None
    starts_on: date | None
    ends_on: date | None
    decision_on: date | None
    outcome: str | None
    updated_on: date | None = None
    items: list = field(default_factory=list)  # "U zei, wij doen" of its surveys (not in the open data)

    @property
    def rungs(self) -> set[str]:
        return {o.rung for o in self.offers}


def is_open(plan: Plan, today: date | None = None) -> bool:
    """Residents can still take part: an open phase, and the participation period has not ended."""
    today = today or date.today()
    if plan.phase not in plans.OPEN_PHASES:
        return False
    return not (plan.ends_on and plan.ends_on < today) and not (plan.starts_on and plan.starts_on > today)


def entries(session: Session, registry, survey_open, plan_id: int | None = None) -> list[Entry]:
    """The published plans (or the one ``plan_id``, if published), with their offers and surveys.
    ``survey_open(survey) -> bool`` says whether a survey takes answers now (lifecycle)."""
    found = [p for p in plans.published(session) if plan_id is None or p.id == plan_id]
    ids = [p.id for p in found]
    if not ids:
        return []
    ladder = registry.ladders.get(plans.LADDER)
    levels = {r.id: r.level for r in ladder.rungs} if ladder else {}
    offers: dict[int, list[PlanOffer]] = {i: [] for i in ids}
    for row in session.scalars(select(PlanOffer).where(PlanOffer.plan_id.in_(ids))
                               .order_by(PlanOffer.plan_id, PlanOffer.position, PlanOffer.id)):
        offers[row.plan_id].append(row)
    linked: dict[int, list[str]] = {i: [] for i in ids}
    for slug, pid in session.execute(select(PlanSurvey.survey_slug, PlanSurvey.plan_id)
                                     .where(PlanSurvey.plan_id.in_(ids)).order_by(PlanSurvey.survey_slug)):
        linked[pid].append(slug)
    out = []
    for plan in found:
        surveys = []
        for slug in linked[plan.id]:
            survey = registry.survey(slug)
            if survey is not None:
                surveys.append(SurveyEntry(slug, pick(survey.title, "nl"), bool(survey_open(survey))))
        out.append(Entry(
            id=plan.id, municipality=plan.municipality, kind=plan.kind, title=plan.title, summary=plan.summary,
            areas=list(plan.areas or []), phase=plan.phase, decider=plan.decider, open=is_open(plan),
            offers=[OfferEntry(o.aspect, o.rung, levels.get(o.rung), o.promise, o.motivation, o.why_not_higher)
                    for o in offers[plan.id]],
            surveys=surveys, involved=plan.involved, role_municipality=plan.role_municipality,
            initiator=plan.initiator, role_initiator=plan.role_initiator, information=plan.information,
            how_to_take_part=plan.how_to_take_part, contact=plan.contact, starts_on=plan.starts_on,
            ends_on=plan.ends_on, decision_on=plan.decision_on, outcome=plan.outcome,
            updated_on=plan.updated_at.date() if plan.updated_at else None))
    return out


def matching(found: list[Entry], area: str | None = None, phase: str | None = None, rung: str | None = None,
             municipality: str | None = None, only_open: bool = False) -> list[Entry]:
    """The entries that pass the register's filters (each filter left empty passes everything)."""
    return [e for e in found
            if (not area or area in e.areas) and (not phase or e.phase == phase) and (not rung or rung in e.rungs)
            and (not municipality or e.municipality == municipality) and (not only_open or e.open)]


def _iso(value):
    return value.isoformat() if value else None


def as_json(found: list[Entry], url_of) -> dict:
    """The open data document (schema ``plannen-v1.json``); ``url_of(entry)`` is the plan page's full URL."""
    plans_out = []
    for e in found:
        data = asdict(e)
        data.pop("items")
        for key in ("starts_on", "ends_on", "decision_on", "updated_on"):
            data[key] = _iso(data[key])
        data["url"] = url_of(e)
        plans_out.append(data)
    return {"schema_version": SCHEMA_VERSION, "plans": plans_out}


def csv_rows(found: list[Entry], url_of) -> list[dict[str, str]]:
    """One row per plan and aspect, all as text (schema ``plannen-csv-v1.json``)."""
    rows = []
    for e in found:
        for o in e.offers or [None]:
            rows.append({
                "plan_id": str(e.id), "municipality": e.municipality, "kind": e.kind, "title": e.title,
                "phase": e.phase, "decider": e.decider, "areas": "; ".join(e.areas), "open": "ja" if e.open else "nee",
                "aspect": o.aspect if o else "", "rung": o.rung if o else "",
                "rung_level": str(o.rung_level) if o and o.rung_level else "", "promise": (o.promise or "") if o else "",
                "motivation": o.motivation if o else "", "why_not_higher": (o.why_not_higher or "") if o else "",
                "starts_on": _iso(e.starts_on) or "", "ends_on": _iso(e.ends_on) or "",
                "decision_on": _iso(e.decision_on) or "", "surveys": "; ".join(s.slug for s in e.surveys),
                "url": url_of(e)})
    return rows
