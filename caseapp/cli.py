"""Command-line commands: `flask --app caseapp <command>`."""

import os

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select, true

from caseapp import db
from caseapp.accounts.operations import create_user, find_user_by_email, password_problem
from caseapp.audit.commands import audit_verify_command
from caseapp.enums import ORGANISATION_TYPES, ROLES
from caseapp.models import Gemeente, Organisation, User
from caseapp.retention.commands import retention_command


def register_commands(app):
    """Add the commands to `flask --app caseapp`; each runs in an app context (also under the test runner)."""
    app.cli.add_command(create_user_command)
    app.cli.add_command(db_group)
    app.cli.add_command(demo_data_command)
    app.cli.add_command(dev_command)
    app.cli.add_command(deadlines_command)
    app.cli.add_command(retention_command)
    app.cli.add_command(audit_verify_command)


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(list(ROLES)), default="admin", show_default=True)
@click.option("--organisation", "organisation_name", required=True,
              help="Name of the organisation; created (type gemeente unless --organisation-type) if new.")
@click.option("--organisation-type", type=click.Choice(list(ORGANISATION_TYPES)), default="gemeente")
@click.option("--gemeente", "gemeente_names", multiple=True, help="A gemeente the user works for (repeatable).")
@click.password_option(confirmation_prompt=True)
@with_appcontext
def create_user_command(email, name, role, organisation_name, organisation_type, gemeente_names, password):
    """Create a user, e.g. the first admin of a new installation."""
    if problem := password_problem(password, [email, name]):
        raise click.BadParameter(problem, param_hint="password")
    if find_user_by_email(email) is not None:
        raise click.BadParameter(f"a user with e-mail {email} already exists", param_hint="--email")
    session = db.session()
    organisation = session.scalar(select(Organisation).where(Organisation.name == organisation_name))
    if organisation is None:
        organisation = Organisation(name=organisation_name, type=organisation_type)
        session.add(organisation)
    gemeenten = []
    for gemeente_name in gemeente_names:
        gemeente = session.scalar(select(Gemeente).where(Gemeente.name == gemeente_name))
        if gemeente is None:
            gemeente = Gemeente(name=gemeente_name)
            session.add(gemeente)
        gemeenten.append(gemeente)
    user = create_user(None, email=email, name=name, password=password, role=role,
                       organisation=organisation, gemeenten=gemeenten)
    session.commit()
    click.echo(f"Created {role} {user.email} (id {user.id}).")


