"""The plugin contract: every hook ladder calls. Each is documented in docs/plugin_hooks.rst.

Registration hooks get ``app`` (the Flask app, or None when the registry is built without one, as
analysis and command-line tools do) and ``config`` (the settings). An implementation may take
any subset of a hook's arguments, or none.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click
    from flask import Blueprint, Flask

    from .analysis.plugin_types import Exporter
    from .ladders import Ladder
    from .models import Response
    from .question_types import QuestionType
    from .analysis.plugin_types import Summary
    from .survey import Survey

hookspec = pluggy.HookspecMarker("ladder")
hookimpl = pluggy.HookimplMarker("ladder")


@hookspec
def config_defaults(app: Flask | None, config: Mapping[str, Any]) -> dict[str, Any]:
    """Return configuration defaults; applied with ``setdefault`` so the instance config wins."""


@hookspec
def register_surveys(app: Flask | None, config: Mapping[str, Any]) -> list[Survey]:
    """Return surveys. A slug registered twice stops start-up with a message naming both plugins."""


@hookspec
def register_ladders(app: Flask | None, config: Mapping[str, Any]) -> list[Ladder]:
    """Return ladders surveys can place residents on. Ladder ids must be unique."""


@hookspec
def register_question_types(app: Flask | None, config: Mapping[str, Any]) -> list[QuestionType]:
    """Return question types. A type name registered twice stops start-up naming both plugins."""


@hookspec
def register_summaries(app: Flask | None, config: Mapping[str, Any]) -> list[Summary]:
    """Return summaries: ``fn(frame, survey) -> DataFrame`` computed from a survey's responses."""


@hookspec
def register_exporters(app: Flask | None, config: Mapping[str, Any]) -> list[Exporter]:
    """Return exporters: a format name and a function that writes a response frame to a file."""


@hookspec
def register_blueprints(app: Flask, config: Mapping[str, Any]) -> list[Blueprint]:
    """Return Flask blueprints with their own routes, templates and static files."""


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add sub-commands to the ``ladder`` command line."""


@hookspec
def response_saved(response: Response, survey: Survey) -> None:
    """Called after a response is committed. A failure is logged; the response is never lost."""
