"""Stored data: responses, drafts in progress, and staff-set survey state. No IP addresses, ever."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Response(Base):
    """One resident's submitted answers, their placements, and the survey version they answered."""

    __tablename__ = "responses"
    __table_args__ = (Index("ix_responses_survey_area", "survey_slug", "area"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_slug: Mapped[str] = mapped_column(String(100), index=True)
    survey_version: Mapped[str] = mapped_column(String(40))
    area: Mapped[str | None] = mapped_column(String(100))
    locale: Mapped[str] = mapped_column(String(8), default="nl")
    channel: Mapped[str] = mapped_column(String(10))  # form or api
    answers: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    placements: Mapped[list[Any] | None] = mapped_column(JSON)
    advice: Mapped[list[Any] | None] = mapped_column(JSON)
    # placed, or pending when the rung logic raised: ``ladder rescore`` places it later.
    placement_status: Mapped[str] = mapped_column(String(10), default="placed")
    placement_error: Mapped[str | None] = mapped_column(Text)
    receipt_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
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
