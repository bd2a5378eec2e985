"""The survey commands: init-db, plugins, surveys, rescore, codes, lint, paper, purge-drafts and purge."""
from __future__ import annotations

import json
from datetime import timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import delete, select

from .. import audit, db, invites
from ..models import Draft, Response, utcnow
from ..placing import rescore
from ..registry import registry
from ..serialize import survey_summary


@click.command("init-db")
@with_appcontext
def init_db():
    """Create or upgrade the database to the newest schema."""
    from ..migrate import upgrade
    url = current_app.config["DATABASE_URL"]
    upgrade(url)
    click.echo(f"Database is up to date: {db.engine().url.render_as_string(hide_password=True)}")


@click.command("plugins")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def plugins(as_json):
    """List plugins with their version, hooks and status; exits 1 when a plugin failed."""
    infos = [info.to_dict() for info in registry().plugins.values()]
    if as_json:
        click.echo(json.dumps({"plugins": infos}, indent=2))
    else:
        for info in infos:
            line = f"{info['name']:<45} {info['version'] or '-':<10} {info['status']}"
            click.echo(line if not info["error"] else f"{line}: {info['error']}")
    failed = [info["name"] for info in infos if info["status"] == "failed"]
    if failed:
        click.echo(f"{len(failed)} plugin(s) failed: {', '.join(failed)}", err=True)
        raise SystemExit(1)


@click.command("surveys")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def surveys(as_json):
    """List the surveys the plugins register."""
    reg = registry()
    items = [{**survey_summary(s), "plugin": reg.owners[("surveys", s.slug)]}
             for s in sorted(reg.surveys.values(), key=lambda s: (s.municipality, s.slug))]
    if as_json:
        click.echo(json.dumps({"surveys": items}, indent=2, ensure_ascii=False))
        return
    for item in items:
        state = "open" if item["open"] else "gesloten"
        click.echo(f"{item['slug']:<40} {item['municipality']:<20} {state:<9} {item['title'].get('nl', '')}")


@click.command("rescore")
@click.argument("slug")
@click.option("--all", "everything", is_flag=True, help="Place every response again, not only pending ones.")
@with_appcontext
def rescore_command(slug, everything):
    """Run the rung logic again for a survey's pending responses."""
    reg = registry()
    survey = reg.survey(slug)
    if survey is None:
        raise click.ClickException(f"no survey {slug!r}; see `ladder surveys`")
    session = db.session()
    query = select(Response).where(Response.survey_slug == slug, Response.withdrawn_at.is_(None))
    if not everything:
        query = query.where(Response.placement_status == "pending")
    placed = still_pending = 0
    for response in session.scalars(query):
        outcome = rescore(survey, response, reg.ladders[survey.ladder])
        if outcome.error:
            still_pending += 1
        else:
            placed += 1
    session.commit()
    click.echo(f"{placed} placed, {still_pending} still pending")
    if still_pending:
        raise SystemExit(1)


@click.command("codes")
@click.argument("slug")
@click.option("--count", type=click.IntRange(1, 100_000), required=True, help="How many single-use codes.")
@click.option("-o", "--output", type=click.File("w"), default="-", help="CSV file (default: standard output).")
@with_appcontext
def codes(slug, count, output):
    """Make single-use invite codes for a survey, as CSV for a mail merge (shown this once only)."""
    survey = registry().survey(slug)
    if survey is None:
        raise click.ClickException(f"no survey {slug!r}; see `ladder surveys`")
    # full links for the letters; without BASE_URL there is no address to put in front, and the officer hears it
    base = (current_app.config.get("BASE_URL") or "").rstrip("/")
    if not base:
        click.echo("Warning: BASE_URL is not set, so the links are relative (/s/...). Set LADDER_BASE_URL to the "
                   "address residents type, e.g. https://inspraak.gemeente.nl.", err=True)
    made = invites.make_codes(survey, count)
    audit.record("codes", survey, f"{count} codes (command line)")
    db.session().commit()
    output.write(invites.codes_csv(survey, made, base))


@click.command("lint")
@click.argument("targets", nargs=-1, metavar="[SLUG|FILE]...")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@click.option("--jargon", "jargon_path", type=click.Path(exists=True, dir_okay=False),
              help="Use this jargon list (TOML, [words] word = plain alternative) instead of ladder's own.")
