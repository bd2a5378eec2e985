"""Surveys made by staff in the browser: versions in the database, served by every server from its next request on.

Each survey has versions 1, 2, ... (``SurveyVersion`` rows). One draft version at a time is edited in place;
publishing makes it immutable, and the newest published version is the survey residents answer. Like the
lifecycle state (lifecycle.py), which versions are published is read from the database on every request, never
kept in memory between requests, so with several workers or servers a version published on one is served by
all from their next request on, without a restart or a file copy. What *is* kept in memory is the Survey built
from a published row, by row id: that row never changes again.

Plugin surveys stay code; ``with_stored(registry)`` lists these beside them (a plugin's survey keeps its slug).
"""
from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from typing import Any

from flask import has_request_context, request
from sqlalchemy import select
from sqlalchemy.exc import OperationalError, ProgrammingError

from . import db
from .models import SurveyVersion, utcnow
from .plugins import Registry, check_survey
from .survey import Survey
from .survey_data import from_json, survey_from_data, to_json
from .survey_file import SurveyFileError

log = logging.getLogger(__name__)

DRAFT, PUBLISHED = "draft", "published"
OWNER = "database"  # who registered a stored survey, where ``ladder plugins`` names the plugin


class VersionError(ValueError):
    """A change the versions do not allow (editing a published version, a second draft); nothing changed."""


# --------------------------------------------------------------------------------------------- reading
# (database, published row id) -> its survey (None: it no longer builds here); the database is part of the key
# because one process may serve several apps (and the tests make many), each with its own row 1.
_BUILT: dict[tuple[str, int], Survey | None] = {}
_BUILT_MAX = 1000
_MEMO = "ladder.stored_surveys"


def rung_functions(registry: Registry) -> dict[str, Survey]:
    """The rung functions a staff-made survey may name: each plugin survey's own ``place``, by its slug."""
    return {slug: s for slug, s in registry.surveys.items()
            if s.place is not None and registry.owners.get(("surveys", slug), OWNER) != OWNER}


def build(registry: Registry, slug: str, number: int, definition: Mapping[str, Any]) -> Survey:
    """The survey in ``definition``, checked like a survey file and against the registry; SurveyFileError if not."""
    source = f"{slug} versie {number}"
    data = from_json(definition)
    if data.get("slug") != slug:
        raise SurveyFileError(source, "slug", f"must stay {slug!r}")
    survey = survey_from_data(data, source=source, question_types=registry.question_types,
                              rung_functions=rung_functions(registry))
    # the definition with its placement: a new placement table is a new version too
    survey = dataclasses.replace(survey, version_number=number, definition=data)
    problem = check_survey(survey, registry)
    if problem:
        raise SurveyFileError(source, "-", problem)
    return survey


def _built(registry: Registry, row_id: int) -> Survey | None:
    key = (str(db.engine().url), row_id)
    if key not in _BUILT:
        row = db.session().get(SurveyVersion, row_id)
        try:
            _BUILT[key] = build(registry, row.slug, row.number, row.definition)
        except SurveyFileError as exc:  # e.g. a plugin's question type it uses is no longer installed
            log.error("stored survey %s version %s left out: %s", row.slug, row.number, exc)
            _BUILT[key] = None
        if len(_BUILT) > _BUILT_MAX:
            _BUILT.pop(next(iter(_BUILT)))
    return _BUILT[key]


_CURRENT = select(SurveyVersion.id, SurveyVersion.slug, SurveyVersion.number).where(SurveyVersion.status == PUBLISHED)


def published(registry: Registry) -> dict[str, Survey]:
    """The newest published version of every stored survey, as the database has it at the start of this request.

    ``registry`` is the plugins' own (its surveys are code). One small query per request; a plugin survey
    with the same slug wins (creating one is refused, see ``create``)."""
    memo = request.environ if has_request_context() else {}
    if _MEMO in memo:
        return memo[_MEMO]
    newest: dict[str, tuple[int, int]] = {}
    try:
        for row_id, slug, number in db.session().execute(_CURRENT):
            if slug not in newest or number > newest[slug][1]:
                newest[slug] = (row_id, number)
    except (OperationalError, ProgrammingError):  # a database not yet migrated: plugin surveys only
        db.session().rollback()
        log.warning("no survey_versions table: run `ladder db upgrade`")
    found = {}
    for slug, (row_id, _number) in sorted(newest.items()):
        survey = _built(registry, row_id)
        if survey is not None and slug not in registry.surveys:
            found[slug] = survey
    memo[_MEMO] = found
    return found


def with_stored(registry: Registry) -> Registry:
    """The registry with the published stored surveys beside the plugin surveys, for this request."""
    stored = published(registry)
    if not stored:
        return registry
    return dataclasses.replace(registry, surveys={**registry.surveys, **stored},
                               owners={**registry.owners, **{("surveys", slug): OWNER for slug in stored}})


