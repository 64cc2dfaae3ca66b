"""Command-line commands: `flask --app caseapp <command>`."""

import click
from sqlalchemy import select

from caseapp import db
from caseapp.accounts.operations import create_user, find_user_by_email
from caseapp.enums import ORGANISATION_TYPES, ROLES
from caseapp.models import Gemeente, Organisation


def register_commands(app):
    app.cli.add_command(create_user_command)
    app.cli.add_command(db_group)


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(list(ROLES)), default="admin", show_default=True)
@click.option("--organisation", "organisation_name", required=True,
              help="Name of the organisation; created (type gemeente unless --organisation-type) if new.")
@click.option("--organisation-type", type=click.Choice(list(ORGANISATION_TYPES)), default="gemeente")
@click.option("--gemeente", "gemeente_names", multiple=True, help="A gemeente the user works for (repeatable).")
@click.password_option(confirmation_prompt=True)
def create_user_command(email, name, role, organisation_name, organisation_type, gemeente_names, password):
    """Create a user, e.g. the first admin of a new installation."""
    if not 12 <= len(password) <= 128:
        raise click.BadParameter("use 12 to 128 characters", param_hint="password")
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
def db_upgrade(revision):
    """Migrate the database up to REVISION (default: the newest)."""
    from caseapp.migrate import upgrade

    with db.engine().begin() as connection:
        upgrade(connection, revision)
    click.echo(f"Database at {revision}.")


@db_group.command("downgrade")
@click.argument("revision")
def db_downgrade(revision):
    """Migrate the database down to REVISION ('base' empties it)."""
    from caseapp.migrate import downgrade

    with db.engine().begin() as connection:
        downgrade(connection, revision)
    click.echo(f"Database at {revision}.")
