"""`flask --app caseapp bewaartermijnen`: list, and with --uitvoeren anonymise, the cases past their period."""

import textwrap

import click
from flask.cli import with_appcontext

from caseapp import db
from caseapp.audit.operations import record_search, today
from caseapp.retention import operations


@click.command("bewaartermijnen")
@click.option("--uitvoeren", "execute", is_flag=True,
              help="Anonymise the listed cases. Without it, a dry run that changes nothing.")
@with_appcontext
def retention_command(execute):
    """List the closed cases past their retention period, per result; anonymise them with --uitvoeren (cron)."""
    day = today()
    due = operations.due_for_purge(day)
    total = sum(item.count for item in due)
    click.echo(f"Bewaartermijnen op {day:%d-%m-%Y}" + ("" if execute else ": proefdraai, er wordt niets gewijzigd"))
    if not due:
        click.echo("Er zijn geen bewaartermijnen ingesteld (Beheer > Bewaartermijnen).")
    for item in due:
        if not item.count:
            click.echo(f"\n{item.label} ({item.years} jaar): geen casussen over de termijn")
            continue
        click.echo(f"\n{item.label} ({item.years} jaar): {_cases(item.count)}, "
                   f"de oudste afgesloten op {item.oldest_closed_on:%d-%m-%Y}")
        ids = ", ".join(str(case_id) for case_id in item.case_ids)
        click.echo(textwrap.fill(ids, width=100, initial_indent="  casus-id's: ", subsequent_indent="    "))
    if not execute:
        record_search(None, "case", {"bewaartermijnen": "proefdraai"}, total)
        db.session().commit()
        click.echo(f"\nTotaal: {_cases(total)} over de bewaartermijn."
                   + (" Anonimiseer ze met --uitvoeren." if total else ""))
        return
    purged = operations.purge(None, day)
    per_result = ", ".join(f"{item.label} {purged.cases[item.result]}" for item in due if item.result in purged.cases)
    click.echo(f"\nGeanonimiseerd: {_cases(purged.total)}" + (f" ({per_result})" if per_result else "")
               + f"; personen verwijderd: {purged.persons_deleted}, behouden omdat ze nog op een andere casus "
                 f"staan: {purged.persons_kept}.")


def _cases(n):
    return f"{n} casus" if n == 1 else f"{n} casussen"
