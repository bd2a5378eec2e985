"""ladder's own commands (init-db, plugins, surveys, rescore, users, codes, purge-drafts), added to the
app's CLI by ``create_app``, then the commands plugins add. The ``ladder`` program is ``ladder.__main__``."""
from __future__ import annotations

import functools
import json
from datetime import timedelta

import click
from flask import current_app
from flask.cli import ScriptInfo, with_appcontext
from sqlalchemy import delete, inspect, select
from sqlalchemy.exc import DBAPIError

from . import audit, db, invites
from .web import auth
from .registry import plugin_registry, registry
from .migrate import upgrade
from .new_plugin import new_plugin
from .models import Draft, Response, User, utcnow
from .placing import rescore
from .serialize import survey_summary


def init_app(app) -> None:
    """Add ladder's commands to the app's CLI, then the commands plugins add."""
    for command in (init_db, plugins, surveys, rescore_command, users, codes, purge_drafts, purge_command,
                    new_plugin, lint_command, plans_group):
        app.cli.add_command(command)
    # a plugin's broken command must not take the CLI down: failures are logged (NOTIFY_HOOKS)
    plugin_registry(app).notify("register_commands", cli=app.cli)
    for command in app.cli.commands.values():
        if command.name != "init-db":
            _say_init_db_first(command)


NO_TABLES = "The database has no tables yet: run `ladder init-db` first."


def _say_init_db_first(command: click.Command) -> None:
    """Make ``command`` (and a group's subcommands) say "run ladder init-db" when it fails on a database
    that has no tables yet, instead of SQLAlchemy's traceback. Other database errors are raised as before."""
    for sub in getattr(command, "commands", {}).values():
        _say_init_db_first(sub)
    callback = command.callback
    if callback is None or getattr(callback, "ladder_init_db_hint", False):
        return

    @functools.wraps(callback)
    def run(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except DBAPIError:
            if has_no_tables():
                raise click.ClickException(NO_TABLES) from None
            raise

    run.ladder_init_db_hint = True
    command.callback = run


def has_no_tables() -> bool:
    """Whether the app's database lacks Alembic's version table (``ladder init-db`` never ran on it)."""
    app = current_app._get_current_object() if current_app else \
        click.get_current_context().ensure_object(ScriptInfo).load_app()
    try:
        return not inspect(db.engine(app)).has_table("alembic_version")
    except DBAPIError:  # the database cannot be reached at all: the original error says more
        return False


@click.command("init-db")
@with_appcontext
def init_db():
    """Create or upgrade the database to the newest schema."""
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


@click.group("users")
def users():
    """Staff accounts."""


@users.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(auth.ROLES), required=True, help="admin, editor or analyst.")
@click.option("--municipality", default=None, help="The municipality an editor or analyst works for.")
@click.option("--link", is_flag=True, help="Print a one-time link to set the password instead of asking for it.")
@with_appcontext
def add_user(email, role, municipality, link):
    """Add a staff account; the password is asked for, or set through a one-time link."""
    known = sorted({s.municipality for s in registry().surveys.values()})
    if role == "admin" and municipality:
        raise click.UsageError("an admin works for the whole installation: leave out --municipality")
    if role != "admin" and municipality not in known:
        raise click.UsageError(f"--municipality must be one of: {', '.join(known)}")
    if "@" not in email or auth.find_user(email):
        raise click.UsageError(f"{email!r} is not an e-mail address, or it has an account already")
    user = User(email=email.strip(), role=role, municipality=municipality, active=True)
    session = db.session()
    session.add(user)
    if link:
        token = auth.new_setup_token(user)
        base = current_app.config.get("PUBLIC_URL", "http://127.0.0.1:5000").rstrip("/")
        message = f"Give {email} this link to set a password (valid 48 hours, once): {base}/beheer/wachtwoord#{token}"
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        try:
            auth.set_password(user, password)
        except ValueError as exc:
            raise click.UsageError(str(exc)) from exc
        message = f"Added {email} ({role})."
    audit.record("user-add", detail=f"{email} {role} {municipality or ''}".strip(), municipality=municipality)
    session.commit()
    click.echo(message)


@users.command("list")
@with_appcontext
def list_users():
    """List staff accounts."""
    for user in db.session().scalars(select(User).order_by(User.email)):
        state = "" if user.password_hash else " (no password yet)"
        state += "" if user.active else " (disabled)"
        state += " (second factor set)" if user.totp_secret else ""
        click.echo(f"{user.email:<40} {user.role:<8} {user.municipality or '-'}{state}")


