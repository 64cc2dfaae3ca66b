"""Termijnen: what is overdue or due soon, on a page and for a daily cron job; reminders."""
from flask import Blueprint, render_template, request
from flask_login import current_user

from caseapp import db
from caseapp.access import CASEWORK_ROLES, action_deadline_scope, case_scope, deadline_scope, role_required
from caseapp.audit.operations import record_search, utcnow
from caseapp.deadlines import operations
from caseapp.deadlines.forms import DeadlineFilterForm

bp = Blueprint("deadlines", __name__, url_prefix="/termijnen")


@bp.route("/")
@role_required(*CASEWORK_ROLES)
def index():
    gemeenten, coordinators = operations.filter_choices(case_scope(current_user))
    form = DeadlineFilterForm(request.args, gemeenten=gemeenten, coordinators=coordinators)
    overview = None
    if form.validate():
        criteria = form.criteria()
        overview = operations.overview(deadline_scope(current_user), utcnow(), limit=operations.SECTION_LIMIT,
                                       action_scope=action_deadline_scope(current_user), **criteria)
        record_search(current_user, "deadline", criteria, overview.overdue.total + overview.due_soon.total)
        db.session().commit()
    return render_template("deadlines/index.html", form=form, overview=overview, filtered=bool(request.args))
