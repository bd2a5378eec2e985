"""Publication moments: ``/r/`` shows a snapshot made when staff publish, never a live table.

A new snapshot is made only when at least ``RESULTS_MIN_CHANGES`` responses came or went since the
last one, so two publications never differ by one or two people (differencing), and answering then
withdrawing (padding) shows nothing new until many others have answered too.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from .. import db
from ..config import RESULTS_MIN_CHANGES as MIN_CHANGES
from ..models import PublicationKey, PublicationRow, Response
from . import PROTECTION, make
from .tables import Publication


@dataclass(frozen=True)
class Moment:
    publication: Publication | None
    made: bool  # a new snapshot was made
    changes: int  # responses that came or went since the last snapshot (before this one)
    needed: int  # how many changes a new snapshot needs


def seed_of(slug: str) -> str:
    """The survey's record-key seed, made on first use."""
    session = db.session()
    row = session.get(PublicationKey, slug)
    if row is None:
        from . import cellkey
        row = PublicationKey(survey_slug=slug, seed=cellkey.new_seed())
        session.add(row)
        session.flush()
    return row.seed


def _latest_row(slug: str) -> PublicationRow | None:
    return db.session().scalars(select(PublicationRow).where(PublicationRow.survey_slug == slug)
                                .order_by(PublicationRow.id.desc()).limit(1)).first()


def latest(survey) -> Publication | None:
    """The publication ``/r/`` shows now, if any."""
    row = _latest_row(survey.slug)
    return None if row is None else Publication.from_json(row.tables)


def _current_ids(slug: str) -> list[int]:
    return list(db.session().scalars(select(Response.id).where(Response.survey_slug == slug,
                                                                Response.withdrawn_at.is_(None)).order_by(Response.id)))


def changes_since(survey) -> int:
    """Responses that came or went since the latest snapshot (all of them when there is none)."""
    row = _latest_row(survey.slug)
    now = set(_current_ids(survey.slug))
    return len(now) if row is None else len(now ^ set(row.response_ids))


def publish(survey, registry, min_changes: int = MIN_CHANGES, protection: float = PROTECTION,
            margins_path=None) -> Moment:
    """Make a snapshot now, unless the latest one differs from the responses by fewer than ``min_changes``.
    The caller commits."""
    from ..analysis import response_frame
    row = _latest_row(survey.slug)
    changes = changes_since(survey)
    if row is not None and changes < min_changes:
        return Moment(Publication.from_json(row.tables), False, changes, min_changes)
    frame = response_frame(db.engine(), survey, registry=registry, include_id=True, include_text=False)
    publication = make(survey, registry, frame, seed_of(survey.slug), protection, margins_path)
    db.session().add(PublicationRow(survey_slug=survey.slug, tables=publication.to_json(),
                                    response_ids=[int(i) for i in frame["response_id"].tolist()]))
    db.session().flush()
    return Moment(publication, True, changes, min_changes)


def publish_with(survey, registry, config, min_changes: int | None = None) -> Moment:
    """:func:`publish` with the installation's settings (``RESULTS_MIN_CHANGES``, ``RESULTS_PROTECTION``,
    ``SURVEY_MARGINS``): every caller (``/r/``, staff publishing, the verslag, the commands) the same way."""
    from ..plans import with_plan_offer
    survey = with_plan_offer(db.session(), survey)  # the offer residents saw: the plan's, else the file's
    return publish(survey, registry, config["RESULTS_MIN_CHANGES"] if min_changes is None else min_changes,
                   config["RESULTS_PROTECTION"], config.get("SURVEY_MARGINS", {}).get(survey.slug))
