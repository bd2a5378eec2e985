"""``ladder plans``: the plans a municipality offers residents (issue 20)."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from .. import audit, db
from ..registry import registry


def _plan_warnings() -> list[tuple[int, str, list[str]]]:
    """(plan id, title, powers) of each plan a bestuurscommissie decides that seems to touch a power it cannot
    have (Gemeentewet art. 156 lid 2); nothing on a database without tables."""
    from .. import plans
    from ..models import Plan
    session = db.session()
    try:
        found = list(session.scalars(select(Plan).where(Plan.decider == "bestuurscommissie")))
    except DBAPIError:
        session.rollback()
        return []
    out = []
    for plan in found:
        powers = plans.untransferable_powers(plan.decider, [plan.title, plan.summary] +
                                             [o.aspect for o in plans.offers(session, plan.id)])
        if powers:
            out.append((plan.id, plan.title, powers))
    return out


@click.group("plans")
def plans_group():
    """Plans: what the municipality offers residents per plan (issue 20; staff edit them under /beheer/plannen)."""


@plans_group.command("load")
@click.argument("path", required=False, type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def load_plans_command(path):
    """Add the plans of PATH (TOML, see docs/plans.rst), or without PATH the bundled example plans of the five
    municipalities; a plan whose municipality and title are there already is skipped."""
    import tomllib
    from pathlib import Path

    from .. import plans
    source = Path(path) if path else Path(plans.__file__).with_name(plans.EXAMPLES)
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
        added, notes = plans.load_plans(db.session(), registry(), data)
    except (tomllib.TOMLDecodeError, plans.PlanFileError) as exc:
        raise click.ClickException(f"{source}: {exc}") from None
    for plan in added:
        audit.record("plan-add", municipality=plan.municipality, detail=f"plan {plan.id}: {plan.title} (ladder plans load)")
    db.session().commit()
    for note in notes:
        click.echo(f"  {note}")
    click.echo(f"{len(added)} plans added from {source.name}")
