"""The admin page for the retention periods; the purge itself runs from the command line (cron)."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from caseapp import db
from caseapp.access import role_required
from caseapp.retention import operations
from caseapp.retention.forms import RetentionForm
from caseapp.retention.models import CaseAnonymised

bp = Blueprint("retention", __name__, url_prefix="/beheer/bewaartermijnen")


@bp.route("/", methods=["GET", "POST"])
@role_required("admin")
def periods():
    current = operations.periods()
    form = RetentionForm(data={result: period.years for result, period in current.items()})
    if form.validate_on_submit():
        changed = operations.set_periods(current_user, form.years())
        db.session().commit()
        flash("De bewaartermijnen zijn opgeslagen." if changed else "Er is niets gewijzigd.", "success")
        return redirect(url_for("retention.periods"))
    due = {item.result: item for item in operations.due_for_purge()}
    return render_template("retention/periods.html", form=form, periods=current, due=due,
                           sluiting_years=operations.SLUITING_YEARS, anonymised=operations.anonymised_count())


@bp.app_errorhandler(CaseAnonymised)
def refuse_anonymised(error):
    """A change to an anonymised case (the page offers none; a stale or crafted form): nothing was saved."""
    db.session().rollback()
    return render_template("error.html", code=409, title="Casus geanonimiseerd", text=str(error)), 409
