"""Stored data: responses, drafts in progress, and staff-set survey state. No IP addresses, ever."""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from .text import Text as Translated, with_translations


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def utcday() -> datetime:
    """Today (UTC) at midnight: the precision of a response's and an invite code's times, so that the order in
    which codes were used, and so which response a code gave, cannot be read from the times."""
    return datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


# How answers came in: online (the resident's form or an API client), or keyed in by staff from a paper form or
# from answers given with help (at the dorpshuis, by phone). See ladder/web/views/entry.py.
CHANNELS = ("form", "api", "paper", "assisted")


class Response(Base):
    """One resident's submitted answers, their placements, and the survey version they answered."""

    __tablename__ = "responses"
    # AUTOINCREMENT: SQLite would otherwise give a withdrawn response's id to the next one (issue 24)
    __table_args__ = (Index("ix_responses_survey_area", "survey_slug", "area"),
                      Index("ix_responses_survey_channel", "survey_slug", "channel"),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_slug: Mapped[str] = mapped_column(String(100))
    survey_version: Mapped[str] = mapped_column(String(40))
    area: Mapped[str | None] = mapped_column(String(100))
    locale: Mapped[str] = mapped_column(String(8), default="nl")
    channel: Mapped[str] = mapped_column(String(10))  # one of CHANNELS
    answers: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    placements: Mapped[list[Any] | None] = mapped_column(JSON)
    advice: Mapped[list[Any] | None] = mapped_column(JSON)
    # placed, or pending when the rung logic raised: ``ladder rescore`` places it later.
    placement_status: Mapped[str] = mapped_column(String(10), default="placed")
    placement_error: Mapped[str | None] = mapped_column(Text)
    receipt_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The day only (midnight UTC): see utcday. Nothing ties a response to the invite code that answered.
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcday)
    # Only rows withdrawn before migration 0003 could have had this; a withdrawal now deletes the row.
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Draft(Base):
    """Answers in progress, found by the resume code (stored hashed); removed when submitted."""

    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    survey_slug: Mapped[str] = mapped_column(String(100))
    survey_version: Mapped[str] = mapped_column(String(40))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    page: Mapped[str | None] = mapped_column(String(100))
    locale: Mapped[str] = mapped_column(String(8), default="nl")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class SubmittedDraft(Base):
    """A draft that was just submitted: a second "send" for the same draft gets the first one's result.

    Keyed by the draft's code hash; the receipt is sealed with the draft code (which only the resident's browser
    holds). Kept a day or two (the day only), then purged."""

    __tablename__ = "submitted_drafts"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    survey_slug: Mapped[str] = mapped_column(String(100))
    response_id: Mapped[int] = mapped_column(Integer)
    sealed_receipt: Mapped[str] = mapped_column(String(64))
    day: Mapped[date] = mapped_column(Date, index=True)


class IdempotencyKey(Base):
    """An API client's Idempotency-Key (HMAC'd with the server's key), the body it came with (HMAC'd too), and
    the answer it got; purged a day after the day it was made (24 to 48 hours)."""

    __tablename__ = "idempotency_keys"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    body_hash: Mapped[str] = mapped_column(String(64))
    response_id: Mapped[int] = mapped_column(Integer, index=True)
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)  # the answer without the receipt
    sealed_receipt: Mapped[str] = mapped_column(String(64))
    # the day only (midnight UTC), as beside every response id: the exact moment would date the response
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcday, index=True)


class WithdrawalCount(Base):
    """How many responses to a survey were withdrawn: a number only, no dates, no areas."""

    __tablename__ = "withdrawal_counts"

    survey_slug: Mapped[str] = mapped_column(String(100), primary_key=True)
    withdrawn: Mapped[int] = mapped_column(Integer, default=0)


class User(Base):
    """A staff account: admin (the whole installation), editor or analyst (one municipality)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    role: Mapped[str] = mapped_column(String(10))
    municipality: Mapped[str | None] = mapped_column(String(100))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # A one-time link to set the password; only the hash is kept, and it expires.
    setup_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    setup_token_expires: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Part of every session's user id: raising it (sign-out, new password, disabled) ends every session.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The second factor's TOTP secret (None: not set up) and the last time step used (each code works once).
    totp_secret: Mapped[str | None] = mapped_column(String(200))  # encrypted: see ladder.mfa.seal
    totp_last_step: Mapped[int | None] = mapped_column(Integer)

    # Flask-Login's user protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version or 0}"


class RecoveryCode(Base):
    """A one-time recovery code for a user's second factor: the hash only; deleted when used."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, index=True)
    code_hash: Mapped[str] = mapped_column(String(64))


