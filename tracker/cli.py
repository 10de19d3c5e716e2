"""``flask tracker …`` commands. They parse arguments, call services and commit once."""
from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from tracker.errors import DomainError
from tracker.extensions import db

class TrackerGroup(AppGroup):
    """Commands speak the CLI_LANGUAGE (English by default), also in the services' messages."""

    def command(self, *args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], click.Command]:
        wrap = super().command(*args, **kwargs)

        def decorator(f: Callable[..., Any]) -> click.Command:
            @functools.wraps(f)
            def in_cli_language(*a: Any, **kw: Any) -> Any:
                with force_locale(current_app.config.get("CLI_LANGUAGE", "en")):
                    return f(*a, **kw)

            return wrap(in_cli_language)

        return decorator


tracker_cli = TrackerGroup("tracker", help="Aid Tracker administration.")


def _fail(exc: DomainError) -> None:
    db.session.rollback()
    click.echo(f"Error: {exc.message}", err=True)
    for field, messages in exc.errors.items():
        for message in messages:
            click.echo(f"  {field}: {message}", err=True)
    sys.exit(1)


@tracker_cli.command("demo")
@click.option("--password", default=None, help="Password for the demo users (default: the documented one).")
def demo_command(password: str | None) -> None:
    """Load the demo data once (Zhytomyr council, partners, catalogue, rates, one user per role)."""
    from tracker.demo import DEMO_PASSWORD, DEMO_USERS, load_demo

    try:
        created = load_demo(password or DEMO_PASSWORD)
        db.session.commit()
    except DomainError as exc:
        _fail(exc)
    click.echo("Demo data loaded." if created else "Demo data already present; nothing changed.")
    click.echo("Demo logins (password: %s):" % (password or DEMO_PASSWORD))
    for login in DEMO_USERS:
        click.echo(f"  {login.role:<13} {login.email}")


@tracker_cli.command("create-org")
@click.option("--name", required=True, help="Name in Ukrainian.")
@click.option("--edrpou", required=True, help="EDRPOU code (8 digits with a valid check digit).")
@click.option("--name-en", default="", help="Name in English.")
@click.option("--kind", default="council", show_default=True,
              type=click.Choice(["council", "budget_institution", "communal_enterprise", "ngo"]),
              help="Kind of organization.")
def create_org_command(name: str, edrpou: str, name_en: str, kind: str) -> None:
    """Create an organization with the standard catalogue."""
    from tracker.models import OrgKind
    from tracker.orgs.service import OrganizationData, create_organization

    try:
        org = create_organization(OrganizationData(name_uk=name.strip(), edrpou=edrpou.strip(), name_en=name_en,
                                                   kind=OrgKind(kind)))
        db.session.commit()
    except DomainError as exc:
        _fail(exc)
    click.echo(f"Created organization {org.id}: {org.name_uk} ({org.edrpou})")


def _read_password() -> str:
    if sys.stdin is not None and not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@tracker_cli.command("create-user")
@click.argument("email")
@click.option("--org", "edrpou", required=True, help="EDRPOU of the organization the user joins.")
@click.option("--role", required=True, type=click.Choice(["admin", "accountant", "finance_head", "auditor"]),
              help="Role in that organization.")
@click.option("--name", default="", help="Full name.")
def create_user_command(email: str, edrpou: str, role: str, name: str) -> None:
    """Create a user (or add an existing one) with a role; the password comes from stdin or a prompt."""
    from tracker.models import Organization, Role
    from tracker.orgs import service

    org = db.session.scalar(sa.select(Organization).where(Organization.edrpou == edrpou.strip()))
    if org is None:
        click.echo(f"Error: no organization with EDRPOU {edrpou}", err=True)
        sys.exit(1)
    try:
        user = service.user_by_email(email)
        if user is None:
            password = _read_password()
            user = service.create_user(service.UserData(email=email, name=name), password,
                                       min_length=current_app.config["PASSWORD_MIN_LENGTH"], organization_id=org.id)
        service.add_membership(org.id, user, Role(role))
        db.session.commit()
    except DomainError as exc:
        _fail(exc)
    click.echo(f"{user.email} is {role} of {org.name_uk} ({org.edrpou})")


@tracker_cli.command("create-token")
@click.argument("email")
@click.option("--org", "edrpou", default=None, help="EDRPOU of the organization (default: the user's first).")
@click.option("--days", default=None, type=int, help="Days until the token expires (default: API_TOKEN_DAYS).")
@click.option("--name", default="cli", show_default=True, help="A label for the token.")
def create_token_command(email: str, edrpou: str | None, days: int | None, name: str) -> None:
    """Print a new API bearer token for the user (shown once; only its hash is stored)."""
    from tracker.models import Organization
    from tracker.orgs import service

    user = service.user_by_email(email)
    if user is None or not user.memberships:
        click.echo(f"Error: no user {email} with an organization", err=True)
        sys.exit(1)
    if edrpou:
        org = db.session.scalar(sa.select(Organization).where(Organization.edrpou == edrpou.strip()))
        if org is None:
            click.echo(f"Error: no organization with EDRPOU {edrpou}", err=True)
            sys.exit(1)
        org_id = org.id
    else:
        org_id = sorted(m.organization_id for m in user.memberships)[0]
    try:
        _token, raw = service.create_token(user, org_id, days=days or current_app.config["API_TOKEN_DAYS"],
                                           name=name)
        db.session.commit()
    except DomainError as exc:
        _fail(exc)
    click.echo(raw)


@tracker_cli.command("import-rates")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_rates_command(file: Path) -> None:
    """Import NBU rates from the NBU JSON feed format or a date,currency,rate CSV (all or nothing)."""
    from tracker.rates.service import import_rates

    limit = current_app.config["RATES_IMPORT_MAX_BYTES"]
    if file.stat().st_size > limit:
        click.echo(f"Error: {file} is larger than {limit} bytes", err=True)
        sys.exit(1)
    try:
        result = import_rates(file.read_bytes(), None, None)
        db.session.commit()
    except DomainError as exc:
        _fail(exc)
    click.echo(f"{result.rows} rates: {result.created} new, {result.updated} corrected, "
               f"{result.unchanged} unchanged")


@tracker_cli.command("check")
def check_command() -> None:
    """Verify the data (audit chain; the books' checks as they are added); every broken record is
    printed by id, and the exit status is non-zero on any problem."""
    from tracker.checks import run_checks

    total = 0
    for name, problems in run_checks().items():
        click.echo(f"{name}: {'ok' if not problems else f'{len(problems)} problem(s)'}")
        for problem in problems:
            click.echo(f"  {problem}")
        total += len(problems)
    if total:
        click.echo(f"{total} problem(s) found.")
        sys.exit(1)
    click.echo("All checks passed.")


def register_cli(app: Flask) -> None:
    import tracker.reports.cli  # noqa: F401 - registers `flask tracker export`

    app.cli.add_command(tracker_cli)