def answered_version(registry: Registry, survey: Survey, version: str) -> Survey:
    """The version ``version`` of stored survey ``survey`` (a resident's draft keeps the version it began on),
    or ``survey`` itself when that is the one, or when it is not a stored version."""
    if survey.version == version or survey.version_number is None:
        return survey
    row_id = db.session().scalar(select(SurveyVersion.id).where(
        SurveyVersion.slug == survey.slug, SurveyVersion.version == version, SurveyVersion.status == PUBLISHED))
    return (_built(registry, row_id) if row_id is not None else None) or survey


# --------------------------------------------------------------------------------------------- changing
def versions(slug: str) -> list[SurveyVersion]:
    """Every version of ``slug``, newest first."""
    return list(db.session().scalars(select(SurveyVersion).where(SurveyVersion.slug == slug)
                                     .order_by(SurveyVersion.number.desc())))


def stored_slugs(municipality: str | None = None) -> list[str]:
    """The slugs of the stored surveys (of ``municipality``, or all), in name order."""
    query = select(SurveyVersion.slug).distinct().order_by(SurveyVersion.slug)
    if municipality is not None:
        query = query.where(SurveyVersion.municipality == municipality)
    return list(db.session().scalars(query))


def create(registry: Registry, definition: Mapping[str, Any]) -> SurveyVersion:
    """Version 1 of a new survey, as a draft; the slug must be new to plugins and the database alike."""
    slug = definition.get("slug")
    if slug in registry.surveys or db.session().scalar(select(SurveyVersion.id).where(SurveyVersion.slug == slug)):
        raise VersionError(f"there is already a survey {slug!r}")
    row = SurveyVersion(slug=slug, number=1, municipality=definition.get("municipality"), status=DRAFT,
                        definition=to_json(definition))
    db.session().add(row)
    return row


def save(row: SurveyVersion, definition: Mapping[str, Any]) -> None:
    """Replace a draft's definition; a published version never changes."""
    if row.status != DRAFT:
        raise VersionError(f"version {row.number} of {row.slug!r} is published and cannot change: make a new version")
    if definition.get("slug") != row.slug or definition.get("municipality") != row.municipality:
        raise VersionError("the slug and municipality of a survey cannot change")
    row.definition = to_json(definition)
    row.updated_at = utcnow()


def publish(registry: Registry, row: SurveyVersion) -> Survey:
    """Publish a draft: checked as at start-up, then immutable and served everywhere from the next request on."""
    if row.status != DRAFT:
        raise VersionError(f"version {row.number} of {row.slug!r} is already published")
    survey = build(registry, row.slug, row.number, row.definition)  # SurveyFileError: nothing changes
    row.status, row.version, row.published_at = PUBLISHED, survey.version, utcnow()
    return survey


def new_version(slug: str) -> SurveyVersion:
    """A draft copy of the newest version, numbered one higher; refused while a draft is still open."""
    found = versions(slug)
    if not found:
        raise VersionError(f"no stored survey {slug!r}")
    if found[0].status == DRAFT:
        raise VersionError(f"version {found[0].number} of {slug!r} is still a draft: edit or publish that one")
    newest = found[0]
    row = SurveyVersion(slug=slug, number=newest.number + 1, municipality=newest.municipality, status=DRAFT,
                        definition=dict(newest.definition))
    db.session().add(row)
    return row


def copy_definition(survey: Survey, slug: str, registry: Registry) -> dict[str, Any]:
    """A new survey's data from an existing one (plugin or stored), under ``slug``, as a draft to edit.

    A plugin survey's rung logic is kept by naming its rung function; a stored survey's placement table is
    copied. A plugin survey written in Python alone (no data behind it) cannot be copied: VersionError."""
    if not survey.definition:
        raise VersionError(f"{survey.slug!r} is written in Python only; there is no survey data to copy")
    data = to_json(survey.definition)
    data["slug"] = slug
    data.pop("status", None)
    if "placement" not in data and "rung_function" not in data and survey.slug in rung_functions(registry):
        data["rung_function"] = survey.slug
    return data


def load_stored(database, slug: str, registry: Registry, version: str | None = None) -> Survey:
    """A survey made in the browser, without an app (for analysts): the newest published version of ``slug``,
    or the published ``version`` (such as ``v1-1a2b3c4d``, as responses record it). ``database`` is a URL or
    an engine; ``registry`` is ``load_registry()``'s. LookupError when there is no such published version."""
    from sqlalchemy.orm import Session
    engine = db.make_engine(database) if isinstance(database, str) else database
    query = select(SurveyVersion).where(SurveyVersion.slug == slug, SurveyVersion.status == PUBLISHED)
    if version is not None:
        query = query.where(SurveyVersion.version == version)
    with Session(engine) as session:
        row = session.scalars(query.order_by(SurveyVersion.number.desc())).first()
        if row is None:
            raise LookupError(f"no published version {version or ''} of a survey {slug!r} in the database".replace("  ", " "))
        return build(registry, row.slug, row.number, row.definition)
