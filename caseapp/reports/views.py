from flask import Blueprint, render_template, request
from flask_login import current_user

from caseapp import db
from caseapp.access import role_required
from caseapp.audit.operations import record
from caseapp.reports import operations
from caseapp.reports.forms import OverviewFilterForm

bp = Blueprint("reports", __name__, url_prefix="/overzicht")


@bp.route("/")
@role_required("analyst")
def overview():
    form = OverviewFilterForm(request.args, gemeenten=current_user.gemeenten)
    counts = {}
    if form.validate():
        criteria = form.criteria()
        years = operations.report_years()
        counts = {
            "years": years,
            "opened": operations.cases_opened_per_type_and_year(current_user, years, **criteria),
            "open_now": operations.open_cases_per_gemeente_and_status(current_user, criteria.get("gemeente_id")),
        }
    asked = ", ".join(f"{name}={value}" for name, value in request.args.items())
    record(current_user, "view", record_type="report", detail=f"overzicht; {asked or 'geen filter'}")
    db.session().commit()
    return render_template("reports/overview.html", form=form, **counts)