def _existing_user(email: str) -> User:
    user = auth.find_user(email)
    if user is None:
        raise click.ClickException(f"no account {email!r}; see `ladder users list`")
    return user


@users.command("disable")
@click.argument("email")
@with_appcontext
def disable_user(email):
    """Stop an account from signing in, and end its sessions now."""
    user = _existing_user(email)
    user.active = False
    auth.end_sessions(user)
    audit.record("user-disable", detail=user.email, municipality=user.municipality)
    db.session().commit()
    click.echo(f"{user.email} can no longer sign in; every session of it has ended.")


@users.command("enable")
@click.argument("email")
@with_appcontext
def enable_user(email):
    """Let a disabled account sign in again."""
    user = _existing_user(email)
    user.active = True
    audit.record("user-enable", detail=user.email, municipality=user.municipality)
    db.session().commit()
    click.echo(f"{user.email} can sign in again.")


@users.command("reset-password")
@click.argument("email")
@click.option("--second-factor", is_flag=True, help="Also forget the second factor (a lost phone and recovery "
                                                      "codes): it is set up again at the next sign-in.")
@with_appcontext
def reset_password(email, second_factor):
    """Clear the password, end every session, and print a one-time link to set a new one."""
    from . import mfa
    user = _existing_user(email)
    user.password_hash = None
    auth.end_sessions(user)
    token = auth.new_setup_token(user)
    audit.record("user-reset-password", detail=user.email, municipality=user.municipality)
    if second_factor:
        mfa.reset(user)
        audit.record("user-reset-second-factor", detail=user.email, municipality=user.municipality)
    db.session().commit()
    base = current_app.config.get("PUBLIC_URL", "http://127.0.0.1:5000").rstrip("/")
    click.echo(f"Give {user.email} this link to set a new password (valid 48 hours, once): "
               f"{base}/beheer/wachtwoord#{token}")


@users.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(auth.ROLES))
@click.option("--municipality", default=None, help="The municipality an editor or analyst works for.")
@with_appcontext
def set_role(email, role, municipality):
    """Change an account's role (and municipality); its sessions end, so the new role applies at once."""
    user = _existing_user(email)
    known = sorted({s.municipality for s in registry().surveys.values()})
    if role == "admin" and municipality:
        raise click.UsageError("an admin works for the whole installation: leave out --municipality")
    municipality = None if role == "admin" else (municipality or user.municipality)
    if role != "admin" and municipality not in known:
        raise click.UsageError(f"--municipality must be one of: {', '.join(known)}")
    before = f"{user.role} {user.municipality or ''}".strip()
    user.role, user.municipality = role, municipality
    auth.end_sessions(user)
    audit.record("user-set-role", detail=f"{user.email}: {before} -> {role} {municipality or ''}".strip(),
                 municipality=municipality)
    db.session().commit()
    click.echo(f"{user.email} is now {role}{' for ' + municipality if municipality else ''}.")


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

    from .lint import ERROR, Finding, Report, lint, load_jargon, summary
    from .survey_file import SurveyFileError, load_survey
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
        for plan_id, title, powers in _plan_warnings():
            click.echo(f"plan {plan_id} ({title}): warning: a bestuurscommissie decides it, but it seems to touch "
                       f"{', '.join(powers)} (Gemeentewet art. 156 lid 2) [bestuurscommissie]")
    if total["errors"]:
        raise SystemExit(1)


def _plan_warnings() -> list[tuple[int, str, list[str]]]:
    """(plan id, title, powers) of each plan a bestuurscommissie decides that seems to touch a power it cannot
    have (Gemeentewet art. 156 lid 2); nothing on a database without tables."""
    from . import plans
    from .models import Plan
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

    from . import plans
    source = Path(path) if path else Path(__file__).with_name(plans.EXAMPLES)
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


@click.command("purge-drafts")
@click.option("--days", type=click.IntRange(1), default=None,
              help="Delete drafts not touched for this many days (default: DRAFT_DAYS, 30).")
@with_appcontext
def purge_drafts(days):
    """Delete answers in progress that residents left behind (run daily, e.g. from cron)."""
    days = days or current_app.config.get("DRAFT_DAYS", 30)  # the saved page promises this date
    from .models import IdempotencyKey, SubmittedDraft, utcday
    from .submit import MARKER_DAYS
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
    from . import retention
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