@with_appcontext
def lint_command(targets, as_json, jargon_path):
    """Check survey texts for their authors: offered rung, translations, sentence length, jargon, headings,
    options. Without SLUG or FILE: every registered survey. Exits 1 when there are errors."""
    from pathlib import Path

    from ..lint import ERROR, Finding, Report, lint, load_jargon, summary
    from ..survey_file import SurveyFileError, load_survey
    reg = registry()
    try:
        jargon = load_jargon(jargon_path) if jargon_path else load_jargon()
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"cannot read the jargon list: {exc}") from None
    reports = []
    for target in targets or sorted(reg.surveys):
        if target in reg.surveys:
            survey = reg.surveys[target]
        elif Path(target).is_file():
            try:
                survey = load_survey(target, question_types=reg.question_types)
            except SurveyFileError as exc:
                reports.append(Report(slug="?", source=target, findings=[Finding(ERROR, "load", exc.key, exc.reason)]))
                continue
        else:
            raise click.ClickException(f"{target!r} is neither a registered survey (see `ladder surveys`) nor a file")
        reports.append(lint(survey, ladders=reg.ladders, jargon=jargon))
    total = summary(reports)
    if as_json:
        click.echo(json.dumps({"summary": total, "surveys": [r.to_dict() for r in reports]}, indent=2,
                              ensure_ascii=False))
    else:
        for r in reports:
            ease = "-" if r.readability is None else f"{r.readability:.0f}"
            click.echo(f"{r.slug} ({r.source}): {len(r.errors)} errors, {len(r.warnings)} warnings; "
                       f"{r.sentences} sentences, {r.average_words:.1f} words on average, longest {r.longest}; "
                       f"reading ease {ease}")
            for f in r.findings:
                click.echo(f"  {f.level}: {f.where}: {f.message} [{f.code}]")
        click.echo(f"{total['surveys']} surveys: {total['errors']} errors, {total['warnings']} warnings")
    if not targets:  # linting everything: the plans in the database too
        from .plans import _plan_warnings
        for plan_id, title, powers in _plan_warnings():
            click.echo(f"plan {plan_id} ({title}): warning: a bestuurscommissie decides it, but it seems to touch "
                       f"{', '.join(powers)} (Gemeentewet art. 156 lid 2) [bestuurscommissie]")
    if total["errors"]:
        raise SystemExit(1)

@click.command("purge-drafts")
@click.option("--days", type=click.IntRange(1), default=None,
              help="Delete drafts not touched for this many days (default: DRAFT_DAYS, 30).")
@with_appcontext
def purge_drafts(days):
    """Delete answers in progress that residents left behind (run daily, e.g. from cron)."""
    days = days or current_app.config.get("DRAFT_DAYS", 30)  # the saved page promises this date
    from ..models import IdempotencyKey, SubmittedDraft, utcday
    from ..submit import MARKER_DAYS
    cutoff = utcnow() - timedelta(days=days)
    session = db.session()
    deleted = session.execute(delete(Draft).where(Draft.updated_at < cutoff)).rowcount
    # the short-lived markers too, also when no resident or client came by to clear them
    session.execute(delete(SubmittedDraft).where(SubmittedDraft.day < utcday().date() - timedelta(days=MARKER_DAYS)))
    session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < utcday() - timedelta(hours=24)))
    session.commit()
    click.echo(f"{deleted} drafts older than {days} days deleted")


@click.command("purge")
@click.option("--months", type=click.IntRange(1), default=None,
              help="Delete the answers of surveys closed longer ago than this (default: RETENTION_MONTHS).")
@click.option("--dry-run", is_flag=True, help="Only say what would be deleted.")
@with_appcontext
def purge_command(months, dry_run):
    """Delete the responses of surveys closed longer ago than the retention period (run daily)."""
    from .. import retention
    months = months or current_app.config["RETENTION_MONTHS"]
    session = db.session()
    found = retention.due(session, registry().surveys.values(), months)
    for item in found:
        if dry_run:
            click.echo(f"{item.slug}: closed {item.closed_on}, {item.responses} responses would be deleted")
            continue
        deleted = retention.purge(session, item.slug)
        audit.record("purge", registry().survey(item.slug), f"{deleted} responses, closed {item.closed_on}")
        session.commit()
        click.echo(f"{item.slug}: closed {item.closed_on}, {deleted} responses deleted")
    if not found:
        click.echo(f"nothing to delete: no survey closed more than {months} months ago holds answers")


@click.command("paper")
@click.argument("slug")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False))
@click.option("--locale", default="nl", show_default=True, help="Language of the printed form: nl, fy or en.")
@click.option("--large-print", is_flag=True, help="Large print (about 16 pt).")
@click.option("--letters", type=int, default=1, show_default=True,
              help="Invite-only surveys: this many letters, each with its own new invite code.")
@with_appcontext
def paper_command(slug, output, locale, large_print, letters):
    """Render the survey as a printable PDF: numbered questions, boxes to tick, skip instructions."""
    from .. import db
    from ..paper import render_pdf
    survey = registry().survey(slug)
    if survey is None:
        raise click.ClickException(f"no survey {slug!r}; see `ladder surveys`")
    if locale not in survey.locales:
        raise click.ClickException(f"{slug} has no texts in {locale!r} (it has {', '.join(survey.locales)})")
    pdf = render_pdf(survey, registry(), locale=locale, large_print=large_print,
                     letters=letters, config=current_app.config)
    db.session().commit()  # the invite codes made for the letters, if any
    with open(output, "wb") as fh:
        fh.write(pdf)
    click.echo(f"{slug} written to {output}", err=True)


COMMANDS = (init_db, plugins, surveys, rescore_command, codes, lint_command, paper_command, purge_drafts,
            purge_command)
