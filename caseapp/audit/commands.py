"""`flask --app caseapp audit-verify`: check the audit log's hash chain (for operators and a periodic job)."""

import click
from flask.cli import with_appcontext

from caseapp import db
from caseapp.audit.operations import record, verify_chain


@click.command("audit-verify")
@with_appcontext
def audit_verify_command():
    """Walk the audit log's hash chain; name the first broken entry and exit with status 1 if there is one."""
    check = verify_chain()
    click.echo(f"Checked {check.checked} audit entries.")
    if check.broken_id is None:
        click.echo(f"OK: the chain is intact. Last entry: id {check.last_id}, hash {check.last_hash}.")
        outcome = "intact"
    else:
        click.echo(f"BROKEN at entry {check.broken_id}: {check.problem}.")
        outcome = f"broken at entry {check.broken_id}"
    record(None, "view", record_type="audit_chain", detail=f"chain verified: {check.checked} entries, {outcome}")
    db.session().commit()
    if check.broken_id is not None:
        raise click.exceptions.Exit(1)
