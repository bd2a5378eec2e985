"""``ladder users``: staff accounts (add, list, disable, enable, reset-password, set-role)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from .. import audit, db
from ..models import User
from ..registry import registry
from .. import accounts


@click.group("users")
def users():
    """Staff accounts."""


@users.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(accounts.ROLES), required=True, help="admin, editor or analyst.")
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
    if "@" not in email or accounts.find_user(email):
        raise click.UsageError(f"{email!r} is not an e-mail address, or it has an account already")
    user = User(email=email.strip(), role=role, municipality=municipality, active=True)
    session = db.session()
    session.add(user)
    if link:
        token = accounts.new_setup_token(user)
        base = current_app.config.get("PUBLIC_URL", "http://127.0.0.1:5000").rstrip("/")
        message = f"Give {email} this link to set a password (valid 48 hours, once): {base}/beheer/wachtwoord#{token}"
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        try:
            accounts.set_password(user, password)
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
    user = accounts.find_user(email)
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
    accounts.end_sessions(user)
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
    from .. import mfa
    user = _existing_user(email)
    user.password_hash = None
    accounts.end_sessions(user)
    token = accounts.new_setup_token(user)
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
@click.argument("role", type=click.Choice(accounts.ROLES))
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
    accounts.end_sessions(user)
    audit.record("user-set-role", detail=f"{user.email}: {before} -> {role} {municipality or ''}".strip(),
                 municipality=municipality)
    db.session().commit()
    click.echo(f"{user.email} is now {role}{' for ' + municipality if municipality else ''}.")