class SurveyState(Base):
    """What staff decided about a survey: its lifecycle and the results they report back."""

    __tablename__ = "survey_states"

    slug: Mapped[str] = mapped_column(String(100), primary_key=True)
    status: Mapped[str] = mapped_column(String(10))  # draft, open or closed
    opens_on: Mapped[date | None] = mapped_column(Date)
    closes_on: Mapped[date | None] = mapped_column(Date)
    invite_only: Mapped[bool] = mapped_column(default=False)
    results_published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    results_text: Mapped[str | None] = mapped_column(Text)  # what the municipality will do with the outcome
    # The same text in the survey's other languages, {locale: text}; Dutch stays in results_text (older rows).
    results_text_translations: Mapped[dict[str, str] | None] = mapped_column(JSON)
    next_rung: Mapped[str | None] = mapped_column(String(50))  # how residents will be involved next
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    @property
    def results_text_by_locale(self) -> Translated:
        """The results text in every language it was written in (``tl`` and ``lang_of`` read it)."""
        return with_translations(self.results_text, self.results_text_translations)


class InviteCode(Base):
    """A single-use code for an invite-only survey; the code itself is never stored, only its HMAC with the
    server's key. Both times are the day only, so no order of use can be read from this table."""

    __tablename__ = "invite_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_slug: Mapped[str] = mapped_column(String(100), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcday)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # the day, see utcday


class AuditEntry(Base):
    """A staff action: who did what to which survey, and when. No IP addresses."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_email: Mapped[str | None] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(30))
    municipality: Mapped[str | None] = mapped_column(String(100))
    survey_slug: Mapped[str | None] = mapped_column(String(100))
    detail: Mapped[str | None] = mapped_column(Text)
    # Repeated events (failed sign-ins) share one row per day: ``bucket`` names it, ``count`` counts them.
    count: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    bucket: Mapped[str | None] = mapped_column(String(300), unique=True, index=True)


class PendingEntry(Base):
    """A paper or assisted form being keyed in by staff, page by page, until it is stored as a response.

    With double entry the first keyer's answers wait here (``first_answers``) until a second person keys the
    same form; the differences are shown before the response is stored, and then this row is deleted."""

    __tablename__ = "pending_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_slug: Mapped[str] = mapped_column(String(100), index=True)
    channel: Mapped[str] = mapped_column(String(10))  # paper or assisted
    locale: Mapped[str] = mapped_column(String(8), default="nl")  # the language of the paper form
    label: Mapped[str | None] = mapped_column(String(50))  # the number staff wrote on the paper form
    double: Mapped[bool] = mapped_column(default=False)
    stage: Mapped[str] = mapped_column(String(10), default="first")  # first, waiting (for the second), second
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the entry being keyed now
    page: Mapped[str | None] = mapped_column(String(100))
    keyed_by: Mapped[str | None] = mapped_column(String(254))
    first_answers: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    first_by: Mapped[str | None] = mapped_column(String(254))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


# --- report back (issue 12) -----------------------------------------------------------------------------

class ReportBackItem(Base):
    """"You said, we did": what the municipality does with the outcome on one topic or question, and by when.
    Shown on the public results page with the day it was last changed; every change is in the audit log."""

    __tablename__ = "report_back_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_slug: Mapped[str] = mapped_column(String(100), index=True)
    topic: Mapped[str] = mapped_column(String(200))  # a topic in words, or a question's label
    question_id: Mapped[str | None] = mapped_column(String(100))  # the question it answers, if any
    decision: Mapped[str] = mapped_column(Text)  # what the municipality does with it
    # topic and decision in the survey's other languages, {locale: text}; Dutch stays in the columns above.
    topic_translations: Mapped[dict[str, str] | None] = mapped_column(JSON)
    decision_translations: Mapped[dict[str, str] | None] = mapped_column(JSON)
    due_on: Mapped[date | None] = mapped_column(Date)  # by when
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    @property
    def topic_by_locale(self) -> Translated:
        return with_translations(self.topic, self.topic_translations)

    @property
    def decision_by_locale(self) -> Translated:
        return with_translations(self.decision, self.decision_translations)


class ReportBackSettings(Base):
    """When a survey's results will appear, and whether they stay sealed until the survey closes."""

    __tablename__ = "report_back_settings"

    survey_slug: Mapped[str] = mapped_column(String(100), primary_key=True)
    results_expected: Mapped[date | None] = mapped_column(Date)
    sealed_until_closed: Mapped[bool] = mapped_column(default=True)


# --- the publication (issue 19) -------------------------------------------------------------------------