@click.group("db")
def db_group():
    """Database migrations."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision):
    """Migrate the database up to REVISION (default: the newest)."""
    from caseapp.migrate import upgrade

    with db.engine().begin() as connection:
        upgrade(connection, revision)
    click.echo(f"Database at {revision}.")


@db_group.command("downgrade")
@click.argument("revision")
@with_appcontext
def db_downgrade(revision):
    """Migrate the database down to REVISION ('base' empties it)."""
    from caseapp.migrate import downgrade

    with db.engine().begin() as connection:
        downgrade(connection, revision)
    click.echo(f"Database at {revision}.")


def _has_users():
    return bool(db.session().scalar(select(func.count()).select_from(User)))


def _load_demo_data():
    from caseapp.demo import load_demo_data

    return load_demo_data(db.session())


@click.command("demo-data")
@with_appcontext
def demo_data_command():
    """Fill an empty, migrated database with the synthetic demo region (Hillegom, Lisse, Teylingen)."""
    if _has_users():
        raise click.ClickException("the database already has users; demo data is only loaded into an empty database")
    logins = _load_demo_data()
    click.echo(f"Demo data loaded: {len(logins)} demo users.")
    _echo_demo_logins()


def _echo_demo_logins():
    from caseapp.demo import DEMO_PASSWORD, USERS

    known = set(db.session().scalars(select(User.email)))
    users = [user for user in USERS if user[1] in known]
    if not users:
        return
    click.echo(f"\nDemo logins, all with the password {DEMO_PASSWORD}")
    for role, email, name, organisation, gemeenten in users:
        where = organisation if role == "partner" else ", ".join(gemeenten) or "beheer"
        click.echo(f"  {role:<12} {email:<38} {name} ({where})")


@click.command("dev")
@with_appcontext
def dev_command():
    """Run the app locally: migrate, load demo data into an empty database, serve on 127.0.0.1:5000."""
    from caseapp.migrate import upgrade

    if os.environ.get("CASEAPP_ENV") != "development":
        raise click.UsageError("the dev command runs with CASEAPP_ENV=development (or use bin/serve)")
    app = current_app._get_current_object()
    with db.engine().begin() as connection:
        upgrade(connection)
    click.echo("Database migrated to the newest revision.")
    if _has_users():
        click.echo("The database already has users: demo data not loaded.")
    else:
        _load_demo_data()
        click.echo("Demo data loaded (synthetic region: Hillegom, Lisse, Teylingen; Leiden for imported figures).")
    _echo_demo_logins()
    db.session().close()  # requests use their own sessions; hold no connection open while serving
    click.echo("\nServing on http://127.0.0.1:5000 (Ctrl+C stops)\n")
    # `flask` sets this flag to turn app.run into a no-op; here serving is the point of the command.
    os.environ.pop("FLASK_RUN_FROM_CLI", None)
    app.run(host="127.0.0.1", port=5000, debug=False, use_reloader=False)


@click.command("termijnen")
@click.option("--gemeente", "gemeente_name", help="Only the cases of this gemeente.")
@click.option("--notify", is_flag=True, help="Also remind, once, of what is due within 2 days or overdue.")
@with_appcontext
def deadlines_command(gemeente_name, notify):
    """Print what is overdue and what is due within 7 days, per gemeente and coordinator (for a daily cron job)."""
    from caseapp.audit.operations import record_search, utcnow
    from caseapp.deadlines import operations

    now = utcnow()
    gemeente = None
    if gemeente_name:
        gemeente = operations.find_gemeente(gemeente_name)
        if gemeente is None:
            raise click.BadParameter(f"no gemeente named {gemeente_name}", param_hint="--gemeente")
    criteria = {"gemeente_id": gemeente.id} if gemeente else {}
    overview = operations.overview(true(), now, limit=None, **criteria)
    click.echo(f"Termijnen op {local_time(now)}, {gemeente.name if gemeente else 'alle gemeenten'}")
    for section in overview.sections:
        click.echo(f"\n{section.title}: {section.total}")
        for group in section.groups:
            click.echo(f"  {group.heading}")
            for row in group.rows:
                click.echo("    " + _deadline_line(row))
    if overview.suspended:
        click.echo(f"\n{overview.suspended} termijn(en) van opgeschorte dossiers niet getoond.")
    record_search(None, "deadline", criteria, overview.overdue.total + overview.due_soon.total)
    if notify:
        reminded, notifications = operations.send_reminders(now, **criteria)
        click.echo(f"\nHerinneringen verstuurd: {notifications} notificatie(s) over {reminded} termijn(en).")
    db.session().commit()


def local_time(moment):
    """A naive UTC moment in Dutch local time, as the pages show it."""
    return current_app.jinja_env.filters["tijdstip"](moment)


def _deadline_line(row):
    deadline = row.deadline
    parts = [deadline.case.reference, f"{deadline.label} ({deadline.kind_label.lower()})"]
    if deadline.lapses:
        parts.append("loopt af")
    if deadline.intervention is not None:
        parts.append(deadline.intervention.type_label)
    if deadline.owner_organisation is not None:
        parts.append(f"eigenaar {deadline.owner_organisation.name}")
    parts += [f"uiterlijk {local_time(deadline.due_at)}", row.days_text]
    return " | ".join(parts)
