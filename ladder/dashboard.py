"""Numbers for the staff dashboard that are not in the response frame, counted in the database: drafts,
drop-off, withdrawals, responses per day. What the answers say comes from ``ladder.outcomes``.

A withdrawal deletes its response; only a count per survey remains (``withdrawal_counts``), so the dashboard
shows how many, never when or where."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select

from . import db
from .models import Draft, Response, WithdrawalCount
from .survey import Survey


@dataclass
class Numbers:
    responses: int = 0
    pending: int = 0
    withdrawn: int = 0
    per_day: list[tuple[date, int]] = field(default_factory=list)
    per_area: list[tuple[str | None, int]] = field(default_factory=list)
    # Drafts not (yet) submitted, by the page they stopped on: where residents drop off.
    stopped_at: list[tuple[str, int]] = field(default_factory=list)

    @property
    def started(self) -> int:
        return self.responses + sum(n for _page, n in self.stopped_at)

    @property
    def completion(self) -> float | None:
        return self.responses / self.started if self.started else None


def numbers(survey: Survey, days: int = 30) -> Numbers:
    """Count a survey's responses, drafts and withdrawals."""
    s = db.session()
    live = (Response.survey_slug == survey.slug, Response.withdrawn_at.is_(None))
    out = Numbers()
    out.responses = s.scalar(select(func.count()).where(*live)) or 0
    out.pending = s.scalar(select(func.count()).where(*live, Response.placement_status == "pending")) or 0
    out.withdrawn = withdrawn(survey)
    day = func.date(Response.created_at)
    since = date.today() - timedelta(days=days - 1)
    rows = s.execute(select(day, func.count()).where(*live).group_by(day).order_by(day)).all()
    out.per_day = [(_as_date(d), n) for d, n in rows if _as_date(d) >= since]
    out.per_area = [(area, n) for area, n in s.execute(
        select(Response.area, func.count()).where(*live).group_by(Response.area).order_by(Response.area)).all()]
    order = [p.id for p in survey.pages]
    stopped = dict(s.execute(select(Draft.page, func.count()).where(Draft.survey_slug == survey.slug)
                             .group_by(Draft.page)).all())
    out.stopped_at = [(page, stopped.get(page, 0)) for page in order]
    return out


def withdrawn(survey: Survey) -> int:
    """How many responses were withdrawn: the survey's count, plus any row withdrawn the old way (kept,
    without answers, by versions before migration 0003, which converts them; none are made now)."""
    s = db.session()
    counted = s.scalar(select(WithdrawalCount.withdrawn).where(WithdrawalCount.survey_slug == survey.slug)) or 0
    old = s.scalar(select(func.count()).where(Response.survey_slug == survey.slug,
                                              Response.withdrawn_at.is_not(None))) or 0
    return counted + old


def _as_date(value) -> date:
    if isinstance(value, str):  # SQLite's date() gives text
        return date.fromisoformat(value[:10])
    return value if isinstance(value, date) and not hasattr(value, "hour") else value.date()


def data_version(survey: Survey) -> tuple:
    """Changes whenever a response is added, withdrawn or deleted: a key for caching what is drawn from them."""
    s = db.session()
    row = s.execute(select(func.count(), func.max(Response.id), func.count(Response.withdrawn_at),
                           func.count(Response.placement_error))
                    .where(Response.survey_slug == survey.slug)).one()
    gone = s.scalar(select(WithdrawalCount.withdrawn).where(WithdrawalCount.survey_slug == survey.slug)) or 0
    return (*row, gone)


def response_counts(slugs) -> dict[str, int]:
    """Responses (not withdrawn) per survey, in one query: for lists of surveys."""
    rows = db.session().execute(select(Response.survey_slug, func.count())
                                .where(Response.survey_slug.in_(list(slugs)), Response.withdrawn_at.is_(None))
                                .group_by(Response.survey_slug))
    return dict(rows.all())
