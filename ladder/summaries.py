"""Summaries: named functions from a response frame to a table."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .text import Text, text


@dataclass(frozen=True)
class Summary:
    """``fn(frame, survey) -> DataFrame``; ``surveys`` limits it to some slugs (empty: every survey)."""

    name: str
    title: Text
    fn: Callable[[Any, Any], Any]
    surveys: tuple[str, ...] = ()

    def applies_to(self, survey) -> bool:
        return not self.surveys or survey.slug in self.surveys


def make_summary(name: str, title, fn, surveys=()) -> Summary:
    return Summary(name=name, title=text(title), fn=fn, surveys=tuple(surveys))