class PublicationRow(Base):
    """One publication moment of a survey's results: the published tables (as ``/r/<slug>.json`` gives them)
    and, for staff only, which responses it counted (to tell how many changed since). ``/r/`` shows the
    latest; it never changes with a new or withdrawn response."""

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_slug: Mapped[str] = mapped_column(String(100), index=True)
    made_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    tables: Mapped[dict[str, Any]] = mapped_column(JSON)
    response_ids: Mapped[list[Any]] = mapped_column(JSON)


class PublicationKey(Base):
    """A survey's secret seed for the record keys of the cell-key method; never published, never changed."""

    __tablename__ = "publication_keys"

    survey_slug: Mapped[str] = mapped_column(String(100), primary_key=True)
    seed: Mapped[str] = mapped_column(String(64))


# --- plans (issue 20) -----------------------------------------------------------------------------------

class Plan(Base):
    """A plan (beleidsvoornemen, project or besluit) of one municipality: what residents get a say in, on which
    rung, and why; with the kennisgeving of Omgevingsbesluit art. 5.3. Staff of the municipality edit it in the
    browser; every change is in the audit log. Read from the database on each request, never cached."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    municipality: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # one of plans.KINDS
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    areas: Mapped[list[Any]] = mapped_column(JSON, default=list)  # area names, as residents know them
    phase: Mapped[str] = mapped_column(String(20))  # one of plans.PHASES
    decider: Mapped[str] = mapped_column(String(30))  # one of plans.DECIDERS
    # The kennisgeving (Omgevingsbesluit art. 5.3): who is involved, the roles of municipality and initiator,
    # where to find information; "about what" is the summary, "when" the dates.
    involved: Mapped[str | None] = mapped_column(Text)
    role_municipality: Mapped[str | None] = mapped_column(Text)
    initiator: Mapped[str | None] = mapped_column(String(200))
    role_initiator: Mapped[str | None] = mapped_column(Text)
    information: Mapped[str | None] = mapped_column(Text)
    how_to_take_part: Mapped[str | None] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(Text)
    starts_on: Mapped[date | None] = mapped_column(Date)  # participation from
    ends_on: Mapped[date | None] = mapped_column(Date)  # participation until
    decision_on: Mapped[date | None] = mapped_column(Date)  # when the decision is expected
    # What was done with the results (Omgevingswet art. 10.2 lid 2: how people were involved and what came of it).
    outcome: Mapped[str | None] = mapped_column(Text)
    # The rung an officials' survey (Rotterdam's participatiekompas) advised, from the official's receipt code,
    # and why the plan offers another rung, if it does.
    compass_rung: Mapped[str | None] = mapped_column(String(50))
    compass_reason: Mapped[str | None] = mapped_column(Text)
    published: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class PlanOffer(Base):
    """The rung a plan offers on one aspect, and why. Position 0 is the plan's main offer."""

    __tablename__ = "plan_offers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(Integer, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    aspect: Mapped[str] = mapped_column(String(200))  # what this part of the plan is, in words
    rung: Mapped[str] = mapped_column(String(50))  # a rung of the participatieladder
    promise: Mapped[str | None] = mapped_column(Text)  # what residents may expect, said to them
    motivation: Mapped[str] = mapped_column(Text)  # why this rung
    why_not_higher: Mapped[str | None] = mapped_column(Text)


class PlanSurvey(Base):
    """A survey belongs to at most one plan: it then takes its offered rung from the plan."""

    __tablename__ = "plan_surveys"

    survey_slug: Mapped[str] = mapped_column(String(100), primary_key=True)
    plan_id: Mapped[int] = mapped_column(Integer, index=True)


# --- surveys made by staff (issue 21) ----------------------------------------------------------------------

class SurveyVersion(Base):
    """One version of a survey made by staff in the browser: the survey file's data as JSON.

    Number 1, 2, ... per slug. A draft version is edited in place; a published one never changes again, and
    the newest published version is the one every server serves from its next request on
    (ladder/stored_surveys.py). A response and a resident's draft record the version they answered
    (``version``, such as ``v2-1a2b3c4d``), so an answer is always read with the questions it was given."""

    __tablename__ = "survey_versions"
    __table_args__ = (UniqueConstraint("slug", "number", name="uq_survey_versions_slug_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), index=True)
    number: Mapped[int] = mapped_column(Integer)
    municipality: Mapped[str] = mapped_column(String(100), index=True)  # for staff scoping without parsing
    status: Mapped[str] = mapped_column(String(10), default="draft")  # draft or published
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)  # the survey file's data; dates as ISO text
    version: Mapped[str | None] = mapped_column(String(40))  # set when published: v<number>-<hash>
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
